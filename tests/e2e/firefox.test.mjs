// End to end in headless Firefox ESR (geckodriver, WebDriver over HTTP): the unpacked extension dist/firefox/ is
// installed as a temporary add-on and visits the local demo site (the test server is Firefox's proxy, so the real
// third-party hostnames reach it). The report from the message API and the popup's DOM are checked against
// tests/e2e/expected.json and the server's record. A second visit runs with `extensions.background.idle.timeout`
// set low: the background is suspended in the middle of the page's requests and must give the same report.
//
// Run: node --test --test-concurrency=1 tests/e2e/   (needs `make build`)

import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PAGE_URL, DONE_BEACON } from '../../scripts/lib/site-server.mjs';
import {
  launchFirefox, missingBuild, prerequisites,
} from './harness.mjs';
import {
  POPUP_EXPAND_ALL, POPUP_EXTRACT, assertReport, serversSettled, assertServerRecord, assertCountsMatchServer, assertPopup,
} from './assertions.mjs';

const IDLE_TIMEOUT_MS = 1000;
const GATE = (/** @type {{host: string, path: string}} */ r) => r.host === 'static.criteo.net' && r.path.startsWith('/js/ld/publishertag.js');
const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === DONE_BEACON.host && r.path === DONE_BEACON.path;

const missing = missingBuild();
// Missing prerequisites fail the test (set WHITHER_E2E_ALLOW_SKIP=1 to skip instead).
const { unmet, skip } = prerequisites('firefox', missing);

/**
 * One visit of the test page in a fresh Firefox profile.
 * @param {import('../../scripts/lib/site-server.mjs').TestServer} server
 * @param {{ suspend: boolean }} options
 */
async function visit(server, { suspend }) {
  server.reset();
  const browser = await launchFirefox({
    server,
    prefs: suspend ? { 'extensions.background.idle.timeout': IDLE_TIMEOUT_MS } : {},
  });
  try {
    const gate = server.hold(GATE);
    await browser.goto(PAGE_URL); // returns at once (pageLoadStrategy "none")
    await gate.reached;
    /** @type {string[]} */
    const states = [];
    if (suspend) {
      // Nothing happens while the server holds Criteo's tag: wait for Firefox to suspend the idle background.
      const deadline = Date.now() + 20 * IDLE_TIMEOUT_MS;
      for (;;) {
        const state = await browser.backgroundState();
        if (states.at(-1) !== state) states.push(state);
        if (state === 'stopped' || state === 'suspended') break;
        if (Date.now() > deadline) throw new Error(`background not suspended: ${states.join(' → ')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    gate.release();
    await server.waitFor(isDone);
    const tabId = await browser.tabId(`${PAGE_URL}*`);
    const first = await browser.report(tabId, server.siteRequests().length);
    const report = await serversSettled(() => browser.report(tabId, first.totals.requests));
    await browser.popup(tabId, report.totals.requests);
    await browser.executeAsync(POPUP_EXPAND_ALL);
    const dom = await browser.execute(`return ${POPUP_EXTRACT};`);
    return { report, dom, states };
  } finally {
    await browser.close();
  }
}

test('Firefox: report, popup, suspended background', { skip, timeout: 180_000 }, async (t) => {
  if (unmet) assert.fail(unmet);
  const server = await startServer();
  t.after(() => server.close());

  /** @type {any} */
  let plain;
  await t.test('visit: report via the message API', async () => {
    plain = await visit(server, { suspend: false });
    assertServerRecord(server);
    assertCountsMatchServer(plain.report, server);
    assertReport(plain.report, 'firefox');
  });

  await t.test('the popup shows the same report', () => {
    assert.ok(plain, 'first visit failed');
    assertPopup(plain.dom);
  });

  await t.test(`background suspended mid-page (idle timeout ${IDLE_TIMEOUT_MS} ms): same report`, async () => {
    assert.ok(plain, 'first visit failed');
    const suspended = await visit(server, { suspend: true });
    assert.ok(['stopped', 'suspended'].includes(String(suspended.states.at(-1))), suspended.states.join(' → '));
    assertServerRecord(server);
    assertCountsMatchServer(suspended.report, server);
    assert.deepEqual(suspended.report, plain.report, 'report after a suspended background equals the one without');
    assertPopup(suspended.dom);
  });
});
