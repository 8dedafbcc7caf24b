// End to end in Firefox ESR: the views a user reads, after a visit of the local test site with RU on the watchlist:
// the popup (bar, watchlist, laws), the options page and the history dashboard (loaded in its worker), each with
// axe-core run in the page and 0 violations.
//
// Run: node --test --test-concurrency=1 tests/e2e/   (needs `make build`, Firefox ESR and geckodriver)

import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startServer, PAGE_URL, DONE_BEACON } from '../../scripts/lib/site-server.mjs';
import {
  launchFirefox, missingBuild, prerequisites,
} from './harness.mjs';
import { POPUP_EXPAND_ALL } from './assertions.mjs';

const require = createRequire(import.meta.url);
/** @type {string} */
const AXE_SOURCE = require('axe-core').source;
const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === DONE_BEACON.host && r.path === DONE_BEACON.path;

const missing = missingBuild();
const { unmet, skip } = prerequisites('firefox', missing);

/**
 * axe-core in the current tab (run by WebDriver, outside the page's CSP); fails on any violation.
 * @param {any} browser @param {string} what
 */
async function assertAccessible(browser, what) {
  const { passes, violations } = await browser.executeAsync(`${AXE_SOURCE}
    const result = await axe.run(document);
    return { passes: result.passes.length, violations: result.violations.map((v) => v.id + ' (' + v.impact + '): '
      + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')) };`);
  assert.ok(passes > 10, `axe ran on ${what} (${passes} rules passed)`);
  assert.deepEqual(violations, [], `axe on ${what} (Firefox)`);
}

/**
 * Opens an extension page in a new tab and waits until `ready` (a JS expression) is true there.
 * @param {any} browser @param {string} path @param {string} ready
 */
async function open(browser, path, ready) {
  await browser.openExtensionTab(`${browser.base}${path}`);
  await browser.executeInLoadedPage(`const deadline = Date.now() + 15000;
    for (;;) {
      if (${ready}) return true;
      if (Date.now() > deadline) throw new Error('not ready: ' + document.body?.dataset.state);
      await new Promise((r) => setTimeout(r, 50));
    }`);
}

test('Firefox views: popup, options, dashboard; axe', { skip, timeout: 180_000 }, async (t) => {
  if (unmet) assert.fail(unmet);
  const server = await startServer();
  const browser = await launchFirefox({ server, prefs: {} });
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  await browser.executeAsync(`const w = window.wrappedJSObject ?? window;
    await w.browser.storage.local.set(w.JSON.parse('{"settings":{"watchlist":["RU"]}}')); return true;`);
  await browser.goto(PAGE_URL);
  await server.waitFor(isDone);
  const tabId = await browser.tabId(`${PAGE_URL}*`);
  const report = await browser.report(tabId, server.siteRequests().length);

  await t.test('popup', async () => {
    await open(browser, `extension/popup.html?tabId=${tabId}`, `document.body.dataset.enriched === 'true'
      && document.body.dataset.complete === 'true' && document.body.dataset.flags === 'loaded'`);
    const dom = await browser.execute(`return {
      bar: Array.from(document.querySelectorAll('#bar > span')).reduce((n, s) => n + Number(s.dataset.requests), 0),
      alert: document.querySelector('#watch-alert').dataset.jurisdictions,
      laws: document.querySelectorAll('.laws').length,
      flags: Array.from(document.querySelectorAll('img.flag')).every((i) => i.naturalWidth > 0),
    };`);
    assert.equal(dom.bar, report.totals.requests);
    assert.equal(dom.alert, 'RU');
    assert.ok(dom.laws > 0);
    assert.equal(dom.flags, true);
    // Every company and list of laws open (host rows, chains, law links) for axe.
    assert.ok(await browser.executeAsync(POPUP_EXPAND_ALL) > 0);
    await assertAccessible(browser, 'popup');
  });

  await t.test('options', async () => {
    await open(browser, 'extension/options.html', `document.body.dataset.state === 'ready'`);
    const countries = await browser.execute(`return Array.from(document.querySelectorAll('#watch-countries li[data-country]')).map((l) => l.dataset.country);`);
    assert.deepEqual(countries, ['RU']);
    await assertAccessible(browser, 'options');
  });

  await t.test('dashboard (history in a worker)', async () => {
    await open(browser, 'extension/dashboard.html', `document.body.dataset.state === 'ready'`);
    const dom = await browser.execute(`return {
      requests: Number(document.querySelector('#totals').dataset.requests),
      jurisdictions: Array.from(document.querySelectorAll('#jurisdictions tr[data-jurisdiction]')).map((r) => r.dataset.jurisdiction),
      map: document.querySelectorAll('#map path[data-country]').length,
    };`);
    assert.equal(dom.requests, report.totals.requests);
    assert.deepEqual(dom.jurisdictions, report.jurisdictions.map((/** @type {any} */ j) => j.country));
    assert.ok(dom.map > 100, 'the world map is drawn');
    await assertAccessible(browser, 'dashboard');
  });
});
