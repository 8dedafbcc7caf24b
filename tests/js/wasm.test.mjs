// Tests of the real wasm core (pkg/, built by `make wasm`) as the JS shell uses it: the shared fixture
// tests/fixtures/cases.json through classify, and a page's webRequest events through Tracker (report, summary,
// export/import round trip). Run from the repository root: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

import { toPlain } from '../../extension/protocol.js';
import { core, root } from './core.mjs';

const fixturePath = `${root}tests/fixtures/cases.json`;



/** @param {unknown} v */
const plain = (v) => toPlain(v);

/** Entity id of a classify result or fixture value (`"google"`, `{id: "google", …}` or null). */
const entityId = (e) => (e === null || e === undefined ? null : typeof e === 'string' ? e : e.id ?? null);

test('dbInfo describes a non-empty database', () => {
  const info = plain(core.dbInfo());
  assert.equal(typeof info.schema, 'number');
  assert.ok(info.entities > 0, 'entities');
  assert.ok(info.domains > 0, 'domains');
});

test('the shared fixture cases classify as the Rust tests expect', () => {
  // Either a bare array of cases or {description, cases: [...]}. A missing key is not checked; null must be null.
  const fixture = JSON.parse(readFileSync(fixturePath, 'utf8'));
  const cases = Array.isArray(fixture) ? fixture : fixture.cases;
  assert.ok(Array.isArray(cases) && cases.length > 0, 'the fixture is a non-empty array');
  const failures = [];
  for (const c of cases) {
    const got = plain(core.classify(c.input));
    const label = JSON.stringify(c.input);
    const check = (field, expected, actual) => {
      try {
        assert.deepEqual(actual, expected);
      } catch {
        failures.push(`${label}: ${field} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
      }
    };
    check('input', c.input, got.input);
    if ('error' in c) {
      if (c.error) check('error (present)', true, typeof got.error === 'string' && got.error.length > 0);
      else check('error (absent)', undefined, got.error);
    }
    for (const field of ['host', 'domain', 'controller', 'jurisdiction', 'kind']) {
      if (field in c) check(field, c[field], got[field] ?? null);
    }
    if ('entity' in c) check('entity', entityId(c.entity), entityId(got.entity));
    if ('chain' in c) {
      check('chain', c.chain.map(entityId), (got.chain ?? []).map(entityId));
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} fixture cases differ`);

  // classifyBatch agrees with classify, case by case.
  const batch = plain(core.classifyBatch(cases.map((c) => c.input)));
  assert.deepEqual(batch, cases.map((c) => plain(core.classify(c.input))));
});

test('classify never throws, whatever the input', () => {
  const inputs = [
    '', ' ', '.', '..', 'http://', 'https://', '://', '[', '[::1', '[::1]', '::1', 'http://[::1]:8080/x',
    '\u0000', '\uFFFF', '💩.example', 'xn--', 'a'.repeat(100_000), `${'a.'.repeat(200)}com`,
    'data:text/plain,hi', 'blob:https://a.example/uuid', 'about:blank', 'chrome-extension://abc/x.js',
    'moz-extension://abc/x.js', 'file:///etc/passwd', 'localhost', 'http://user:pw@LOCALHOST.:8080/',
    '192.168.0.1', '999.1.1.1', 'http://0x7f.1/', 'WWW.GOOGLE-ANALYTICS.COM.', 'mc.yandex.ru:443',
  ];
  for (const input of inputs) {
    const r = plain(core.classify(input));
    assert.equal(typeof r, 'object', JSON.stringify(input).slice(0, 40));
    assert.ok(r !== null);
    assert.ok('error' in r || 'kind' in r, JSON.stringify(r).slice(0, 200));
  }
  assert.equal(plain(core.classify('WWW.GOOGLE-ANALYTICS.COM.')).host, 'www.google-analytics.com');
});

/** A page with requests to US, RU, FR and CN companies, an IP literal, a redirect and a lost "before" event. */
const PAGE = 'https://news.example/article';
const ev = (stage, url, extra = {}) => ({ stage, url, method: 'GET', frameId: 0, timeStamp: 1000, ...extra });
const EVENTS = [
  ev('before', PAGE, { requestId: '1', type: 'main_frame' }),
  ev('response', PAGE, { requestId: '1', type: 'main_frame', ip: '192.0.2.10' }),
  ev('before', 'https://www.googletagmanager.com/gtm.js?id=G-1', { requestId: '2', type: 'script' }),
  ev('completed', 'https://www.googletagmanager.com/gtm.js?id=G-1', { requestId: '2', type: 'script', ip: '142.250.0.1' }),
  ev('before', 'https://mc.yandex.ru/metrika/tag.js', { requestId: '3', type: 'script' }),
  ev('response', 'https://mc.yandex.ru/metrika/tag.js', { requestId: '3', type: 'script', ip: '87.250.250.119' }),
  ev('before', 'https://static.criteo.net/js/ld/publishertag.js', { requestId: '4', type: 'script' }),
  ev('before', 'https://hm.baidu.com/hm.js?abc', { requestId: '5', type: 'script' }),
  ev('error', 'https://hm.baidu.com/hm.js?abc', { requestId: '5', type: 'script' }),
  ev('before', 'https://www.google-analytics.com/g/collect?v=2', { requestId: '6', type: 'ping', method: 'POST' }),
  ev('before', 'https://203.0.113.7/pixel.gif', { requestId: '7', type: 'image' }),
  ev('before', 'https://ad.doubleclick.net/ddm/ad', { requestId: '8', type: 'sub_frame', frameId: 3 }),
  ev('redirect', 'https://ad.doubleclick.net/ddm/ad',
    { requestId: '8', type: 'sub_frame', frameId: 3, redirectUrl: 'https://securepubads.g.doubleclick.net/b' }),
  ev('before', 'https://securepubads.g.doubleclick.net/b', { requestId: '8', type: 'sub_frame', frameId: 3 }),
  ev('completed', 'https://www.google-analytics.com/g/collect?v=2', { requestId: '6', type: 'ping', method: 'POST' }),
  // The "before" of this one was lost (stopped service worker): it is counted on its later stage.
  ev('completed', 'https://yastatic.net/s3/metrika/1/watch.js', { requestId: '9', type: 'script' }),
];
const HOSTS = {
  'news.example': 1, 'www.googletagmanager.com': 1, 'mc.yandex.ru': 1, 'static.criteo.net': 1, 'hm.baidu.com': 1,
  'www.google-analytics.com': 1, '203.0.113.7': 1, 'ad.doubleclick.net': 1, 'securepubads.g.doubleclick.net': 1,
  'yastatic.net': 1,
};

/** @param {any} t @param {number} tabId @param {object[]} events */
const feed = (t, tabId, events) => events.map((e) => t.event(tabId, e));

test('a page visit through Tracker gives the documented report', () => {
  const t = new core.Tracker();
  assert.equal(t.report(1), null, 'no visit yet');
  assert.equal(t.summary(1), null);
  assert.equal(t.exportTab(1) ?? null, null);
  assert.equal(t.event(-1, ev('before', 'https://www.google.com/', { requestId: 'bg', type: 'xmlhttprequest' })), false,
    'background requests are ignored');

  const changed = feed(t, 1, EVENTS);
  assert.equal(changed[0], true, 'a main_frame starts a visit');
  assert.ok(changed.filter(Boolean).length >= 10, 'every counted request changes the state');
  assert.deepEqual([...t.tabs()], [1]);

  const r = plain(t.report(1));
  assert.equal(r.schema, 3);
  assert.equal(r.page.url, PAGE);
  assert.equal(r.page.host, 'news.example');
  assert.equal(r.page.domain, 'news.example');

  // Expectations derived from classify: the report must agree with it host by host.
  const cls = Object.fromEntries(Object.keys(HOSTS).map((h) => [h, plain(core.classify(h))]));
  assert.equal(r.page.controller ?? null, cls['news.example'].controller ?? null);
  const attributed = Object.keys(HOSTS).filter((h) => cls[h].entity);
  const expectedCompanies = new Set(attributed.map((h) => entityId(cls[h].entity)));
  const expectedJurisdictions = new Set(attributed.map((h) => cls[h].jurisdiction));
  for (const cc of ['US', 'RU', 'CN']) assert.ok(expectedJurisdictions.has(cc), `the database places a host in ${cc}`);

  assert.equal(r.totals.requests, 10, 'once per (requestId, url); a redirect makes a second request');
  assert.equal(r.totals.hosts, Object.keys(HOSTS).length);
  assert.equal(r.totals.companies, expectedCompanies.size);
  assert.equal(r.totals.jurisdictions, expectedJurisdictions.size);
  assert.equal(r.totals.unattributed_requests, Object.keys(HOSTS).filter((h) => !cls[h].entity).length);
  assert.equal(r.totals.third_party_requests, r.hosts.filter((h) => h.party === 'third')
    .reduce((n, h) => n + h.requests, 0));

  // Hosts: one row each, agreeing with classify, ordered by requests then host.
  assert.deepEqual(r.hosts.map((h) => h.host).sort(), Object.keys(HOSTS).sort());
  for (const h of r.hosts) {
    const c = cls[h.host];
    assert.equal(h.requests, HOSTS[h.host], h.host);
    assert.equal(h.entity ?? null, entityId(c.entity), h.host);
    assert.equal(h.controller ?? null, c.controller ?? null, h.host);
    assert.equal(h.jurisdiction ?? null, c.jurisdiction ?? null, h.host);
    assert.ok(['first', 'same-owner', 'third'].includes(h.party), h.host);
  }
  const host = (name) => r.hosts.find((h) => h.host === name);
  assert.equal(host('news.example').party, 'first');
  assert.equal(host('mc.yandex.ru').party, 'third');
  assert.deepEqual(host('www.google-analytics.com').types, { ping: 1 });
  assert.deepEqual(host('news.example').types, { main_frame: 1 });
  assert.equal(host('www.googletagmanager.com').ip, '142.250.0.1');
  assert.equal(host('mc.yandex.ru').ip, '87.250.250.119');
  const sortedHosts = [...r.hosts].sort((a, b) => b.requests - a.requests || (a.host < b.host ? -1 : 1));
  assert.deepEqual(r.hosts.map((h) => h.host), sortedHosts.map((h) => h.host), 'hosts are ordered');

  // Companies: chains end at the controller; hosts and counts add up.
  assert.deepEqual(new Set(r.companies.map((c) => c.id)), expectedCompanies);
  for (const c of r.companies) {
    assert.ok(c.chain.length >= 1, c.id);
    assert.equal(c.chain[0].id, c.id, `${c.id}: the chain starts at the direct owner`);
    const controller = c.chain[c.chain.length - 1];
    assert.equal(c.jurisdiction, controller.country, `${c.id}: jurisdiction is the controller's country`);
    assert.equal(c.requests, c.hosts.reduce((n, h) => n + host(h).requests, 0), c.id);
    for (const h of c.hosts) assert.equal(host(h).entity, c.id, `${h} belongs to ${c.id}`);
  }
  const google = r.companies.find((c) => c.id === 'google');
  assert.ok(google, 'Google is among the companies');
  assert.equal(google.requests, 4, 'tag manager, analytics and two doubleclick hosts');
  assert.deepEqual(google.chain.map((l) => l.id), ['google', 'alphabet']);
  assert.equal(google.jurisdiction, 'US');
  const yandex = r.companies.find((c) => c.hosts.includes('mc.yandex.ru'));
  assert.equal(yandex.requests, 2, 'mc.yandex.ru and yastatic.net');
  assert.equal(yandex.jurisdiction, 'RU');

  // Jurisdictions: requests and companies add up.
  assert.deepEqual(new Set(r.jurisdictions.map((j) => j.country)), expectedJurisdictions);
  for (const j of r.jurisdictions) {
    const members = r.companies.filter((c) => c.jurisdiction === j.country);
    assert.deepEqual([...j.companies].sort(), members.map((c) => c.id).sort(), j.country);
    assert.equal(j.requests, members.reduce((n, c) => n + c.requests, 0), j.country);
  }
  assert.equal(r.jurisdictions[0].country, 'US', 'most requests first');

  // The summary is the report's totals.
  const summary = /** @type {any} */ (plain(t.summary(1)));
  for (const field of ['requests', 'companies', 'jurisdictions', 'third_party_requests']) {
    assert.equal(summary[field], r.totals[field], `summary.${field}`);
  }

  // A repeated non-final stage of a counted request changes nothing.
  assert.equal(t.event(1, EVENTS[5]), false);
  assert.deepEqual(plain(t.report(1)), r);
});

test('export/import round trip loses nothing (a stopped service worker)', () => {
  const a = new core.Tracker();
  feed(a, 4, EVENTS.slice(0, 9));
  const saved = a.exportTab(4);
  assert.equal(typeof saved, 'string');

  // A fresh Tracker (the restarted worker) restores the tab and receives the rest.
  const b = new core.Tracker();
  b.importTab(4, saved);
  assert.deepEqual(plain(b.report(4)), plain(a.report(4)));
  assert.equal(b.exportTab(4), saved, 'export is stable');
  // A non-final stage of a request that was in flight at the stop is not counted twice.
  assert.equal(b.event(4, EVENTS[5]), false, 'response of request 3 again');
  feed(b, 4, EVENTS.slice(9));

  const whole = new core.Tracker();
  feed(whole, 4, EVENTS);
  assert.deepEqual(plain(b.report(4)), plain(whole.report(4)));

  // Malformed input throws and keeps the previous state.
  for (const bad of ['', 'garbage', '{}', '[1,2,3]', saved.slice(0, Math.floor(saved.length / 2))]) {
    assert.throws(() => b.importTab(4, bad), Error, JSON.stringify(bad).slice(0, 40));
    assert.deepEqual(plain(b.report(4)), plain(whole.report(4)));
  }
  // Importing into another tab id works too (replaced tabs).
  b.importTab(9, b.exportTab(4));
  assert.deepEqual(plain(b.report(9)), plain(b.report(4)));
});

test('a main_frame starts a new visit; removeTab forgets the tab', () => {
  const t = new core.Tracker();
  feed(t, 2, EVENTS);
  feed(t, 3, EVENTS.slice(0, 3));
  assert.deepEqual([...t.tabs()].sort(), [2, 3]);
  t.event(2, ev('before', 'https://www.example.org/', { requestId: '100', type: 'main_frame' }));
  const r = plain(t.report(2));
  assert.equal(r.page.url, 'https://www.example.org/');
  assert.equal(r.totals.requests, 1);
  t.removeTab(2);
  assert.equal(t.report(2), null);
  assert.equal(t.exportTab(2) ?? null, null);
  assert.deepEqual([...t.tabs()], [3]);
  assert.equal(plain(t.report(3)).totals.requests, 2, 'other tabs are untouched');
});

test('unknown values are null, not missing (docs/report-format.md, docs/wasm-api.md)', () => {
  // serde-wasm-bindgen turns None into undefined unless the serializer has serialize_missing_as_null(true); through
  // runtime.sendMessage / JSON an undefined field disappears, and the extension's report would differ from the CLI's.
  const t = new core.Tracker();
  feed(t, 1, EVENTS);
  const r = /** @type {any} */ (plain(t.report(1)));
  const missing = [];
  for (const field of ['url', 'host', 'domain', 'controller', 'jurisdiction']) {
    if (r.page[field] === undefined) missing.push(`page.${field}`);
  }
  for (const h of r.hosts) {
    for (const field of ['host', 'domain', 'entity', 'controller', 'jurisdiction', 'party', 'requests', 'types', 'ip']) {
      if (h[field] === undefined) missing.push(`hosts[${h.host}].${field}`);
    }
  }
  const c = /** @type {any} */ (plain(core.classify('203.0.113.7')));
  for (const field of ['input', 'host', 'domain', 'kind', 'entity', 'chain', 'controller', 'jurisdiction', 'categories']) {
    if (c[field] === undefined) missing.push(`classify.${field}`);
  }
  assert.deepEqual(missing, []);
});

test('popupView: the report as t.report gives it, the laws of its jurisdictions, the watched ones', () => {
  const t = new core.Tracker();
  assert.equal(t.popupView(1, []) ?? null, null, 'no visit: nothing');
  feed(t, 1, EVENTS);
  const text = t.popupView(1, ['RU', 'five-eyes']);
  assert.equal(typeof text, 'string');
  const view = JSON.parse(text);
  assert.deepEqual(Object.keys(view).sort(), ['bar', 'blocking', 'groups', 'home_line', 'ip_data', 'laws', 'own', 'report',
    'server_bar', 'server_only', 'servers', 'site_controller_name', 'unattributed', 'watched']);
  assert.deepEqual(view.report, plain(t.report(1)), 'the same report as the report message');
  const countries = view.report.jurisdictions.map((/** @type {any} */ j) => j.country);
  /** @type {Record<string, unknown>} */
  const laws = {};
  for (const cc of countries) {
    const j = plain(core.jurisdiction(cc));
    if (j?.laws?.length) laws[cc] = j.laws;
  }
  assert.ok(Object.keys(laws).length > 0, 'the test page reaches jurisdictions with laws');
  assert.deepEqual(view.laws, laws, 'exactly the laws of the report\'s jurisdictions that have any');
  assert.deepEqual(view.watched, [...t.watched(1, ['RU', 'five-eyes'])]);
  assert.ok(view.watched.includes('RU') && view.watched.includes('US'), JSON.stringify(view.watched));
  assert.deepEqual(JSON.parse(t.popupView(1, [])).watched, [], 'no watchlist, nothing watched');
});
