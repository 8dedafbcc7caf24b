// Nothing is lost: a page with hundreds of requests (tests/e2e/site-stress, 403 requests to 8 hosts in 20 waves) is
// loaded once undisturbed, and once while the extension's background is stopped again and again; the final reports
// must be equal (count and hosts exactly) and equal the test server's record.
// Chromium: the service worker is stopped (CDP ServiceWorker.stopAllWorkers) nine times while the page loads: each
// time the server holds the first request of a wave, so that the request is under way and its later stages reach a
// stopped worker, which they restart. The stop comes once the worker has stored what it saw (as Chrome's own idle
// stop does: a pending storage write keeps the worker alive; CDP's stop is immediate). Firefox: the background idle timeout is set low and the server
// holds three waves until the background is suspended.
//
// Run: node --test --test-concurrency=1 tests/e2e/   (needs `make build`)

import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/lib/site-server.mjs';
import { launchChromium, launchFirefox, chromiumPath, firefoxPath, geckodriverPath, missingBuild } from './harness.mjs';
import { serversSettled } from './assertions.mjs';

const SITE_DIR = fileURLToPath(new URL('./site-stress/', import.meta.url));
const PAGE_URL = 'https://www.busy.example/';
const WAVES = 20;
const PER_WAVE = 20;
/** Document, script, the waves, the last request. */
const REQUESTS = 2 + WAVES * PER_WAVE + 1;
const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === 'www.busy.example' && r.path === '/p.gif?done=1';
/** The first request of wave `w`. */
const waveStart = (/** @type {number} */ w) => (/** @type {{path: string}} */ r) => r.path === `/p.gif?w=${w}&i=0`;

const missing = missingBuild();
const unmetChromium = !chromiumPath() ? 'Chromium is not installed (apt-get install chromium)'
  : missing.length ? `the extension is not built (missing ${missing.join(', ')}; run make build)` : '';
const unmetFirefox = !firefoxPath() ? 'Firefox is not installed (apt-get install firefox-esr)'
  : !geckodriverPath() ? 'geckodriver is not installed (cargo install geckodriver)'
    : missing.length ? `the extension is not built (missing ${missing.join(', ')}; run make build)` : '';
const allowSkip = process.env.WHITHER_E2E_ALLOW_SKIP === '1';

/**
 * The server's record as requests per host (the browser's own favicon request is not a page request).
 * @param {import('../../scripts/lib/site-server.mjs').TestServer} server
 */
function serverCounts(server) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const r of server.siteRequests()) {
    if (r.path === '/favicon.ico') continue;
    counts[r.host] = (counts[r.host] ?? 0) + 1;
  }
  return counts;
}

/** @param {any} report */
function reportCounts(report) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const h of report.hosts) counts[h.host] = h.requests;
  return counts;
}

/**
 * @param {any} report @param {import('../../scripts/lib/site-server.mjs').TestServer} server
 */
function assertComplete(report, server) {
  assert.equal(report.totals.requests, REQUESTS, 'every request counted once');
  assert.equal(report.totals.hosts, 8);
  assert.deepEqual(reportCounts(report), serverCounts(server), 'requests per host: report vs server');
}

test('Chromium: hundreds of requests, service worker stopped again and again: same report',
  { skip: unmetChromium && allowSkip ? unmetChromium : false, timeout: 240_000 }, async (t) => {
    if (unmetChromium) assert.fail(unmetChromium);
    const server = await startServer({ siteDir: SITE_DIR });
    t.after(() => server.close());

    /** @param {boolean} stop */
    async function visit(stop) {
      server.reset();
      const browser = await launchChromium({ server });
      let tabId = -1;
      try {
        const gates = stop ? [2, 4, 6, 8, 10, 12, 14, 16, 18].map((w) => server.hold(waveStart(w))) : [];
        await browser.page.goto(PAGE_URL, { waitUntil: 'commit' });
        let stops = 0;
        for (const gate of gates) {
          await gate.reached;
          if (stops === 0) tabId = await browser.tabId(`${PAGE_URL}*`);
          // Every request so far has started (the held one included): the worker has seen them.
          await browser.settled(tabId, () => server.siteRequests().length);
          await browser.stopServiceWorker();
          stops += 1;
          gate.release();
        }
        await server.waitFor(isDone);
        if (tabId < 0) tabId = await browser.tabId(`${PAGE_URL}*`);
        const report = await serversSettled(() => browser.report(tabId, REQUESTS));
        return { report, stops };
      } finally {
        await browser.close();
      }
    }

    const plain = await visit(false);
    assertComplete(plain.report, server);
    const stopped = await visit(true);
    assert.equal(stopped.stops, 9);
    assertComplete(stopped.report, server);
    assert.deepEqual(stopped.report, plain.report, 'the report after 9 worker stops equals the one without');
  });

test('Firefox: hundreds of requests, background suspended three times: same report',
  { skip: unmetFirefox && allowSkip ? unmetFirefox : false, timeout: 240_000 }, async (t) => {
    if (unmetFirefox) assert.fail(unmetFirefox);
    const server = await startServer({ siteDir: SITE_DIR });
    t.after(() => server.close());
    const IDLE_TIMEOUT_MS = 1000;

    /** @param {boolean} suspend */
    async function visit(suspend) {
      server.reset();
      const browser = await launchFirefox({
        server,
        prefs: suspend ? { 'extensions.background.idle.timeout': IDLE_TIMEOUT_MS } : {},
      });
      try {
        const gates = suspend ? [3, 10, 16].map((w) => server.hold(waveStart(w))) : [];
        await browser.goto(PAGE_URL);
        let suspensions = 0;
        for (const gate of gates) {
          await gate.reached;
          // Nothing happens while the server holds the wave: wait until Firefox suspends the idle background.
          const deadline = Date.now() + 20 * IDLE_TIMEOUT_MS;
          for (;;) {
            const state = await browser.backgroundState();
            if (state === 'stopped' || state === 'suspended') break;
            if (Date.now() > deadline) throw new Error(`background not suspended: ${state}`);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          suspensions += 1;
          gate.release();
        }
        await server.waitFor(isDone);
        const tabId = await browser.tabId(`${PAGE_URL}*`);
        const report = await serversSettled(() => browser.report(tabId, REQUESTS));
        return { report, suspensions };
      } finally {
        await browser.close();
      }
    }

    const plain = await visit(false);
    assertComplete(plain.report, server);
    const suspended = await visit(true);
    assert.equal(suspended.suspensions, 3);
    assertComplete(suspended.report, server);
    assert.deepEqual(suspended.report, plain.report, 'the report after three suspensions equals the one without');
  });
