// Whither's history recorder (background side): feeds each tab's visit into the core's History (src/history.rs)
// as it grows, and keeps today's day chunk in storage.local (`history:<day>`, compressed: extension/day-codec.js)
// and the open visits' markers in storage.session. Honours the settings: history off, retention, private windows. It never aggregates anything
// itself: the core does.

import { decodeDay, encodeDay } from './day-codec.js';
import { HISTORY_INDEX_KEY, HISTORY_OPEN_KEY, HISTORY_PREFIX, dayIndex, dayNumber, dayOfKey } from './settings.js';

/** @typedef {import('../pkg/whither.js').Tracker} Recordable the core's Tracker, whose visits are recorded */
/**
 * The settings the recorder honours (docs/settings.md).
 * @typedef {{history: boolean, retentionDays: number, privateWindows: boolean}} RecorderSettings
 */

/**
 * @typedef {object} HistoryLike the part of the wasm `History` used here
 * @property {(tracker: Recordable, tab: number, day: number) => boolean} record
 * @property {(tab: number) => void} closeTab
 * @property {(from: number, to: number) => void} moveTab
 * @property {(day: number) => string | undefined | null} exportDay
 * @property {(bytes: Uint8Array) => number} importDayBytes
 * @property {() => string} exportOpen
 * @property {(text: string) => void} importOpen
 * @property {(firstKept: number) => void} prune
 * @property {() => void} clear
 */

/**
 * @param {object} options
 * @param {typeof chrome} options.api the browser namespace
 * @param {Promise<HistoryLike>} options.ready the core's History once the wasm is initialised
 * @param {() => Promise<RecorderSettings>} options.settings the settings in force, as the core reads them
 *   (extension/blocking.js); asked at start and on {@link settingsChanged}
 * @param {{error: (...a: unknown[]) => void}} [options.log]
 * @param {() => Date} [options.now]
 * @param {number} [options.delayMs] how long a tab's growth is gathered before it is recorded (the core builds the
 *   tab's report for each recording: once per burst of requests, not once per request)
 */
export function createRecorder({ api, ready, settings: readSettings, log = console, now = () => new Date(),
  delayMs = 200 }) {
  /** @type {HistoryLike | null} */
  let history = null;
  /** @type {RecorderSettings | null} */
  let settings = null;
  /** Day numbers whose chunk must be written, and whether the markers must be. */
  const dirty = new Set();
  let openDirty = false;
  /** @type {Promise<void> | null} */
  let writing = null;
  /** Day currently loaded in memory (older days stay in storage only). */
  let loadedDay = -1;
  /** The days stored in storage.local (`history-index`): pruning and clearing never read every key. */
  let index = /** @type {number[]} */ ([]);
  /**
   * Whether a tab is in a private window: Firefox says so in every webRequest event; Chrome does not, so its tabs
   * are looked up once (tabs.get) and their growth is recorded once the answer is there.
   * @type {Map<number, boolean | Promise<boolean>>}
   */
  const incognito = new Map();
  /** Tabs whose growth waits to be recorded, with their tracker and last details. */
  /** @type {Map<number, {tracker: any, details: any}>} */
  const pending = new Map();
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;

  function runPending() {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const tabs = [...pending];
    pending.clear();
    for (const [tabId, { tracker, details }] of tabs) recordNow(tracker, tabId, details);
  }

  /**
   * Records the growth of a tab's visit now.
   * @param {Recordable} tracker @param {number} tabId @param {{incognito?: boolean}} details
   */
  function recordNow(tracker, tabId, details) {
    if (!history || !settings || !settings.history) return;
    if (!settings.privateWindows) {
      if (typeof details?.incognito === 'boolean') incognito.set(tabId, details.incognito);
      const known = incognito.get(tabId);
      if (known === true) return;
      if (known === undefined) {
        const lookup = Promise.resolve(api.tabs?.get?.(tabId)).then((tab) => tab?.incognito === true, () => false);
        incognito.set(tabId, lookup);
        lookup.then((value) => {
          incognito.set(tabId, value);
          recordNow(tracker, tabId, details);
        });
        return;
      }
      if (known !== false) return; // the lookup is still running: it records afterwards
    }
    const day = dayNumber(now());
    if (day !== loadedDay) {
      // A new day: the previous one is complete in storage; start the new one empty.
      history.prune(day);
      loadedDay = day;
    }
    try {
      if (history.record(tracker, tabId, day)) {
        dirty.add(day);
        openDirty = true;
        flush();
      }
    } catch (error) {
      log.error('whither: history record', error);
    }
  }

  const started = (async () => {
    const h = await ready;
    settings = await readSettings();
    const today = dayNumber(now());
    try {
      const key = HISTORY_PREFIX + today;
      const stored = await api.storage.local.get([key, HISTORY_INDEX_KEY]);
      index = dayIndex(stored?.[HISTORY_INDEX_KEY]);
      if (typeof stored?.[key] === 'string') h.importDayBytes(await decodeDay(stored[key]));
      const open = await api.storage.session.get(HISTORY_OPEN_KEY);
      if (typeof open?.[HISTORY_OPEN_KEY] === 'string') h.importOpen(open[HISTORY_OPEN_KEY]);
    } catch (error) {
      log.error('whither: history restore', error);
    }
    loadedDay = today;
    history = h;
    await prune();
  })();
  started.catch((error) => log.error('whither: history', error));

  /** Removes stored days beyond the retention period. */
  async function prune() {
    if (!settings) return;
    const first = dayNumber(now()) - settings.retentionDays + 1;
    const old = index.filter((d) => d < first);
    if (old.length) {
      index = index.filter((d) => d >= first);
      await api.storage.local.set({ [HISTORY_INDEX_KEY]: index });
      await api.storage.local.remove(old.map((d) => HISTORY_PREFIX + d));
    }
    history?.prune(first);
  }

  /**
   * Writes history items; when storage is full (Chrome's storage.local holds 10 MB without `unlimitedStorage`,
   * which Whither does not ask for), the oldest stored days are dropped until the write fits.
   * @param {Record<string, unknown>} items
   */
  async function setWithinQuota(items) {
    for (;;) {
      try {
        await api.storage.local.set(items);
        return;
      } catch (error) {
        const today = dayNumber(now());
        const oldest = index.find((d) => d < today);
        if (oldest === undefined || !/quota|space|storage/i.test(String(/** @type {Error} */ (error)?.message ?? error))) throw error;
        log.error('whither: storage full, dropping the history of day', oldest);
        index = index.filter((d) => d !== oldest);
        if (HISTORY_INDEX_KEY in items) items[HISTORY_INDEX_KEY] = index;
        await api.storage.local.remove(HISTORY_PREFIX + oldest);
        await api.storage.local.set({ [HISTORY_INDEX_KEY]: index });
      }
    }
  }

  function flush() {
    if (writing) return writing;
    writing = (async () => {
      try {
        while (history && (dirty.size || openDirty)) {
          /** @type {Record<string, string>} */
          /** @type {Record<string, unknown>} */
          const items = {};
          const days = [...dirty];
          dirty.clear();
          for (const day of days) {
            const text = history.exportDay(day);
            if (!text) continue;
            items[HISTORY_PREFIX + day] = await encodeDay(text);
            if (!index.includes(day)) {
              index = dayIndex([...index, day]);
              items[HISTORY_INDEX_KEY] = index;
            }
          }
          const open = openDirty ? history.exportOpen() : null;
          openDirty = false;
          if (Object.keys(items).length) await setWithinQuota(items);
          if (open !== null) await api.storage.session.set({ [HISTORY_OPEN_KEY]: open });
        }
      } catch (error) {
        log.error('whither: history write', error);
      } finally {
        writing = null;
      }
    })();
    return writing;
  }

  return {
    started,

    /** The settings changed (the background has read them): apply them (a shorter retention prunes at once). */
    async settingsChanged() {
      settings = await readSettings();
      await started.then(prune).catch((error) => log.error('whither: history prune', error));
    },
    /**
     * Records the growth of a tab's visit (called after the tracker applied an event that changed the tab).
     * @param {Recordable} tracker the core's Tracker
     * @param {number} tabId
     * @param {{incognito?: unknown}} details the webRequest details (Firefox tells whether the tab is private)
     */
    record(tracker, tabId, details) {
      if (settings && !settings.history) return;
      pending.set(tabId, { tracker, details });
      timer ??= setTimeout(runPending, delayMs);
    },
    /**
     * A tab is closing: its last growth is recorded (the tracker still has it), then its open visit forgotten.
     * @param {Recordable} tracker @param {number} tabId
     */
    closeTab(tracker, tabId) {
      const waiting = pending.get(tabId);
      pending.delete(tabId);
      if (waiting) recordNow(tracker, tabId, waiting.details);
      incognito.delete(tabId);
      if (!history) return;
      history.closeTab(tabId);
      openDirty = true;
      flush();
    },
    /**
     * Chrome replaced a tab (prerendering): the visit's record moves to the new id, so it is not counted again.
     * @param {Recordable} tracker @param {number} from @param {number} to
     */
    moveTab(tracker, from, to) {
      const waiting = pending.get(from);
      pending.delete(from);
      if (waiting) recordNow(tracker, from, waiting.details);
      const private_ = incognito.get(from);
      incognito.delete(from);
      if (private_ !== undefined) incognito.set(to, private_);
      if (!history) return;
      history.moveTab(from, to);
      openDirty = true;
      flush();
    },
    /** Drops the whole history, in memory and in storage. */
    async clear() {
      await started;
      pending.clear();
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await flush();
      history?.clear();
      // Every history key, also any the index missed (clearing is rare: reading every key is fine here).
      const all = await api.storage.local.get(null);
      const keys = Object.keys(all ?? {}).filter((k) => dayOfKey(k) !== null);
      index = [];
      await api.storage.local.remove([...keys, HISTORY_INDEX_KEY]);
      await api.storage.session.remove(HISTORY_OPEN_KEY);
    },
    /** Resolves when every pending write has finished. */
    async idle() {
      await started;
      runPending();
      await Promise.all([...incognito.values()].filter((v) => v instanceof Promise));
      await Promise.resolve();
      while (writing) await writing;
    },
  };
}
