// What the request page does apart from drawing (docs/requests.md): which requests it was opened for (its URL), the
// sources of those requests (a tab's report from the background, a period's companies from the history worker),
// today's date, and the person's stored list of requests made (storage.local `requests`), read and written only
// through the request module of the core (pkg/whither_requests.js): the core builds every letter, computes every
// deadline and owns the stored format; this module passes JSON strings and stores what comes back. Writes are made
// one after the other, each on the value as it is in storage then (another request page may have written meanwhile).
// It touches the browser only through the `api` object it is given, so that the node tests run it with a fake.

import { MESSAGE } from './protocol.js';

/** Key of the list of requests made in storage.local (docs/requests.md). */
export const REQUESTS_KEY = 'requests';

/**
 * The functions of the request module of the core (src/wasm/requests.rs) that the page uses.
 * @typedef {object} RequestCore
 * @property {(sources: string, options: string) => string} requestView
 * @property {(stored: string, entry: string, via: string, today: string) => string} requestsRecord
 * @property {(stored: string, id: string, action: string, today: string) => string} requestsUpdate
 * @property {(stored: string, patch: string) => string} requestsConfigure
 * @property {(stored: string, options: string) => string} requestsView
 * @property {(stored: string, format: string) => string} requestsExport
 */

/**
 * What the request page needs of the browser API (a subset of `browser`/`chrome`).
 * @typedef {object} RequestsApi
 * @property {{ local: { get(key: string): Promise<Record<string, unknown>>, set(items: Record<string, unknown>):
 *   Promise<void>, remove(key: string): Promise<void> } }} storage
 * @property {{ sendMessage(message: unknown): Promise<unknown> }} runtime
 */

/**
 * What the page was opened for (request.html?…): `tabId` (a tab's companies, from the popup), `company` (only the
 * request to that company's controller), `from`/`to` (day numbers of a period of the history, from the dashboard),
 * `today` (YYYY-MM-DD: the date the page takes as today, for tests; else the local date).
 * @typedef {{tabId: number | null, company: string | null, from: number | null, to: number | null,
 *   today: string | null}} Target
 */

/**
 * @param {string} search `location.search`
 * @returns {Target}
 */
export function parseTarget(search) {
  const p = new URLSearchParams(search);
  /** @param {string} name @returns {number | null} */
  const int = (name) => {
    const v = p.get(name);
    // Tab ids are any non-negative safe integer (Chromium's often have ten digits).
    return v !== null && /^\d{1,16}$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : null;
  };
  const company = p.get('company');
  const today = p.get('today');
  const from = int('from');
  const to = int('to');
  return {
    tabId: int('tabId'),
    company: company && /^[a-z0-9-]{1,100}$/.test(company) ? company : null,
    from: from !== null && to !== null ? from : null,
    to: from !== null && to !== null ? Math.max(from, to) : null,
    today: today && /^\d{4}-\d{2}-\d{2}$/.test(today) ? today : null,
  };
}

/**
 * The local date as YYYY-MM-DD (the day the person sends a request, in their time zone).
 * @param {Date} [now]
 * @returns {string}
 */
export function localDate(now = new Date()) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * The request page's state and its writes.
 * @param {{api: RequestsApi, core: RequestCore, today: string}} options
 */
export function createRequests({ api, core, today }) {
  /** @returns {Promise<string>} the stored value as JSON ('' when there is none) */
  async function stored() {
    const items = await api.storage.local.get(REQUESTS_KEY);
    const value = items?.[REQUESTS_KEY];
    return value === undefined || value === null ? '' : JSON.stringify(value);
  }

  /** The writes, one after the other. @type {Promise<unknown>} */
  let queue = Promise.resolve();

  /**
   * Changes the stored value with `change` (a call into the core that returns the new value as JSON) and stores
   * the result. An error of the core (a bad input) leaves storage as it was and is passed on.
   * @param {(value: string) => string} change
   * @returns {Promise<void>}
   */
  function write(change) {
    const next = queue.then(async () => {
      const json = change(await stored());
      await api.storage.local.set({ [REQUESTS_KEY]: JSON.parse(json) });
    });
    queue = next.catch(() => {});
    return next;
  }

  return {
    today,
    stored,
    /**
     * The request view (src/request.rs `RequestView`) of `sources` (JSON).
     * @param {string} sources
     * @param {Record<string, unknown>} options home, california, lang, company, law, requester, values
     */
    view: (sources, options) => JSON.parse(core.requestView(sources, JSON.stringify({ ...options, today }))),
    /** Records a prepared request (its `entry`) as sent today by `via` (email, copy, print). */
    record: (/** @type {string} */ entry, /** @type {string} */ via) =>
      write((value) => core.requestsRecord(value, entry, via, today)),
    /** Marks a recorded request answered, open (again) or extended, or removes it. */
    update: (/** @type {string} */ id, /** @type {string} */ action) =>
      write((value) => core.requestsUpdate(value, id, action, today)),
    /** Stores the person's answers: california, authority, requester {name, contact}. */
    configure: (/** @type {Record<string, unknown>} */ patch) =>
      write((value) => core.requestsConfigure(value, JSON.stringify(patch))),
    /** The list of requests made for today (src/request_list.rs `ListView`). */
    list: async (/** @type {{home: string, lang: string}} */ options) =>
      JSON.parse(core.requestsView(await stored(), JSON.stringify({ ...options, today }))),
    /** The list as a file: json or csv. */
    exportText: async (/** @type {'json' | 'csv'} */ format) => core.requestsExport(await stored(), format),
    /** Deletes the list (and the answers stored with it). */
    clear: () => {
      const next = queue.then(() => api.storage.local.remove(REQUESTS_KEY));
      queue = next.catch(() => {});
      return next;
    },
  };
}

/** @typedef {ReturnType<typeof createRequests>} Requests */

/**
 * The sources of the requests the page was opened for, as JSON for `requestView`: the tab's report (through the
 * background's message API), or the period's companies (from the history, through `history`), or '' (a company
 * alone, or the list only).
 * @param {Target} target
 * @param {RequestsApi} api
 * @param {{sources(from: number, to: number): Promise<{text: string}>} | null} history
 * @returns {Promise<{sources: string, tabGone: boolean}>}
 */
export async function loadSources(target, api, history) {
  if (target.tabId !== null) {
    const report = await api.runtime.sendMessage({ type: MESSAGE.report, tabId: target.tabId });
    return report ? { sources: JSON.stringify(report), tabGone: false } : { sources: '', tabGone: true };
  }
  if (target.from !== null && target.to !== null && history) {
    return { sources: (await history.sources(target.from, target.to)).text, tabGone: false };
  }
  return { sources: '', tabGone: false };
}
