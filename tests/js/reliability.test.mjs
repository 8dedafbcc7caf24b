// Reliability of the shell with the real wasm core: a failure of the core (a Rust panic aborts the wasm instance) is
// reported by the panic hook and survived (the failing request is counted as unclassified, nothing else is lost);
// storage quota errors never drop the current tab's report. Run from the repository root: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createWhither, isCoreFailure, isQuotaError } from '../../extension/state.js';
import { tabStateKey as storageKey, toPlain } from '../../extension/protocol.js';
import { core, root } from './core.mjs';



const EXT_ID = 'whither@whither.dev';
const PAGE = 'https://www.news.example/';
/** The URL on which the wrapped core "fails" (panics inside Tracker.event, as a bug would). */
const POISON = 'https://cdn.poison.example/panic.js';

/**
 * A storage.session fake with an optional byte budget: a write that would exceed it fails like Chrome's
 * ("Session storage quota bytes exceeded").
 * @param {number} [budget]
 */
function fakeApi(budget = Infinity) {
  const store = new Map();
  const size = () => [...store].reduce((n, [k, v]) => n + k.length + String(v).length, 0);
  return {
    store,
    runtime: { id: EXT_ID, getURL: (/** @type {string} */ p) => `chrome-extension://${EXT_ID}/${p}` },
    storage: {
      session: {
        async get() { return Object.fromEntries(store); },
        async set(/** @type {Record<string, string>} */ items) {
          const before = new Map(store);
          for (const [k, v] of Object.entries(items)) store.set(k, v);
          if (size() > budget) {
            store.clear();
            for (const [k, v] of before) store.set(k, v);
            throw new Error('Session storage quota bytes exceeded. Values were not stored.');
          }
        },
        async remove(/** @type {string | string[]} */ keys) { for (const k of [keys].flat()) store.delete(k); },
      },
    },
  };
}

/** A logger that keeps what it is given. */
function quietLog() {
  /** @type {string[]} */
  const lines = [];
  return { lines, error: (/** @type {unknown[]} */ ...a) => lines.push(a.map(String).join(' ')), debug() {} };
}

/** The real Tracker, made to panic inside `event` on {@link POISON}; `trackers` keeps every one created. */
function poisonable() {
  /** @type {any[]} */
  const trackers = [];
  const make = () => {
    const t = new core.Tracker();
    trackers.push(t);
    return {
      event: (/** @type {number} */ tab, /** @type {any} */ ev) => {
        if (ev.url === POISON) t.__panicForTests(ev.url);
        return t.event(tab, ev);
      },
      eventUnclassified: (/** @type {number} */ tab, /** @type {any} */ ev) => t.eventUnclassified(tab, ev),
      report: (/** @type {number} */ tab) => t.report(tab),
      summary: (/** @type {number} */ tab) => t.summary(tab),
      exportTab: (/** @type {number} */ tab) => t.exportTab(tab),
      importTab: (/** @type {number} */ tab, /** @type {string} */ s) => t.importTab(tab, s),
      removeTab: (/** @type {number} */ tab) => t.removeTab(tab),
      reportCsv: (/** @type {number} */ tab) => t.reportCsv(tab),
      reportJson: (/** @type {number} */ tab) => t.reportJson(tab),
    };
  };
  return { trackers, make };
}

/** webRequest details of one request of a page in tab `tabId`. */
function details(/** @type {number} */ tabId, /** @type {string} */ requestId, /** @type {string} */ url,
  /** @type {string} */ type = 'script') {
  return { tabId, requestId, url, type, method: 'GET', frameId: 0, timeStamp: 1 };
}

/** @param {any} whither @param {number} tabId @returns {Promise<any>} the report through the message API */
function reportOf(whither, tabId) {
  return new Promise((resolve) => {
    whither.onMessage({ type: 'whither:report', tabId }, { id: EXT_ID }, resolve);
  });
}

test('error classification: core failures and quota errors', () => {
  assert.ok(isCoreFailure(new WebAssembly.RuntimeError('unreachable')));
  assert.ok(isCoreFailure(new Error('recursive use of an object detected which would lead to unsafe aliasing in rust')));
  assert.ok(!isCoreFailure(new Error('bad event: missing field `stage`')));
  assert.ok(isQuotaError(new Error('Session storage quota bytes exceeded. Values were not stored.')));
  assert.ok(isQuotaError(Object.assign(new Error('x'), { name: 'QuotaExceededError' })));
  assert.ok(!isQuotaError(new Error('No tab with id: 5')));
});

test('a panic in the core is reported and survived: the request counts as unclassified, nothing else is lost',
  async () => {
    const api = fakeApi();
    const log = quietLog();
    const { trackers, make } = poisonable();
    const whither = createWhither({ api, ready: make(), createTracker: make, log });
    await whither.started;

    // The same page without the failure, for reference: the failing request counted as unclassified.
    const reference = new core.Tracker();
    let n = 0;
    /** @param {string} stage @param {string} url @param {string} [type] */
    const send = (stage, url, type) => {
      const d = details(7, String(++n), url, type);
      whither.onRequest(stage, d);
      const ev = { stage, requestId: d.requestId, url, type: d.type, method: 'GET', frameId: 0, timeStamp: 1 };
      if (url === POISON) reference.eventUnclassified(7, ev);
      else reference.event(7, ev);
    };
    send('before', PAGE, 'main_frame');
    for (let i = 0; i < 20; i++) send('before', `https://www.google-analytics.com/g/collect?i=${i}`, 'ping');
    await whither.idle(); // some of the visit is persisted …
    for (let i = 0; i < 15; i++) send('before', `https://mc.yandex.ru/watch/${i}`, 'image'); // … some is not yet
    const errors = [];
    const consoleError = console.error;
    console.error = (...a) => { errors.push(a.map(String).join(' ')); };
    try {
      send('before', POISON);
      for (let i = 0; i < 10; i++) send('completed', `https://static.criteo.net/js/${i}.js`);
      send('before', POISON); // a second failure is survived too
      await whither.idle();
    } finally {
      console.error = consoleError;
    }

    // The panic hook reported the panic with its message.
    assert.ok(errors.some((e) => e.includes('deliberate panic for tests')), errors.join('\n'));
    assert.equal(whither.health.coreFailures, 2);
    assert.equal(trackers.length, 3, 'a fresh Tracker per failure');
    // The failed Tracker really is unusable: without the recovery everything after the failure would be lost.
    assert.throws(() => trackers[0].report(7));

    const got = await reportOf(whither, 7);
    const want = toPlain(reference.report(7));
    assert.equal(got.totals.requests, 1 + 20 + 15 + 2 + 10);
    assert.deepEqual(got, want);
    assert.equal(got.totals.unattributed_requests, want.totals.unattributed_requests);
    assert.ok(!got.hosts.some((/** @type {any} */ h) => h.host === 'cdn.poison.example'), 'the failing URL is not classified');
    // The exports come from the Tracker that is current, not from the failed one: the CSV and the JSON of the tab
    // after the failure have every request.
    /** @param {string} type @returns {Promise<any>} */
    const ask = (type) => new Promise((resolve) => { whither.onMessage({ type, tabId: 7 }, { id: EXT_ID }, resolve); });
    const csv = await ask('whither:report-csv');
    assert.equal(typeof csv, 'string', 'the CSV export answers after a failure of the core');
    assert.equal(csv, reference.reportCsv(7));
    const json = await ask('whither:report-json');
    assert.deepEqual(JSON.parse(json), want);
    // What is stored is the recovered state: a restarted worker gets the same report.
    const restored = new core.Tracker();
    restored.importTab(7, api.store.get(storageKey(7)));
    assert.deepEqual(toPlain(restored.report(7)), want);
  });

test('unclassified requests are still counted once per request', () => {
  const t = new core.Tracker();
  const ev = (/** @type {string} */ stage, /** @type {string} */ id, /** @type {string} */ url, type = 'script') =>
    ({ stage, requestId: id, url, type, method: 'GET' });
  t.event(1, ev('before', '1', PAGE, 'main_frame'));
  assert.equal(t.eventUnclassified(1, ev('before', '2', POISON)), true);
  assert.equal(t.eventUnclassified(1, ev('completed', '2', POISON)), false);
  assert.equal(t.eventUnclassified(1, ev('before', '3', POISON)), true);
  const r = toPlain(t.report(1));
  assert.equal(r.totals.requests, 3);
  assert.equal(r.totals.unattributed_requests, 3, 'the two unclassified ones and the page (no known owner)');
  assert.equal(r.page.url, PAGE, 'an unclassified request never starts a visit');
  assert.equal(t.eventUnclassified(-1, ev('before', '4', POISON)), false);
});

test('a storage quota error drops other tabs\' stored state, never the current tab\'s report',
  async () => {
    // Room for about two tabs of this size (one such tab's state, with its fetch list and activity key, takes ~5.2 KB).
    const api = fakeApi(13_000);
    const log = quietLog();
    const { make } = poisonable();
    const whither = createWhither({ api, ready: make(), createTracker: make, log });
    await whither.started;
    /** @param {number} tab @param {number} hosts */
    const load = async (tab, hosts) => {
      whither.onRequest('before', details(tab, `${tab}-0`, `https://site${tab}.example/`, 'main_frame'));
      for (let i = 1; i <= hosts; i++) {
        whither.onRequest('before', details(tab, `${tab}-${i}`, `https://h${i}.tracker${tab}.example/p`));
      }
      await whither.idle();
    };
    await load(1, 40);
    await load(2, 40);
    assert.equal(whither.health.quotaErrors, 0, 'two tabs fit');
    await load(3, 40);
    assert.ok(whither.health.quotaErrors >= 1);
    assert.ok(whither.health.evictedTabs >= 1);
    assert.ok(log.lines.some((l) => l.includes('quota')), 'the quota error is reported');
    // The current tab is stored whole; the least recently written tab made room.
    const stored3 = api.store.get(storageKey(3));
    assert.ok(stored3, 'the current tab is stored');
    const t = new core.Tracker();
    t.importTab(3, stored3);
    assert.equal(toPlain(t.report(3)).totals.requests, 41);
    assert.ok(!api.store.has(storageKey(1)), 'the least recently written tab was dropped from storage');
    // Every tab's report is still served from memory.
    for (const tab of [1, 2, 3]) assert.equal((await reportOf(whither, tab)).totals.requests, 41);

    // A tab too large to be stored at all: kept in memory and reported, never lost.
    await load(4, 300);
    assert.ok(whither.health.unstoredTabs >= 1);
    assert.equal((await reportOf(whither, 4)).totals.requests, 301);

    // A failure of the core now: the tabs whose stored state was dropped are restored from memory all the same.
    const consoleError = console.error;
    console.error = () => {};
    try {
      whither.onRequest('before', details(3, '3-poison', POISON));
      await whither.idle();
    } finally {
      console.error = consoleError;
    }
    assert.equal(whither.health.coreFailures, 1);
    for (const tab of [1, 2, 4]) {
      const want = tab === 4 ? 301 : 41;
      assert.equal((await reportOf(whither, tab)).totals.requests, want, `tab ${tab} after the failure`);
    }
    assert.equal((await reportOf(whither, 3)).totals.requests, 42);
  });
