// DOM helpers shared by Whither's extension pages (popup, options, dashboard): elements built with
// createElement/textContent only (data never goes through HTML parsing), localisation of static text, flags,
// localised country names, downloads.

import { HISTORY_INDEX_KEY, HISTORY_PREFIX, dayIndex } from './settings.js';

/** The browser's extension API (`browser` in Firefox, `chrome` in Chrome; both have Chrome's shape for what is used). */
export const api = /** @type {{browser?: typeof chrome}} */ (globalThis).browser ?? chrome;
export const lang = api.i18n.getUILanguage();

/**
 * @param {string} name
 * @param {string | string[]} [subs]
 * @returns {string}
 */
export const msg = (name, subs) => api.i18n.getMessage(name, subs) || name;

/** `getMessage` without the fallback to the key (for optional messages). */
export const rawMsg = (/** @type {string} */ name, /** @type {string | string[]} */ subs = []) =>
  /** @type {string} */ (api.i18n.getMessage(name, subs));

/**
 * @typedef {{id?: string, className?: string, text?: string, title?: string,
 *   attrs?: Record<string, string>, data?: Record<string, string | number>}} Props
 */

/**
 * Creates an element. Text goes in through textContent, attributes through setAttribute/dataset.
 * @param {string} tag
 * @param {Props} [props]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  if (props.id) node.id = props.id;
  if (props.className) node.className = props.className;
  if (props.title) node.title = props.title;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) node.setAttribute(k, v);
  for (const [k, v] of Object.entries(props.data ?? {})) node.dataset[k] = String(v);
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/**
 * @param {string} selector
 * @returns {HTMLElement}
 */
export const $ = (selector) => /** @type {HTMLElement} */ (document.querySelector(selector));

/** Fills `[data-i18n]` text, `[data-i18n-label]` aria-labels and the document language. */
export function localizePage() {
  document.documentElement.lang = lang;
  document.documentElement.dir = rawMsg('@@bidi_dir') || 'ltr';
  for (const node of document.querySelectorAll('[data-i18n]')) {
    node.textContent = msg(/** @type {HTMLElement} */ (node).dataset.i18n ?? '');
  }
  for (const node of document.querySelectorAll('[data-i18n-label]')) {
    node.setAttribute('aria-label', msg(/** @type {HTMLElement} */ (node).dataset.i18nLabel ?? ''));
  }
}

/** @type {Intl.DisplayNames | null} */
let regionNames = null;
try {
  regionNames = new Intl.DisplayNames([lang, 'en'], { type: 'region' });
} catch {
  regionNames = null;
}

/**
 * The localised name of a country ("Vereinigte Staaten"), or the code itself.
 * @param {string} code
 * @returns {string}
 */
export function countryName(code) {
  try {
    return regionNames?.of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * "United States (US)"; "Unknown jurisdiction" for null.
 * @param {string | null | undefined} code
 * @returns {string}
 */
export function countryLabel(code) {
  if (!code) return msg('jurisdictionUnknown');
  const name = countryName(code);
  return name && name !== code ? msg('countryWithCode', [name, code]) : code;
}

/**
 * A small SVG flag (flag-icons, vendored) for a country code; decorative (the name is always next to it).
 * `later`: the image gets its address only from `showFlags` (each SVG image costs the page a document of its own,
 * ~1–3 ms of its main thread: a page shows its text first, then its flags).
 * @param {string | null | undefined} code
 * @param {{later?: boolean}} [options]
 * @returns {HTMLElement}
 */
export function flag(code, { later = false } = {}) {
  if (!code || !/^[A-Z]{2}$/.test(code)) return el('span', { className: 'flag flag-none', attrs: { 'aria-hidden': 'true' } });
  const img = /** @type {HTMLImageElement} */ (el('img', {
    className: 'flag', attrs: { alt: '', [later ? 'data-src' : 'src']: `vendor/flags/${code}.svg`, width: '16', height: '12' },
  }));
  img.addEventListener('error', () => img.replaceWith(el('span', { className: 'flag flag-none', attrs: { 'aria-hidden': 'true' } })), { once: true });
  return img;
}

const numberFormat = new Intl.NumberFormat(lang);
/**
 * Gives the flags made with `flag(code, {later: true})` under `root` their images.
 * @param {ParentNode} root
 * @returns {Promise<void>} resolves when every one of them has loaded or failed
 */
export function showFlags(root) {
  const imgs = /** @type {HTMLImageElement[]} */ (Array.from(root.querySelectorAll('img.flag[data-src]')));
  for (const img of imgs) {
    img.src = img.dataset.src ?? '';
    delete img.dataset.src;
  }
  return Promise.allSettled(imgs.map((img) => img.decode())).then(() => undefined);
}

/**
 * @param {number} n
 * @returns {string}
 */
export const number = (n) => numberFormat.format(n);

/**
 * Offers `text` as a file download.
 * @param {string} name
 * @param {string} type MIME type
 * @param {string} text
 */
export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = /** @type {HTMLAnchorElement} */ (el('a', { attrs: { href: url, download: name } }));
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A link to an external reference; only http(s) URLs become links, anything else stays text.
 * @param {string} href
 * @param {string} text
 * @returns {HTMLElement}
 */
export function externalLink(href, text) {
  if (!/^https?:\/\//i.test(href)) return el('span', { text });
  return el('a', { text, attrs: { href, target: '_blank', rel: 'noopener noreferrer' } });
}

/** Days read from storage and sent to the history worker at a time: the worker imports one batch while the page
 * reads the next ones. */
const LOAD_BATCH = 30;

/**
 * The dashboard's view of a period (src/view.rs `DashboardView`, src/history/query.rs `Overview`).
 * @typedef {{overview: Overview, dates: string[], watched: string[], flow: FlowDiagram,
 *   home_line?: {kind: string, home: string, third_party_requests: number, outside: number, further?: number | null}
 *   | null}} DashboardView
 * @typedef {{totals: OverviewTotals, jurisdictions: JurisdictionTotal[], companies: CompanyTotal[], sites: SiteTotal[],
 *   days: DayRow[], flows: {site: string, company: string, jurisdiction: string, requests: number}[],
 *   servers?: ServerTotal[]}} Overview
 * @typedef {{kind: "country" | "unlocated" | "local" | "special" | "proxy" | "unknown", country: string | null,
 *   requests: number, sites: number}} ServerTotal where servers stood (src/history/places.rs)
 * @typedef {{sites: number, visits: number, requests: number, data_requests: number, third_party_requests: number,
 *   unattributed_requests: number, companies: number, jurisdictions: number}} OverviewTotals
 * @typedef {{country: string, requests: number, data_requests: number, companies: number, sites: number}}
 *   JurisdictionTotal
 * @typedef {{id: string, name: string, country: string, controller: string, controller_name: string,
 *   jurisdiction: string, requests: number, data_requests: number, sites: number, servers?: string[]}} CompanyTotal
 * @typedef {{site: string, controller: string | null, jurisdiction: string | null, visits: number, requests: number,
 *   third_party_requests: number, companies: number, jurisdictions: string[]}} SiteTotal
 * @typedef {{day: number, requests: number, sites: number}} DayRow
 * @typedef {{id: string, label: string, requests: number}} FlowNode
 * @typedef {{from: string, to: string, jurisdiction: string, requests: number, watched: boolean}} FlowLink
 * @typedef {{sites: FlowNode[], companies: FlowNode[], jurisdictions: FlowNode[], site_links: FlowLink[],
 *   company_links: FlowLink[]}} FlowDiagram
 */

/**
 * @typedef {object} StoredHistory the stored history in its worker (see {@link openHistory})
 * @property {Promise<number[]>} days the stored days (the recorder's index), oldest first
 * @property {(from: number, to: number) => Promise<void>} load loads the stored days `from..=to` not loaded yet
 * @property {(from: number, to: number, search: string, limit: number, watchlist?: string[], home?: string) =>
 *   Promise<DashboardView>} view the core's view of `from..=to` (loading those days first): the overview, the
 *   dates of those days, the overview's jurisdictions on the watchlist and the flow diagram
 * @property {(format: "csv" | "json", from: number, to: number) => Promise<{name: string, text: string}>} export
 *   the history of `from..=to` and a file name for it (without extension)
 * @property {(from: number, to: number) => Promise<{text: string}>} sources the companies of `from..=to` with their
 *   hosts, as the sources of data-access requests (JSON: src/request.rs `period_sources`)
 * @property {() => number} skipped how many stored days could not be read
 */

/**
 * The stored history in a worker (extension/history-worker.js): loading, queries and exports run off the page's
 * thread, so months of history never freeze it. Only the days a request needs are read from storage (the newest
 * first, in batches) and loaded; each day once. The worker starts (and compiles the core) at once, while the page
 * reads the index of stored days.
 * @returns {StoredHistory}
 */
export function openHistory() {
  const worker = new Worker(new URL('./history-worker.js', import.meta.url), { type: 'module' });
  let next = 0;
  let skipped = 0;
  /** @type {Map<number, {resolve: (v: any) => void, reject: (e: Error) => void}>} */
  const pending = new Map();
  worker.addEventListener('message', (event) => {
    const { id, error, ...result } = event.data ?? {};
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (error) p.reject(new Error(error));
    else p.resolve(result);
  });
  worker.addEventListener('error', (event) => {
    for (const p of pending.values()) p.reject(new Error(event.message || 'history worker failed'));
    pending.clear();
  });
  /** @param {Record<string, unknown>} message @returns {Promise<any>} */
  const call = (message) => new Promise((resolve, reject) => {
    const id = ++next;
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, ...message });
  });
  const days = Promise.resolve(api.storage.local.get(HISTORY_INDEX_KEY))
    .then((items) => dayIndex(items?.[HISTORY_INDEX_KEY]));
  /** Day → its load (read from storage and imported by the worker). @type {Map<number, Promise<void>>} */
  const loads = new Map();

  /**
   * Reads the stored days of `batch` and has the worker import them. The batches' reads are all asked for at once;
   * the worker imports one batch while the next ones are read.
   * @param {number[]} batch day numbers
   */
  async function loadBatch(batch) {
    const stored = (await api.storage.local.get(batch.map((d) => HISTORY_PREFIX + d))) ?? {};
    const chunks = Object.values(stored).filter((v) => typeof v === 'string');
    skipped += batch.length - chunks.length;
    if (chunks.length) skipped += (await call({ type: 'add', chunks })).skipped;
  }

  /** @param {number} from @param {number} to */
  async function load(from, to) {
    const wanted = (await days).filter((d) => d >= from && d <= to);
    const missing = wanted.filter((d) => !loads.has(d)).reverse(); // the newest first
    for (let i = 0; i < missing.length; i += LOAD_BATCH) {
      const batch = missing.slice(i, i + LOAD_BATCH);
      const done = loadBatch(batch);
      for (const d of batch) loads.set(d, done);
    }
    await Promise.all(wanted.map((d) => loads.get(d)));
  }

  return {
    days,
    load,
    skipped: () => skipped,
    view: async (from, to, search, limit, watchlist = [], home = '') => {
      await load(from, to);
      return call({ type: 'view', from, to, search, limit, watchlist, home });
    },
    export: async (format, from, to) => {
      await load(from, to);
      return call({ type: format, from, to });
    },
    sources: async (from, to) => {
      await load(from, to);
      return call({ type: 'sources', from, to });
    },
  };
}
