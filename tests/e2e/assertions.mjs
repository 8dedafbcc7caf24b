// Assertions shared by the Chromium and Firefox end-to-end tests: the extension's report (message API), the popup's
// DOM, the test server's record of requests, and `whither report FILE.har`, all against tests/e2e/expected.json.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

// What the popup shows, read from its DOM (shared with the headless demo).
export { POPUP_EXPAND_ALL, POPUP_EXTRACT } from '../../scripts/lib/popup-dom.mjs';

/** @type {any} */
export const EXPECTED = JSON.parse(readFileSync(new URL('./expected.json', import.meta.url), 'utf8'));

/** @param {Record<string, number>} types @param {'chromium'|'firefox'} browser */
function browserTypes(types, browser) {
  /** @type {Record<string, string>} */
  const rename = EXPECTED.browser_types?.[browser] ?? {};
  /** @type {Record<string, number>} */
  const out = {};
  for (const [t, n] of Object.entries(types)) out[rename[t] ?? t] = (out[rename[t] ?? t] ?? 0) + n;
  return out;
}

/** @template T @param {T[]} list @param {(x: T) => string} key @returns {Record<string, T>} */
function byKey(list, key) {
  /** @type {Record<string, T>} */
  const out = {};
  for (const x of list) {
    assert.ok(!(key(x) in out), `duplicate ${key(x)}`);
    out[key(x)] = x;
  }
  return out;
}

/**
 * Checks that a list is in the documented order: requests descending, then `tie` ascending.
 * @param {any[]} list @param {string} tie @param {string} what
 */
function assertOrdered(list, tie, what) {
  for (let i = 1; i < list.length; i++) {
    const a = list[i - 1];
    const b = list[i];
    const ok = a.requests > b.requests || (a.requests === b.requests && String(a[tie]) <= String(b[tie]));
    assert.ok(ok, `${what} not ordered by requests desc, then ${tie}: ${a[tie]} (${a.requests}) before ${b[tie]} (${b.requests})`);
  }
}

/**
 * Polls a tab's report (`read`) until every request has been attributed to the server that answered it (no place
 * `unknown` in `servers`): a request is counted at its start, its server's address comes with its completion, which
 * may arrive after the test server has answered. Every request of the test site reaches the server and completes.
 * @param {() => Promise<any>} read
 * @param {number} [timeoutMs]
 * @returns {Promise<any>} the report
 */
export async function serversSettled(read, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await read();
    if (!(report?.servers ?? []).some((/** @type {any} */ s) => s.kind === 'unknown')) return report;
    if (Date.now() > deadline) assert.fail(`servers not attributed: ${JSON.stringify(report.servers)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The extension's (or the CLI's) report against expected.json.
 * @param {any} report @param {'chromium'|'firefox'|null} browser null: do not check request types (HAR)
 */
export function assertReport(report, browser) {
  assert.ok(report, 'no report');
  assert.equal(report.schema, 3);
  assert.deepEqual(report.page, EXPECTED.page, 'page');
  for (const [field, want] of Object.entries(EXPECTED.totals)) assert.equal(report.totals[field], want, `totals.${field}`);

  const hosts = byKey(report.hosts, (h) => h.host);
  assert.deepEqual(Object.keys(hosts).sort(), Object.keys(EXPECTED.hosts).sort(), 'hosts');
  for (const [name, want] of Object.entries(EXPECTED.hosts)) {
    const got = hosts[name];
    for (const field of ['domain', 'entity', 'controller', 'jurisdiction', 'party', 'requests']) {
      assert.deepEqual(got[field], want[field], `hosts[${name}].${field}`);
    }
    if (browser) assert.deepEqual(got.types, browserTypes(want.types, browser), `hosts[${name}].types`);
  }
  assertOrdered(report.hosts, 'host', 'hosts');

  const companies = byKey(report.companies, (c) => c.id);
  assert.deepEqual(Object.keys(companies).sort(), Object.keys(EXPECTED.companies).sort(), 'companies');
  for (const [id, want] of Object.entries(EXPECTED.companies)) {
    const got = companies[id];
    assert.deepEqual(got.chain.map((/** @type {any} */ c) => c.id), want.chain, `companies[${id}].chain`);
    assert.equal(got.chain[0].name, want.name, `companies[${id}].chain[0].name`);
    for (const field of ['name', 'country', 'jurisdiction', 'requests']) {
      assert.deepEqual(got[field], want[field], `companies[${id}].${field}`);
    }
    assert.deepEqual([...got.hosts].sort(), want.hosts, `companies[${id}].hosts`);
    assert.equal(got.chain.at(-1).country, want.jurisdiction, `companies[${id}]: controller's country`);
  }
  assertOrdered(report.companies, 'id', 'companies');

  const jurisdictions = byKey(report.jurisdictions, (j) => j.country);
  assert.deepEqual(Object.keys(jurisdictions).sort(), Object.keys(EXPECTED.jurisdictions).sort(), 'jurisdictions');
  for (const [country, want] of Object.entries(EXPECTED.jurisdictions)) {
    assert.deepEqual([...jurisdictions[country].companies].sort(), want.companies, `jurisdictions[${country}].companies`);
    assert.equal(jurisdictions[country].requests, want.requests, `jurisdictions[${country}].requests`);
  }
  assertOrdered(report.jurisdictions, 'country', 'jurisdictions');
}

/**
 * The server's record: exactly the page's requests (so the extension itself sent nothing to the site's hosts), and
 * nothing anywhere that comes from an extension page or worker.
 * @param {import('../../scripts/lib/site-server.mjs').TestServer} server
 */
export function assertServerRecord(server) {
  const key = (/** @type {{host: string, method: string, path: string}} */ r) => `${r.method} ${r.host}${r.path}`;
  const got = server.siteRequests().map(key).sort();
  const want = EXPECTED.requests.map(key).sort();
  assert.deepEqual(got, want, 'the server received exactly the requests the page makes');
  for (const r of server.requests) {
    for (const header of [r.origin, r.referer]) {
      assert.ok(!/^(chrome|moz)-extension:/.test(header ?? ''), `request from an extension: ${key(r)} (${header})`);
    }
  }
  for (const r of server.siteRequests()) assert.equal(r.status, 200, `status of ${key(r)}`);
}

/**
 * The report's request count per host equals the server's.
 * @param {any} report @param {import('../../scripts/lib/site-server.mjs').TestServer} server
 */
export function assertCountsMatchServer(report, server) {
  /** @type {Record<string, number>} */
  const fromReport = {};
  for (const h of report.hosts) fromReport[h.host] = h.requests;
  assert.deepEqual(fromReport, server.countsByHost(), 'requests per host: report vs server');
}

/**
 * The popup's DOM (see POPUP_EXTRACT) against expected.json.
 * @param {any} dom
 */
export function assertPopup(dom) {
  const t = EXPECTED.totals;
  assert.equal(dom.state, 'ready', 'popup state');
  assert.equal(dom.site, EXPECTED.page.host, 'popup: site');
  assert.equal(dom.controller, EXPECTED.page.controller, 'popup: site controller');
  assert.deepEqual(dom.totals, { requests: t.requests, companies: t.companies, jurisdictions: t.jurisdictions });
  const numbers = (dom.summary ?? '').match(/\d+/g)?.map(Number);
  assert.deepEqual(numbers, [t.requests, t.companies, t.jurisdictions], `popup sentence: ${dom.summary}`);

  // Third parties grouped by the controller's jurisdiction.
  /** @type {Record<string, string[]>} */
  const groups = {};
  for (const j of dom.jurisdictions) groups[j.country] = j.companies.map((/** @type {any} */ c) => c.id).sort();
  /** @type {Record<string, string[]>} */
  const want = {};
  for (const [country, j] of Object.entries(EXPECTED.jurisdictions)) want[country] = j.companies;
  assert.deepEqual(groups, want, 'popup: companies by jurisdiction');
  for (const j of dom.jurisdictions) {
    assert.equal(j.requests, EXPECTED.jurisdictions[j.country].requests, `popup: requests under ${j.country}`);
    assert.ok(j.name && j.name.includes(j.country), `popup: jurisdiction name ${j.name}`);
    for (const c of j.companies) {
      const e = EXPECTED.companies[c.id];
      assert.equal(c.party, 'third', `popup: ${c.id} party`);
      // "Google LLC — Alphabet Inc.": the ultimate controller after the direct owner when they differ (issue 11).
      if (e.chain.length > 1) {
        assert.ok(c.name.startsWith(`${e.name} — `) && c.name.length > e.name.length + 3, `popup: ${c.id} name ${c.name}`);
      } else {
        assert.equal(c.name, e.name, `popup: ${c.id} name`);
      }
      assert.deepEqual(c.chain, e.chain, `popup: ${c.id} chain`);
      assert.equal(c.controller, e.chain.at(-1), `popup: ${c.id} controller`);
      assert.equal(c.requests, e.requests, `popup: ${c.id} requests`);
      assert.match(c.chainText, new RegExp(`\\(${e.country}\\)`), `popup: ${c.id} chain text ${c.chainText}`);
      assert.equal(c.chainText.split('→').length, e.chain.length, `popup: ${c.id} chain text ${c.chainText}`);
      /** @type {Record<string, number>} */
      const hosts = {};
      for (const h of c.hosts) hosts[h.host] = h.requests;
      /** @type {Record<string, number>} */
      const wantHosts = {};
      for (const h of e.hosts) wantHosts[h] = EXPECTED.hosts[h].requests;
      assert.deepEqual(hosts, wantHosts, `popup: ${c.id} hosts`);
    }
  }
  assert.deepEqual(dom.own, [], 'popup: no company owns this site');

  /** @type {Record<string, number>} */
  const unattributed = {};
  for (const h of dom.unattributed) unattributed[h.host] = h.requests;
  /** @type {Record<string, number>} */
  const wantUnattributed = {};
  for (const h of EXPECTED.unattributed) wantUnattributed[h] = EXPECTED.hosts[h].requests;
  assert.deepEqual(unattributed, wantUnattributed, 'popup: unattributed hosts');
}

/**
 * `whither report FILE.har --format json` agrees with the extension: same hosts, counts per host, companies, chains,
 * jurisdictions and totals (request types are not compared: a HAR names them differently).
 * @param {any} cli @param {any} ext
 */
export function assertHarAgrees(cli, ext) {
  assert.equal(cli.schema, ext.schema, 'schema');
  assert.deepEqual(cli.page, ext.page, 'page');
  assert.deepEqual(cli.totals, ext.totals, 'totals');
  const strip = (/** @type {any} */ h) => ({
    host: h.host, domain: h.domain, entity: h.entity, controller: h.controller, jurisdiction: h.jurisdiction,
    party: h.party, requests: h.requests,
  });
  assert.deepEqual(cli.hosts.map(strip), ext.hosts.map(strip), 'hosts');
  const company = (/** @type {any} */ c) => ({ ...c, hosts: [...c.hosts].sort(), servers: undefined });
  assert.deepEqual(cli.companies.map(company), ext.companies.map(company), 'companies');
  assert.deepEqual(cli.jurisdictions, ext.jurisdictions, 'jurisdictions');
  // Server addresses: the HAR's `serverIPAddress` where the recorder gave one (Playwright's HAR has none for some
  // beacons: those requests are "unknown" there), the same servers and places as the extension's.
  const servers = (/** @type {any} */ h) => h.servers.map((/** @type {any} */ s) => `${s.ip} ${s.kind} ${s.proxy}`);
  const extHosts = Object.fromEntries(ext.hosts.map((/** @type {any} */ h) => [h.host, h]));
  let located = 0;
  for (const h of cli.hosts) {
    for (const s of servers(h)) assert.ok(servers(extHosts[h.host]).includes(s), `${h.host}: ${s}`);
    located += h.servers.reduce((n, /** @type {any} */ s) => n + s.requests, 0);
  }
  assert.ok(located >= cli.totals.requests - 2, `the HAR's addresses: ${located} of ${cli.totals.requests} requests`);
}
