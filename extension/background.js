// Whither background (Chrome: MV3 service worker; Firefox: event page), an ES module: it wires the browser's events
// to the state (extension/state.js), the history recorder, the settings and the blocking rules (extension/blocking.js).
// Rules: every listener is registered synchronously at top level, and there is NO top-level await (a top-level await
// stops Chrome's service worker from ever starting, silently). The wasm core is initialised once into `ready`; the
// queue in state.js awaits it (and the restore of the stored state) before applying any event or answering any
// message.

import init, { History, Settings, Tracker, optionsView, pauseSite, pausedRules, setIpTable } from '../pkg/whither.js';
import { SETTINGS_KEY, createBlocking } from './blocking.js';
import { STAGES } from './events.js';
import { IMPORTED_KEY, createImportedLoader } from './imported.js';
import { createIpData } from './ip-data.js';
import { MESSAGE, toPlain } from './protocol.js';
import { collect } from './reconcile.js';
import { createRecorder } from './recorder.js';
import { blockedPhrase, dataPhrase, summarySentence } from './text.js';
import { createWhither } from './state.js';

/** The browser's extension API (`browser` in Firefox, `chrome` in Chrome; both have Chrome's shape for what is used). */
const api = /** @type {{browser?: typeof chrome}} */ (globalThis).browser ?? chrome;

/** @type {Promise<Tracker>} */
const ready = init({ module_or_path: new URL('../pkg/whither_bg.wasm', import.meta.url) }).then(() => new Tracker());
ready.catch((error) => console.error('whither: the wasm core failed to load', error));

// The IP table (server address → country, network): fetched on first use, never at the start (extension/ip-data.js).
const ipData = createIpData({
  fetchBytes: async () => {
    const response = await fetch(new URL('../pkg/whither_ip.bin', import.meta.url));
    if (!response.ok) throw new Error(`pkg/whither_ip.bin: ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  },
  install: async (bytes) => {
    await ready;
    return setIpTable(bytes);
  },
});
/**
 * An answer that needs server locations: the IP table first (loaded once; without it the answer has none).
 * @template T @param {(...args: any[]) => T} answer @returns {(...args: any[]) => Promise<T>}
 */
const located = (answer) => async (...args) => {
  await ipData.load();
  return answer(...args);
};

// The history (src/history/).
const recorder = createRecorder({ api, ready: ready.then(() => new History()),
  settings: () => blocking.settings().then((s) => JSON.parse(s.json())) });

// The settings as the core reads them, and the blocking rules they compile to (read on first use; installed on
// install/update/browser start and on every change of the settings key, from any extension page).
const blocking = createBlocking({
  api: /** @type {import('./blocking.js').BlockingApi} */ (/** @type {unknown} */ (api)),
  core: ready.then(() => ({
    load: (/** @type {string} */ json, /** @type {string} */ home) => Settings.load(json, home),
    defaults: (/** @type {string} */ home) => Settings.defaults(home),
    pauseSite: (/** @type {string | null | undefined} */ p, /** @type {string} */ site, /** @type {boolean} */ on) =>
      pauseSite(p ?? undefined, site, on),
    pausedRules: (/** @type {string | null | undefined} */ p) => pausedRules(p ?? undefined),
  })),
  locale: () => api.i18n.getUILanguage(),
});
/** The watchlist of the settings (badge), once read. @type {string[]} */
let watchlist = [];
const settingsLoaded = () => blocking.watchlist().then((w) => { watchlist = w; }, () => {});
settingsLoaded(); // as before: the badge's watchlist (the storage read waits for the core)
// The person's own lists (extension/imported.js): read only when a report is asked for, again after a change.
const imported = createImportedLoader({ api });
api.storage.onChanged.addListener((/** @type {Record<string, {newValue?: unknown}>} */ changes,
  /** @type {string} */ area) => {
  if (area === 'local' && SETTINGS_KEY in changes) {
    blocking.changed(changes[SETTINGS_KEY].newValue).then(() => Promise.all([settingsLoaded(),
      recorder.settingsChanged()]));
  }
  if (area === 'local' && IMPORTED_KEY in changes) imported.invalidate();
});
// Dynamic rules persist across restarts; an update may bring a new database (new rules): check the fingerprint.
api.runtime.onInstalled?.addListener(() => { blocking.install().then(settingsLoaded); });
api.runtime.onStartup?.addListener(() => { blocking.install().then(settingsLoaded); });

/** @param {string} name @param {string | string[]} [subs] @returns {string} */
const msg = (name, subs) => api.i18n.getMessage(name, subs);

const whither = createWhither({
  api,
  ready,
  log: console,
  title: (summary) => msg('badgeTitle', [summarySentence(msg, summary, api.i18n.getUILanguage())
    + dataPhrase(msg, summary.data_requests ?? 0, api.i18n.getUILanguage())
    + blockedPhrase(msg, summary.blocked_requests ?? 0, api.i18n.getUILanguage())]),
  // A request with a server address is recorded once the IP table is there (the history keeps server countries).
  onTabChanged: (tracker, tabId, details) => {
    if (details.ip && !ipData.info) ipData.load().then(() => recorder.record(tracker, tabId, details));
    else recorder.record(tracker, tabId, details);
  },
  onTabClosed: (tracker, tabId) => recorder.closeTab(tracker, tabId),
  onTabMoved: (tracker, from, to) => recorder.moveTab(tracker, from, to),
  // Watchlisted jurisdictions, if any were contacted, in a warning colour; else the blocked requests, if any; else
  // all jurisdictions.
  badgeView: (tracker, tabId, summary) => {
    const watched = watchlist.length ? tracker.watched?.(tabId, watchlist) ?? [] : [];
    if (watched.length) return { text: `${watched.length}!`, color: '#b3261e' };
    const blocked = summary.blocked_requests ?? 0;
    return blocked ? { text: `⊘${blocked > 999 ? '1k+' : blocked}`, color: '#4a5560' }
      : { text: String(summary.jurisdictions), color: '#1e6fb8' };
  },
  defaultTitle: msg('actionTitle'),
  // After a failure of the core (a panic, reported on the console by its panic hook): a fresh Tracker.
  createTracker: () => new Tracker(),
  // At the start, the pages' own record of their loads (extension/resources.js), for what the background missed.
  readPage: (tabId) => api.scripting.executeScript({ target: { tabId, allFrames: true }, func: collect }),
  queryTabs: () => api.tabs.query({}),
  answers: {
    // The popup's view (report, laws, watched jurisdictions, groups) as one JSON string from the core.
    [MESSAGE.popup]: located(async (tracker, { tabId }) => {
      const [settings, paused] = await Promise.all([blocking.settings(), blocking.paused(), settingsLoaded(),
        imported.ensure(tracker)]);
      return /** @type {Tracker} */ (/** @type {unknown} */ (tracker)).popupViewFor(tabId,
        /** @type {Settings} */ (/** @type {unknown} */ (settings)), paused) ?? null;
    }),
    [MESSAGE.changeSettings]: (_, { change }) => (change ? blocking.change(change) : { ok: false }),
    [MESSAGE.settingsState]: () => blocking.state(),
    [MESSAGE.pauseSite]: (tracker, { tabId, on }) => {
      const site = /** @type {Tracker} */ (/** @type {unknown} */ (tracker)).site(tabId);
      return site ? blocking.pause(site, on === true) : false;
    },
    // The report and its exports, with the imported lists' answers for the hosts the data does not know.
    [MESSAGE.report]: located(async (tracker, { tabId }) => {
      await imported.ensure(tracker);
      return toPlain(tracker.report(tabId)) ?? null;
    }),
    [MESSAGE.reportCsv]: located(async (tracker, { tabId }) => {
      await imported.ensure(tracker);
      return tracker.reportCsv?.(tabId) ?? null;
    }),
    [MESSAGE.reportJson]: located(async (tracker, { tabId }) => {
      await imported.ensure(tracker);
      return tracker.reportJson?.(tabId) ?? null;
    }),
    // The IP data's date and sources (the options page's about section), loading the table if it is not yet.
    [MESSAGE.ipData]: () => ipData.load(),
    [MESSAGE.optionsView]: () => optionsView(),
    // The options page's "clear all data": the history, in memory and in storage.
    [MESSAGE.clearHistory]: () => recorder.clear().then(() => true, () => false),
  },
});

const filter = { urls: ['<all_urls>'] };
for (const [name, stage] of /** @type {[keyof typeof STAGES, import('./events.js').Stage][]} */ (Object.entries(STAGES))) {
  // Every stage's details are read as plain records (the core reads the fields of events.js, whatever the stage).
  /** @type {{addListener(f: (details: Record<string, unknown>) => void, filter: {urls: string[]}): void}} */
  (/** @type {unknown} */ (api.webRequest[name])).addListener((details) => {
    if (details.ip) ipData.load(); // the first server address: the IP table is needed now
    whither.onRequest(stage, details);
  }, filter);
}

api.tabs.onRemoved.addListener((/** @type {number} */ tabId) => whither.onTabRemoved(tabId));
api.tabs.onReplaced?.addListener((/** @type {number} */ added, /** @type {number} */ removed) =>
  whither.onTabReplaced(added, removed));
api.tabs.onUpdated.addListener((/** @type {number} */ tabId, /** @type {{status?: string}} */ change) => {
  if (change.status) whither.refreshBadge(tabId);
});

// The one message listener: sendResponse + `return true` works in Chrome and Firefox alike.
api.runtime.onMessage.addListener(
  (/** @type {unknown} */ message, /** @type {unknown} */ sender, /** @type {(r: unknown) => void} */ sendResponse) =>
    whither.onMessage(message, sender, sendResponse),
);

api.action.setBadgeBackgroundColor?.({ color: '#1e6fb8' })?.catch?.(() => {});
