// End to end in headless Chromium: the unpacked extension dist/chrome/ visits the local demo site (scripts/demo-site,
// served under real third-party hostnames by scripts/lib/site-server.mjs); the report from the message API
// and the popup's DOM are checked against tests/e2e/expected.json and the server's record of requests. A second visit
// stops the extension's service worker in the middle of the page's requests and must give the same report. The first
// visit is recorded as a HAR, and `whither report FILE.har` must agree with the extension.
//
// Run: node --test --test-concurrency=1 tests/e2e/   (needs `make build`: dist/chrome/ and target/release/whither)

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, PAGE_URL, DONE_BEACON } from '../../scripts/lib/site-server.mjs';
import {
  launchChromium, missingBuild, ROOT, prerequisites,
} from './harness.mjs';
import {
  EXPECTED, POPUP_EXPAND_ALL, POPUP_EXTRACT, assertReport, serversSettled, assertServerRecord, assertCountsMatchServer, assertPopup, assertHarAgrees,
} from './assertions.mjs';

const CLI = process.env.WHITHER_CLI ?? path.join(ROOT, 'target/release/whither');
const GATE = (/** @type {{host: string, path: string}} */ r) => r.host === 'static.criteo.net' && r.path.startsWith('/js/ld/publishertag.js');
const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === DONE_BEACON.host && r.path === DONE_BEACON.path;

const missing = missingBuild();
// Missing prerequisites fail the test (set WHITHER_E2E_ALLOW_SKIP=1 to skip instead).
const { unmet, skip } = prerequisites('chromium', missing);

/**
 * One visit of the test page in a fresh browser profile.
 * @param {import('../../scripts/lib/site-server.mjs').TestServer} server
 * @param {{ stopWorker: boolean, har?: string }} options
 */
async function visit(server, { stopWorker, har }) {
  server.reset();
  const browser = await launchChromium({ server, recordHar: har ? { path: har } : undefined });
  try {
    // Criteo's tag (loaded by the page on demand, before its second wave of requests) is held back by the server.
    const gate = server.hold(GATE);
    await browser.page.goto(PAGE_URL, { waitUntil: 'commit' });
    await gate.reached;
    const tabId = await browser.tabId(`${PAGE_URL}*`);
    let stopped = false;
    if (stopWorker) {
      // Let the extension see and store every request made so far (an idle worker), then stop it mid-page.
      await browser.settled(tabId, () => server.siteRequests().length);
      await browser.stopServiceWorker();
      stopped = true;
    }
    gate.release();
    await server.waitFor(isDone);
    const first = await browser.report(tabId, server.siteRequests().length);
    const report = await serversSettled(() => browser.report(tabId, first.totals.requests));
    const popup = await browser.popup(tabId, report.totals.requests);
    await popup.evaluate(`(async () => { ${POPUP_EXPAND_ALL} })()`);
    const dom = await popup.evaluate(POPUP_EXTRACT);
    return { report, dom, stopped, tabId };
  } finally {
    await browser.close(); // also writes the HAR
  }
}

test('Chromium: report, popup, worker stop, HAR', { skip, timeout: 180_000 }, async (t) => {
  if (unmet) assert.fail(unmet);
  const server = await startServer();
  const tmp = await mkdtemp(path.join(tmpdir(), 'whither-e2e-'));
  t.after(async () => {
    await server.close();
    await rm(tmp, { recursive: true, force: true });
  });
  const harPath = path.join(tmp, 'visit.har');

  /** @type {any} */
  let plain;
  await t.test('visit without a worker stop: report via the message API', async () => {
    plain = await visit(server, { stopWorker: false, har: harPath });
    assertServerRecord(server);
    assertCountsMatchServer(plain.report, server);
    assertReport(plain.report, 'chromium');
  });

  await t.test('the popup shows the same report', () => {
    assert.ok(plain, 'first visit failed');
    assertPopup(plain.dom);
  });

  await t.test('`whither report FILE.har` agrees with the extension', () => {
    assert.ok(plain, 'first visit failed');
    assert.ok(existsSync(CLI), `${CLI} is not built (cargo build --release)`);
    assert.ok(existsSync(harPath), 'no HAR was written');
    const out = execFileSync(CLI, ['report', harPath, '--format', 'json'], { encoding: 'utf8' });
    const cli = JSON.parse(out);
    assertReport(cli, null);
    assertHarAgrees(cli, plain.report);
  });

  await t.test('service worker stopped in the middle of the page: same report', async () => {
    assert.ok(plain, 'first visit failed');
    const withStop = await visit(server, { stopWorker: true });
    assert.ok(withStop.stopped);
    assertServerRecord(server);
    assertCountsMatchServer(withStop.report, server);
    assert.deepEqual(withStop.report, plain.report, 'report after a worker stop equals the one without');
    assertPopup(withStop.dom);
  });

  assert.equal(EXPECTED.totals.requests, EXPECTED.requests.length);
});
