// End to end in headless Chromium and Firefox ESR: where the servers are (issue 12). The local test server is
// loopback, so in Chromium (hostnames mapped to 127.0.0.1) every request that reached a server says "local network":
// in the report (per host, per company, the summary) and in the popup (the second bar, every company's line). In
// Firefox the test server is the browser's proxy for the third parties, while the page itself is loaded directly
// from the loopback address (a host of `network.proxy.no_proxies_on`): its requests say "local network", the third
// parties' say "proxy" (the address is the proxy's, not attributed to the destination: no country, no network).
// The dashboard (the history) keeps the places: its table of places, the companies' column, and the map's switch
// between "controlled from" and "servers in".
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

/** The dashboard's server places: its table, the companies' column, the map in each of its modes. */
const DASHBOARD_DOM = `(() => {
  const shaded = () => Array.from(document.querySelectorAll('#map path[data-country]'))
    .filter((p) => Number(p.dataset.share) > 0).map((p) => p.dataset.country).sort();
  const mode = (value) => {
    document.querySelector('#map-mode input[value="' + value + '"]').click();
    return { mode: document.querySelector('#map').dataset.mode, heading: document.querySelector('#map-heading').textContent,
      shaded: shaded() };
  };
  const control = shaded();
  const servers = mode('servers');
  const back = mode('control');
  return {
    places: Array.from(document.querySelectorAll('#servers tr[data-place]'), (r) => [r.dataset.place, Number(r.dataset.requests)]),
    companies: Object.fromEntries(Array.from(document.querySelectorAll('#companies tr[data-company]'),
      (r) => [r.dataset.company, r.querySelector('td.servers').dataset.places])),
    control, servers, back,
  };
})()`;

/**
 * The dashboard's DOM once its history has every request and server place of the visit (the recorder stores them
 * shortly after the events): reloaded until then.
 * @param {() => Promise<any>} read loads the dashboard and returns DASHBOARD_DOM
 * @param {(dom: any) => boolean} done
 */
async function settledDashboard(read, done) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const dom = await read();
    if (done(dom)) return dom;
    if (Date.now() > deadline) assert.fail(`dashboard without the visit's server places: ${JSON.stringify(dom)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

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

    // The dashboard: the history keeps the server places; the map switches between the two.
    const dash = await browser.context.newPage();
    const board = await settledDashboard(async () => {
      await dash.goto(`${browser.base}extension/dashboard.html`);
      await dash.waitForSelector('body[data-state="ready"], body[data-state="empty"]', { state: 'attached' });
      return dash.evaluate(DASHBOARD_DOM);
    }, (d) => JSON.stringify(d.places) === JSON.stringify([['local', report.totals.requests]]));
    for (const id of companies) assert.equal(board.companies[id], 'local', id);
    assert.ok(board.control.includes('US') && board.control.includes('RU'), `controlled from: ${board.control}`);
    assert.deepEqual(board.servers, { mode: 'servers', heading: 'Share of requests by server country', shaded: [] },
      'servers in: no country (every server was on the local network)');
    assert.deepEqual(board.back.shaded, board.control);
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

    const board = await settledDashboard(async () => {
      await browser.openExtensionTab(`${browser.base}extension/dashboard.html`);
      await browser.executeInLoadedPage(`const deadline = Date.now() + 15000;
        while (!['ready', 'empty'].includes(document.body?.dataset.state)) {
          if (Date.now() > deadline) throw new Error('dashboard not ready: ' + document.body?.dataset.state);
          await new Promise((r) => setTimeout(r, 50));
        }
        return true;`);
      return browser.execute(`return ${DASHBOARD_DOM};`);
    }, (d) => JSON.stringify(d.places) === JSON.stringify([['proxy', placeRequests(report, 'proxy')], ['local', placeRequests(report, 'local')]]));
    for (const c of report.companies) assert.equal(board.companies[c.id], 'proxy', c.id);
    assert.ok(board.control.includes('US'), `controlled from: ${board.control}`);
    assert.deepEqual(board.servers.shaded, [], 'servers in: no country (a proxy is not the destination)');
  } finally {
    await browser.close();
    await server.close();
  }
});
