// Reconciliation of the background's count with the pages' own record of their loads (extension/resources.js), run
// when the background starts: after an abrupt stop it has lost the webRequest events it had not stored yet, and at
// the browser's start it was not listening yet when the first pages loaded (docs/report-format.md, "What is counted";
// src/tracker/recovery.rs counts what is missing, once). Only tabs that were active shortly before the start are read
// (a background Chrome stopped because it was idle for 30 s has lost nothing), or every tab when there is no stored
// state at all (the browser or the extension just started).

/** Prefix of the storage.session key of a tab's last stored change (ms since the epoch), for the start-up check. */
export const ACTIVITY_PREFIX = 'active:';

/**
 * The storage.session key of a tab's last stored change: one key per tab, written with the tab's state in the same
 * `set`, so that (like the state) it has at most one write in flight.
 * @param {number} tabId
 */
export function activityKey(tabId) {
  return `${ACTIVITY_PREFIX}${tabId}`;
}

/**
 * A tab whose last change is younger than this was active when the background stopped: it may have lost events
 * (Chrome stops an idle worker after 30 s, Firefox an idle event page after 30 s).
 */
export const ACTIVE_WINDOW_MS = 30_000;

/**
 * Runs in each frame of a tab (scripting.executeScript, the extension's isolated world): the frame's record, from
 * extension/resources.js when it ran there, else from the page's Resource Timing buffer (a page that loaded before
 * the extension did). Self-contained: it is serialised into the frame.
 * @returns {{document: string | null, entries: [string, string][], at: number}}
 */
export function collect() {
  const g = /** @type {{__whitherRecord?: () => {document: string | null, entries: [string, string][]}}} */ (
    /** @type {unknown} */ (globalThis));
  if (typeof g.__whitherRecord === 'function') return { ...g.__whitherRecord(), at: Date.now() };
  /** @type {[string, string][]} */
  const entries = [];
  for (const entry of performance.getEntriesByType('resource')) {
    const e = /** @type {PerformanceResourceTiming & {deliveryType?: string}} */ (entry);
    if (e.workerStart > 0 || e.deliveryType === 'cache' || (e.transferSize === 0 && e.decodedBodySize > 0)) continue;
    if (/^https?:/.test(e.name)) entries.push([e.name, e.initiatorType]);
  }
  return { document: window === window.top ? location.href : null, entries, at: Date.now() };
}

/**
 * One record of a tab from its frames' results (the top frame's document, every frame's entries).
 * @param {{frameId?: number, result?: unknown}[] | undefined} results
 * @returns {{document: string | null, entries: [string, string][], at: number | null}}
 */
export function mergeRecords(results) {
  /** @type {string | null} */
  let document = null;
  /** @type {[string, string][]} */
  const entries = [];
  /** @type {number | null} the first frame's reading (every frame's loads had ended by its own) */
  let at = null;
  for (const r of results ?? []) {
    const record = /** @type {{document?: unknown, entries?: unknown, at?: unknown} | undefined} */ (r?.result);
    if (!record || typeof record !== 'object') continue;
    if (typeof record.at === 'number' && Number.isFinite(record.at)) at = at === null ? record.at : Math.min(at, record.at);
    if (r.frameId === 0 && typeof record.document === 'string') document = record.document;
    if (!Array.isArray(record.entries)) continue;
    for (const e of record.entries) {
      if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'string') entries.push([e[0], e[1]]);
    }
  }
  return { document, entries, at };
}

/**
 * The tabs to reconcile at the background's start.
 * @param {Record<string, unknown>} stored everything storage.session held at the start
 * @param {number[]} storedTabs tabs with a stored state
 * @param {() => Promise<{id?: number, url?: string}[]>} queryTabs every open tab
 * @param {number} now
 * @returns {Promise<number[]>}
 */
export async function tabsToReconcile(stored, storedTabs, queryTabs, now) {
  const anyActivity = Object.keys(stored).some((k) => k.startsWith(ACTIVITY_PREFIX));
  if (storedTabs.length === 0 && !anyActivity) {
    // A fresh start: every open web page may have loaded before the background listened.
    const tabs = await queryTabs().catch(() => []);
    return tabs.filter((t) => Number.isInteger(t.id) && /^https?:/.test(t.url ?? '')).map((t) => /** @type {number} */ (t.id));
  }
  return storedTabs.filter((id) => {
    const at = Number(stored[activityKey(id)]);
    return Number.isFinite(at) && now - at < ACTIVE_WINDOW_MS;
  });
}
