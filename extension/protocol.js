// The message protocol between Whither's extension pages and its background: every message type (one constant
// each), what a well-formed message of each type carries, which senders are answered, and the storage.session key
// whose changes tell a page that a tab's report changed. Imported by the background and by the pages; it holds no
// state and touches no browser API.

/** Every message the background answers. */
export const MESSAGE = Object.freeze({
  /** `{tabId}` → the tab's report (docs/report-format.md), or null. */
  report: 'whither:report',
  /** `{tabId}` → the popup view as one JSON string (docs/report-format.md, "Popup view"), or null. */
  popup: 'whither:popup',
  /** `{tabId}` → the tab's report as CSV, or null. */
  reportCsv: 'whither:report-csv',
  /** `{tabId}` → the tab's report as pretty-printed JSON, or null. */
  reportJson: 'whither:report-json',
  /** `{}` → the background's health figures (failures of the core, storage quota, start-up times, writes). */
  health: 'whither:health',
  /** `{}` → what the options page offers (JSON: jurisdiction codes, watchlist groups with their members). */
  optionsView: 'whither:options-view',
  /** `{}` → true once the history is cleared in memory and in storage, false on failure. */
  clearHistory: 'whither:clear-history',
  /**
   * `{change: {op, list, text, on, number}}` → `{ok, error?}`: one change of the settings (docs/settings.md,
   * "Changes"), validated by the core, stored under `settings` and its blocking rules installed.
   */
  changeSettings: 'whither:change-settings',
  /** `{}` → `{settings, notices, error, rulesError, applied, installedRules}`: the settings in force, as the options page shows them. */
  settingsState: 'whither:settings-state',
  /** `{tabId, on}` → true: pauses (or resumes) blocking on the tab's site until resumed or the browser restarts. */
  pauseSite: 'whither:pause-site',
  /** `{}` → the IP data's figures `{version, date, source, bytes, …}` (loading the table if needed), or null. */
  ipData: 'whither:ip-data',
});

/** @typedef {typeof MESSAGE[keyof typeof MESSAGE]} MessageType */

/** Message types that name a tab. */
/** @type {Set<string>} */
const TAB_MESSAGES = new Set([MESSAGE.report, MESSAGE.popup, MESSAGE.reportCsv, MESSAGE.reportJson, MESSAGE.pauseSite]);
const TYPES = new Set(Object.values(MESSAGE));

/**
 * @typedef {object} Request a well-formed message
 * @property {MessageType} type
 * @property {number} tabId the tab (-1 for messages without one)
 * @property {boolean} [on] pauseSite: pause (true) or resume
 * @property {SettingsChange} [change] changeSettings: the change
 */

/**
 * @typedef {object} SettingsChange one change of the settings (docs/settings.md, "Changes"; the core checks it)
 * @property {string} op
 * @property {string} list
 * @property {string} text
 * @property {boolean} on
 * @property {number} number
 */

/**
 * The change of a changeSettings message, its fields typed (absent ones empty), or null.
 * @param {unknown} value
 * @returns {SettingsChange | null}
 */
function parseChange(value) {
  if (value === null || typeof value !== 'object') return null;
  const c = /** @type {Record<string, unknown>} */ (value);
  if (typeof c.op !== 'string') return null;
  const str = (/** @type {unknown} */ v) => (typeof v === 'string' ? v : '');
  const number = typeof c.number === 'number' && Number.isInteger(c.number) && c.number >= 0 && c.number < 2 ** 32
    ? c.number : 0;
  return { op: c.op, list: str(c.list), text: str(c.text), on: c.on === true, number };
}

/**
 * The well-formed message in `message`, or null for anything else (unknown types, missing or bad tab ids).
 * @param {unknown} message
 * @returns {Request | null}
 */
export function parseMessage(message) {
  if (message === null || typeof message !== 'object') return null;
  const m = /** @type {{type?: unknown, tabId?: unknown}} */ (message);
  if (typeof m.type !== 'string' || !TYPES.has(/** @type {MessageType} */ (m.type))) return null;
  const type = /** @type {MessageType} */ (m.type);
  if (type === MESSAGE.changeSettings) {
    const change = parseChange(/** @type {{change?: unknown}} */ (m).change);
    return change ? { type, tabId: -1, change } : null;
  }
  if (!TAB_MESSAGES.has(type)) return { type, tabId: -1 };
  const tabId = m.tabId;
  if (!(typeof tabId === 'number' && Number.isSafeInteger(tabId) && tabId >= 0)) return null;
  return type === MESSAGE.pauseSite ? { type, tabId, on: /** @type {{on?: unknown}} */ (m).on === true } : { type, tabId };
}

/**
 * Accepts only messages from this extension's own pages: same extension id, and, when the sender has a URL, a URL
 * inside the extension (content scripts and other extensions are refused).
 * @param {unknown} sender a `runtime.MessageSender`
 * @param {{ id: string, getURL(path: string): string }} runtime
 * @returns {boolean}
 */
export function isTrustedSender(sender, runtime) {
  if (sender === null || typeof sender !== 'object') return false;
  const s = /** @type {{id?: unknown, url?: unknown}} */ (sender);
  if (typeof runtime.id !== 'string' || s.id !== runtime.id) return false;
  if (s.url !== undefined && s.url !== null) {
    const base = runtime.getURL('');
    if (typeof s.url !== 'string' || !base || !s.url.startsWith(base)) return false;
  }
  return true;
}

/**
 * Key prefix of per-tab state in `storage.session`. The background rewrites a tab's key whenever the tab's report
 * changes, so a page that shows a tab follows it with `storage.onChanged` on {@link tabStateKey}; the value itself
 * is the background's private format (read it only through the messages above).
 */
export const TAB_STATE_PREFIX = 'tab:';

/**
 * @param {number} tabId
 * @returns {string}
 */
export function tabStateKey(tabId) {
  return TAB_STATE_PREFIX + tabId;
}

/**
 * The tab id of a storage key, or null when the key is not a tab's.
 * @param {string} key
 * @returns {number | null}
 */
export function tabIdOfKey(key) {
  if (typeof key !== 'string' || !key.startsWith(TAB_STATE_PREFIX)) return null;
  const rest = key.slice(TAB_STATE_PREFIX.length);
  if (!/^\d+$/.test(rest)) return null;
  const id = Number(rest);
  return Number.isSafeInteger(id) ? id : null;
}

/**
 * Turns what the wasm bindings return into plain JSON-able data: ES `Map`s (serde-wasm-bindgen's default for maps)
 * become objects, so that the value survives `runtime.sendMessage` in every browser.
 * @param {unknown} value
 * @returns {unknown}
 */
export function toPlain(value) {
  if (value instanceof Map) {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, v] of value) out[String(k)] = toPlain(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  if (typeof value === 'bigint') return Number(value);
  return value;
}
