// Popup render time in headless Chromium: the popup of a tab whose page contacted 300 third-party hosts (real tracker
// hostnames of ~100+ companies), from navigation start to `body[data-state="ready"]`, against the same popup for a
// tab without a report (`data-state="empty"`) opened in the same run; ROUNDS (default 10) alternating, medians.
// Target: <= 50 ms. (The dashboard with six months of history is not measured yet: docs/performance.md.)
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../../tests/e2e/server.mjs';
import { launchChromium, missingBuild, POPUP_PATH } from '../../tests/e2e/harness.mjs';
import { thirdParties } from './sample.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const HOSTS = 300;
const PAGE_HOST = 'www.popup-bench.example';
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
if (missingBuild().length) throw new Error(`build the extension first (make build): missing ${missingBuild()}`);

const site = await mkdtemp(path.join(tmpdir(), 'whither-views-site-'));
const hosts = thirdParties().slice(0, HOSTS).map(([d]) => d);
for (const h of hosts) {
  await mkdir(path.join(site, h), { recursive: true });
  await writeFile(path.join(site, h, 'p.gif'), GIF);
}
await mkdir(path.join(site, PAGE_HOST), { recursive: true });
await writeFile(path.join(site, PAGE_HOST, 'index.html'), `<!doctype html><meta charset="utf-8"><title>popup bench</title>
${hosts.map((h) => `<img src="https://${h}/p.gif" width="1" height="1" alt="">`).join('\n')}\n`);
const server = await startServer({ siteDir: site });
const browser = await launchChromium({ server });
try {
  await browser.page.goto(`https://${PAGE_HOST}/`, { waitUntil: 'load' });
  const tabId = await browser.tabId(`https://${PAGE_HOST}/*`);
  const report = await browser.report(tabId, hosts.length + 1);
  const companies = new Set(report.hosts.map((/** @type {any} */ h) => h.controller ?? h.entity?.id).filter(Boolean));

  /** Opens the popup for `tab` and returns the ms from navigation start until its state is `state`. */
  async function open(/** @type {number} */ tab, /** @type {string} */ state) {
    const p = await browser.context.newPage();
    await p.setViewportSize({ width: 420, height: 900 });
    await p.addInitScript((want) => {
      new MutationObserver((_, obs) => {
        if (document.body?.dataset.state === want) {
          /** @type {any} */ (window).__readyAt = performance.now();
          obs.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true });
    }, state);
    await p.goto(`${browser.base}${POPUP_PATH}?tabId=${tab}`);
    await p.waitForFunction(() => /** @type {any} */ (window).__readyAt !== undefined, null, { timeout: 15_000 });
    const ms = await p.evaluate(() => /** @type {any} */ (window).__readyAt);
    await p.close();
    return ms;
  }
  const full = [];
  const empty = [];
  await open(tabId, 'ready'); // warm-up
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2) { empty.push(await open(999_999, 'empty')); full.push(await open(tabId, 'ready')); }
    else { full.push(await open(tabId, 'ready')); empty.push(await open(999_999, 'empty')); }
  }
  const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`popup render, headless Chromium, ${report.hosts.length} hosts / ${companies.size} companies, ` +
    `${ROUNDS} rounds (target <= 50 ms)`);
  console.log(`  popup with the report: median ${median(full).toFixed(1)} ms; popup without a report: median ` +
    `${median(empty).toFixed(1)} ms; ratio ${(median(full) / median(empty)).toFixed(2)}x`);
} finally {
  await browser.close();
  await server.close();
  await rm(site, { recursive: true, force: true });
}
