// Privacy and security end to end, in headless Chromium and Firefox ESR:
// - the extension makes no network request of its own: while a page is visited and the popup, options page and
//   dashboard are open, no request leaves the extension. Chromium: Playwright sees every request of the context,
//   the service worker's included, and none may come from the extension's worker or pages. Both browsers: the test
//   server, which receives every request of the browser (host mapping in Chromium, proxy in Firefox), receives
//   exactly the page's requests (tests/e2e/expected.json) plus the browser's own services, nothing else. A deliberate
//   probe from the worker and from an extension page first shows that the checks catch one.
// - hostile strings (a page whose query, fragment and title carry markup and script, and requests whose URLs do)
//   go through the whole pipeline: nothing is executed (no dialog, the title is not rewritten, no element injected
//   into an extension page) and the text is shown literally.
//
// Run: node --test --test-concurrency=1 tests/e2e/   (needs `make build`)

import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startServer, PAGE_URL, DONE_BEACON } from '../../scripts/lib/site-server.mjs';
import {
  launchChromium, launchFirefox, missingBuild, prerequisites,
} from './harness.mjs';
import { POPUP_EXPAND_ALL, assertServerRecord } from './assertions.mjs';

// Playwright reports a service worker's own requests only with this set (Chromium).
process.env.PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS = '1';

const HOSTILE_SITE = fileURLToPath(new URL('./site-stress/', import.meta.url));
const HOSTILE_URL = 'https://www.busy.example/hostile.html?p=\'"><img src=x onerror=alert(1)>'
  + '&q=<script>alert(2)</script>&t="><svg onload=alert(3)>#<b>x</b>';
/** The browsers' own services (component updates, time, accounts, settings), which reach the test server too. */
const BROWSER_SERVICE = /(^|\.)(google\.com|googleapis\.com|gstatic\.com|gvt1\.com|mozilla\.(com|net|org)|firefox\.com|mozaws\.net)$/;
const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === DONE_BEACON.host && r.path === DONE_BEACON.path;

const missing = missingBuild();
const { unmet, skip } = prerequisites('chromium', missing);
const { unmet: unmetFirefox, skip: skipFirefox } = prerequisites('firefox', missing);

/** Elements that markup in the data would create if it were parsed as HTML, in any extension page. */
const INJECTED = `(() => Array.from(document.querySelectorAll(
  'img[src="x"], img[onerror], svg[onload], [onload], [onerror], b, script:not([src])'))
  .map((e) => e.outerHTML.slice(0, 80)))()`;

/**
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} base the extension's base URL
 */
function watchRequests(context, base) {
  /** @type {{url: string, from: string}[]} */
  const fromExtension = [];
  context.on('request', (request) => {
    const url = request.url();
    if (url.startsWith(base)) return; // a file of the extension's own package
    const worker = request.serviceWorker();
    let from = worker ? worker.url() : '';
    if (!worker) {
      try {
        from = request.frame().url();
      } catch {
        from = '';
      }
    }
    if (from.startsWith(base)) fromExtension.push({ url, from });
  });
  return fromExtension;
}

/**
 * Requests at the server that the page did not make and the browser's own services did not make: what an extension
 * request would be (it carries no Origin or Referer that would tell).
 * @param {import('../../scripts/lib/site-server.mjs').TestServer} server
 */
function strangerRequests(server) {
  return server.requests
    .filter((r) => !r.site && !BROWSER_SERVICE.test(r.host)
      || [r.origin, r.referer].some((h) => /^(chrome|moz)-extension:/.test(h ?? '')))
    .map((r) => `${r.method} ${r.host}${r.path}`);
}

test('Chromium: the extension makes no request of its own', { skip, timeout: 180_000 }, async (t) => {
  if (unmet) assert.fail(unmet);
  const server = await startServer();
  t.after(() => server.close());
  const browser = await launchChromium({ server });
  t.after(() => browser.close());
  const { context, base } = browser;
  const fromExtension = watchRequests(context, base);

  await t.test('the checks catch a request from the worker and from an extension page', async () => {
    const worker = context.serviceWorkers().find((w) => w.url().startsWith(base));
    assert.ok(worker, 'the extension worker');
    await worker.evaluate(() => fetch('https://probe-worker.example/').catch(() => null));
    const page = await browser.extensionPage();
    await page.evaluate(() => fetch('https://probe-page.example/').catch(() => null));
    await server.waitFor((r) => r.host === 'probe-worker.example');
    await server.waitFor((r) => r.host === 'probe-page.example');
    const seen = fromExtension.map((r) => new URL(r.url).host).sort();
    assert.deepEqual(seen, ['probe-page.example', 'probe-worker.example']);
    assert.deepEqual(strangerRequests(server), ['GET probe-worker.example/', 'GET probe-page.example/']);
    fromExtension.length = 0;
    server.reset();
  });

  await t.test('visit, popup, options and dashboard: no request from the extension', async () => {
    await browser.page.goto(PAGE_URL, { waitUntil: 'commit' });
    await server.waitFor(isDone);
    const tabId = await browser.tabId(`${PAGE_URL}*`);
    const report = await browser.report(tabId, server.siteRequests().length);
    const popup = await browser.popup(tabId, report.totals.requests);
    for (const path of ['extension/options.html', 'extension/dashboard.html']) {
      const p = await context.newPage();
      await p.goto(base + path);
      await p.waitForSelector('body[data-state="ready"], body[data-state="empty"]', { state: 'attached' });
      await p.waitForLoadState('networkidle');
    }
    await popup.waitForLoadState('networkidle');
    assert.deepEqual(fromExtension, [], 'requests from the extension\'s worker or pages');
    // Every request the server saw is one the page made (exactly those: tests/e2e/expected.json), or one of the
    // browser's own services.
    assertServerRecord(server);
    assert.deepEqual(strangerRequests(server), [], 'requests neither the page nor the browser made');
  });
});

test('Chromium: hostile strings are shown literally and never executed', { skip, timeout: 180_000 }, async (t) => {
  if (unmet) assert.fail(unmet);
  const server = await startServer({ siteDir: HOSTILE_SITE });
  t.after(() => server.close());
  const browser = await launchChromium({ server });
  t.after(() => browser.close());
  const { context, base } = browser;
  /** @type {string[]} */
  const dialogs = [];
  context.on('page', (p) => p.on('dialog', (d) => {
    dialogs.push(`${p.url()}: ${d.message()}`);
    d.dismiss().catch(() => {});
  }));
  browser.page.on('dialog', (d) => {
    dialogs.push(`page: ${d.message()}`);
    d.dismiss().catch(() => {});
  });

  await browser.page.goto(HOSTILE_URL, { waitUntil: 'load' });
  const tabId = await browser.tabId('https://www.busy.example/*');
  const report = await browser.report(tabId, 3);
  // The page's URL reaches the report as the browser gave it (markup percent-encoded or not): the same string.
  assert.equal(report.page.url, browser.page.url());
  assert.equal(report.page.host, 'www.busy.example');
  const popup = await browser.popup(tabId, report.totals.requests);
  const dashboard = await context.newPage();
  await dashboard.goto(`${base}extension/dashboard.html`);
  await dashboard.waitForSelector('body[data-state="ready"], body[data-state="empty"]', { state: 'attached' });

  for (const [name, p] of [['popup', popup], ['dashboard', dashboard]]) {
    const page = /** @type {import('playwright-core').Page} */ (p);
    assert.deepEqual(await page.evaluate(INJECTED), [], `${name}: elements injected from data`);
    assert.doesNotMatch(await page.title(), /PWNED/, `${name}: script ran`);
  }
  // Literal text: the site as reported, every host as reported (inside every company, opened, and unattributed).
  assert.equal(await popup.textContent('#site'), report.page.host);
  await popup.evaluate(`(async () => { ${POPUP_EXPAND_ALL} })()`);
  assert.deepEqual(await popup.evaluate(INJECTED), [], 'popup, every company open: elements injected from data');
  const shownHosts = await popup.$$eval('.host', (hosts) => hosts.map((h) => h.getAttribute('data-host')));
  assert.deepEqual(shownHosts.sort(), report.hosts.map((/** @type {any} */ h) => h.host).sort());
  assert.deepEqual(dialogs, [], 'no dialog opened');
});

/**
 * Opens an extension page in a new Firefox tab and waits until it has loaded.
 * @param {any} browser launchFirefox's handle @param {string} path
 */
async function openFirefoxPage(browser, path) {
  await browser.setContext('chrome');
  try {
    await browser.execute(`gBrowser.selectedTab = gBrowser.addTab(arguments[0], {
      triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() });`, [browser.base + path]);
  } finally {
    await browser.setContext('content');
  }
  const handles = await browser.wd('GET', '/window/handles');
  await browser.wd('POST', '/window', { handle: handles.at(-1) });
  // The script starts again when the document it runs in is replaced (about:blank → the extension page).
  for (let attempt = 0; ; attempt++) {
    try {
      await browser.executeAsync(`const deadline = Date.now() + 15000;
        for (;;) {
          if (location.href.startsWith('moz-extension:') && document.body
            && /^(ready|empty)$/.test(document.body.dataset.state || '')) return true;
          if (Date.now() > deadline) throw new Error('not loaded: ' + location.href);
          await new Promise((r) => setTimeout(r, 50));
        }`);
      return;
    } catch (error) {
      if (attempt > 3 || !/replaced|unloaded/.test(String(error))) throw error;
    }
  }
}

test('Firefox: the extension makes no request of its own', { skip: skipFirefox, timeout: 180_000 }, async (t) => {
  if (unmetFirefox) assert.fail(unmetFirefox);
  // Firefox reaches the test server as its proxy: every request of the browser, the extension included, arrives.
  const server = await startServer();
  t.after(() => server.close());
  const browser = await launchFirefox({ server });
  t.after(() => browser.close());

  const open = (/** @type {string} */ path) => openFirefoxPage(browser, path);

  await t.test('the check catches a request from an extension page', async () => {
    await open('extension/options.html');
    await browser.executeAsync(`await fetch('https://probe-page.example/').catch(() => null); return true;`);
    await server.waitFor((r) => r.host === 'probe-page.example');
    assert.deepEqual(strangerRequests(server), ['GET probe-page.example/']);
    server.reset();
  });

  await t.test('visit, popup, options and dashboard: no request from the extension', async () => {
    await browser.goto(PAGE_URL);
    await server.waitFor(isDone);
    const tabId = await browser.tabId(`${PAGE_URL}*`);
    const report = await browser.report(tabId, server.siteRequests().length);
    await browser.popup(tabId, report.totals.requests);
    await open('extension/options.html');
    await open('extension/dashboard.html');
    // What the extension pages asked for, as the pages themselves saw it (Resource Timing).
    const fetched = await browser.executeAsync(
      'return performance.getEntriesByType("resource").map((e) => e.name).filter((n) => !n.startsWith(location.origin));');
    assert.deepEqual(fetched, [], 'the dashboard loaded nothing from outside the extension');
    assertServerRecord(server);
    assert.deepEqual(strangerRequests(server), [], 'requests neither the page nor the browser made');
  });
});

test('Firefox: hostile strings are shown literally and never executed', { skip: skipFirefox, timeout: 180_000 },
  async (t) => {
    if (unmetFirefox) assert.fail(unmetFirefox);
    const server = await startServer({ siteDir: HOSTILE_SITE });
    t.after(() => server.close());
    const browser = await launchFirefox({ server });
    t.after(() => browser.close());
    await browser.goto(HOSTILE_URL);
    await server.waitFor((r) => r.host === 'cdn.unknown-widgets.example');
    const tabId = await browser.tabId('https://www.busy.example/*');
    const report = await browser.report(tabId, 3);
    assert.equal(report.page.host, 'www.busy.example');
    assert.match(report.page.url, /^https:\/\/www\.busy\.example\/hostile\.html\?p=/);
    // An alert would make every further WebDriver command fail with "unexpected alert open".
    await browser.popup(tabId, report.totals.requests);
    assert.deepEqual(await browser.execute(`return ${INJECTED};`), [], 'popup: elements injected from data');
    assert.doesNotMatch(await browser.execute('return document.title;'), /PWNED/);
    assert.equal(await browser.execute('return document.querySelector("#site").textContent;'), report.page.host);
    await browser.executeAsync(POPUP_EXPAND_ALL);
    assert.deepEqual(await browser.execute(`return ${INJECTED};`), [], 'popup, every company open: elements injected from data');
    const shown = await browser.execute(
      'return Array.from(document.querySelectorAll(".host"), (h) => h.getAttribute("data-host")).sort();');
    assert.deepEqual(shown, report.hosts.map((/** @type {any} */ h) => h.host).sort());
    await openFirefoxPage(browser, 'extension/dashboard.html');
    assert.deepEqual(await browser.execute(`return ${INJECTED};`), [], 'dashboard: elements injected from data');
  });
