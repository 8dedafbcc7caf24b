// Benchmark of the history at dashboard scale: six months of synthetic browsing (scripts/bench/history-sample.mjs:
// 180 days of 200 visits out of 5,000 sites, ~25 hosts each out of 4,000 third-party hosts, two thirds of them known
// to the database), recorded through the core's Tracker and History and stored with its `exportDay`; then, on the
// real wasm modules (pkg/, `make wasm`; the pages' module, as the dashboard's worker): loading every day (as the dashboard's worker does: `importDayBytes`), the
// dashboard's queries and the CSV export. Prints sizes and times, and each query's time as a share of a 100 ms
// interaction budget. The dashboard in the browser: scripts/bench/dashboard.mjs.
// Usage: node scripts/bench-history.mjs [days]

import { readFileSync } from 'node:fs';
import { medianTime } from './lib/bench.mjs';
import { syntheticHistory } from './bench/history-sample.mjs';

const root = new URL('../', import.meta.url);
const core = await import(new URL('pkg/whither.js', root).href);
core.initSync({ module: readFileSync(new URL('pkg/whither_bg.wasm', root)) });
// The dashboard's worker reads the history with the pages' module (its History has the views and exports).
const pages = await import(new URL('pkg/whither_pages.js', root).href);
pages.initSync({ module: readFileSync(new URL('pkg/whither_pages_bg.wasm', root)) });

const DAYS = Number(process.argv[2] ?? 180);
const firstDay = 20_000;
const sample = syntheticHistory(core, { days: DAYS, sites: 5000, firstDay });
const chunks = [...sample.chunks.values()];
const bytes = sample.bytes;
const encoder = new TextEncoder();

const time = medianTime;

/** @type {any} */
let h = null;
const load = time(() => {
  h?.free();
  h = new pages.History();
  for (const c of chunks) h.importDayBytes(encoder.encode(c));
}, 3);
const reload = time(() => {
  for (const c of chunks) h.importDayBytes(encoder.encode(c));
}, 3);
const last = firstDay + DAYS - 1;
const rows = [
  ['load every day (importDayBytes × days)', load],
  ['load every day again (names known)', reload],
  ['view: whole period, limit 100', time(() => h.view(firstDay, last, '', 100, []))],
  ['view: last 30 days, limit 100', time(() => h.view(last - 29, last, '', 100, []))],
  ['view: whole period, search "google"', time(() => h.view(firstDay, last, 'google', 100, []))],
  ['JSON export: whole period, every row', time(() => h.exportJson(firstDay, last), 3)],
  ['CSV export: whole period', time(() => h.exportCsv(firstDay, last), 3)],
];
const o = h.view(firstDay, last, '', 10, []).overview;
console.log(`history of ${DAYS} days: ${(bytes / 1e6).toFixed(2)} MB of day chunks, uncompressed `
  + `(${(bytes / DAYS / 1e3).toFixed(1)} kB/day), ${o.totals.sites} sites, ${o.totals.visits} visits, ${o.totals.requests} requests, ${o.totals.companies} companies, `
  + `${o.totals.jurisdictions} jurisdictions`);
for (const [what, ms] of rows) {
  console.log(`${String(what).padEnd(48)} ${ms.toFixed(1).padStart(8)} ms  ${(Number(ms) / 100).toFixed(2)}× a 100 ms budget`);
}
