// Whither's history worker: holds the core's History (src/history.rs) for the dashboard and the options page, so
// that loading months of history, queries and exports never block the page. Messages (each answered with the same
// `id`): {id, type: "load", chunks: string[]} → {days, skipped}; {id, type: "query", from, to, search, limit} →
// {overview}; {id, type: "csv" | "json", from, to} → {text}. The page reads storage (workers have no extension API).

import init, { History, dayString } from '../pkg/whither.js';

const ready = init({ module_or_path: new URL('../pkg/whither_bg.wasm', import.meta.url) });
/** @type {History | null} */
let history = null;

/**
 * @param {any} m
 * @returns {Promise<Record<string, unknown>>}
 */
async function handle(m) {
  await ready;
  if (m.type === 'load') {
    history?.free();
    history = new History();
    let skipped = 0;
    for (const chunk of Array.isArray(m.chunks) ? m.chunks : []) {
      try {
        if (typeof chunk !== 'string') throw new Error('not a string');
        history.importDay(chunk);
      } catch (error) {
        skipped++;
        console.error('whither: history chunk', error);
      }
    }
    return { days: Array.from(history.days()), skipped };
  }
  if (!history) throw new Error('history not loaded');
  const from = Number(m.from) >>> 0;
  const to = Number(m.to) >>> 0;
  if (m.type === 'query') {
    return { overview: history.query(from, to, String(m.search ?? ''), Number(m.limit) >>> 0) };
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
