// The background's work per webRequest event, side by side in one process: a page-load sample of webRequest events
// (event-sample.mjs: several tabs, several stages per request, repeated hosts, redirects, cache hits, errors; hosts
// from sample.mjs's prevalence-weighted sample) fed through exactly the calls the background makes per event
// (extension/state.js `onRequest`: `eventFromDetails(stage, details)`, then `Tracker.event(tabId, event)` of the
// shipped background module, dist/chrome/pkg/whither.js) — against plain JS doing the same job (plain-tracker.mjs:
// tldts, a Map of domain → owner built from data/entities/*.toml, the chain walk, per-tab aggregation in objects,
// each request counted once across its stages). Interleaved rounds; ratios are medians of per-round ratios.
//   cold: a fresh instance per round, its set-up timed (Whither: instantiating the compiled wasm module and a new
//         Tracker; JS: parsing its database's JSON and building its Maps), then the first page load of every tab
//         (what a background restarted after 30 s idle does). Both sides' code is a fresh copy of its module each
//         round (neither runs JIT-warmed code of earlier rounds); the compiled wasm module and tldts are shared.
//   warm: one long-lived instance each, fed the whole sample every round (new request ids each time: new loads).
// The badge's summary and the persisted state are written per burst of events (state.js coalesces them), not per
// event: they are not measured here.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { getDomain } from 'tldts';
import { STAGES, eventFromDetails } from '../../extension/events.js';
import { PKG_DIR, ROOT, coreBytes, median, ratios } from '../lib/bench.mjs';
import { eventSample, renumber } from './event-sample.mjs';
import { readEntities } from './plain-tracker.mjs';
import { sampleSource } from './sample.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const TABS = Number(process.env.BENCH_TABS ?? 6);
const PAGES = Number(process.env.BENCH_PAGES ?? 240);

const source = sampleSource({ required: true }); // fails loudly without ../shared/data/
for (const f of ['whither.js', 'whither_bg.wasm']) {
  if (!existsSync(`${PKG_DIR}${f}`)) throw new Error(`${PKG_DIR}${f} is missing: run \`make build\` first`);
}

const sample = eventSample({ tabs: TABS, pages: PAGES });
const { events } = sample;
/** Each event's stage, as the listener of its webRequest event has it (background.js: one listener per stage). */
const stages = events.map((e) => STAGES[e.name]);
const cold = events.filter((e) => e.page < TABS);
const coldStages = cold.map((e) => STAGES[e.name]);
// The JS implementation's database, as a peer's extension would ship it: one JSON file.
const dataJson = JSON.stringify(readEntities(`${ROOT}data/entities`));
const wasmModule = new WebAssembly.Module(coreBytes(PKG_DIR));
const whitherUrl = pathToFileURL(`${PKG_DIR}whither.js`).href;
const plainUrl = new URL('./plain-tracker.mjs', import.meta.url).href;

/** @param {any} tracker @param {typeof events} evs @param {string[]} sts */
function feedWhither(tracker, evs, sts) {
  let changed = 0;
  for (let i = 0; i < evs.length; i++) {
    const d = evs[i].details;
    if (tracker.event(d.tabId, eventFromDetails(/** @type {any} */ (sts[i]), d))) changed++;
  }
  return changed;
}
/** @param {any} tracker @param {typeof events} evs @param {string[]} sts */
function feedPlain(tracker, evs, sts) {
  let changed = 0;
  for (let i = 0; i < evs.length; i++) {
    const d = evs[i].details;
    if (tracker.event(d.tabId, sts[i], d)) changed++;
  }
  return changed;
}
/** Requests counted in every tab (the two sides must agree). @param {{ summary(tab: number): any }} t */
const counted = (t) => Array.from({ length: TABS }, (_, i) => t.summary(i + 1)?.requests ?? 0)
  .reduce((a, b) => a + b, 0);

let copies = 0;
let base = 0;
const warmCore = await import(`${whitherUrl}?instance=warm`);
warmCore.initSync({ module: wasmModule });
const warmWhither = new warmCore.Tracker();
const warmPlainModule = await import(`${plainUrl}?instance=warm`);
const warmPlain = warmPlainModule.plainTracker(warmPlainModule.plainDatabase(dataJson));
const TLDTS = { allowPrivateDomains: true };

/** @type {Record<string, number[]>} */
const times = { whitherCold: [], plainCold: [], whitherWarm: [], plainWarm: [], tldts: [] };
const check = { cold: [0, 0], warm: [0, 0] };
for (let r = -1; r < ROUNDS; r++) { // round -1 warms up the long-lived instances
  const keep = r >= 0;
  // Cold: a fresh copy of each side's module, imported outside the timer; its set-up and first page loads timed.
  const core = await import(`${whitherUrl}?instance=${copies}`);
  const plain = await import(`${plainUrl}?instance=${copies++}`);
  renumber(events, (base += 1_000_000));
  let t0 = performance.now();
  core.initSync({ module: wasmModule });
  const w = new core.Tracker();
  feedWhither(w, cold, coldStages);
  let t1 = performance.now();
  if (keep) times.whitherCold.push(t1 - t0);
  check.cold[0] = counted(w);
  w.free();
  t0 = performance.now();
  const p = plain.plainTracker(plain.plainDatabase(dataJson));
  feedPlain(p, cold, coldStages);
  t1 = performance.now();
  if (keep) times.plainCold.push(t1 - t0);
  check.cold[1] = counted(p);
  // Warm: the whole sample through the long-lived instances.
  renumber(events, (base += 1_000_000));
  t0 = performance.now();
  feedWhither(warmWhither, events, stages);
  t1 = performance.now();
  if (keep) times.whitherWarm.push(t1 - t0);
  t0 = performance.now();
  feedPlain(warmPlain, events, stages);
  t1 = performance.now();
  if (keep) times.plainWarm.push(t1 - t0);
  t0 = performance.now();
  let domains = 0;
  for (const e of events) if (getDomain(e.details.url, TLDTS)) domains++;
  t1 = performance.now();
  if (keep) times.tldts.push(t1 - t0);
  check.warm = [counted(warmWhither), counted(warmPlain)];
  if (domains === 0) throw new Error('tldts found no domain');
}
if (check.cold[0] !== check.cold[1] || check.warm[0] !== check.warm[1]) {
  throw new Error(`Whither and the JS implementation counted different requests: cold ${check.cold}, warm ${check.warm}`);
}

const perSecond = (/** @type {number} */ n, /** @type {number[]} */ t) => n / (median(t) / 1000);
const fmt = (/** @type {number} */ x) => `${(x / 1000).toFixed(0).padStart(6)} k events/s`;
const ratio = (/** @type {number[]} */ js, /** @type {number[]} */ whither) => median(ratios(js, whither));
const load = loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`per-event throughput: ${events.length} webRequest events of ${sample.requests} requests ` +
  `(${sample.pages} page loads in ${TABS} tabs, ${sample.hosts} distinct hosts); hosts drawn from ${source}; ` +
  `${ROUNDS} interleaved rounds; load average ${load}`);
console.log('  ratio = Whither events/s / plain JS events/s, median of per-round ratios (target >= 1.5x)');
const coldRatio = ratio(times.plainCold, times.whitherCold);
const warmRatio = ratio(times.plainWarm, times.whitherWarm);
console.log(`  cold (fresh instance + set-up, first page load of each tab: ${cold.length} events)`);
console.log(`    whither  eventFromDetails + Tracker.event  ${fmt(perSecond(cold.length, times.whitherCold))}` +
  `  (${median(times.whitherCold).toFixed(1)} ms)   ratio ${coldRatio.toFixed(2)}x`);
console.log(`    plain JS (tldts + Map + objects)         ${fmt(perSecond(cold.length, times.plainCold))}` +
  `  (${median(times.plainCold).toFixed(1)} ms)`);
console.log(`  warm (long-lived instance, the whole sample: ${events.length} events)`);
console.log(`    whither  eventFromDetails + Tracker.event  ${fmt(perSecond(events.length, times.whitherWarm))}` +
  `  (${median(times.whitherWarm).toFixed(1)} ms)   ratio ${warmRatio.toFixed(2)}x`);
console.log(`    plain JS (tldts + Map + objects)         ${fmt(perSecond(events.length, times.plainWarm))}` +
  `  (${median(times.plainWarm).toFixed(1)} ms)`);
console.log(`  reference: tldts.getDomain(url) alone      ${fmt(perSecond(events.length, times.tldts))}` +
  `  (${median(times.tldts).toFixed(1)} ms)   ratio Whither warm / it ` +
  `${ratio(times.tldts, times.whitherWarm).toFixed(2)}x`);
console.log(`  same counts on both sides: ${check.cold[0]} requests cold, ${check.warm[0]} warm (final round)`);
