// Reconciliation at the background's start (extension/reconcile.js, extension/state.js) with the real wasm core: the
// tabs that were active when the background stopped are read, what their pages loaded beyond the stored count is
// counted once and marked recovered; tabs idle for longer are not read; at a fresh start every open web page is.
// Run from the repository root: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createWhither } from '../../extension/state.js';
import { ACTIVE_WINDOW_MS, activityKey, mergeRecords, tabsToReconcile } from '../../extension/reconcile.js';
import { tabStateKey, toPlain } from '../../extension/protocol.js';
import { core } from './core.mjs';

const PAGE = 'https://www.news.example/';
const SEEN = 'https://cdn.tracker.example/a.js';
const NOW = 1_800_000_000_000;
const EXT_ID = 'whither@whither.dev';

/** storage.session with the given items. @param {Record<string, unknown>} items */
function fakeApi(items) {
  const store = new Map(Object.entries(items));
  return {
    store,
    runtime: { id: EXT_ID, getURL: (/** @type {string} */ p) => `chrome-extension://${EXT_ID}/${p}` },
    storage: {
      session: {
        async get() { return Object.fromEntries(store); },
        async set(/** @type {Record<string, unknown>} */ values) { for (const [k, v] of Object.entries(values)) store.set(k, v); },
        async remove(/** @type {string | string[]} */ keys) { for (const k of [keys].flat()) store.delete(k); },
      },
    },
  };
}

const log = { error() {}, debug() {} };

/** The stored state of tab 7: the page and one script, both seen by webRequest. */
function storedTab() {
  const t = new core.Tracker();
  const ev = (/** @type {string} */ stage, /** @type {string} */ id, /** @type {string} */ url, /** @type {string} */ type) =>
    t.event(7, { stage, requestId: id, url, type, method: 'GET', frameId: 0, timeStamp: NOW - 5000 });
  ev('before', '1', PAGE, 'main_frame');
  ev('completed', '1', PAGE, 'main_frame');
  ev('before', '2', SEEN, 'script');
  ev('completed', '2', SEEN, 'script');
  const state = t.exportTab(7);
  assert.ok(state);
  return state;
}

/** The page's record as scripting.executeScript returns it (top frame and one iframe). */
const pageRecord = [
  { frameId: 0, result: { document: PAGE, entries: [[SEEN, 'script'], ['https://cdn.tracker.example/b.js', 'script']], at: NOW } },
  { frameId: 3, result: { document: 'https://ads.example.net/frame', entries: [['https://px.ads.example.net/p.gif', 'img']], at: NOW + 4 } },
  { frameId: 5, result: undefined }, // a frame the script could not run in
];

test('a tab active when the background stopped is read once and its lost requests counted once, marked recovered',
  async () => {
    /** @type {number[]} */
    const read = [];
    const whither = createWhither({
      api: fakeApi({ [tabStateKey(7)]: storedTab(), [activityKey(7)]: NOW - 2000 }),
      ready: new core.Tracker(), log, now: () => NOW,
      readPage: async (tabId) => { read.push(tabId); return pageRecord; },
      queryTabs: async () => [{ id: 7, url: PAGE }],
    });
    await whither.started;
    await whither.reconciled;
    assert.deepEqual(read, [7]);
    assert.equal(whither.health.reconciledTabs, 1);
    assert.equal(whither.health.recovered, 2, 'b.js and the pixel; a.js was counted already');
    const report = await new Promise((resolve) => {
      whither.onMessage({ type: 'whither:report', tabId: 7 }, { id: EXT_ID }, resolve);
    });
    const r = /** @type {any} */ (toPlain(report));
    assert.equal(r.totals.requests, 4);
    assert.equal(r.totals.recovered, 2);
    await whither.idle();
  });

test('tabs idle for longer than the window are not read; at a fresh start every open web page is', async () => {
  /** @type {number[]} */
  const read = [];
  const idle = createWhither({
    api: fakeApi({ [tabStateKey(7)]: storedTab(), [activityKey(7)]: NOW - ACTIVE_WINDOW_MS - 1 }),
    ready: new core.Tracker(), log, now: () => NOW,
    readPage: async (tabId) => { read.push(tabId); return pageRecord; },
    queryTabs: async () => [{ id: 7, url: PAGE }],
  });
  await idle.reconciled;
  assert.deepEqual(read, []);
  assert.equal(idle.health.recovered, 0);

  const fresh = createWhither({
    api: fakeApi({}), ready: new core.Tracker(), log, now: () => NOW,
    readPage: async (tabId) => { read.push(tabId); return pageRecord; },
    queryTabs: async () => [{ id: 3, url: PAGE }, { id: 4, url: 'about:blank' }, { url: PAGE }],
  });
  await fresh.reconciled;
  assert.deepEqual(read, [3], 'only the web page with an id');
  assert.equal(fresh.health.recovered, 4, "the first page's document and its three loads");
});

test('a tab that cannot be read (closed, not a web page) is skipped; the others still are', async () => {
  /** @type {number[]} */
  const read = [];
  const whither = createWhither({
    api: fakeApi({}), ready: new core.Tracker(), log, now: () => NOW,
    readPage: async (tabId) => {
      read.push(tabId);
      if (tabId === 1) throw new Error('No tab with id: 1');
      return pageRecord;
    },
    queryTabs: async () => [{ id: 1, url: PAGE }, { id: 2, url: PAGE }],
  });
  await whither.reconciled;
  assert.deepEqual(read, [1, 2]);
  assert.equal(whither.health.reconciledTabs, 1);
});

test('mergeRecords keeps the top frame\'s document, every frame\'s well-formed entries and the first reading', () => {
  const merged = mergeRecords([
    ...pageRecord,
    { frameId: 0, result: { entries: [[1, 'img'], ['https://x.example/', 2], 'bad'], at: 'x' } },
    { frameId: 9, result: 'not a record' },
  ]);
  assert.equal(merged.document, PAGE);
  assert.equal(merged.entries.length, 3);
  assert.equal(merged.at, NOW);
  assert.deepEqual(mergeRecords(undefined), { document: null, entries: [], at: null });
});

test('tabsToReconcile: active tabs only, unless nothing was stored at all', async () => {
  const stored = { [activityKey(1)]: NOW - 10, [activityKey(2)]: NOW - ACTIVE_WINDOW_MS, [activityKey(3)]: 'x' };
  assert.deepEqual(await tabsToReconcile(stored, [1, 2, 3, 4], async () => [], NOW), [1]);
  // Activity but no stored tab (all closed): nothing to read, not a fresh start.
  assert.deepEqual(await tabsToReconcile({ [activityKey(9)]: NOW }, [], async () => [{ id: 9, url: PAGE }], NOW), []);
  // A failing tabs query reads nothing.
  assert.deepEqual(await tabsToReconcile({}, [], async () => { throw new Error('x'); }, NOW), []);
});
