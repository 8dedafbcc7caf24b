// Whither's history worker: holds the core's History (src/history/) for the dashboard and the options page, so that
// loading months of history, queries and exports never block the page. Messages (each answered with the same `id`):
// {id, type: "add", chunks: string[]} → {days, skipped} (stored days, as extension/day-codec.js keeps them, added to
// those loaded, each chunk replacing its day); {id, type: "view", from, to, search, limit, watchlist} → the core's
// dashboard view (src/view.rs `DashboardView`: overview, dates, watched jurisdictions, flow diagram);
// {id, type: "csv" | "json", from, to} → {name, text} (src/export.rs); {id, type: "sources", from, to} → {text} (the
// period's companies with their hosts, for the request page: src/request.rs). The page reads storage (workers have no
// extension API) and sends only the days it needs.

import init, { History, historyFileName } from '../pkg/whither_pages.js';
import { decodeDay } from './day-codec.js';

const ready = init({ module_or_path: new URL('../pkg/whither_pages_bg.wasm', import.meta.url) });
/** @type {History | null} */
let history = null;

/**
 * The stored chunks decoded (extension/day-codec.js) into what the core reads.
 * @param {unknown} chunks
 * @returns {Promise<PromiseSettledResult<Uint8Array>[]>}
 */
function decodeAll(chunks) {
  return Promise.allSettled((Array.isArray(chunks) ? chunks : []).map((/** @type {unknown} */ chunk) =>
    (typeof chunk === 'string' ? decodeDay(chunk) : Promise.reject(new Error('not a string')))));
}

/**
 * @param {{type?: unknown, from?: unknown, to?: unknown, search?: unknown, limit?: unknown, watchlist?: unknown, home?: unknown}} m
 *   a message from the page
 * @param {ReturnType<typeof decodeAll> | null} decoding the chunks of an "add" message
 * @returns {Promise<Record<string, unknown>>}
 */
async function handle(m, decoding) {
  await ready;
  history ??= new History();
  if (m.type === 'add') {
    let skipped = 0;
    for (const chunk of await (decoding ?? decodeAll([]))) {
      try {
        if (chunk.status === 'rejected') throw chunk.reason;
        history.importDayBytes(chunk.value);
      } catch (error) {
        skipped++;
        console.error('whither: history chunk', error);
      }
    }
    return { days: Array.from(history.days()), skipped };
  }
  const from = Number(m.from) >>> 0;
  const to = Number(m.to) >>> 0;
  if (m.type === 'view') {
    const watchlist = Array.isArray(m.watchlist) ? m.watchlist.filter((/** @type {unknown} */ w) => typeof w === 'string') : [];
    return history.view(from, to, String(m.search ?? ''), Number(m.limit) >>> 0, watchlist,
      typeof m.home === 'string' ? m.home : undefined);
  }
  if (m.type === 'csv') return { name: historyFileName(from, to), text: history.exportCsv(from, to) };
  if (m.type === 'json') return { name: historyFileName(from, to), text: history.exportJson(from, to) };
  // The period's companies and their hosts, as the sources of data-access requests (extension/request.js).
  if (m.type === 'sources') return { text: history.requestSources(from, to) };
  throw new Error(`unknown request ${m.type}`);
}

/** Messages are handled one after the other, in the order they came. */
let queue = Promise.resolve();

self.addEventListener('message', (/** @type {MessageEvent} */ event) => {
  const m = event.data ?? {};
  // Decoding needs no core: it starts at once, while the core compiles or earlier messages are handled.
  const decoding = m.type === 'add' ? decodeAll(m.chunks) : null;
  queue = queue.then(() => handle(m, decoding)).then(
    (result) => self.postMessage({ id: m.id, ...result }),
    (error) => self.postMessage({ id: m.id, error: String(error?.message ?? error) }),
  );
});
