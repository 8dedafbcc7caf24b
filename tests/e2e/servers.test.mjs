// End to end in headless Chromium and Firefox ESR: where the servers are (issue 12). The local test server is
// loopback, so in Chromium (hostnames mapped to 127.0.0.1) every request that reached a server says "local network":
// in the report (per host, per company, the summary) and in the popup (the second bar, every company's line). In
// Firefox the test server is the browser's proxy for the third parties, while the page itself is loaded directly
// from the loopback address (a host of `network.proxy.no_proxies_on`): its requests say "local network", the third
// parties' say "proxy" (the address is the proxy's, not attributed to the destination: no country, no network).
//
// Run: node --test --test-concurrency=1 tests/e2e/servers.test.mjs   (needs `make build`)

import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PAGE_URL, DONE_BEACON } from '../../scripts/lib/site-server.mjs';
import { launchChromium, launchFirefox, missingBuild, prerequisites } from './harness.mjs';

const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === DONE_BEACON.host && r.path === DONE_BEACON.path;
const missing = missingBuild();
const chromium = prerequisites('chromium', missing);
const firefox = prerequisites('firefox', missing);

/** The popup's server places: the second bar, its legend, every company's line (src/view.rs `PopupView`). */
const SERVER_DOM = `(() => ({
  bar: Object.fromEntries(Array.from(document.querySelectorAll('#server-bar > [data-place]'),
    (s) => [s.dataset.place, Number(s.dataset.requests)])),
  legend: Array.from(document.querySelectorAll('#server-bar-legend li'), (l) => l.textContent),
  heading: document.querySelector('#server-bar-heading').textContent,
  companies: Object.fromEntries(Array.from(document.querySelectorAll('.company[data-company]'), (c) => {
    const line = c.querySelector('.company-places');
    return [c.dataset.company, line ? { places: line.dataset.places, differs: line.dataset.differs, text: line.textContent }
      : null];
  })),
}))()`;

/**
 * Polls `read` (a tab's report) until every request that reached a server has been attributed to one: the last
 * event of a request (its completion, with the server's address) may come after the server answered.
 * @param {() => Promise<any>} read
 * @param {(report: any) => boolean} done
 */
async function settledReport(read, done) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const report = await read();
    if (done(report)) return report;
    if (Date.now() > deadline) assert.fail(`servers not attributed: ${JSON.stringify(report.servers)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** @param {any} report @param {string} kind @returns {number} requests at places of this kind */
const placeRequests = (report, kind) => report.servers
  .filter((/** @type {any} */ s) => s.kind === kind).reduce((n, /** @type {any} */ s) => n + s.requests, 0);

test('Chromium: the loopback test server is "local network" in the report and the popup', { skip: chromium.skip, timeout: 120_000 }, async () => {
  if (chromium.unmet) assert.fail(chromium.unmet);
  const server = await startServer();
  const browser = await launchChromium({ server });
  try {
    await browser.page.goto(PAGE_URL, { waitUntil: 'commit' });
    await server.waitFor(isDone);
    const tabId = await browser.tabId(`${PAGE_URL}*`);
    const first = await browser.report(tabId, server.siteRequests().length);
    const report = await settledReport(() => browser.report(tabId, first.totals.requests),
      (r) => placeRequests(r, 'local') + placeRequests(r, 'unknown') === r.totals.requests && placeRequests(r, 'unknown') === 0);
    assert.ok(report.ip_data, 'the IP data was loaded');
    assert.deepEqual(report.servers.map((/** @type {any} */ s) => s.kind), ['local']);
    for (const h of report.hosts) {
      for (const s of h.servers) {
        assert.deepEqual([s.ip, s.scope, s.kind, s.country, s.asn, s.network, s.proxy], ['127.0.0.1', 'loopback', 'local', null, null, null, false], h.host);
      }
    }

    const popup = await browser.popup(tabId, report.totals.requests);
    const dom = await popup.evaluate(SERVER_DOM);
    assert.deepEqual(dom.bar, { local: report.totals.requests }, 'the second bar: every request to the local network');
    assert.equal(dom.heading, 'Where the servers are');
    assert.match(dom.legend.join('|'), /^Local network \d+ requests$/);
    const companies = report.companies.map((/** @type {any} */ c) => c.id);
    assert.ok(companies.length > 3);
    for (const id of companies) {
      const line = dom.companies[id];
      assert.ok(line, `${id} has a line of server places`);
      assert.equal(line.places, 'local', id);
      assert.match(line.text, /servers in local network/, id);
      assert.equal(line.differs, 'false', `${id}: the local network is no other country`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
});

test('Firefox: "local network" for the page loaded directly, "proxy" for the third parties through the proxy', { skip: firefox.skip, timeout: 120_000 }, async () => {
  if (firefox.unmet) assert.fail(firefox.unmet);
  const server = await startServer();
  const page = new URL(PAGE_URL);
  const direct = `http://${page.hostname}:${server.httpPort}${page.pathname}`;
  const browser = await launchFirefox({
    server,
    prefs: {
      // The page's own host resolves to the loopback address and bypasses the proxy; everything else goes through it.
      'network.dns.localDomains': page.hostname,
      'network.proxy.no_proxies_on': `localhost, 127.0.0.1, ${page.hostname}`,
    },
  });
  try {
    await browser.goto(direct);
    await server.waitFor(isDone);
    const tabId = await browser.tabId(`http://${page.hostname}/*`); // match patterns name no port
    const first = await browser.report(tabId, server.siteRequests().length);
    const read = () => browser.report(tabId, first.totals.requests);
    const report = await settledReport(read, (r) => placeRequests(r, 'unknown') === 0);
    assert.ok(report.ip_data, 'the IP data was loaded');
    const byHost = Object.fromEntries(report.hosts.map((/** @type {any} */ h) => [h.host, h]));
    const pageHost = byHost[page.hostname];
    assert.ok(pageHost, JSON.stringify(Object.keys(byHost)));
    assert.deepEqual(pageHost.servers.map((/** @type {any} */ s) => [s.ip, s.scope, s.kind, s.proxy]), [['127.0.0.1', 'loopback', 'local', false]]);
    const proxied = report.hosts.filter((/** @type {any} */ h) => h.host !== page.hostname);
    assert.ok(proxied.length > 5);
    for (const h of proxied) {
      assert.deepEqual(h.servers.map((/** @type {any} */ s) => [s.ip, s.kind, s.proxy, s.country, s.asn, s.network]),
        [['127.0.0.1', 'proxy', true, null, null, null]], `${h.host}: the proxy's address, not the destination's`);
    }
    assert.deepEqual(report.servers.map((/** @type {any} */ s) => s.kind).sort(), ['local', 'proxy']);

    await browser.popup(tabId, report.totals.requests);
    const dom = await browser.execute(`return ${SERVER_DOM};`);
    assert.deepEqual(dom.bar, { local: placeRequests(report, 'local'), proxy: placeRequests(report, 'proxy') });
    assert.ok(dom.legend.some((/** @type {string} */ l) => l.startsWith('Local network ')), dom.legend.join('|'));
    assert.ok(dom.legend.some((/** @type {string} */ l) => l.startsWith('Proxy (its address is not the destination’s) ')), dom.legend.join('|'));
    for (const c of report.companies) {
      const line = dom.companies[c.id];
      assert.ok(line, `${c.id} has a line of server places`);
      assert.equal(line.places, 'proxy', c.id);
      assert.match(line.text, /servers in a proxy/, c.id);
    }
  } finally {
    await browser.close();
    await server.close();
  }
});
