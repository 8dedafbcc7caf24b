// The background's memory after 1,000 page visits across 50 tabs (issue 15): the real background module
// (extension/background.js with the shipped wasm of pkg/) in Node on a fake browser API (scripts/lib/fake-browser.mjs),
// fed the events of a deterministic page-load sample (event-sample.mjs: 50 tabs, 1,000 page loads of 20–180 requests
// each, hosts from the prevalence table, redirects, cache loads, failures) through its own webRequest listeners.
// Printed: the JS heap (V8's used heap and its ArrayBuffers after a full GC, as in Chrome's worker: the same engine) and the wasm linear
// memory, after start-up and after the visits, and what the background keeps in storage (the tabs' state in
// storage.session, the history in storage.local). Needs `make build` (pkg/) and ../shared's prevalence table (no
// silent fallback to a small host list). Run: node scripts/bench/background-memory.mjs (it re-runs itself with
// --expose-gc).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eventSample } from './event-sample.mjs';
import { sampleSource } from './sample.mjs';
import { ask, fire, installFakeBrowser } from '../lib/fake-browser.mjs';

const TABS = Number(process.env.TABS ?? 50);
const PAGES = Number(process.env.PAGES ?? 1_000);

if (typeof globalThis.gc !== 'function') {
  execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(0);
}
const gc = /** @type {() => void} */ (globalThis.gc);
const source = sampleSource({ required: true });

/** The instances the background creates (its core; the IP table is no wasm). @type {WebAssembly.Memory[]} */
const memories = [];
for (const name of /** @type {const} */ (['instantiate', 'instantiateStreaming'])) {
  const real = /** @type {any} */ (WebAssembly)[name].bind(WebAssembly);
  /** @type {any} */ (WebAssembly)[name] = async (/** @type {any[]} */ ...args) => {
    const result = await real(...args);
    const instance = result instanceof WebAssembly.Instance ? result : result.instance;
    const memory = instance?.exports?.memory;
    if (memory instanceof WebAssembly.Memory) memories.push(memory);
    return result;
  };
}

const chrome = installFakeBrowser();
const sample = eventSample({ tabs: TABS, pages: PAGES });
/** V8's used heap and the ArrayBuffers outside it (the IP table as fetched), after a full GC. */
const heap = () => { gc(); gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const wasmBytes = () => memories.reduce((n, m) => n + m.buffer.byteLength, 0);
/** @param {Map<string, unknown>} store */
const storedBytes = (store) => [...store].reduce((n, [k, v]) => n + k.length + JSON.stringify(v ?? null).length, 0);
const mb = (/** @type {number} */ n) => `${(n / 1e6).toFixed(2)} MB`;

const heapBefore = heap();
await import('../../extension/background.js');
// Started: the core loaded and answering.
await ask(chrome, { type: 'whither:health' });
const started = { heap: heap(), wasm: wasmBytes() };

const t0 = performance.now();
for (const e of sample.events) fire(chrome, e.name, e.details);
// Every tab answered: the events were all handled (the background works through them in order).
for (let tab = 1; tab <= TABS; tab++) await ask(chrome, { type: 'whither:report', tabId: tab });
const fed = performance.now() - t0;
// The background stores tabs and history a moment after their changes (extension/state.js, recorder.js): wait
// until its stores stop changing.
let last = -1;
for (let i = 0; i < 50; i++) {
  await new Promise((r) => setTimeout(r, 200));
  const now = storedBytes(chrome.storage.session.store) + storedBytes(chrome.storage.local.store);
  if (now === last) break;
  last = now;
}
const after = { heap: heap(), wasm: wasmBytes() };

console.log(`background memory, Node ${process.version} (V8 ${process.versions.v8}), the real background module on a ` +
  `fake browser API; host sample: ${source}`);
console.log(`  ${sample.pages} page visits across ${sample.tabs} tabs, ${sample.requests} requests to ${sample.hosts} ` +
  `hosts, ${sample.events.length} webRequest events, fed in ${(fed / 1000).toFixed(1)} s`);
console.log(`  ${''.padEnd(34)} ${'JS heap'.padStart(10)} ${'wasm memory'.padStart(12)} ${'sum'.padStart(10)}`);
const line = (/** @type {string} */ what, /** @type {number} */ h, /** @type {number} */ w) =>
  console.log(`  ${what.padEnd(34)} ${mb(h).padStart(10)} ${mb(w).padStart(12)} ${mb(h + w).padStart(10)}`);
line('started (core loaded, no visit)', started.heap - heapBefore, started.wasm);
line(`after ${sample.pages} visits`, after.heap - heapBefore, after.wasm);
line('growth by the visits', after.heap - started.heap, after.wasm - started.wasm);
console.log(`  stored: tabs' state (storage.session) ${mb(storedBytes(chrome.storage.session.store))}, history and ` +
  `settings (storage.local) ${mb(storedBytes(chrome.storage.local.store))}`);
console.log('  (the JS heap excludes what Node itself had before the background was imported; the wasm memory is ' +
  'its linear memory, which never shrinks)');
