// The request page's logic (extension/requests.js) with the shipped request module of the core
// (pkg/whither_requests.js) and a storage in memory: what the page was opened for, the sources it reads, recording a
// request, its deadline and overdue mark on a simulated clock, the complaint, bad input leaving storage as it was,
// concurrent writes, export and deletion; and that the shipped modules export exactly what the pages import.
// Run: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { REQUESTS_KEY, createRequests, loadSources, localDate, parseTarget } from '../../extension/requests.js';
import { MESSAGE } from '../../extension/protocol.js';
import { pages, requests as requestModule, root, shipped } from './core.mjs';

/** storage.local in memory (what the page writes is copied, as the browsers do). */
function fakeApi() {
  const store = new Map();
  /** @type {unknown[]} */
  const messages = [];
  return {
    store,
    messages,
    storage: {
      local: {
        async get(/** @type {string} */ key) {
          return store.has(key) ? { [key]: structuredClone(store.get(key)) } : {};
        },
        async set(/** @type {Record<string, unknown>} */ items) {
          for (const [k, v] of Object.entries(items)) store.set(k, structuredClone(v));
        },
        async remove(/** @type {string} */ key) {
          store.delete(key);
        },
      },
    },
    runtime: {
      /** @type {(m: unknown) => Promise<unknown>} */
      sendMessage: async (m) => {
        messages.push(m);
        return null;
      },
    },
  };
}

/** A tab's report (docs/report-format.md) with Criteo, Google, Xandr (Microsoft's), Sonobi (no contact in the data). */
function report() {
  return trackerWith().report(7);
}

/** A tracker whose tab 7 visited a page that contacted Criteo, Google, Xandr and Sonobi. */
function trackerWith() {
  const t = new shipped.Tracker();
  const urls = ['https://www.news.example/', 'https://static.criteo.net/js/ld/publishertag.js',
    'https://bidder.criteo.com/cdb', 'https://www.google-analytics.com/g/collect', 'https://ib.adnxs.com/ut/v3',
    'https://apex.go.sonobi.com/trinity.json'];
  urls.forEach((url, i) => t.event(7, { stage: 'before', requestId: String(i), url, type: i ? 'script' : 'main_frame',
    method: 'GET', frameId: 0, timeStamp: 1 + i }));
  return t;
}

const ready = (/** @type {string} */ today, api = fakeApi()) =>
  ({ api, r: createRequests({ api, core: requestModule, today }) });

test('the page\'s target comes from its URL, and only well-formed values count', () => {
  assert.deepEqual(parseTarget('?tabId=12&company=criteo'),
    { tabId: 12, company: 'criteo', from: null, to: null, today: null });
  assert.deepEqual(parseTarget('?from=20400&to=20430&today=2027-01-06'),
    { tabId: null, company: null, from: 20400, to: 20430, today: '2027-01-06' });
  assert.deepEqual(parseTarget('?from=20430&to=20400'), { tabId: null, company: null, from: 20430, to: 20430, today: null });
  assert.deepEqual(parseTarget('?tabId=-1&company=<b>x</b>&from=1&today=soon'),
    { tabId: null, company: null, from: null, to: null, today: null });
  assert.deepEqual(parseTarget(''), { tabId: null, company: null, from: null, to: null, today: null });
  // Chromium's tab ids often have ten digits; beyond a safe integer is not a tab id.
  assert.equal(parseTarget('?tabId=1720158242&company=criteo').tabId, 1720158242);
  assert.equal(parseTarget('?tabId=9007199254740993').tabId, null);
  assert.equal(localDate(new Date(2026, 11, 5, 23, 59)), '2026-12-05');
  assert.equal(localDate(new Date(2027, 0, 1, 0, 0)), '2027-01-01');
});

test('the sources: a tab\'s report through the message API, a period through the history', async () => {
  const api = fakeApi();
  const r = report();
  api.runtime.sendMessage = async (m) => {
    api.messages.push(m);
    return r;
  };
  const tab = await loadSources(parseTarget('?tabId=7&company=criteo'), api, null);
  assert.deepEqual(api.messages, [{ type: MESSAGE.report, tabId: 7 }]);
  assert.equal(tab.tabGone, false);
  assert.deepEqual(JSON.parse(tab.sources).companies.map((/** @type {{id: string}} */ c) => c.id).sort(),
    ['criteo', 'google', 'sonobi', 'xandr']);
  api.runtime.sendMessage = async () => null;
  assert.deepEqual(await loadSources(parseTarget('?tabId=8'), api, null), { sources: '', tabGone: true });
  const history = { sources: async (/** @type {number} */ from, /** @type {number} */ to) => ({ text: `${from}-${to}` }) };
  assert.deepEqual(await loadSources(parseTarget('?from=3&to=5'), api, history), { sources: '3-5', tabGone: false });
  assert.deepEqual(await loadSources(parseTarget(''), api, history), { sources: '', tabGone: false });
});

test('"Ask all companies of this period": the history\'s companies, one request per controller', () => {
  // The background's module records a day; the pages' module (the dashboard's worker) reads it and gives the
  // period's sources; the request module prepares the requests from them.
  const day = 20_500;
  const recorded = new shipped.History();
  recorded.record(trackerWith(), 7, day);
  const h = new pages.History();
  assert.equal(h.importDayBytes(new TextEncoder().encode(recorded.exportDay(day))), day);
  const sources = h.requestSources(day, day);
  const { r } = ready('2026-12-05');
  const view = r.view(sources, { home: 'DE', lang: 'en' });
  assert.deepEqual(view.seen, { kind: 'period', from: '2026-02-16', to: '2026-02-16' });
  assert.deepEqual(view.requests.map((/** @type {{key: string}} */ x) => x.key).sort(), ['criteo', 'google', 'microsoft']);
  assert.deepEqual(view.without_contact.map((/** @type {{id: string}} */ x) => x.id), ['sonobi']);
  const criteo = view.requests.find((/** @type {{key: string}} */ x) => x.key === 'criteo');
  assert.deepEqual(criteo.services[0].hosts.sort(), ['bidder.criteo.com', 'static.criteo.net']);
  assert.match(criteo.letter.body, /Between 16 February 2026 and 16 February 2026/);
  // An empty period: nothing to ask.
  const none = r.view(h.requestSources(day + 1, day + 2), { home: 'DE', lang: 'en' });
  assert.deepEqual([none.requests.length, none.without_contact.length], [0, 0]);
});

test('one request per controller, the companies without a contact, the law of the home', () => {
  const { r } = ready('2026-12-05');
  const sources = JSON.stringify(report());
  const view = r.view(sources, { home: 'DE', lang: 'de' });
  assert.equal(view.law.id, 'gdpr');
  assert.deepEqual(view.requests.map((/** @type {{key: string}} */ x) => x.key).sort(), ['criteo', 'google', 'microsoft']);
  assert.deepEqual(view.without_contact.map((/** @type {{id: string}} */ x) => x.id), ['sonobi']);
  const criteo = view.requests.find((/** @type {{key: string}} */ x) => x.key === 'criteo');
  assert.match(criteo.letter.body, /Art\. 15 DSGVO/);
  assert.match(criteo.letter.body, /bidder\.criteo\.com/);
  assert.match(criteo.letter.body, /5\. Januar 2027/);
  assert.ok(criteo.mailto.startsWith(`mailto:${criteo.to}?subject=`));
  // A US home: the page asks about California; the answer gives the CCPA.
  assert.equal(r.view(sources, { home: 'US', lang: 'en' }).needs_california, true);
  const ca = r.view(sources, { home: 'US', california: true, lang: 'en', company: 'xandr' });
  assert.equal(ca.law.id, 'ccpa');
  assert.deepEqual(ca.requests.map((/** @type {{key: string}} */ x) => x.key), ['microsoft']);
  assert.equal(ca.requests[0].deadline, '2027-01-19');
  assert.throws(() => r.view(sources, { home: 'DE', lang: 'en', law: 'nonsense' }), /unknown law/);
  assert.throws(() => r.view('{"companies": 5}', { home: 'DE', lang: 'en' }), /bad sources/);
});

test('a request recorded today is open until its deadline and overdue after it, with a complaint', async () => {
  const day1 = ready('2026-12-05');
  const view = day1.r.view(JSON.stringify(report()), { home: 'IE', lang: 'en', company: 'criteo' });
  await day1.r.record(view.requests[0].entry, 'email');
  const stored = day1.api.store.get(REQUESTS_KEY);
  assert.equal(stored.schema, 1);
  assert.deepEqual(stored.requests.map((/** @type {any} */ x) => [x.company, x.sent, x.deadline, x.channel, x.to]),
    [['criteo', '2026-12-05', '2027-01-05', 'email', 'dpo@criteo.com']]);
  // The same browser on later days (a simulated clock: the page is told the date).
  const on = (/** @type {string} */ today) => createRequests({ api: day1.api, core: requestModule, today });
  const due = await on('2027-01-05').list({ home: 'IE', lang: 'en' });
  assert.equal(due.requests[0].status, 'open');
  assert.equal(due.requests[0].complaint, null);
  const late = await on('2027-01-06').list({ home: 'IE', lang: 'en' });
  assert.equal(late.requests[0].status, 'overdue');
  assert.equal(late.requests[0].complaint.authority.id, 'iedpc');
  assert.match(late.requests[0].complaint.letter.body, /Article 77 GDPR/);
  assert.match(late.requests[0].complaint.mailto, /^mailto:info@dataprotection\.ie\?subject=/);
  // Marked answered: no longer overdue; the answers of the page are kept beside the list.
  await on('2027-01-06').update(late.requests[0].id, 'answered');
  await on('2027-01-06').configure({ requester: { name: 'Róisín', contact: 'r@example.ie' } });
  const answered = await on('2027-02-01').list({ home: 'IE', lang: 'en' });
  assert.equal(answered.requests[0].status, 'answered');
  assert.equal(answered.requester.name, 'Róisín');
  // Export and delete, like the history.
  const csv = await on('2027-02-01').exportText('csv');
  assert.equal(csv.split('\n')[1].split(',')[0], 'criteo');
  assert.match(await on('2027-02-01').exportText('json'), /"kind": "whither-requests"/);
  await on('2027-02-01').clear();
  assert.equal(day1.api.store.has(REQUESTS_KEY), false);
});

test('bad input leaves the stored list as it was, and writes do not overwrite each other', async () => {
  const { api, r } = ready('2026-12-05');
  const view = r.view(JSON.stringify(report()), { home: 'FR', lang: 'en' });
  await r.record(view.requests[0].entry, 'print');
  const before = structuredClone(api.store.get(REQUESTS_KEY));
  await assert.rejects(r.record('{"company": "no-such-company", "law": "gdpr", "lang": "en"}', 'email'), /unknown company/);
  await assert.rejects(r.record(view.requests[0].entry, 'carrier-pigeon'), /unknown way/);
  await assert.rejects(r.update('nope', 'answered'), /no request/);
  assert.deepEqual(api.store.get(REQUESTS_KEY), before);
  // Something else than the list under the key: an error, and it is kept, not overwritten.
  api.store.set(REQUESTS_KEY, ['not', 'the', 'format']);
  await assert.rejects(r.record(view.requests[0].entry, 'email'), /not an object/);
  assert.deepEqual(api.store.get(REQUESTS_KEY), ['not', 'the', 'format']);
  api.store.delete(REQUESTS_KEY);
  // Several sends at once (Ask all): every one is recorded.
  await Promise.all(view.requests.map((/** @type {{entry: string}} */ x) => r.record(x.entry, 'email')));
  assert.equal(api.store.get(REQUESTS_KEY).requests.length, view.requests.length);
});

test('hostile strings from the page stay text in letters and mailto links', () => {
  const { r } = ready('2026-12-05');
  const hostile = '"><img src=x onerror=alert(1)>&cc=boss@example.com\r\nBcc: x@example.com';
  const view = r.view(JSON.stringify(report()), {
    home: 'IE', lang: 'en', company: 'criteo', requester: { name: hostile, contact: hostile }, values: { criteo: hostile },
  });
  const { letter, mailto } = view.requests[0];
  assert.ok(letter.body.includes('<img src=x onerror=alert(1)>'), 'the text as typed, for a text node');
  const query = mailto.split('?')[1];
  assert.equal(query.split('&').length, 2, 'subject and body only');
  assert.doesNotMatch(query, /[<>"\r\n ]|cc=/);
  assert.equal(decodeURIComponent(query.split('&')[1].slice('body='.length)),
    letter.body.replace(/\r\n/g, '\n').replace(/\n/g, '\r\n'));
});

test('the shipped request module exports what the request page imports, and nothing of the other modules', () => {
  const page = readFileSync(`${root}extension/request.js`, 'utf8');
  const imported = [...page.matchAll(/import init, \{([^}]+)\} from '\.\.\/pkg\/whither_requests\.js'/g)]
    .flatMap((m) => m[1].split(',').map((s) => s.trim()).filter(Boolean));
  assert.ok(imported.length >= 6, imported.join());
  for (const name of imported) assert.equal(typeof requestModule[name], 'function', name);
  // Letters, contacts and authorities are not in the background's module nor the pages'.
  for (const m of [shipped, pages]) {
    for (const name of imported) assert.equal(m[name], undefined, name);
  }
  const bg = readFileSync(`${root}pkg/whither_bg.wasm`);
  assert.equal(bg.includes('Article 15 GDPR'), false, 'no letters in the background\'s module');
  assert.equal(bg.includes('data-access-requests@google.com'), false, 'no contacts in the background\'s module');
});
