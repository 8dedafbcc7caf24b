// Blocking in the background: the person's settings as the core reads them (storage.local `settings`, one versioned
// JSON value, docs/settings.md), the declarativeNetRequest rules they compile to, installed with one atomic
// `updateDynamicRules` (remove every installed rule + add the new ones) whenever the settings or the database change,
// and the paused sites' session rules. The core compiles and validates everything; this file only moves strings
// between storage, the core and the browser. Nothing runs at the background's start: the settings are read on first
// use, the rules are checked on install/update/browser start and on every change of the key.

import { SETTINGS_KEY } from './settings.js';

export { SETTINGS_KEY };
/** Key in storage.local of the fingerprint of the installed dynamic rules (src/rules.rs `BlockList::fingerprint`). */
export const RULES_FINGERPRINT_KEY = 'rules-fingerprint';
/** Key in storage.session of the paused sites (the core's text: one site a line). */
export const PAUSED_KEY = 'paused-sites';

/**
 * The part of the wasm `Settings` (src/wasm/blocking.rs) that the shell uses.
 * @typedef {object} SettingsLike
 * @property {() => string} json the settings in the current format
 * @property {() => string[]} watchlist
 * @property {(op: string, list: string, text: string, on: boolean, number: number) => SettingsLike} change
 * @property {() => string} rules `{fingerprint, rules, error}` as JSON
 * @property {() => string} notices
 */

/**
 * The core's functions that blocking needs (src/wasm/blocking.rs).
 * @typedef {object} BlockingCore
 * @property {(json: string, defaultHome: string) => SettingsLike} load throws for a malformed value
 * @property {(defaultHome: string) => SettingsLike} defaults
 * @property {(paused: string | null | undefined, site: string, on: boolean) => string} pauseSite
 * @property {(paused: string | null | undefined) => string} pausedRules
 */

/**
 * @typedef {object} DnrLike `declarativeNetRequest` (the part used)
 * @property {() => Promise<{id: number}[]>} getDynamicRules
 * @property {(update: {removeRuleIds: number[], addRules: unknown[]}) => Promise<void>} updateDynamicRules
 * @property {() => Promise<{id: number}[]>} getSessionRules
 * @property {(update: {removeRuleIds: number[], addRules: unknown[]}) => Promise<void>} updateSessionRules
 */

/**
 * @typedef {object} BlockingApi
 * @property {{ local: { get(keys: string | string[]): Promise<Record<string, unknown>>,
 *   set(items: Record<string, unknown>): Promise<void> }, session: { get(keys: string | string[]):
 *   Promise<Record<string, unknown>>, set(items: Record<string, unknown>): Promise<void> } }} storage
 * @property {DnrLike} [declarativeNetRequest]
 */

/**
 * The region of a locale ("de-DE" → "DE", "zh-CN" → "CN", "en" → "US" by likely subtags), or '' (the default home;
 * the core drops a code it does not know).
 * @param {string | undefined} locale
 * @returns {string}
 */
export function regionOfLocale(locale) {
  try {
    return new Intl.Locale(locale ?? 'en').maximize().region ?? '';
  } catch {
    return '';
  }
}

/**
 * @param {object} options
 * @param {BlockingApi} options.api
 * @param {Promise<BlockingCore>} options.core resolves once the wasm is initialised
 * @param {() => string | undefined} [options.locale] the browser's UI locale (asked at each read: the default home
 *   follows it)
 * @param {{error: (...args: unknown[]) => void}} [options.log]
 */
export function createBlocking({ api, core, locale, log = console }) {
  const home = () => regionOfLocale(locale?.());
  /** @type {Promise<SettingsLike> | null} */
  let current = null;
  /** Why the latest stored value was ignored ('' when it was read). */
  let error = '';
  /** Why the latest rules could not be installed ('' when they were). */
  let rulesError = '';
  /** The JSON of the value this background wrote last (its own storage.onChanged echo is skipped). */
  let written = '';
  /** @type {Promise<unknown>} every installation after the one before: never two at once */
  let chain = Promise.resolve();

  /**
   * The settings of a stored value; on a malformed one, the settings in force stay (and `error` says why).
   * @param {unknown} value
   * @param {SettingsLike | null} before
   * @returns {Promise<SettingsLike>}
   */
  const read = async (value, before) => {
    const c = await core;
    try {
      const s = value === undefined || value === null ? c.defaults(home()) : c.load(JSON.stringify(value), home());
      error = '';
      return s;
    } catch (e) {
      error = String(/** @type {{message?: unknown}} */ (e)?.message ?? e);
      log.error('whither: the stored settings were ignored:', error);
      return before ?? c.defaults(home());
    }
  };

  /** @returns {Promise<SettingsLike>} */
  const settings = () => {
    current ??= api.storage.local.get(SETTINGS_KEY).then((items) => read(items?.[SETTINGS_KEY], null),
      () => core.then((c) => c.defaults(home())));
    return current;
  };

  /**
   * Installs the rules of the settings in force unless the installed ones have the same fingerprint: one
   * `updateDynamicRules` call removes every installed rule and adds the new ones, so the browser never holds half a
   * rule set; on an error (a rule set too large) the installed rules stay.
   * @param {boolean} [force] install even when the fingerprints agree (after a failure to read them)
   */
  const install = (force = false) => {
    const run = async () => {
      const dnr = api.declarativeNetRequest;
      if (!dnr) return;
      const s = await settings();
      const update = /** @type {{fingerprint: string, rules: {id: number}[], error: string | null}} */ (
        JSON.parse(s.rules()));
      if (update.error) {
        rulesError = update.error;
        log.error('whither: the blocking rules were not installed:', update.error);
        return;
      }
      const [stored, installed] = await Promise.all([
        api.storage.local.get(RULES_FINGERPRINT_KEY).catch(() => /** @type {Record<string, unknown>} */ ({})),
        dnr.getDynamicRules()]);
      const same = stored?.[RULES_FINGERPRINT_KEY] === update.fingerprint && installed.length === update.rules.length;
      if (!same || force) {
        await dnr.updateDynamicRules({ removeRuleIds: installed.map((r) => r.id), addRules: update.rules });
        await api.storage.local.set({ [RULES_FINGERPRINT_KEY]: update.fingerprint });
      }
      rulesError = '';
    };
    const next = chain.then(run).catch((e) => {
      rulesError = String(/** @type {{message?: unknown}} */ (e)?.message ?? e);
      log.error('whither: installing the blocking rules failed:', e);
    });
    chain = next;
    return next;
  };

  return {
    settings,

    /** @returns {Promise<string[]>} */
    watchlist: () => settings().then((s) => s.watchlist()),

    install,

    /**
     * The settings key changed (from any extension page): read it and install its rules.
     * @param {unknown} value
     */
    async changed(value) {
      // The value this background just wrote itself (a change message): read and installed already.
      if (value !== undefined && JSON.stringify(value) === written) return;
      const before = current ? await current.catch(() => null) : null;
      current = read(value, before);
      await current;
      await install();
    },

    /**
     * One change `{op, list, text, on, number}` (docs/settings.md, "Changes"): stored, and its rules installed.
     * @param {{op: string, list: string, text: string, on: boolean, number: number}} change
     * @returns {Promise<{ok: boolean, error?: string}>}
     */
    async change({ op, list, text, on, number }) {
      const s = await settings();
      let next;
      try {
        next = s.change(op, list, text, on, number);
      } catch (e) {
        return { ok: false, error: String(/** @type {{message?: unknown}} */ (e)?.message ?? e) };
      }
      current = Promise.resolve(next);
      error = '';
      const value = JSON.parse(next.json());
      written = JSON.stringify(value);
      await api.storage.local.set({ [SETTINGS_KEY]: value });
      await install();
      return { ok: true };
    },

    /**
     * What the options page shows besides the view the pages' core builds: the settings in force, what reading the
     * stored value ignored, why it was not read, and the fingerprint of the installed rules.
     */
    async state() {
      // Read afresh: the page may ask before this background's storage.onChanged listener ran.
      const before = current ? await current.catch(() => null) : null;
      const items = await api.storage.local.get(SETTINGS_KEY)
        .catch(() => /** @type {Record<string, unknown>} */ ({}));
      current = read(items?.[SETTINGS_KEY], before);
      const s = await current;
      await chain;
      const stored = await api.storage.local.get(RULES_FINGERPRINT_KEY)
        .catch(() => /** @type {Record<string, unknown>} */ ({}));
      const applied = rulesError ? '' : String(stored?.[RULES_FINGERPRINT_KEY] ?? '');
      const installedRules = (await api.declarativeNetRequest?.getDynamicRules().catch(() => []))?.length ?? 0;
      return { settings: s.json(), notices: s.notices(), error, rulesError, applied, installedRules };
    },

    /** @returns {Promise<string>} the paused sites (the core's text) */
    paused: () => api.storage.session.get(PAUSED_KEY).then((items) => String(items?.[PAUSED_KEY] ?? ''), () => ''),

    /**
     * Pauses (`on`) or resumes blocking on a site: until resumed, or until the browser or Whither restarts (session
     * rules and storage.session are forgotten then).
     * @param {string} site
     * @param {boolean} on
     */
    async pause(site, on) {
      const c = await core;
      const dnr = api.declarativeNetRequest;
      const before = await this.paused();
      const text = c.pauseSite(before, site, on);
      await api.storage.session.set({ [PAUSED_KEY]: text });
      if (dnr) {
        const installed = await dnr.getSessionRules();
        await dnr.updateSessionRules({ removeRuleIds: installed.map((r) => r.id),
          addRules: JSON.parse(c.pausedRules(text)) });
      }
      return true;
    },
  };
}
