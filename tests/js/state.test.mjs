// Unit tests of extension/state.js with a fake browser API and a fake tracker (no wasm needed).
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createWhither } from '../../extension/state.js';
import { createCoalescer, createSerialQueue } from '../../extension/queue.js';
import { eventFromDetails } from '../../extension/events.js';
import { MESSAGE, isTrustedSender, parseMessage, tabIdOfKey, tabStateKey as storageKey, toPlain }
  from '../../extension/protocol.js';
import { summarySentence } from '../../extension/text.js';

const EXT_ID = 'whither@whither.dev';
const EXT_URL = 'moz-extension://0d3c5a6e-1111-2222-3333-444455556666/';

/** A promise with its resolve function outside. */
function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

/**
 * A fake of the wasm Tracker: keeps the list of events per tab, exports it as JSON.
 * `log` records every call in order.
 */
class FakeTracker {
  constructor() {
    /** @type {Map<number, object[]>} */
    this.state = new Map();
    this.log = [];
    this.failOn = null;
  }
  event(tabId, ev) {
    this.log.push(['event', tabId, ev.requestId]);
    if (this.failOn && ev.requestId === this.failOn) throw new Error('boom');
    if (tabId < 0) return false;
    if (ev.stage === 'before' && ev.type === 'main_frame') this.state.set(tabId, []);
    if (!this.state.has(tabId)) this.state.set(tabId, []);
    this.state.get(tabId).push({ stage: ev.stage, requestId: ev.requestId });
    return true;
  }
  report(tabId) {
    const events = this.state.get(tabId);
    if (!events) return null;
    return { schema: 1, tab: tabId, events: events.map((e) => e.requestId), types: new Map([['script', events.length]]) };
  }
  popupView(tabId, watchlist) {
    this.log.push(['popupView', tabId, watchlist]);
    const events = this.state.get(tabId);
    return events ? JSON.stringify({ report: { events: events.map((e) => e.requestId) }, watched: watchlist }) : undefined;
  }
  summary(tabId) {
    const events = this.state.get(tabId);
    if (!events) return null;
    return { requests: events.length, companies: 1, jurisdictions: events.length % 4, third_party_requests: 0 };
  }
  exportTab(tabId) {
    const events = this.state.get(tabId);
    return events ? JSON.stringify(events) : null;
  }
  importTab(tabId, data) {
    this.log.push(['import', tabId]);
    let parsed;
    try {
      parsed = JSON.parse(data);
    } catch {
      throw new Error('malformed tab state');
    }
    if (!Array.isArray(parsed)) throw new Error('malformed tab state');
    this.state.set(tabId, parsed);
  }
  removeTab(tabId) {
    this.log.push(['remove', tabId]);
    this.state.delete(tabId);
  }
  tabs() {
    return [...this.state.keys()];
  }
}

/**
 * A fake `browser` namespace. Storage operations can be held (`hold = true`) to simulate slow writes; every
 * operation is recorded in `ops`, and the peak number of concurrent writes per key in `peak`.
 */
function fakeBrowser(initial = {}) {
  const store = new Map(Object.entries(initial));
  const ops = [];
  const inFlight = new Map();
  const peak = new Map();
  const held = [];
  const api = {
    hold: false,
    store,
    ops,
    peak,
    badges: new Map(),
    titles: new Map(),
    /** Lets every held storage operation finish. */
    release() {
      while (held.length) held.shift()();
    },
    runtime: { id: EXT_ID, getURL: (p) => EXT_URL + p },
    storage: {
      session: {
        async get(keys) {
          ops.push(['get', keys]);
          await tick();
          return Object.fromEntries(store);
        },
        async set(items) {
          for (const key of Object.keys(items)) {
            ops.push(['set', key, items[key]]);
            inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
            peak.set(key, Math.max(peak.get(key) ?? 0, inFlight.get(key)));
          }
          if (api.hold) await new Promise((r) => held.push(r));
          else await tick();
          for (const [key, value] of Object.entries(items)) {
            store.set(key, value);
            inFlight.set(key, inFlight.get(key) - 1);
          }
        },
        async remove(keys) {
          for (const key of [keys].flat()) ops.push(['remove', key]);
          if (api.hold) await new Promise((r) => held.push(r));
          else await tick();
          for (const key of [keys].flat()) store.delete(key);
        },
      },
    },
    action: {
      async setBadgeText({ tabId, text }) { api.badges.set(tabId, text); ops.push(['badge', tabId, text]); },
      async setTitle({ tabId, title }) { api.titles.set(tabId, title); ops.push(['title', tabId, title]); },
    },
  };
  return api;
}

const quietLog = () => {
  const errors = [];
  return { errors, error: (...args) => errors.push(args), debug: () => {} };
};

/** webRequest details as a browser gives them. */
const details = (tabId, requestId, extra = {}) => ({
  tabId, requestId, url: `https://h${requestId}.example/`, type: 'script', method: 'GET', frameId: 0,
  timeStamp: 1, ...extra,
});

test('events are applied in the order they arrive, even before the core is ready', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const ready = deferred();
  const w = createWhither({ api, ready: ready.promise, log: quietLog() });
  for (let i = 0; i < 50; i++) w.onRequest(i % 2 ? 'completed' : 'before', details(1, String(i)));
  await tick();
  assert.equal(tracker.log.length, 0, 'nothing is applied before ready');
  ready.resolve(tracker);
  await w.idle();
  assert.deepEqual(tracker.log.map((e) => e[2]), Array.from({ length: 50 }, (_, i) => String(i)));
  assert.deepEqual(tracker.state.get(1).map((e) => e.stage).slice(0, 2), ['before', 'completed']);
});

test('stored tabs are restored before any queued event is applied', async () => {
  const stored = JSON.stringify([{ stage: 'before', requestId: 'old' }]);
  const api = fakeBrowser({ [storageKey(7)]: stored, other: 'not ours', 'tab:x': 'ignored' });
  const tracker = new FakeTracker();
  const ready = deferred();
  const w = createWhither({ api, ready: ready.promise, log: quietLog() });
  w.onRequest('response', details(7, 'new'));
  setTimeout(() => ready.resolve(tracker), 5);
  await w.idle();
  assert.deepEqual(tracker.log, [['import', 7], ['event', 7, 'new']]);
  assert.deepEqual(tracker.state.get(7).map((e) => e.requestId), ['old', 'new']);
  assert.deepEqual(JSON.parse(api.store.get('tab:7')).map((e) => e.requestId), ['old', 'new']);
  assert.equal(api.store.get('other'), 'not ours', 'foreign keys are left alone');
});

test('a malformed stored tab is logged and dropped; the rest still loads', async () => {
  const api = fakeBrowser({ 'tab:1': '{not json', 'tab:2': JSON.stringify([]), 'tab:3': 42 });
  const tracker = new FakeTracker();
  const log = quietLog();
  const w = createWhither({ api, ready: tracker, log });
  await w.idle();
  assert.ok(tracker.state.has(2));
  assert.ok(!api.store.has('tab:1'));
  assert.ok(!api.store.has('tab:3'));
  assert.equal(log.errors.length, 2);
});

test('writes are coalesced: one write in flight per tab, a rewrite when it changed meanwhile', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const w = createWhither({ api, ready: tracker, log: quietLog(), persistDelayMs: 0 });
  await w.started;
  api.hold = true;
  w.onRequest('before', details(3, 'a'));
  w.onRequest('before', details(4, 'x'));
  await tick();
  for (const id of ['b', 'c', 'd', 'e']) w.onRequest('before', details(3, id));
  await tick();
  assert.equal(api.ops.filter((o) => o[0] === 'set' && o[1] === 'tab:3').length, 1, 'second write waits');
  api.hold = false;
  api.release();
  await w.idle();
  const sets = api.ops.filter((o) => o[0] === 'set' && o[1] === 'tab:3');
  assert.equal(sets.length, 2, 'first write + one rewrite with everything that came meanwhile');
  assert.equal(api.peak.get('tab:3'), 1);
  assert.deepEqual(JSON.parse(api.store.get('tab:3')).map((e) => e.requestId), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(JSON.parse(api.store.get('tab:4')).map((e) => e.requestId), ['x']);
});

test('the stored state always catches up with the tracker (many bursts)', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const w = createWhither({ api, ready: tracker, log: quietLog() });
  for (let burst = 0; burst < 20; burst++) {
    for (let i = 0; i < 7; i++) w.onRequest('before', details(1 + (i % 3), `${burst}-${i}`));
    if (burst % 3 === 0) await tick();
  }
  await w.idle();
  for (const tab of [1, 2, 3]) assert.equal(api.store.get(storageKey(tab)), tracker.exportTab(tab));
  for (const [key, n] of api.peak) assert.equal(n, 1, key);
  assert.ok(api.ops.filter((o) => o[0] === 'set').length < 140, 'writes were coalesced');
});

test('health.storedRequests: per tab, the requests of its last stored (or restored) state', async () => {
  const api = fakeBrowser({ [storageKey(5)]: JSON.stringify([{ stage: 'before', requestId: 'old' }]) });
  const tracker = new FakeTracker();
  const w = createWhither({ api, ready: tracker, log: quietLog(), persistDelayMs: 0 });
  await w.started;
  assert.deepEqual(w.health.storedRequests, { 5: 1 }, 'restored');
  api.hold = true;
  for (const id of ['a', 'b', 'c']) w.onRequest('before', details(6, id));
  await tick();
  await tick();
  assert.equal(w.health.storedRequests[6], undefined, 'not before the write has finished');
  api.hold = false;
  api.release();
  await w.idle();
  assert.deepEqual(w.health.storedRequests, { 5: 1, 6: 3 });
  assert.equal(w.health.storedRequests[6], JSON.parse(api.store.get('tab:6')).length);
  w.onTabRemoved(5);
  await w.idle();
  assert.deepEqual(w.health.storedRequests, { 6: 3 }, 'a closed tab has no stored state');
});

test('closing a tab forgets it in the tracker and in storage, even with a write in flight', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const w = createWhither({ api, ready: tracker, log: quietLog(), persistDelayMs: 0 });
  await w.started;
  api.hold = true;
  w.onRequest('before', details(9, 'a'));
  await tick();
  w.onRequest('before', details(9, 'b'));
  w.onTabRemoved(9);
  await tick();
  api.hold = false;
  api.release();
  await w.idle();
  assert.ok(!tracker.state.has(9));
  assert.ok(!api.store.has('tab:9'), 'the key is not resurrected by the write that was in flight');
  assert.ok(!api.store.has('active:9'), 'nor its activity time');
  assert.deepEqual(api.ops.filter((o) => o[0] === 'set' || o[0] === 'remove').slice(-2),
    [['remove', 'tab:9'], ['remove', 'active:9']]);
});

test('a replaced tab id (prerender) carries its state over', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const w = createWhither({ api, ready: tracker, log: quietLog() });
  w.onRequest('before', details(10, 'a'));
  w.onTabReplaced(11, 10);
  await w.idle();
  assert.ok(!tracker.state.has(10));
  assert.deepEqual(tracker.state.get(11).map((e) => e.requestId), ['a']);
  assert.ok(!api.store.has('tab:10'));
  assert.ok(api.store.has('tab:11'));
});

test('a throwing event is logged and the queue goes on', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  tracker.failOn = 'bad';
  const log = quietLog();
  const w = createWhither({ api, ready: tracker, log });
  w.onRequest('before', details(1, 'ok1'));
  w.onRequest('before', details(1, 'bad'));
  w.onRequest('before', details(1, 'ok2'));
  await w.idle();
  assert.equal(log.errors.length, 1);
  assert.deepEqual(tracker.state.get(1).map((e) => e.requestId), ['ok1', 'ok2']);
});

test('background requests (tabId -1) never reach the core', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const w = createWhither({ api, ready: tracker, log: quietLog() });
  w.onRequest('before', details(-1, 'bg'));
  await w.idle();
  assert.equal(tracker.log.length, 0);
  assert.equal(api.ops.filter((o) => o[0] !== 'get').length, 0);
});

test('a core that fails to load is logged once; listeners stay harmless', async () => {
  const api = fakeBrowser();
  const log = quietLog();
  const w = createWhither({ api, ready: Promise.reject(new Error('no wasm')), log });
  w.onRequest('before', details(1, 'a'));
  let answer = 'unset';
  assert.equal(w.onMessage({ type: 'whither:report', tabId: 1 }, { id: EXT_ID, url: EXT_URL + 'x' }, (r) => { answer = r; }), true);
  await w.idle();
  assert.equal(log.errors.length, 1);
  assert.equal(answer, null);
});

test('the report message answers trusted extension pages only', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const w = createWhither({ api, ready: tracker, log: quietLog() });
  w.onRequest('before', details(5, 'a', { type: 'main_frame' }));
  w.onRequest('before', details(5, 'b'));

  const ask = async (message, sender) => {
    let answered = false;
    let answer;
    const ret = w.onMessage(message, sender, (r) => { answered = true; answer = r; });
    await w.idle();
    return { ret, answered, answer };
  };
  const popup = { id: EXT_ID, url: EXT_URL + 'extension/popup.html' };
  const good = await ask({ type: 'whither:report', tabId: 5 }, popup);
  assert.equal(good.ret, true);
  assert.equal(good.answered, true);
  assert.deepEqual(good.answer.events, ['a', 'b']);
  assert.deepEqual(good.answer.types, { script: 2 }, 'Maps become plain objects');

  const tabPopup = await ask({ type: 'whither:report', tabId: 5 },
    { id: EXT_ID, url: EXT_URL + 'extension/popup.html?tabId=5', tab: { id: 12 } });
  assert.equal(tabPopup.answered, true, 'the popup opened as a tab is an extension page too');

  const noUrl = await ask({ type: 'whither:report', tabId: 5 }, { id: EXT_ID });
  assert.equal(noUrl.answered, true, 'an extension context without a URL is accepted');

  const unknownTab = await ask({ type: 'whither:report', tabId: 77 }, popup);
  assert.equal(unknownTab.answered, true);
  assert.equal(unknownTab.answer, null);

  const refused = [
    [{ type: 'whither:report', tabId: 5 }, { id: 'evil@example.com', url: 'moz-extension://other/' }],
    [{ type: 'whither:report', tabId: 5 }, { id: EXT_ID, url: 'https://news.example/' }], // a content script
    [{ type: 'whither:report', tabId: 5 }, { id: EXT_ID, url: 'moz-extension://0d3c5a6e-evil/' }],
    [{ type: 'whither:report', tabId: 5 }, { url: EXT_URL }],
    [{ type: 'whither:report', tabId: 5 }, null],
    [{ type: 'whither:report', tabId: '5' }, popup],
    [{ type: 'whither:report', tabId: -1 }, popup],
    [{ type: 'whither:report' }, popup],
    [{ type: 'whither:other', tabId: 5 }, popup],
    ['whither:report', popup],
    [null, popup],
  ];
  for (const [message, sender] of refused) {
    const r = await ask(message, sender);
    assert.equal(r.ret, undefined, JSON.stringify([message, sender]));
    assert.equal(r.answered, false, JSON.stringify([message, sender]));
  }
});

test('the popup message answers with the popup view as one string, to trusted extension pages only', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const popup = { id: EXT_ID, url: EXT_URL + 'extension/popup.html' };
  /** @param {any} w @param {unknown} message @param {unknown} sender */
  const ask = async (w, message, sender) => {
    let answered = false;
    let answer;
    const ret = w.onMessage(message, sender, (/** @type {unknown} */ r) => { answered = true; answer = r; });
    await w.idle();
    return { ret, answered, answer };
  };

  // Default: the core's popup view without a watchlist; the events sent before the request are in it.
  const plain = createWhither({ api, ready: tracker, log: quietLog() });
  plain.onRequest('before', details(5, 'a', { type: 'main_frame' }));
  plain.onRequest('before', details(5, 'b'));
  const good = await ask(plain, { type: 'whither:popup', tabId: 5 }, popup);
  assert.equal(good.ret, true);
  assert.equal(typeof good.answer, 'string', 'one string, not an object graph');
  assert.deepEqual(JSON.parse(/** @type {string} */ (good.answer)), { report: { events: ['a', 'b'] }, watched: [] });
  const unknownTab = await ask(plain, { type: 'whither:popup', tabId: 77 }, popup);
  assert.equal(unknownTab.answered, true);
  assert.equal(unknownTab.answer, null, 'no visit: null (not undefined, which messaging drops)');
  for (const [message, sender] of [
    [{ type: 'whither:popup', tabId: 5 }, { id: EXT_ID, url: 'https://news.example/' }], // a content script
    [{ type: 'whither:popup', tabId: 5 }, { id: 'evil@example.com', url: 'moz-extension://other/' }],
    [{ type: 'whither:popup', tabId: -1 }, popup],
    [{ type: 'whither:popup', tabId: '5' }, popup],
    [{ type: 'whither:popup' }, popup],
  ]) {
    const r = await ask(plain, message, sender);
    assert.equal(r.ret, undefined, JSON.stringify([message, sender]));
    assert.equal(r.answered, false, JSON.stringify([message, sender]));
  }

  // The background's own view (the watchlist of its settings), possibly asynchronous.
  const settings = deferred();
  const custom = createWhither({
    api: fakeBrowser(),
    ready: tracker,
    log: quietLog(),
    answers: { [MESSAGE.popup]: async (t, { tabId }) => t.popupView?.(tabId, await settings.promise) },
  });
  custom.onRequest('before', details(6, 'c', { type: 'main_frame' }));
  let answer;
  custom.onMessage({ type: 'whither:popup', tabId: 6 }, popup, (/** @type {unknown} */ r) => { answer = r; });
  await tick();
  assert.equal(answer, undefined, 'waits for the settings');
  settings.resolve(['RU']);
  await custom.idle();
  assert.deepEqual(JSON.parse(/** @type {any} */ (answer)), { report: { events: ['c'] }, watched: ['RU'] });
  assert.deepEqual(tracker.log.filter((l) => l[0] === 'popupView').at(-1), ['popupView', 6, ['RU']]);

});

test('a report request sees every event that arrived before it', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const ready = deferred();
  const w = createWhither({ api, ready: ready.promise, log: quietLog() });
  w.onRequest('before', details(2, 'a'));
  let answer;
  w.onMessage({ type: 'whither:report', tabId: 2 }, { id: EXT_ID, url: EXT_URL }, (r) => { answer = r; });
  w.onRequest('before', details(2, 'b'));
  ready.resolve(tracker);
  await w.idle();
  assert.deepEqual(answer.events, ['a']);
});

test('the badge shows the number of jurisdictions and the summary sentence', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const w = createWhither({
    api, ready: tracker, log: quietLog(),
    title: (s) => `Whither: ${s.requests} requests`, defaultTitle: 'Whither',
  });
  for (const id of ['a', 'b', 'c']) w.onRequest('before', details(4, id));
  await w.idle();
  assert.equal(api.badges.get(4), '3');
  assert.equal(api.titles.get(4), 'Whither: 3 requests');
  w.onTabRemoved(4);
  w.refreshBadge(4);
  await w.idle();
  assert.equal(api.badges.get(4), '');
  assert.equal(api.titles.get(4), 'Whither');
});

test('a burst of events costs one write and one badge update; an unchanged badge is not set again', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const w = createWhither({
    api, ready: tracker, log: quietLog(), persistDelayMs: 20, badgeDelayMs: 10,
    title: (s) => `Whither: ${s.requests > 100 ? 'many' : s.requests} requests`, defaultTitle: 'Whither',
    badgeView: () => ({ text: 'X', color: '#123456' }),
  });
  await w.started;
  for (let i = 0; i < 200; i++) w.onRequest('before', details(5, String(i)));
  await w.idle();
  const ops = (/** @type {string} */ kind) => api.ops.filter((o) => o[0] === kind && (o[1] === 'tab:5' || o[1] === 5));
  assert.equal(ops('set').length, 1, 'one write for the burst');
  assert.equal(JSON.parse(api.store.get('tab:5')).length, 200, 'with every event');
  assert.equal(ops('badge').length, 1);
  assert.equal(ops('title').length, 1);
  assert.equal(api.titles.get(5), 'Whither: many requests');
  // More requests that change neither the badge nor the title: written, but no badge call.
  w.onRequest('before', details(5, 'more'));
  await w.idle();
  assert.equal(ops('set').length, 2);
  assert.equal(ops('badge').length, 1, 'unchanged badge text is not set again');
  assert.equal(ops('title').length, 1, 'unchanged title is not set again');
  // A navigation may reset the badge in the browser (Firefox): refreshBadge sets it again.
  w.refreshBadge(5);
  await w.idle();
  assert.equal(ops('badge').length, 2);
  assert.equal(api.badges.get(5), 'X');
});

test('a closed tab is removed from storage at once, without waiting for the write delay', async () => {
  const api = fakeBrowser();
  const tracker = new FakeTracker();
  const w = createWhither({ api, ready: tracker, log: quietLog(), persistDelayMs: 60_000 });
  await w.started;
  w.onRequest('before', details(6, 'a'));
  w.onTabRemoved(6);
  await w.idle(); // would take a minute if the removal waited for the delay
  assert.ok(!api.store.has('tab:6'));
});

test('eventFromDetails keeps the fields the core reads, and only those that are present', () => {
  const ev = eventFromDetails('response', {
    tabId: 3, requestId: '12', url: 'https://a.example/x', type: 'image', method: 'GET', ip: '192.0.2.1',
    frameId: 0, parentFrameId: -1, timeStamp: 1.5, initiator: 'https://b.example', redirectUrl: undefined,
    documentUrl: null,
  });
  assert.deepEqual(ev, {
    stage: 'response', requestId: '12', url: 'https://a.example/x', type: 'image', method: 'GET', ip: '192.0.2.1',
    frameId: 0, timeStamp: 1.5,
  });
  // A redirect's status and a cache hit are passed on; a network response's `fromCache: false` and a completion's
  // status are not (the core does not need them).
  assert.deepEqual(eventFromDetails('redirect', {
    requestId: '1', url: 'http://a.example/', statusCode: 307, statusLine: 'HTTP/1.1 307 Internal Redirect',
    fromCache: false,
  }), { stage: 'redirect', requestId: '1', url: 'http://a.example/', statusCode: 307,
    statusLine: 'HTTP/1.1 307 Internal Redirect' });
  assert.deepEqual(eventFromDetails('completed', { requestId: '2', url: 'https://a.example/', statusCode: 200,
    statusLine: 'HTTP/1.1 200 OK', fromCache: true }), { stage: 'completed', requestId: '2', url: 'https://a.example/',
    fromCache: true });
  assert.deepEqual(eventFromDetails('error', { requestId: '3', url: 'https://a.example/', error: 'net::ERR_CACHE_MISS' }),
    { stage: 'error', requestId: '3', url: 'https://a.example/', error: 'net::ERR_CACHE_MISS' });
});

test('message and key helpers', () => {
  assert.deepEqual(parseMessage({ type: 'whither:report', tabId: 0 }), { type: 'whither:report', tabId: 0 });
  assert.equal(parseMessage({ type: 'whither:report', tabId: 1.5 }), null);
  assert.equal(parseMessage({ type: 'whither:report', tabId: -1 }), null);
  assert.equal(parseMessage({ type: 'whither:popup' }), null);
  assert.equal(parseMessage({ type: 'whither:nothing', tabId: 1 }), null);
  assert.equal(parseMessage('whither:report'), null);
  assert.deepEqual(parseMessage({ type: MESSAGE.health, tabId: 'x' }), { type: MESSAGE.health, tabId: -1 });
  const runtime = { id: EXT_ID, getURL: (p) => EXT_URL + p };
  assert.equal(isTrustedSender({ id: EXT_ID, url: EXT_URL + 'a' }, runtime), true);
  assert.equal(isTrustedSender({ id: EXT_ID, url: 42 }, runtime), false);
  assert.equal(isTrustedSender({ id: EXT_ID }, { id: undefined, getURL: () => '' }), false);
  assert.equal(tabIdOfKey('tab:12'), 12);
  assert.equal(tabIdOfKey('tab:-1'), null);
  assert.equal(tabIdOfKey('tab:'), null);
  assert.equal(tabIdOfKey('tabs:1'), null);
  assert.equal(storageKey(3), 'tab:3');
});

test('toPlain turns Maps into objects, deeply', () => {
  const v = toPlain({ a: new Map([['x', [new Map([['y', 1]])]]]), b: [1, 'two', null], c: 3n });
  assert.deepEqual(v, { a: { x: [{ y: 1 }] }, b: [1, 'two', null], c: 3 });
});

test('summarySentence picks plural forms and fills placeholders', () => {
  const messages = {
    summary: '$1 to $2 under $3',
    countRequests_one: '$1 request', countRequests_other: '$1 requests',
    countCompanies_one: '$1 company', countCompanies_other: '$1 companies',
    countJurisdictions_one: '$1 jurisdiction', countJurisdictions_other: '$1 jurisdictions',
  };
  const getMessage = (name, subs = []) =>
    (messages[name] ?? '').replace(/\$(\d)/g, (_, i) => [subs].flat()[Number(i) - 1] ?? '');
  assert.equal(summarySentence(getMessage, { requests: 42, companies: 7, jurisdictions: 3 }, 'en'),
    '42 requests to 7 companies under 3 jurisdictions');
  assert.equal(summarySentence(getMessage, { requests: 1, companies: 1, jurisdictions: 1 }, 'en'),
    '1 request to 1 company under 1 jurisdiction');
  assert.equal(summarySentence(getMessage, { requests: 1200, companies: 0, jurisdictions: 0 }, 'en'),
    '1,200 requests to 0 companies under 0 jurisdictions');
});

test('serial queue and coalescer building blocks', async () => {
  const errors = [];
  const q = createSerialQueue((e) => errors.push(e));
  const order = [];
  const slow = q.push(async () => { await new Promise((r) => setTimeout(r, 5)); order.push(1); return 'one'; });
  q.push(() => { throw new Error('x'); });
  const fast = q.push(() => { order.push(3); return 'three'; });
  assert.equal(await slow, 'one');
  assert.equal(await fast, 'three');
  assert.deepEqual(order, [1, 3]);
  assert.equal(errors.length, 1);

  let runs = 0;
  let gate = deferred();
  const c = createCoalescer(async () => { runs++; await gate.promise; }, (e) => errors.push(e));
  c.schedule('k');
  c.schedule('k');
  c.schedule('k');
  assert.equal(runs, 1);
  gate.resolve();
  gate = { promise: Promise.resolve() };
  await c.idle();
  assert.equal(runs, 2);
  assert.equal(c.size, 0);

  // With a delay, schedules of a burst make one run; schedule(key, true) starts it at once.
  let delayed = 0;
  const d = createCoalescer(() => { delayed++; }, (e) => errors.push(e), 30_000);
  d.schedule('k');
  d.schedule('k');
  await tick();
  assert.equal(delayed, 0, 'waits for the delay');
  d.schedule('k', true);
  await d.idle();
  assert.equal(delayed, 1);
});
