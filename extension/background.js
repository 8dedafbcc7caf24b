// Whither background (Chrome: MV3 service worker; Firefox: event page), an ES module.
// Rules: every listener is registered synchronously at top level, and there is NO top-level await (a top-level await
// stops Chrome's service worker from ever starting, silently). The wasm core is initialised once into `ready`; the
// queue in state.js awaits it (and the restore of the stored state) before applying any event.

import init, { History, Tracker } from '../pkg/whither.js';
import { STAGES, createWhither, isTrustedSender, summarySentence } from './state.js';
import { createRecorder } from './recorder.js';
import { dataPhrase } from './text.js';
import { SETTINGS_KEY, loadSettings, normalizeSettings } from './settings.js';

/** @type {any} */
const api = /** @type {any} */ (globalThis).browser ?? /** @type {any} */ (globalThis).chrome;

/** @type {Promise<Tracker>} */
const ready = init({ module_or_path: new URL('../pkg/whither_bg.wasm', import.meta.url) }).then(() => new Tracker());
ready.catch((error) => console.error('whither: the wasm core failed to load', error));

// The history (src/history.rs) and the watchlist of the settings (options page).
const recorder = createRecorder({ api, ready: ready.then(() => new History()) });
/** @type {string[]} */
let watchlist = [];
const settingsLoaded = loadSettings(api).then((s) => { watchlist = s.watchlist; }, () => {});
api.storage.onChanged.addListener((/** @type {Record<string, {newValue?: unknown}>} */ changes,
  /** @type {string} */ area) => {
  if (area === 'local' && SETTINGS_KEY in changes) {
    watchlist = normalizeSettings(changes[SETTINGS_KEY].newValue).watchlist;
  }
});

/** @param {string} name @param {string | string[]} [subs] @returns {string} */
const msg = (name, subs) => api.i18n.getMessage(name, subs);

const whither = createWhither({
  api,
  ready,
  log: console,
  title: (summary) => msg('badgeTitle', [summarySentence(msg, summary, api.i18n.getUILanguage())
    + dataPhrase(msg, /** @type {any} */ (summary).data_requests ?? 0, api.i18n.getUILanguage())]),
  onTabChanged: (tracker, tabId, details) => recorder.record(tracker, tabId, details),
  onTabClosed: (tracker, tabId) => recorder.closeTab(tracker, tabId),
  onTabMoved: (tracker, from, to) => recorder.moveTab(tracker, from, to),
  // Watchlisted jurisdictions, if any were contacted, in a warning colour; else all of them.
  badgeView: (tracker, tabId, summary) => {
    const watched = watchlist.length ? /** @type {any} */ (tracker).watched(tabId, watchlist) : [];
    return watched.length ? { text: `${watched.length}!`, color: '#b3261e' }
      : { text: String(summary.jurisdictions), color: '#1e6fb8' };
  },
  // The popup's view (report, laws, watched jurisdictions) as one JSON string from the core.
  popupView: async (tracker, tabId) => {
    await settingsLoaded;
    return /** @type {any} */ (tracker).popupView(tabId, watchlist) ?? null;
  },
  defaultTitle: msg('actionTitle'),
  // After a failure of the core (a panic, reported on the console by its panic hook): a fresh Tracker.
  createTracker: () => new Tracker(),
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

// The options page's "clear all data" (the history, in memory and in storage) and the popup's CSV export.
api.runtime.onMessage.addListener(
  (/** @type {any} */ message, /** @type {any} */ sender, /** @type {(r: unknown) => void} */ sendResponse) => {
    if (!isTrustedSender(sender, api.runtime)) return undefined;
    if (message?.type === 'whither:clear-history') {
      recorder.clear().then(() => sendResponse(true), () => sendResponse(false));
      return true;
    }
    // The background's health figures (failures of the core, storage quota, start-up times, requests per stored tab
    // state, writes pending): for the benchmarks (scripts/bench/coldstart.mjs), the end-to-end tests (`settled()` in
    // scripts/lib/browsers.mjs) and for debugging from an extension page's console.
    if (message?.type === 'whither:health') {
      sendResponse({ ...whither.health, writesPending: whither.writesPending });
      return undefined;
    }
    // The popup's CSV export of a tab's report (built by the core from the tab's visit).
    if (message?.type === 'whither:report-csv' && Number.isSafeInteger(message.tabId) && message.tabId >= 0) {
      ready.then((t) => sendResponse(t.reportCsv(message.tabId) ?? null), () => sendResponse(null));
      return true;
    }
    return undefined;
  },
);

// sendResponse + `return true` works in Chrome and Firefox alike.
api.runtime.onMessage.addListener(
  (/** @type {unknown} */ message, /** @type {unknown} */ sender, /** @type {(r: unknown) => void} */ sendResponse) =>
    whither.onMessage(message, sender, sendResponse),
);

api.action.setBadgeBackgroundColor?.({ color: '#1e6fb8' })?.catch?.(() => {});
