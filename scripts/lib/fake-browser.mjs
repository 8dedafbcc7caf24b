// A minimal fake of the browser's extension API in Node, enough for the real background module
// (extension/background.js with the shipped wasm in pkg/) to start, register its listeners and work: the node tests of
// the background and the background's memory benchmark load it on this. `fetch` of `file:` URLs (the wasm, the IP
// table) is answered from disk.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const EXT_ID = 'whither@whither.dev';
export const BASE = `chrome-extension://${EXT_ID}/`;

/** A storage area (`storage.local`, `storage.session`) kept in a Map (`store`). */
function area() {
  const store = new Map();
  return {
    store,
    async get(/** @type {unknown} */ keys) {
      if (keys === null || keys === undefined) return Object.fromEntries(store);
      return Object.fromEntries([keys].flat().filter((k) => store.has(k)).map((k) => [k, store.get(k)]));
    },
    async set(/** @type {Record<string, unknown>} */ items) { for (const [k, v] of Object.entries(items)) store.set(k, v); },
    async remove(/** @type {string | string[]} */ keys) { for (const k of [keys].flat()) store.delete(k); },
  };
}

/** A minimal `chrome` namespace that records the listeners the background registers (by `area.event` names). */
export function fakeChrome() {
  /** @type {Map<string, Function[]>} */
  const listeners = new Map();
  const event = (/** @type {string} */ name) => ({
    addListener: (/** @type {Function} */ f) => listeners.set(name, [...(listeners.get(name) ?? []), f]),
  });
  const webRequest = Object.fromEntries(['onBeforeRequest', 'onBeforeRedirect', 'onResponseStarted', 'onCompleted',
    'onErrorOccurred', 'onBeforeSendHeaders', 'onHeadersReceived'].map((n) => [n, event(`webRequest.${n}`)]));
  return {
    listeners,
    runtime: { id: EXT_ID, getURL: (/** @type {string} */ p) => BASE + p, onMessage: event('runtime.onMessage'),
      onMessageExternal: event('runtime.onMessageExternal') },
    storage: { session: area(), local: area(), onChanged: event('storage.onChanged') },
    i18n: { getMessage: (/** @type {string} */ n) => n, getUILanguage: () => 'en' },
    webRequest,
    tabs: { onRemoved: event('tabs.onRemoved'), onReplaced: event('tabs.onReplaced'), onUpdated: event('tabs.onUpdated'),
      get: async () => ({ incognito: false }), query: async () => [] },
    action: { setBadgeText: async () => {}, setTitle: async () => {}, setBadgeBackgroundColor: async () => {} },
  };
}

/**
 * Installs a fake `chrome` and a `fetch` that serves `file:` URLs, for the background module to be imported next.
 * @param {(path: string) => void} [onFetch] told the path of every file fetched
 * @returns {ReturnType<typeof fakeChrome>}
 */
export function installFakeBrowser(onFetch) {
  const chrome = fakeChrome();
  /** @type {any} */ (globalThis).chrome = chrome;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (/** @type {any} */ input, /** @type {any} */ init) => {
    const url = new URL(String(input instanceof URL ? input.href : input));
    if (url.protocol !== 'file:') return realFetch(input, init);
    onFetch?.(url.pathname);
    return new Response(readFileSync(fileURLToPath(url)), { headers: { 'content-type': 'application/wasm' } });
  };
  return chrome;
}

/**
 * Calls the background's one `webRequest.<name>` listener with `details`.
 * @param {ReturnType<typeof fakeChrome>} chrome @param {string} name @param {Record<string, unknown>} details
 */
export function fire(chrome, name, details) {
  const [listener] = chrome.listeners.get(`webRequest.${name}`) ?? [];
  listener?.(details);
}

/**
 * The background's answer to a message from one of the extension's own pages (the popup).
 * @param {ReturnType<typeof fakeChrome>} chrome @param {unknown} message
 * @returns {Promise<unknown>}
 */
export function ask(chrome, message) {
  const [listener] = chrome.listeners.get('runtime.onMessage') ?? [];
  return new Promise((resolve) => {
    listener(message, { id: EXT_ID, url: `${BASE}extension/popup.html` }, resolve);
  });
}
