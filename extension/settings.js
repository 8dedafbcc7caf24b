// Storage keys of Whither's settings and history, and the history's day numbers. The settings are one versioned
// value under `settings` in storage.local (docs/settings.md): the core reads, validates, migrates and writes it
// (src/settings.rs, through the background: extension/blocking.js); the pages ask the background for the settings in
// force (`whither:settings-state`) and change them with `whither:change-settings`. The JS holds no rule about them.

/** Key of the settings in storage.local. */
export const SETTINGS_KEY = 'settings';

/** Retention choices in days (the options page's; the core checks the value). */
export const RETENTION_CHOICES = /** @type {const} */ ([7, 30, 90, 180, 365]);

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
