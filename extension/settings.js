// Readers of the plain fields of Whither's settings (home jurisdiction, watchlist, history on/off and retention,
// recording in private windows) for the pages and the recorder. The settings are one versioned value under `settings`
// in storage.local (docs/settings.md); the core validates, migrates and writes it (src/settings.rs, through the
// background's `changeSettings` message: extension/blocking.js). Reading here never writes: a malformed or partial
// stored value still yields valid plain fields.

/** Key of the settings in storage.local. */
export const SETTINGS_KEY = 'settings';

/**
 * A watchlist entry: an ISO 3166-1 alpha-2 code or the id of one of the core's groups (src/watchlist.rs, offered by
 * the options page from the core's options view). Entries the core does not know are kept here and ignored there.
 */
const WATCH_ENTRY = /^(?:[A-Z]{2}|[a-z]+(?:-[a-z]+)+)$/;

/** Retention choices in days. */
export const RETENTION_CHOICES = /** @type {const} */ ([7, 30, 90, 180, 365]);

/**
 * @typedef {object} Settings
 * @property {string} home ISO 3166-1 alpha-2 code of the user's home jurisdiction ('' when unknown)
 * @property {string[]} watchlist country codes and group ids (src/watchlist.rs)
 * @property {boolean} history whether visits are recorded in the history
 * @property {number} retentionDays days of history kept
 * @property {boolean} privateWindows whether visits in private windows are recorded in the history
 */

/**
 * The region of a locale ("de-DE" → "DE", "zh-CN" → "CN", "en" → "US" by likely subtags), or ''.
 * @param {string | undefined} locale
 * @returns {string}
 */
export function regionOfLocale(locale) {
  try {
    const region = new Intl.Locale(locale ?? 'en').maximize().region ?? '';
    return /^[A-Z]{2}$/.test(region) ? region : '';
  } catch {
    return '';
  }
}

/**
 * @param {string} [locale] the browser's UI locale
 * @returns {Settings}
 */
export function defaultSettings(locale) {
  return { home: regionOfLocale(locale), watchlist: [], history: true, retentionDays: 30, privateWindows: false };
}

/**
 * Valid settings from anything (stored data may be old, partial or tampered with).
 * @param {unknown} value
 * @param {string} [locale]
 * @returns {Settings}
 */
export function normalizeSettings(value, locale) {
  const d = defaultSettings(locale);
  if (value === null || typeof value !== 'object') return d;
  const v = /** @type {Record<string, unknown>} */ (value);
  const home = typeof v.home === 'string' && /^[A-Z]{2}$/.test(v.home) ? v.home : d.home;
  const watchlist = Array.isArray(v.watchlist)
    ? [...new Set(v.watchlist.filter((w) => typeof w === 'string' && WATCH_ENTRY.test(w)))].slice(0, 300)
    : d.watchlist;
  const retention = Number(v.retentionDays);
  return {
    home,
    watchlist,
    history: typeof v.history === 'boolean' ? v.history : d.history,
    retentionDays: Number.isInteger(retention) && retention >= 1 && retention <= 3660 ? retention : d.retentionDays,
    privateWindows: typeof v.privateWindows === 'boolean' ? v.privateWindows : d.privateWindows,
  };
}

/**
 * @param {typeof chrome} api the browser namespace
 * @returns {Promise<Settings>}
 */
export async function loadSettings(api) {
  const locale = api.i18n?.getUILanguage?.();
  try {
    const items = await api.storage.local.get(SETTINGS_KEY);
    return normalizeSettings(items?.[SETTINGS_KEY], locale);
  } catch {
    return defaultSettings(locale);
  }
}

/** Key prefix of a stored history day in storage.local (`history:<day number>`). */
export const HISTORY_PREFIX = 'history:';
/** Key in storage.local of the list of stored history days (so that nothing has to read every key). */
export const HISTORY_INDEX_KEY = 'history-index';
/** Key of the open visits' markers in storage.session. */
export const HISTORY_OPEN_KEY = 'history-open';

/**
 * Today's day number in the user's time zone (days since 1970-01-01), the history's unit.
 * @param {Date} [now]
 * @returns {number}
 */
export function dayNumber(now = new Date()) {
  return Math.floor(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / 86_400_000);
}

/**
 * The day number of a history storage key, or null.
 * @param {string} key
 * @returns {number | null}
 */
export function dayOfKey(key) {
  if (typeof key !== 'string' || !key.startsWith(HISTORY_PREFIX)) return null;
  const rest = key.slice(HISTORY_PREFIX.length);
  return /^\d{1,7}$/.test(rest) ? Number(rest) : null;
}

/**
 * The stored list of history days, validated.
 * @param {unknown} value
 * @returns {number[]}
 */
export function dayIndex(value) {
  return Array.isArray(value) ? [...new Set(value.filter((d) => Number.isInteger(d) && d >= 0 && d < 1e7))].sort((a, b) => a - b) : [];
}
