// Whither's history worker: holds the core's History (src/history.rs) for the dashboard and the options page, so
// that loading months of history, queries and exports never block the page. Messages (each answered with the same
// `id`): {id, type: "add", chunks: string[]} → {days, skipped} (stored days added to those loaded, each chunk
// replacing its day); {id, type: "query", from, to, search, limit, watchlist} → {overview, dates (from..to), watched
// (the overview's jurisdictions on the watchlist)}; {id, type: "csv" | "json", from, to} → {text}. The page reads storage (workers have no extension API) and sends only the days it needs.

import init, { History, dayString, watched } from '../pkg/whither.js';

/** Day labels answered with a query at most (the chart shows 400 days at most). */
const MAX_DATES = 4000;

const ready = init({ module_or_path: new URL('../pkg/whither_bg.wasm', import.meta.url) });
/** @type {History | null} */
let history = null;

/**
 * @param {any} m
 * @returns {Promise<Record<string, unknown>>}
 */
async function handle(m) {
  await ready;
  history ??= new History();
  if (m.type === 'add') {
    let skipped = 0;
    const encoder = new TextEncoder();
    for (const chunk of Array.isArray(m.chunks) ? m.chunks : []) {
      try {
        if (typeof chunk !== 'string') throw new Error('not a string');
        history.importDayBytes(encoder.encode(chunk));
      } catch (error) {
        skipped++;
        console.error('whither: history chunk', error);
      }
    }
    return { days: Array.from(history.days()), skipped };
  }
  const from = Number(m.from) >>> 0;
  const to = Number(m.to) >>> 0;
  if (m.type === 'query') {
    const overview = history.query(from, to, String(m.search ?? ''), Number(m.limit) >>> 0);
    // The page draws without a core of its own: the days' dates and which jurisdictions are watched come along.
    const dates = [];
    for (let day = from; day <= to && dates.length < MAX_DATES; day++) dates.push(dayString(day));
    const watchlist = Array.isArray(m.watchlist) ? m.watchlist.filter((w) => typeof w === 'string') : [];
    const codes = new Set([
      ...overview.jurisdictions.map((/** @type {any} */ j) => j.country),
      ...overview.companies.map((/** @type {any} */ c) => c.jurisdiction),
      ...overview.sites.flatMap((/** @type {any} */ s) => s.jurisdictions),
      ...overview.flows.map((/** @type {any} */ f) => f.jurisdiction),
    ]);
    return {
      overview,
      dates,
      watched: watchlist.length ? [...codes].filter((code) => watched(watchlist, code)) : [],
    };
  }
  if (m.type === 'csv') return { text: history.csv(from, to) };
  if (m.type === 'json') {
    return {
      text: JSON.stringify({
        schema: 1,
        kind: 'whither-history',
        from: dayString(from),
        to: dayString(to),
        overview: history.query(from, to, '', 2000),
      }, null, 2),
    };
  }
  throw new Error(`unknown request ${m.type}`);
}

self.addEventListener('message', (/** @type {MessageEvent} */ event) => {
  const m = event.data ?? {};
  handle(m).then(
    (result) => self.postMessage({ id: m.id, ...result }),
    (error) => self.postMessage({ id: m.id, error: String(error?.message ?? error) }),
  );
});
