// The per-event benchmark (scripts/bench/events.mjs) compares Whither with a plain JS implementation of the same
// job (scripts/bench/plain-tracker.mjs): this checks that it is the same job. Fed the benchmark's page-load sample
// through the background's calls (eventFromDetails + Tracker.event of the shipped module) and through the plain
// tracker, both count the same requests per host (with their types, data requests, redirects and cache loads), give
// each host the same owner, controller and jurisdiction, and sum the same companies and jurisdictions per tab.
import assert from 'node:assert/strict';
import test from 'node:test';
import { STAGES, eventFromDetails } from '../../extension/events.js';
import { eventSample } from '../../scripts/bench/event-sample.mjs';
import { plainDatabase, plainTracker, readEntities } from '../../scripts/bench/plain-tracker.mjs';
import { root, shipped } from './core.mjs';

const TABS = 4;
const sample = eventSample({ tabs: TABS, pages: 80 });
const db = () => plainDatabase(JSON.stringify(readEntities(`${root}data/entities`)));

/** @param {Record<string, number>} types without the zero counts, sorted */
const sorted = (types) => Object.fromEntries(Object.entries(types).filter(([, n]) => n > 0).sort());

test('the sample has the hard cases: redirects, internal redirects, cache loads, errors, repeated hosts', () => {
  const d = sample.events.map((e) => e.details);
  assert.ok(d.some((x) => x.statusCode === 302 && x.redirectUrl), 'a server redirect');
  assert.ok(d.some((x) => String(x.statusLine).includes('Internal Redirect')), 'an HSTS internal redirect');
  assert.ok(d.some((x) => x.fromCache === true), 'a load from the cache');
  assert.ok(d.some((x) => x.error), 'an error');
  assert.ok(d.some((x) => x.type === 'main_frame' && x.redirectUrl), 'a redirected main document');
  assert.ok(sample.hosts < sample.requests / 1.5, 'hosts repeat');
  assert.equal(new Set(d.map((x) => x.tabId)).size, TABS);
});

test('Whither and the plain JS tracker agree on every tab, host, company and jurisdiction of the sample', () => {
  const whither = new shipped.Tracker();
  const plain = plainTracker(db());
  const summaries = () => Array.from({ length: TABS }, (_, i) => {
    const w = whither.summary(i + 1);
    return w && { requests: w.requests, companies: w.companies, jurisdictions: w.jurisdictions,
      data_requests: w.data_requests };
  });
  const plainSummaries = () => Array.from({ length: TABS }, (_, i) => plain.summary(i + 1));
  let compared = 0;
  sample.events.forEach(({ name, details }, i) => {
    const stage = STAGES[name];
    whither.event(details.tabId, eventFromDetails(stage, details));
    plain.event(details.tabId, stage, details);
    // Along the way (visits start and end throughout), not only at the end.
    if (i % 250 === 0) {
      assert.deepEqual(plainSummaries(), summaries(), `after event ${i}`);
      compared++;
    }
  });
  assert.ok(compared > 20);
  for (let tab = 1; tab <= TABS; tab++) {
    const report = whither.report(tab);
    const visit = plain.visit(tab);
    assert.ok(report && visit, `tab ${tab} has a visit`);
    const mine = [...visit.hosts.values()].map((h) => ({ host: h.host, domain: h.domain, entity: h.entity,
      controller: h.controller, jurisdiction: h.jurisdiction, requests: h.requests, data_requests: h.data_requests,
      types: sorted(h.types), redirects: h.redirects, cached: h.cached })).sort((a, b) => a.host.localeCompare(b.host));
    const theirs = report.hosts.map((/** @type {any} */ h) => ({ host: h.host, domain: h.domain, entity: h.entity,
      controller: h.controller, jurisdiction: h.jurisdiction, requests: h.requests, data_requests: h.data_requests,
      types: sorted(h.types), redirects: h.redirects, cached: h.cached }))
      .sort((/** @type {any} */ a, /** @type {any} */ b) => a.host.localeCompare(b.host));
    assert.deepEqual(mine, theirs, `tab ${tab}: hosts`);
    assert.ok(theirs.some((h) => h.jurisdiction) && theirs.some((h) => !h.entity), 'known and unknown hosts');
    assert.deepEqual(Object.fromEntries([...visit.jurisdictions].sort()),
      Object.fromEntries(report.jurisdictions.map((/** @type {any} */ j) => [j.country, j.requests]).sort()),
      `tab ${tab}: requests per jurisdiction`);
    assert.deepEqual(Object.fromEntries([...visit.companies].sort()),
      Object.fromEntries(report.companies.map((/** @type {any} */ c) => [c.id, c.requests]).sort()),
      `tab ${tab}: requests per company`);
  }
  whither.free();
});

test('Tracker.event: a malformed event is an error that changes nothing; absent and null fields are left out', () => {
  const t = new shipped.Tracker();
  const ok = { stage: 'before', requestId: '1', url: 'https://www.google-analytics.com/g/collect', type: 'ping',
    method: 'POST' };
  assert.equal(t.event(3, ok), true);
  const before = JSON.stringify(t.report(3));
  const bad = [
    null, undefined, 'before', 42, [], {}, { ...ok, stage: 'sent' }, { ...ok, stage: 7 }, { ...ok, url: undefined },
    { ...ok, requestId: 12 }, { ...ok, url: { href: 'x' } }, { ...ok, type: 3 }, { ...ok, ip: 1 },
    { ...ok, stage: 'redirect', statusCode: 'x' }, { ...ok, stage: 'redirect', statusCode: 1.5 },
    { ...ok, stage: 'completed', fromCache: 'yes' }, { ...ok, timeStamp: 'now' },
    // A getter that throws (not an object the shell makes, but still no harm).
    Object.defineProperty({ ...ok, requestId: '2' }, 'url', { get() { throw new Error('no'); } }),
  ];
  bad.forEach((ev, i) => {
    assert.throws(() => t.event(3, /** @type {any} */ (ev)), /bad event/, `bad event ${i}`);
  });
  assert.equal(JSON.stringify(t.report(3)), before);
  // The tracker still works after all of them (no borrow left behind by a throwing getter).
  assert.equal(t.event(3, { ...ok, requestId: '3', ip: null, documentUrl: undefined, error: 5 }), true);
  assert.equal(t.event(3, { ...ok, requestId: '3', stage: 'completed', ip: '192.0.2.7', statusCode: 'ignored' }),
    true);
  const host = t.report(3).hosts.find((/** @type {any} */ h) => h.host === 'www.google-analytics.com');
  assert.equal(host.requests, 2);
  assert.equal(host.data_requests, 2);
  assert.equal(host.ip, '192.0.2.7');
  t.free();
});
