// Synthetic browsing history for the history benchmarks (scripts/bench-history.mjs, scripts/bench/dashboard.mjs),
// recorded the way the extension records it: every visit is a main_frame request followed by its subresource
// requests, fed to the core's Tracker, and its growth recorded by the core's History (`record`), whose `exportDay`
// gives the day chunks (which the recorder stores in storage.local as `history:<day>`, compressed by
// extension/day-codec.js). So the format is whatever the core writes today: it cannot drift from what the recorder
// stores.
//
// The defaults draw six months (180 days) of 200 visits a day to 3,000 sites (popular ones more often), each visit
// requesting 10–40 hosts out of 4,000 third-party hosts (popular ones more often; two thirds of them known to the
// database), 1–4 requests per host, a fifth of them carrying data. Seeded: every run draws the same history.
import { readFileSync, readdirSync } from 'node:fs';
import { rng } from './sample.mjs';

const root = new URL('../../', import.meta.url);

/** Domains listed in the database (data/entities/*.toml), in a stable order. */
function knownDomains() {
  const known = [];
  for (const file of readdirSync(new URL('data/entities/', root)).sort()) {
    const text = readFileSync(new URL(`data/entities/${file}`, root), 'utf8');
    const block = text.match(/^domains\s*=\s*\[([^\]]*)\]/m)?.[1] ?? '';
    for (const m of block.matchAll(/"([^"]+)"/g)) known.push(m[1]);
  }
  return known;
}

/**
 * @param {any} core the initialised wasm module (pkg/whither.js)
 * @param {{days?: number, sites?: number, visitsPerDay?: number, thirdParties?: number, firstDay?: number,
 *   seed?: number}} [options] firstDay: the day number of the first day (days since 1970-01-01)
 * @returns {{chunks: Map<number, string>, bytes: number, visits: number, requests: number}} the stored day chunks
 *   by day number, their total length, and what was recorded
 */
export function syntheticHistory(core, options = {}) {
  const { days = 180, sites: siteCount = 3000, visitsPerDay = 200, thirdParties: hostCount = 4000,
    firstDay = 20_000, seed = 42, skew = 2 } = options;
  const random = rng(seed);
  /** @template T @param {T[]} list @param {number} skew @returns {T} popular (early) entries more often */
  const pick = (list, skew = 2) => list[Math.floor(random() ** skew * list.length)];
  const known = knownDomains();
  const thirdParties = Array.from({ length: hostCount }, (_, i) =>
    (i % 3 === 2 ? `cdn${i}.unknown-${i}.example` : `t${i % 7}.${known[(i * 7919) % known.length]}`));
  const sites = Array.from({ length: siteCount }, (_, i) => `site${i}.example`);
  const tracker = new core.Tracker();
  const history = new core.History();
  const chunks = new Map();
  let bytes = 0;
  let visits = 0;
  let requests = 0;
  let id = 0;
  const TAB = 1;
  try {
    for (let d = 0; d < days; d++) {
      const day = firstDay + d;
      for (let v = 0; v < visitsPerDay; v++) {
        const page = `https://www.${pick(sites, 1.3)}/`;
        tracker.event(TAB, { stage: 'before', requestId: String(++id), url: page, type: 'main_frame', method: 'GET' });
        requests++;
        const n = 10 + Math.floor(random() * 30);
        for (let k = 1; k < n; k++) {
          const host = pick(thirdParties, skew);
          const times = 1 + Math.floor(random() * 4);
          for (let r = 0; r < times; r++) {
            const post = random() < 0.2;
            tracker.event(TAB, { stage: 'before', requestId: String(++id), url: `https://${host}/r${id}`,
              type: post ? 'xmlhttprequest' : 'script', method: post ? 'POST' : 'GET' });
            requests++;
          }
        }
        history.record(tracker, TAB, day);
        visits++;
      }
      const text = history.exportDay(day);
      if (typeof text !== 'string') throw new Error(`day ${day} was not recorded`);
      chunks.set(day, text);
      bytes += text.length;
      history.prune(day + 1); // keep the core's memory to one day
    }
  } finally {
    tracker.free();
    history.free();
  }
  return { chunks, bytes, visits, requests };
}
