// Whither background (Chrome: MV3 service worker; Firefox: event page), an ES module.
// Rules: every listener is registered synchronously at top level, and there is NO top-level await (a top-level await
// stops Chrome's service worker from ever starting, silently). The wasm core is initialised once into `ready`; the
// queue in state.js awaits it (and the restore of the stored state) before applying any event.

import init, { Tracker } from '../pkg/whither.js';
import { STAGES, createWhither, summarySentence } from './state.js';

/** @type {any} */
const api = /** @type {any} */ (globalThis).browser ?? /** @type {any} */ (globalThis).chrome;

/** @type {Promise<Tracker>} */
const ready = init({ module_or_path: new URL('../pkg/whither_bg.wasm', import.meta.url) }).then(() => new Tracker());
ready.catch((error) => console.error('whither: the wasm core failed to load', error));

/** @param {string} name @param {string | string[]} [subs] @returns {string} */
const msg = (name, subs) => api.i18n.getMessage(name, subs);

const whither = createWhither({
  api,
  ready,
  log: console,
  title: (summary) => msg('badgeTitle', [summarySentence(msg, summary, api.i18n.getUILanguage())]),
  defaultTitle: msg('actionTitle'),
});

const filter = { urls: ['<all_urls>'] };
for (const [name, stage] of Object.entries(STAGES)) {
  api.webRequest[name].addListener((/** @type {Record<string, unknown>} */ details) => {
    whither.onRequest(stage, details);
  }, filter);
}

api.tabs.onRemoved.addListener((/** @type {number} */ tabId) => whither.onTabRemoved(tabId));
api.tabs.onReplaced?.addListener((/** @type {number} */ added, /** @type {number} */ removed) =>
  whither.onTabReplaced(added, removed));
api.tabs.onUpdated.addListener((/** @type {number} */ tabId, /** @type {{status?: string}} */ change) => {
  if (change.status) whither.refreshBadge(tabId);
});

// sendResponse + `return true` works in Chrome and Firefox alike.
api.runtime.onMessage.addListener(
  (/** @type {unknown} */ message, /** @type {unknown} */ sender, /** @type {(r: unknown) => void} */ sendResponse) =>
    whither.onMessage(message, sender, sendResponse),
);

api.action.setBadgeBackgroundColor?.({ color: '#1e6fb8' })?.catch?.(() => {});
