// The history as the background records it (extension/recorder.js with the real wasm core's Tracker and History),
// reading its settings through the core (the shipped background module's Settings, as extension/blocking.js does), and
// the phrases shared by the badge and the popup. Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { toPlain } from '../../extension/protocol.js';
import { createRecorder } from '../../extension/recorder.js';
import { decodeDay, encodeDay } from '../../extension/day-codec.js';
import { dayNumber, dayOfKey, SETTINGS_KEY } from '../../extension/settings.js';
import { countPhrase, dataPhrase } from '../../extension/text.js';
import { core, root, shipped } from './core.mjs';


/** A storage area in memory. */
function area() {
  const store = new Map();
  return {
    store,
    async get(/** @type {null | string | string[]} */ keys) {
      const list = keys === null ? [...store.keys()] : Array.isArray(keys) ? keys : [keys];
      return Object.fromEntries(list.filter((k) => store.has(k)).map((k) => [k, store.get(k)]));
    },
    async set(/** @type {Record<string, unknown>} */ items) {
      for (const [k, v] of Object.entries(items)) store.set(k, v);
    },
    async remove(/** @type {string | string[]} */ keys) {
      for (const k of Array.isArray(keys) ? keys : [keys]) store.delete(k);
    },
  };
}

function fakeApi(settings = {}) {
  const local = area();
  local.store.set(SETTINGS_KEY, settings);
  /** @type {Function[]} */
  const listeners = [];
  return {
    storage: { local, session: area(), onChanged: { addListener: (/** @type {Function} */ f) => listeners.push(f) } },
    i18n: { getUILanguage: () => 'en-US' },
    listeners,
    /** The settings in force, as the core reads the stored value (what the background gives the recorder). */
    settings: async () => JSON.parse(shipped.Settings.load(JSON.stringify(local.store.get(SETTINGS_KEY) ?? null), 'US')
      .json()),
  };
}

const PAGE = 'https://www.news.example/a';
/** @param {any} tracker @param {number} tab @param {string} url @param {string} type @param {string} [method] */
function request(tracker, tab, id, url, type, method = 'GET') {
  return tracker.event(tab, { stage: 'before', requestId: String(id), url, type, method });
}

test('history day numbers and keys', () => {
  assert.equal(dayNumber(new Date(1970, 0, 2, 23, 59)), 1);
  assert.equal(dayOfKey('history:20420'), 20420);
  assert.equal(dayOfKey('history:x'), null);
  assert.equal(dayOfKey('tab:1'), null);
});

test('summary phrases: plurals and the data part', () => {
  const en = JSON.parse(readFileSync(`${root}_locales/en/messages.json`, 'utf8'));
  /** @param {string} name @param {string | string[]} [subs] */
  const getMessage = (name, subs) => {
    const m = en[name];
    if (!m) return '';
    const args = Array.isArray(subs) ? subs : subs === undefined ? [] : [subs];
    return m.message.replace(/\$([A-Z_]+)\$/g, (/** @type {string} */ _, /** @type {string} */ p) => {
      const content = m.placeholders?.[p.toLowerCase()]?.content ?? '';
      return args[Number(content.slice(1)) - 1] ?? '';
    });
  };
  assert.equal(countPhrase(getMessage, 'countRequests', 1, 'en'), '1 request');
  assert.equal(countPhrase(getMessage, 'countRequests', 1200, 'en'), '1,200 requests');
  assert.equal(dataPhrase(getMessage, 3, 'en'), '; 3 requests carried data.');
  assert.equal(dataPhrase(getMessage, 0, 'en'), '; none carried data.');
});

test('the recorder records a visit once, persists today, and skips private windows', async () => {
  const api = fakeApi();
  const now = () => new Date(2026, 10, 28, 12);
  const today = dayNumber(now());
  const recorder = createRecorder({ api, settings: api.settings, ready: Promise.resolve(new core.History()), now });
  await recorder.started;
  const tracker = new core.Tracker();
  request(tracker, 1, 1, PAGE, 'main_frame');
  recorder.record(tracker, 1, { incognito: false });
  request(tracker, 1, 2, 'https://mc.yandex.ru/watch/1', 'script');
  recorder.record(tracker, 1, { incognito: false });
  recorder.record(tracker, 1, { incognito: false }); // no growth: nothing new
  request(tracker, 2, 3, 'https://www.tiktok.com/', 'main_frame');
  recorder.record(tracker, 2, { incognito: true }); // private window: not recorded
  await recorder.idle();

  const stored = api.storage.local.store.get(`history:${today}`);
  assert.equal(typeof stored, 'string');
  assert.match(stored, /^z/, 'compressed (extension/day-codec.js)');
  assert.deepEqual(api.storage.local.store.get('history-index'), [today]);
  const h = new core.History();
  assert.equal(h.importDayBytes(await decodeDay(stored)), today);
  const o = toPlain(h.view(today, today, '', 10, []).overview);
  assert.equal(o.totals.requests, 2);
  assert.equal(o.totals.visits, 1);
  assert.deepEqual(o.sites.map((/** @type {any} */ s) => s.site), ['news.example']);
  assert.equal(o.jurisdictions[0].country, 'RU');
  assert.ok(typeof api.storage.session.store.get('history-open') === 'string', 'open visits are kept in the session');

  // A restarted background restores today's chunk and the open visits: the same visit is not counted twice.
  const again = createRecorder({ api, settings: api.settings, ready: Promise.resolve(new core.History()), now });
  await again.started;
  again.record(tracker, 1, { incognito: false });
  await again.idle();
  assert.equal(api.storage.local.store.get(`history:${today}`), stored);

  await again.clear();
  assert.equal([...api.storage.local.store.keys()].filter((k) => k.startsWith('history:')).length, 0);
  assert.equal(api.storage.local.store.has('history-index'), false);
});

test('a day stored in the first format (JSON) is read, and written again in the compact one', async () => {
  const api = fakeApi();
  const now = () => new Date(2026, 10, 28, 12);
  const today = dayNumber(now());
  // What an older version stored today: news.example, 1 visit, 2 requests to www.news.example, 1 to mc.yandex.ru.
  const v1 = JSON.stringify({ v: 1, day: today, hosts: ['news.example', 'www.news.example', 'mc.yandex.ru'],
    sites: [[0, 1, [1, 2, 0, 2, 1, 1], 0, 0]] });
  api.storage.local.store.set(`history:${today}`, v1);
  api.storage.local.store.set('history-index', [today]);
  const recorder = createRecorder({ api, settings: api.settings, ready: Promise.resolve(new core.History()), now });
  await recorder.started;
  const tracker = new core.Tracker();
  request(tracker, 4, 1, PAGE, 'main_frame');
  request(tracker, 4, 2, 'https://mc.yandex.ru/watch/1', 'script');
  recorder.record(tracker, 4, { incognito: false });
  await recorder.idle();
  const stored = new TextDecoder().decode(await decodeDay(api.storage.local.store.get(`history:${today}`)));
  assert.match(stored, new RegExp(`^3 ${today}\n`), 'written in the compact format');
  assert.ok(stored.length < v1.length, `${stored.length} < ${v1.length}`);
  // Both as a string and as UTF-8 bytes (what the dashboard's worker passes).
  for (const bytes of [false, true]) {
    const h = new core.History();
    assert.equal(bytes ? h.importDayBytes(new TextEncoder().encode(stored)) : h.importDay(stored), today);
    const o = toPlain(h.view(today, today, '', 10, []).overview);
    assert.equal(o.totals.visits, 2, 'the stored visit and the new one');
    assert.equal(o.totals.requests, 5);
    assert.equal(o.totals.data_requests, 1);
  }
  const h = new core.History();
  assert.equal(h.importDay(v1), today, 'the first format through the string binding');
  assert.throws(() => h.importDayBytes(new TextEncoder().encode('2 1\n0/Not A Host')), /normalised host/);
  assert.throws(() => h.importDayBytes(new Uint8Array([0xff, 0xfe])), /malformed history day/);
  assert.deepEqual(Array.from(h.days()), [today], 'a malformed day changes nothing');
});

test('stored days are compressed; uncompressed ones (older versions) are read as they are', async () => {
  const text = `2 20000\n${Array.from({ length: 400 }, (_, i) => `0/h${i}.tracker.example`).join(' ')}\n0.1 1.1 1.2.1`;
  const stored = await encodeDay(text);
  assert.match(stored, /^z[A-Za-z0-9+/]+=*$/);
  assert.ok(stored.length * 3 < text.length, `${stored.length} vs ${text.length}`);
  assert.equal(new TextDecoder().decode(await decodeDay(stored)), text);
  for (const old of [text, '{"v":1,"day":1,"hosts":[],"sites":[]}', 'ü']) {
    assert.deepEqual(await decodeDay(old), new TextEncoder().encode(old));
  }
  await assert.rejects(decodeDay(`z${stored.slice(5)}`));
  await assert.rejects(decodeDay('z!!!'));
});

test('the recorder asks Chrome (no incognito flag in webRequest) whether a tab is private, once', async () => {
  const api = fakeApi();
  /** @type {number[]} */
  const asked = [];
  /** @type {any} */ (api).tabs = { get: async (/** @type {number} */ id) => { asked.push(id); return { id, incognito: id === 2 }; } };
  const now = () => new Date(2026, 10, 28, 12);
  const today = dayNumber(now());
  const recorder = createRecorder({ api, settings: api.settings, ready: Promise.resolve(new core.History()), now });
  await recorder.started;
  const tracker = new core.Tracker();
  request(tracker, 1, 1, PAGE, 'main_frame');
  recorder.record(tracker, 1, {});
  request(tracker, 1, 2, 'https://mc.yandex.ru/watch/1', 'script');
  recorder.record(tracker, 1, {});
  request(tracker, 2, 3, 'https://www.tiktok.com/', 'main_frame');
  recorder.record(tracker, 2, {});
  await recorder.idle();
  recorder.record(tracker, 1, {});
  await recorder.idle();
  assert.deepEqual(asked, [1, 2]);
  const h = new core.History();
  h.importDayBytes(await decodeDay(api.storage.local.store.get(`history:${today}`)));
  const o = toPlain(h.view(today, today, '', 10, []).overview);
  assert.equal(o.totals.requests, 2, 'the whole visit of tab 1, nothing of the private tab 2');
  assert.deepEqual(o.sites.map((/** @type {any} */ s) => s.site), ['news.example']);
});

test('the recorder gathers a burst of growth, takes a closing tab\'s last growth, and follows replaced tabs', async () => {
  const api = fakeApi();
  const now = () => new Date(2026, 10, 28, 12);
  const today = dayNumber(now());
  const history = new core.History();
  let recordings = 0;
  const counting = new Proxy(history, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (prop === 'record') return (/** @type {any[]} */ ...args) => { recordings++; return value.apply(target, args); };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const recorder = createRecorder({ api, settings: api.settings, ready: Promise.resolve(counting), now, delayMs: 60_000 });
  await recorder.started;
  const tracker = new core.Tracker();
  request(tracker, 1, 1, PAGE, 'main_frame');
  recorder.record(tracker, 1, { incognito: false });
  for (let i = 2; i < 12; i++) {
    request(tracker, 1, i, `https://mc.yandex.ru/watch/${i}`, 'script');
    recorder.record(tracker, 1, { incognito: false });
  }
  await recorder.idle();
  assert.equal(recordings, 1, 'one recording for the burst');
  // Chrome swaps the tab (prerendering): the visit moves and is not counted again.
  recorder.moveTab(tracker, 1, 5);
  tracker.importTab(5, tracker.exportTab(1));
  tracker.removeTab(1);
  request(tracker, 5, 40, 'https://mc.yandex.ru/watch/40', 'script');
  recorder.record(tracker, 5, { incognito: false });
  // The tab closes before the timer: its last growth is still recorded.
  recorder.closeTab(tracker, 5);
  tracker.removeTab(5);
  await recorder.idle();
  const h = new core.History();
  h.importDayBytes(await decodeDay(api.storage.local.store.get(`history:${today}`)));
  const o = toPlain(h.view(today, today, '', 10, []).overview);
  assert.equal(o.totals.visits, 1);
  assert.equal(o.totals.requests, 12);
});

test('when storage is full, the oldest days give way to today', async () => {
  const api = fakeApi();
  const now = () => new Date(2026, 10, 28, 12);
  const today = dayNumber(now());
  const old = new core.History();
  const t = new core.Tracker();
  request(t, 1, 1, PAGE, 'main_frame');
  for (const d of [today - 3, today - 2]) {
    old.record(t, d, d);
    api.storage.local.store.set(`history:${d}`, old.exportDay(d));
  }
  api.storage.local.store.set('history-index', [today - 3, today - 2]);
  // A quota of two history days.
  const set = api.storage.local.set.bind(api.storage.local);
  api.storage.local.set = async (/** @type {Record<string, unknown>} */ items) => {
    const days = new Set([...api.storage.local.store.keys(), ...Object.keys(items)].filter((k) => k.startsWith('history:')));
    if (days.size > 2) throw new Error('QUOTA_BYTES quota exceeded');
    return set(items);
  };
  const errors = [];
  const recorder = createRecorder({ api, settings: api.settings, ready: Promise.resolve(new core.History()), now, log: { error: (...a) => errors.push(a) } });
  await recorder.started;
  recorder.record(t, 1, { incognito: false });
  await recorder.idle();
  assert.deepEqual([...api.storage.local.store.keys()].filter((k) => k.startsWith('history:')).sort(),
    [`history:${today - 2}`, `history:${today}`]);
  assert.deepEqual(api.storage.local.store.get('history-index'), [today - 2, today]);
  assert.equal(errors.length, 1, 'the dropped day is logged');
});

test('the recorder honours "history off" and prunes days beyond the retention', async () => {
  const api = fakeApi({ history: false, retentionDays: 7 });
  const now = () => new Date(2026, 10, 28, 12);
  const today = dayNumber(now());
  const old = new core.History();
  const t = new core.Tracker();
  request(t, 1, 1, PAGE, 'main_frame');
  old.record(t, 1, today - 7);
  old.record(t, 2, today - 6);
  api.storage.local.store.set(`history:${today - 7}`, old.exportDay(today - 7));
  api.storage.local.store.set(`history:${today - 6}`, old.exportDay(today - 6));
  api.storage.local.store.set('history-index', [today - 7, today - 6]);
  // Starting never reads every key (months of history would be loaded into the background at each start).
  const get = api.storage.local.get.bind(api.storage.local);
  let readAll = 0;
  api.storage.local.get = async (/** @type {any} */ keys) => {
    if (keys === null) readAll++;
    return get(keys);
  };
  const recorder = createRecorder({ api, settings: api.settings, ready: Promise.resolve(new core.History()), now });
  await recorder.started;
  assert.equal(readAll, 0);
  assert.deepEqual([...api.storage.local.store.keys()].filter((k) => k.startsWith('history:')), [`history:${today - 6}`]);
  assert.deepEqual(api.storage.local.store.get('history-index'), [today - 6]);
  recorder.record(t, 1, { incognito: false });
  await recorder.idle();
  assert.equal(api.storage.local.store.get(`history:${today}`), undefined, 'history off: nothing recorded');
});

test('watchlist and CSV through the wasm bindings', () => {
  assert.equal(core.watched(['outside-eea'], 'US'), true);
  assert.equal(core.watched(['outside-eea'], 'DE'), false);
  const t = new core.Tracker();
  request(t, 1, 1, PAGE, 'main_frame');
  request(t, 1, 2, 'https://mc.yandex.ru/watch/1', 'script');
  request(t, 1, 3, 'https://www.google-analytics.com/g/collect', 'ping', 'POST');
  assert.deepEqual(t.watched(1, ['RU', 'CN']), ['RU']);
  assert.deepEqual(t.watched(1, []), []);
  const csv = t.reportCsv(1).trim().split('\n');
  assert.equal(csv.length, 4);
  assert.match(csv[0], /^page,site,host,/);
  assert.ok(csv.some((l) => l.includes(',mc.yandex.ru,') && l.endsWith(',RU,1,0,0,,,,1,,,')), csv.join('\n'));
  assert.equal(t.reportCsv(99), undefined);
  assert.ok(JSON.parse(core.optionsView()).jurisdictions.includes('CN'));
  assert.equal(core.historyFileName(20420, 20421), 'whither-history-2025-11-28-2025-11-29');
});
