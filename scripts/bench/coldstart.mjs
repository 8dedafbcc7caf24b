// Cold start of the core, in Node, side by side in one run: compiling and instantiating the wasm core, creating
// the Tracker and classifying the first request (what the background does from its start to the first classified
// request), against compiling and instantiating an empty wasm module. Each case in a fresh process, 15 times;
// medians. (The browser's own worker start-up comes on top of both and is the same with or without Whither.)
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  CHROME_DIR, GIF, PKG_DIR, chromiumPath, coreBytes, launchChromium, median, missingBuild, startSite, stubExtension,
} from '../lib/bench.mjs';

const EMPTY = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

if (process.argv[2] === '--case') {
  const bytes = coreBytes(); // read before timing: the browser has it on disk as well
  if (process.argv[3] === 'empty') {
    const t0 = performance.now();
    await WebAssembly.instantiate(await WebAssembly.compile(EMPTY));
    console.log(JSON.stringify({ ms: performance.now() - t0 }));
  } else {
    const t0 = performance.now();
    const core = await import(pathToFileURL(`${PKG_DIR}whither.js`).href);
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
console.log(`cold start, ${RUNS} fresh processes each (target: core start to first classified request <= 20 ms)`);
console.log(`  empty wasm module: compile + instantiate          ${median(t.empty).toFixed(2).padStart(7)} ms`);
console.log(`  Whither: compile + instantiate the core          ${median(t.instantiate).toFixed(2).padStart(7)} ms`);
console.log(`  Whither: Tracker + first two requests classified ${median(t.first).toFixed(2).padStart(7)} ms`);
console.log(`  Whither: start to first classified request       ${median(t.core).toFixed(2).padStart(7)} ms ` +
  `(${(median(t.core) / median(t.empty)).toFixed(0)}x the empty module)`);

// In the browser (headless Chromium): the service worker is stopped (CDP), then a page load starts it again; the
// background's own start-up figures (extension/state.js `health.startup`, ms since the worker started) say when the
// first webRequest event arrived and when the core had classified it. Side by side, in a second browser: a stub
// extension whose worker only notes when the first event arrives (the browser's own cost of starting a worker and
// delivering an event), and, in an extension page, compiling an empty wasm module and Whither's.
if (chromiumPath() && !missingBuild([CHROME_DIR]).length) {
  // BASELINE=/other/dist/chrome adds a third arm: another build of Whither (e.g. main's), in the same rounds.
  const baseline = process.env.BASELINE;
  const pages = Array.from({ length: 3 * RUNS }, (_, i) => `www.cold${i}.example`);
  const PAGE = '<!doctype html><meta charset="utf-8"><img src="https://www.google-analytics.com/p.gif" alt="">\n';
  const site = await startSite({
    'www.google-analytics.com/p.gif': GIF, ...Object.fromEntries(pages.map((host) => [`${host}/index.html`, PAGE])),
  }, 'coldstart');
  const server = site.server;
  // The stub: the same webRequest listeners, answering the report and health messages the drivers and this bench send.
  const stub = await stubExtension({ count: true });
  const browsers = {
    whither: await launchChromium({ server }), stub: await launchChromium({ server, extensionDir: stub.dir }),
    ...(baseline ? { baseline: await launchChromium({ server, extensionDir: baseline }) } : {}),
  };
  /** @type {Record<string, number[]>} */
  const b = { whither: [], whitherEvent: [], stub: [], empty: [], module: [], baseline: [] };
  try {
    let n = 0;
    for (let i = 0; i < RUNS; i++) {
      for (const [arm, browser] of Object.entries(browsers)) {
        const host = pages[n++];
        await browser.stopServiceWorker();
        await browser.page.goto(`https://${host}/`, { waitUntil: 'load' });
        const tabId = await browser.tabId(`https://${host}/*`);
        await browser.report(tabId, 2);
        const ext = await browser.extensionPage();
        const r = await ext.evaluate(async ({ empty, compile }) => {
          const health = await chrome.runtime.sendMessage({ type: 'whither:health' });
          if (!compile) return { startup: health.startup, empty: NaN, module: NaN };
          const t0 = performance.now();
          await WebAssembly.instantiate(await WebAssembly.compile(new Uint8Array(empty)));
          const t1 = performance.now();
          const response = await fetch('/pkg/whither_bg.wasm');
          const bytes = response.ok ? await response.arrayBuffer() : null;
          const t2 = performance.now();
          if (bytes) await WebAssembly.compile(bytes);
          return { startup: health.startup, empty: t1 - t0, module: performance.now() - t2 };
        }, { empty: [...EMPTY], compile: arm === 'whither' });
        if (arm === 'stub') {
          b.stub.push(r.startup.firstEvent);
        } else if (arm === 'baseline') {
          b.baseline.push(r.startup.firstApplied);
        } else {
          b.whither.push(r.startup.firstApplied);
          b.whitherEvent.push(r.startup.firstEvent);
          b.empty.push(r.empty);
          b.module.push(r.module);
        }
      }
    }
  } finally {
    await browsers.whither.close();
    await browsers.stub.close();
    await browsers.baseline?.close();
    await site.close();
    await stub.remove();
  }
  console.log(`cold start in headless Chromium, ${RUNS} worker starts each, interleaved (ms since the worker started)`);
  console.log(`  stub worker: first webRequest event arrives             ${median(b.stub).toFixed(2).padStart(7)} ms`);
  console.log(`  Whither: first webRequest event arrives                 ${median(b.whitherEvent).toFixed(2).padStart(7)} ms`);
  console.log(`  Whither: first request classified                       ${median(b.whither).toFixed(2).padStart(7)} ms ` +
    `(${(median(b.whither) / median(b.stub)).toFixed(2)}x the stub's first event; Whither's own start-up ` +
    `${(median(b.whither) - median(b.stub)).toFixed(1)} ms, target <= 20 ms)`);
  if (baseline) {
    console.log(`  BASELINE (${baseline}): first request classified      ${median(b.baseline).toFixed(2).padStart(7)} ms ` +
      `(this build / baseline ${(median(b.whither) / median(b.baseline)).toFixed(2)}x)`);
  }
  console.log(`  in an extension page: compile + instantiate an empty module ${median(b.empty).toFixed(2)} ms, ` +
    `compile Whither's module ${median(b.module).toFixed(2)} ms`);
} else {
  console.log('cold start in the browser: skipped (needs Chromium and `make build`)');
}
