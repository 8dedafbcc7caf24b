// Benchmark of the history at dashboard scale: six months of synthetic browsing (180 days; each day 200 site visits
// out of 5,000 sites, ~25 hosts each out of 4,000 third-party hosts, two thirds of them known to the database) in the
// stored day-chunk format, then, on the real wasm core (pkg/, `make wasm`): loading every day, the dashboard's queries
// and the CSV export. Prints sizes and times, and each query's time as a share of a 100 ms interaction budget.
// Usage: node scripts/bench-history.mjs [days]

import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const root = new URL('../', import.meta.url);
const core = await import(new URL('pkg/whither.js', root).href);
core.initSync({ module: readFileSync(new URL('pkg/whither_bg.wasm', root)) });

const DAYS = Number(process.argv[2] ?? 180);
let seed = 42;
/** mulberry32: a small deterministic PRNG, so that every run measures the same history. */
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = (/** @type {any[]} */ list, skew = 2) => list[Math.floor(random() ** skew * list.length)]; // skewed: popular first

const known = [];
for (const file of readdirSync(new URL('data/entities/', root))) {
  const text = readFileSync(new URL(`data/entities/${file}`, root), 'utf8');
  const block = text.match(/^domains\s*=\s*\[([^\]]*)\]/m)?.[1] ?? '';
  for (const m of block.matchAll(/"([^"]+)"/g)) known.push(m[1]);
}
const thirdParties = Array.from({ length: 4000 }, (_, i) =>
  (i % 3 === 2 ? `cdn${i}.unknown-${i}.example` : `t${i % 7}.${known[(i * 7919) % known.length]}`));
const sites = Array.from({ length: 5000 }, (_, i) => `site${i}.example`);

const chunks = [];
let bytes = 0;
const firstDay = 20_000;
for (let d = 0; d < DAYS; d++) {
  const hosts = new Map();
  const index = (/** @type {string} */ h) => {
    if (!hosts.has(h)) hosts.set(h, hosts.size);
    return hosts.get(h);
  };
  const bySite = new Map();
  for (let v = 0; v < 200; v++) {
    const site = pick(sites, 1.3);
    const entry = bySite.get(site) ?? { visits: 0, flat: new Map() };
    entry.visits++;
    const n = 10 + Math.floor(random() * 30);
    for (let k = 0; k < n; k++) {
      const h = k === 0 ? `www.${site}` : pick(thirdParties);
      const c = entry.flat.get(h) ?? [0, 0];
      c[0] += 1 + Math.floor(random() * 4);
      if (random() < 0.2) c[1]++;
      entry.flat.set(h, c);
    }
    bySite.set(site, entry);
  }
  const chunk = {
    v: 1, day: firstDay + d, hosts: [],
    sites: [...bySite].map(([site, e]) => [index(site), e.visits, [...e.flat].flatMap(([h, c]) => [index(h), c[0], c[1]]), 0, 0]),
  };
  chunk.hosts = [...hosts.keys()];
  const text = JSON.stringify(chunk);
  bytes += text.length;
  chunks.push(text);
}

/** @param {() => unknown} f @param {number} [runs] @returns {number} ms, median */
function time(f, runs = 5) {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

const h = new core.History();
const load = time(() => {
  h.clear();
  for (const c of chunks) h.importDay(c);
}, 3);
const last = firstDay + DAYS - 1;
const rows = [
  ['load every day (importDay × days)', load],
  ['query: whole period, limit 100', time(() => h.query(firstDay, last, '', 100))],
  ['query: last 30 days, limit 100', time(() => h.query(last - 29, last, '', 100))],
  ['query: whole period, search "google"', time(() => h.query(firstDay, last, 'google', 100))],
  ['query: whole period, limit 2000 (JSON export)', time(() => h.query(firstDay, last, '', 2000), 3)],
  ['CSV: whole period', time(() => h.csv(firstDay, last), 3)],
];
const o = h.query(firstDay, last, '', 10);
console.log(`history of ${DAYS} days: ${(bytes / 1e6).toFixed(2)} MB stored (${(bytes / DAYS / 1e3).toFixed(1)} kB/day), `
  + `${o.totals.sites} sites, ${o.totals.visits} visits, ${o.totals.requests} requests, ${o.totals.companies} companies, `
  + `${o.totals.jurisdictions} jurisdictions`);
for (const [what, ms] of rows) {
  console.log(`${String(what).padEnd(48)} ${ms.toFixed(1).padStart(8)} ms  ${(Number(ms) / 100).toFixed(2)}× a 100 ms budget`);
}
