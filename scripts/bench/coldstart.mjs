// Cold start of the core, in Node, side by side in one run: compiling and instantiating the wasm core, creating
// the Tracker and classifying the first request (what the background does from its start to the first classified
// request), against compiling and instantiating an empty wasm module. Each case in a fresh process, 15 times;
// medians. (The browser's own worker start-up comes on top of both and is the same with or without Whither.)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkg = process.env.WHITHER_PKG ? `${process.env.WHITHER_PKG.replace(/\/$/, '')}/` : `${root}pkg/`;
const EMPTY = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

if (process.argv[2] === '--case') {
  const bytes = readFileSync(`${pkg}whither_bg.wasm`); // read before timing: the browser has it on disk as well
  if (process.argv[3] === 'empty') {
    const t0 = performance.now();
    await WebAssembly.instantiate(await WebAssembly.compile(EMPTY));
    console.log(JSON.stringify({ ms: performance.now() - t0 }));
  } else {
    const t0 = performance.now();
    const core = await import(pathToFileURL(`${pkg}whither.js`).href);
    await core.default({ module_or_path: await WebAssembly.compile(bytes) });
    const t1 = performance.now();
    const tracker = new core.Tracker();
    tracker.event(1, { stage: 'before', requestId: '1', url: 'https://www.example.com/', type: 'main_frame',
      method: 'GET' });
    tracker.event(1, { stage: 'before', requestId: '2', url: 'https://www.google-analytics.com/g/collect',
      type: 'ping', method: 'POST' });
    const t2 = performance.now();
    if (tracker.summary(1)?.companies !== 1) throw new Error('the first request was not classified');
    console.log(JSON.stringify({ ms: t2 - t0, instantiate: t1 - t0, first: t2 - t1 }));
  }
  process.exit(0);
}

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const run = (/** @type {string} */ which) =>
  JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--case', which], { encoding: 'utf8' }));
/** @type {{empty: number[], core: number[], instantiate: number[], first: number[]}} */
const t = { empty: [], core: [], instantiate: [], first: [] };
for (let i = 0; i < RUNS; i++) { // interleaved
  t.empty.push(run('empty').ms);
  const c = run('core');
  t.core.push(c.ms);
  t.instantiate.push(c.instantiate);
  t.first.push(c.first);
}
const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`cold start, ${RUNS} fresh processes each (target: core start to first classified request <= 20 ms)`);
console.log(`  empty wasm module: compile + instantiate          ${median(t.empty).toFixed(2).padStart(7)} ms`);
console.log(`  Whither: compile + instantiate the core          ${median(t.instantiate).toFixed(2).padStart(7)} ms`);
console.log(`  Whither: Tracker + first two requests classified ${median(t.first).toFixed(2).padStart(7)} ms`);
console.log(`  Whither: start to first classified request       ${median(t.core).toFixed(2).padStart(7)} ms ` +
  `(${(median(t.core) / median(t.empty)).toFixed(0)}x the empty module)`);
