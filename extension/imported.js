// The person's own imported lists (docs/imported-lists.md): what the options page stores after the core validated a
// file (src/imported/, the pages' module's `importList`), their removal, and the background's lazy loading of them
// into its Tracker (`setImported`) on the first report that needs them and again after every change. The JS holds
// the core's compact stored form as an opaque string: it never reads the lists.

/** Key of the imported lists in storage.local: an array of {@link StoredList}, in the order imported. */
export const IMPORTED_KEY = 'imported-lists';

/** Most lists kept at once (the core's `imported::MAX_LISTS`). */
export const MAX_LISTS = 8;

/** Largest file accepted, in bytes (the core's `imported::MAX_FILE_BYTES`): larger files are not even read. */
export const MAX_FILE_BYTES = 16 << 20;

/**
 * One stored list: the label the options page shows and the core's compact form.
 * @typedef {{id: string, format: string, name: string, licence: string, domains: number, owners: number,
 *   at: number, compact: string}} StoredList
 */

/**
 * What the core's `importList` returns.
 * @typedef {{format: string, name: string, licence: string, domains: number, owners: number, compact: string}} Parsed
 */

/**
 * @typedef {{storage: {local: {get(key: string): Promise<Record<string, unknown>>,
 *   set(items: Record<string, unknown>): Promise<void>}}}} Api
 */

/**
 * The stored lists, whatever storage holds (malformed entries are left out).
 * @param {unknown} value
 * @returns {StoredList[]}
 */
export function normalizeImported(value) {
  if (!Array.isArray(value)) return [];
  return value.filter((l) => l && typeof l === 'object'
    && typeof l.id === 'string' && typeof l.name === 'string' && typeof l.licence === 'string'
    && typeof l.format === 'string' && typeof l.compact === 'string'
    && Number.isFinite(l.domains) && Number.isFinite(l.owners) && Number.isFinite(l.at)).slice(0, MAX_LISTS);
}

/** @param {Api} api @returns {Promise<StoredList[]>} */
export async function loadImported(api) {
  const items = await api.storage.local.get(IMPORTED_KEY);
  return normalizeImported(items?.[IMPORTED_KEY]);
}

/**
 * Validates a file with the core and stores it; a list of the same format and name is replaced. Throws (storing
 * nothing) when the file is too large, the core rejects it, or there are {@link MAX_LISTS} lists already.
 * @param {Api} api
 * @param {{importList(fileName: string, bytes: Uint8Array): Parsed}} core
 * @param {{name: string, size: number, arrayBuffer(): Promise<ArrayBuffer>}} file
 * @param {() => number} [now]
 * @returns {Promise<StoredList>}
 */
export async function importFile(api, core, file, now = Date.now) {
  if (file.size > MAX_FILE_BYTES) throw new Error(`the file is larger than ${MAX_FILE_BYTES >> 20} MB`);
  const parsed = core.importList(file.name, new Uint8Array(await file.arrayBuffer()));
  const lists = await loadImported(api);
  const kept = lists.filter((l) => !(l.format === parsed.format && l.name === parsed.name));
  if (kept.length >= MAX_LISTS) throw new Error(`at most ${MAX_LISTS} lists; remove one first`);
  const at = now();
  /** @type {StoredList} */
  const entry = { id: `${at.toString(36)}-${kept.length}`, format: parsed.format, name: parsed.name,
    licence: parsed.licence, domains: parsed.domains, owners: parsed.owners, at, compact: parsed.compact };
  await api.storage.local.set({ [IMPORTED_KEY]: [...kept, entry] });
  return entry;
}

/**
 * Removes a stored list (the background drops it from the next report on).
 * @param {Api} api @param {string} id
 * @returns {Promise<StoredList[]>} the lists that remain
 */
export async function removeList(api, id) {
  const kept = (await loadImported(api)).filter((l) => l.id !== id);
  await api.storage.local.set({ [IMPORTED_KEY]: kept });
  return kept;
}

/**
 * The background's loader: nothing at start; before a report is built, `ensure` hands the stored lists to the
 * Tracker once (and again after `invalidate`, which storage.onChanged calls, or for a fresh Tracker after a failure
 * of the core). A malformed stored list loads no list and is logged.
 * @param {{api: Api, log?: {error(...args: unknown[]): void}}} options
 */
export function createImportedLoader({ api, log = console }) {
  let version = 0;
  /** @type {WeakMap<object, number>} */
  const loaded = new WeakMap();
  return {
    invalidate() {
      version += 1;
    },
    /** @param {{setImported?: (stored: string[]) => number}} tracker */
    async ensure(tracker) {
      if (!tracker.setImported || loaded.get(tracker) === version) return;
      const want = version;
      /** @type {string[]} */
      let stored = [];
      try {
        stored = (await loadImported(api)).map((l) => l.compact);
      } catch (error) {
        log.error('whither: could not read the imported lists', error);
      }
      try {
        tracker.setImported(stored);
      } catch (error) {
        log.error('whither: a stored imported list is malformed; no list is used', error);
        tracker.setImported([]);
      }
      if (want === version) loaded.set(tracker, want);
    },
  };
}
