// Per-tab memory: a tab's state after 1,000, 10,000 and 100,000 requests, as bytes serialised (exportTab, what is
// persisted in storage.session) and as wasm memory (linear memory grown by the run, measured in a fresh process per
// case). Requests go to 300 distinct hosts, then to as many distinct hosts as requests (capped by the core's
// MAX_HOSTS): the state must grow with distinct hosts, not with requests. Prints the ratios against the 1,000 case.
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PKG_DIR, coreBytes } from '../lib/bench.mjs';
import { hostSample } from './sample.mjs';

if (process.argv[2] === '--case') {
  const [n, mode] = [Number(process.argv[3]), process.argv[4]];
  const core = await import(pathToFileURL(`${PKG_DIR}whither.js`).href);
  const wasm = core.initSync({ module: coreBytes() });
  const pool = mode === 'fixed' ? hostSample(20_000).slice(0, 300) : hostSample(n);
  const tracker = new core.Tracker();
  tracker.event(1, { stage: 'before', requestId: 'page', url: 'https://www.example.com/', type: 'main_frame',
    method: 'GET' });
  const before = wasm.memory.buffer.byteLength;
  for (let i = 0; i < n; i++) {
    const host = mode === 'fixed' ? pool[i % pool.length] : `h${i}.${pool[i % pool.length]}`;
    tracker.event(1, { stage: 'before', requestId: String(i), url: `https://${host}/r${i}.js`, type: 'script',
      method: 'GET' });
    tracker.event(1, { stage: 'completed', requestId: String(i), url: `https://${host}/r${i}.js`, type: 'script',
      method: 'GET' });
  }
  const exported = tracker.exportTab(1) ?? '';
  const report = tracker.report(1);
  console.log(JSON.stringify({ exported: exported.length, memory: wasm.memory.buffer.byteLength - before,
    hosts: report?.hosts?.length ?? 0, requests: report?.totals?.requests ?? 0 }));
  process.exit(0);
}

const run = (/** @type {number} */ n, /** @type {string} */ mode) =>
  JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--case', String(n), mode],
    { encoding: 'utf8' }));
const kb = (/** @type {number} */ b) => `${(b / 1000).toFixed(1)} KB`.padStart(10);
console.log('per-tab state (exported = bytes persisted; memory = wasm memory grown; ratio vs 1,000 requests)');
for (const mode of ['fixed', 'distinct']) {
  const base = run(1_000, mode);
  for (const n of [1_000, 10_000, 100_000]) {
    const r = n === 1_000 ? base : run(n, mode);
    console.log(`  ${String(n).padStart(7)} requests, ${String(r.hosts).padStart(5)} hosts (${mode.padEnd(8)}) ` +
      `exported ${kb(r.exported)} (${(r.exported / base.exported).toFixed(2)}x)  ` +
      `memory ${kb(r.memory)} (${(r.memory / Math.max(base.memory, 65536)).toFixed(2)}x)  counted ${r.requests}`);
  }
}
