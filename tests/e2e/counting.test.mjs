// What is counted (docs/report-format.md, "What is counted"), in headless Chromium and Firefox ESR: a shop page
// (tests/e2e/site-counting) reached through a redirect of its bare domain, with web fonts (Chromium tries each from
// the cache only first), an http script on an HSTS-preloaded host (Chromium upgrades it inside the browser), a
// redirect chain across three hosts, repeated images, a POST and a beacon. Every host's request count in the report
// must equal the requests that host's server received; the page must be the redirected document; in Chromium the
// visit's HAR through `whither report` must count the same.
//
// Run: node --test --test-concurrency=1 tests/e2e/   (needs `make build`)

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/lib/site-server.mjs';
import { launchChromium, launchFirefox, missingBuild, prerequisites, ROOT } from './harness.mjs';

const SITE_DIR = fileURLToPath(new URL('./site-counting/', import.meta.url));
const START_URL = 'http://shop.example/';
const PAGE_URL = 'http://www.shop.example/';
const CLI = process.env.WHITHER_CLI ?? path.join(ROOT, 'target/release/whither');
const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === 'static.shop.example' && r.path === '/p.gif?done=1';
const missing = missingBuild();

/** @param {import('../../scripts/lib/site-server.mjs').TestServer} server @returns {Record<string, number>} */
function serverCounts(server) {
  return server.countsByHost();
}

/** @param {any} report @returns {Record<string, number>} hosts with requests (cache-only hosts have none) */
function reportCounts(report) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const h of report.hosts) if (h.requests > 0) counts[h.host] = h.requests;
  return counts;
}

/**
 * The checks common to both browsers.
 * @param {any} report @param {import('../../scripts/lib/site-server.mjs').TestServer} server @param {string} browser
 */
function assertCountsAreTheServers(report, server, browser) {
  const want = serverCounts(server);
  // The server's record is what the browser sent: the page's own requests, nothing else of this site.
  assert.equal(want['shop.example'], 1, `${browser}: the bare domain was asked once`);
  assert.equal(want['fonts.gstatic.com'], 2, `${browser}: two fonts fetched once each`);
  assert.equal(want['static.shop.example'], 6, `${browser}: style, app, three images, the last one`);
  assert.deepEqual(reportCounts(report), want, `${browser}: requests per host, report vs server`);
  assert.equal(report.totals.requests, Object.values(want).reduce((a, b) => a + b, 0), `${browser}: totals.requests`);
  assert.equal(report.page.url, PAGE_URL, `${browser}: the page is the redirected document`);
  const host = (/** @type {string} */ name) => report.hosts.find((/** @type {any} */ h) => h.host === name);
  assert.equal(host('shop.example')?.redirects, 1, `${browser}: the bare domain answered with a redirect`);
  assert.equal(host('ad.doubleclick.net')?.redirects, 1);
  assert.equal(host('www.facebook.com')?.redirects, 1);
  // One fetch per thing the page asked for: the redirect chains count once.
  assert.equal(report.totals.fetches, report.totals.requests - report.totals.redirects,
    `${browser}: fetches = requests − redirects (every redirect here continues in the same fetch)`);
}

test('Chromium: every host counts what its server received; the HAR counts the same',
  { skip: prerequisites('chromium', missing).skip, timeout: 120_000 }, async (t) => {
    const { unmet } = prerequisites('chromium', missing);
    if (unmet) assert.fail(unmet);
    const server = await startServer({ siteDir: SITE_DIR });
    t.after(() => server.close());
    const dir = await mkdtemp(path.join(tmpdir(), 'whither-counting-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const har = path.join(dir, 'shop.har');
    const browser = await launchChromium({ server, recordHar: { path: har } });
    let report;
    try {
      await browser.page.goto(START_URL, { waitUntil: 'load' });
      await server.waitFor(isDone);
      const tabId = await browser.tabId(`${PAGE_URL}*`);
      await browser.settled(tabId, () => Object.values(serverCounts(server)).reduce((a, b) => a + b, 0));
      report = await browser.report(tabId, 1);
    } finally {
      await browser.close(); // writes the HAR
    }
    assertCountsAreTheServers(report, server, 'Chromium');
    // Chromium's internal steps are not requests: the HSTS upgrade of analytics.js and the fonts' cache-only tries.
    const ga = report.hosts.find((/** @type {any} */ h) => h.host === 'www.google-analytics.com');
    assert.equal(ga?.requests, 2, 'analytics.js once (its internal http → https redirect is no request), the beacon');
    const fromHar = JSON.parse(execFileSync(CLI, ['report', har], { encoding: 'utf8' }));
    assert.deepEqual(reportCounts(fromHar), reportCounts(report), 'whither report FILE.har: the same per host');
  });

test('Firefox: every host counts what its server received',
  { skip: prerequisites('firefox', missing).skip, timeout: 120_000 }, async (t) => {
    const { unmet } = prerequisites('firefox', missing);
    if (unmet) assert.fail(unmet);
    const server = await startServer({ siteDir: SITE_DIR });
    t.after(() => server.close());
    const browser = await launchFirefox({ server });
    try {
      await browser.goto(START_URL);
      await server.waitFor(isDone);
      const tabId = await browser.tabId(`${PAGE_URL}*`);
      const expected = Object.values(serverCounts(server)).reduce((a, b) => a + b, 0);
      const report = await browser.report(tabId, expected);
      assertCountsAreTheServers(report, server, 'Firefox');
    } finally {
      await browser.close();
    }
  });
