#!/usr/bin/env node
// Whither's headless demo (what `make run` does where there is no display). It builds nothing: run `make build`
// first. It starts the local demo site (scripts/demo-site, served under real third-party hostnames that are mapped to
// 127.0.0.1 — no request leaves the machine), launches headless Chromium with dist/chrome/ on a fresh profile,
// visits the demo page, prints the popup's report as text and saves a screenshot of the popup.
//
// Usage: node scripts/demo.mjs [--screenshot FILE] [--json]
//   --screenshot FILE  where to save the popup's screenshot (default dist/demo-popup.png)
//   --json             also print the report as the message API returns it (docs/report-format.md)

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, PAGE_URL, DONE_BEACON } from './lib/site-server.mjs';
import { CHROME_DIR, launchChromium, chromiumPath, missingBuild } from './lib/browsers.mjs';
import { POPUP_EXPAND_ALL, POPUP_EXTRACT } from './lib/popup-dom.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const argv = process.argv.slice(2);
const opt = (/** @type {string} */ name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const screenshotPath = path.resolve(root, opt('--screenshot') ?? 'dist/demo-popup.png');
const printJson = argv.includes('--json');

const missing = missingBuild([CHROME_DIR]);
if (missing.length) {
  console.error(`demo: the extension is not built (missing ${missing.join(', ')}). Run: make build`);
  process.exit(2);
}
if (!chromiumPath()) {
  console.error('demo: Chromium is not installed. Run: sudo apt-get install chromium  (or: make test, which installs it)');
  process.exit(2);
}

const server = await startServer();
/** @type {Awaited<ReturnType<typeof launchChromium>> | null} */
let browser = null;
try {
  browser = await launchChromium({ server });
  console.log(`Visiting ${PAGE_URL} (local demo site, ${server.hosts.length} real hostnames mapped to 127.0.0.1)…`);
  await browser.page.goto(PAGE_URL, { waitUntil: 'load' });
  await server.waitFor((r) => r.host === DONE_BEACON.host && r.path === DONE_BEACON.path);
  const tabId = await browser.tabId(`${PAGE_URL}*`);
  const report = await browser.report(tabId, server.siteRequests().length);
  const popup = await browser.popup(tabId, report.totals.requests, { width: 420, height: 700 });
  // The screenshot once the flags are in; then every company opened (its hosts are built when first opened) and read.
  await popup.waitForSelector('body[data-flags="loaded"]', { state: 'attached' });
  await mkdir(path.dirname(screenshotPath), { recursive: true });
  await popup.screenshot({ path: screenshotPath, fullPage: true });
  await popup.evaluate(`(async () => { ${POPUP_EXPAND_ALL} })()`);
  /** @type {any} */
  const dom = await popup.evaluate(POPUP_EXTRACT);

  const line = (/** @type {string} */ s = '') => console.log(s);
  const plural = (/** @type {number} */ n, /** @type {string} */ word) => `${n} ${word}${n === 1 ? '' : 's'}`;
  line();
  line(`Whither report for ${report.page.url}`);
  line('='.repeat(18 + report.page.url.length));
  line(`Site:        ${dom.site}`);
  line(`Controller:  ${dom.siteOwner}${dom.siteJurisdiction ? ` — ${dom.siteJurisdiction}` : ''}`);
  line();
  line(dom.summary);
  if (dom.summaryDetail) line(dom.summaryDetail);
  if (dom.own.length) {
    line();
    line('This site and its owner:');
    for (const c of dom.own) {
      line(`  ${c.name} — ${plural(c.requests, 'request')}`);
      line(`    ${c.chainText}`);
    }
  }
  for (const j of dom.jurisdictions) {
    line();
    line(`${j.name} — ${plural(j.requests, 'request')}`);
    for (const c of j.companies) {
      line(`  ${c.name} — ${plural(c.requests, 'request')}`);
      line(`    owned by: ${c.chainText}`);
      line(`    hosts:    ${c.hosts.map((/** @type {any} */ h) => `${h.host} (${h.requests})`).join(', ')}`);
    }
  }
  if (dom.unattributed.length) {
    line();
    line('Hosts of unknown owner:');
    for (const h of dom.unattributed) line(`  ${h.host} (${plural(h.requests, 'request')}, ${h.party} party)`);
  }
  line();
  const shown = path.relative(process.cwd(), screenshotPath);
  line(`Popup screenshot: ${shown && !shown.startsWith('..') ? shown : screenshotPath}`);
  if (printJson) {
    line();
    line(JSON.stringify(report, null, 2));
  }
} catch (error) {
  console.error(`demo failed: ${/** @type {Error} */ (error)?.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await browser?.close();
  await server.close();
}
