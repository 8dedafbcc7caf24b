// End to end in headless Chromium: the views a user reads. After a visit of the local test site with a watchlist
// set, the popup (flags, bar, laws, watchlist alert), the badge (watchlisted count in a warning colour), the options
// page and the history dashboard (totals, jurisdictions, map, flows) are checked, each page passes axe-core with 0
// violations in light and dark mode, and screenshots of popup and dashboard (light/dark, en/de) are saved to
// test-results/screenshots/ (WHITHER_SCREENSHOTS overrides the directory).
//
// Run: node --test --test-concurrency=1 tests/e2e/   (needs `make build`)

import test from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startServer, PAGE_URL, DONE_BEACON } from '../../scripts/lib/site-server.mjs';
import {
  launchChromium, missingBuild, CHROME_DIR, ROOT, prerequisites,
} from './harness.mjs';
import { EXPECTED, POPUP_EXPAND_ALL } from './assertions.mjs';

const require = createRequire(import.meta.url);
/** @type {string} */
const AXE_SOURCE = require('axe-core').source;
const SHOTS = process.env.WHITHER_SCREENSHOTS ?? path.join(ROOT, 'test-results/screenshots');
const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === DONE_BEACON.host && r.path === DONE_BEACON.path;

const missing = [...missingBuild(), ...missingBuild().length ? [] : ['extension/vendor/d3-geo.min.js']
  .filter((f) => !require('node:fs').existsSync(path.join(CHROME_DIR, f)))];
const { unmet, skip } = prerequisites('chromium', missing);

/**
 * Runs axe-core in a page (evaluated through the DevTools protocol, which the extension pages' CSP does not block)
 * and fails on any violation, listing them.
 * @param {import('playwright-core').Page} page
 * @param {string} what
 */
async function assertAccessible(page, what) {
  for (const scheme of /** @type {const} */ (['light', 'dark'])) {
    await page.emulateMedia({ colorScheme: scheme });
    const { passes, violations } = await page.evaluate(async (source) => {
      if (!(/** @type {any} */ (globalThis).axe)) (0, eval)(source);
      const result = await /** @type {any} */ (globalThis).axe.run(document);
      return { passes: result.passes.length, violations: result.violations.map((/** @type {any} */ v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((/** @type {any} */ n) => n.target.join(' ')).join('; ')}`) };
    }, AXE_SOURCE);
    assert.ok(passes > 10, `axe ran on ${what} (${passes} rules passed)`);
    assert.deepEqual(violations, [], `axe on ${what} (${scheme})`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Clicks an export button and returns the downloaded file's text.
 * @param {import('playwright-core').Page} page @param {string} selector
 * @returns {Promise<string>}
 */
async function downloaded(page, selector) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const stream = await download.createReadStream();
  const parts = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Saves light and dark screenshots of a page.
 * @param {import('playwright-core').Page} page @param {string} name
 */
async function screenshots(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  for (const scheme of /** @type {const} */ (['light', 'dark'])) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: path.join(SHOTS, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * A visit of the test site with RU on the watchlist; returns the browser, the tab and its report.
 * @param {any} server @param {string} lang
 */
async function visitWithWatchlist(server, lang) {
  server.reset();
  // --lang picks the extension's message catalogue, `locale` what chrome.i18n.getUILanguage() and Intl report.
  const browser = await launchChromium({ server, args: [`--lang=${lang}`], locale: lang === 'de' ? 'de-DE' : 'en-US' });
  const ext = await browser.extensionPage();
  await ext.evaluate(() => chrome.storage.local.set({ settings: { watchlist: ['RU'] } }));
  await browser.page.goto(PAGE_URL, { waitUntil: 'commit' });
  await server.waitFor(isDone);
  const tabId = await browser.tabId(`${PAGE_URL}*`);
  const report = await browser.report(tabId, server.siteRequests().length);
  return { browser, tabId, report };
}

for (const lang of ['en', 'de']) {
  test(`Chromium views (${lang}): popup, badge, options, dashboard; axe; screenshots`, { skip, timeout: 180_000 }, async (t) => {
    if (unmet) assert.fail(unmet);
    const server = await startServer();
    const { browser, tabId, report } = await visitWithWatchlist(server, lang);
    t.after(async () => {
      await browser.close();
      await server.close();
    });
    assert.ok(report.jurisdictions.some((/** @type {any} */ j) => j.country === 'RU'), 'the test site contacts RU');

    await t.test('popup: sentence, bar, flags, laws, watchlist', async () => {
      const popup = await browser.popup(tabId, report.totals.requests);
      // The flags' images come after the first frame; the lists of laws are built when opened.
      await popup.waitForSelector('body[data-enriched="true"][data-flags="loaded"]', { state: 'attached' });
      const dom = await popup.evaluate(() => {
        const all = (/** @type {string} */ s) => Array.from(document.querySelectorAll(s));
        // The lists of laws, opened with a click (and closed again for the screenshots).
        const toggleLaws = () => all('.laws > summary').forEach((l) => /** @type {HTMLElement} */ (l).click());
        toggleLaws();
        const lawLinks = all('.laws a').map((a) => a.getAttribute('href') ?? '');
        const lawItems = all('.jurisdiction .laws').map((l) => l.querySelectorAll(':scope > ul > li').length);
        toggleLaws();
        return {
          lawLinks,
          lawItems,
          lang: document.documentElement.lang,
          sentence: document.querySelector('#sentence')?.textContent ?? '',
          dataRequests: Number(document.querySelector('#summary')?.getAttribute('data-data-requests')),
          bar: all('#bar > span').map((s) => [s.getAttribute('data-jurisdiction'), Number(s.getAttribute('data-requests'))]),
          alert: /** @type {HTMLElement} */ (document.querySelector('#watch-alert')).hidden ? null
            : document.querySelector('#watch-alert')?.getAttribute('data-jurisdictions'),
          watched: all('.jurisdiction[data-watched="true"]').map((j) => j.getAttribute('data-jurisdiction')),
          flags: all('img.flag').map((i) => /** @type {HTMLImageElement} */ (i).naturalWidth > 0),
          laws: all('.jurisdiction .laws').map((l) => Number(l.getAttribute('data-laws'))),
          buttons: all('#actions button').map((b) => /** @type {HTMLButtonElement} */ (b).disabled),
        };
      });
      assert.equal(dom.lang.slice(0, 2), lang, 'UI language');
      assert.match(dom.sentence, lang === 'de' ? /^Diese Seite sandte / : /^This page sent /, 'localised sentence');
      assert.equal(dom.dataRequests, report.totals.data_requests);
      assert.ok(dom.sentence.includes(String(report.totals.data_requests)), dom.sentence);
      const barTotal = dom.bar.reduce((n, [, r]) => n + Number(r), 0);
      assert.equal(barTotal, report.totals.requests - report.totals.unattributed_requests + report.totals.unattributed_requests);
      assert.deepEqual(dom.bar.filter(([c]) => c !== 'unknown').map(([c]) => c), report.jurisdictions.map((/** @type {any} */ j) => j.country));
      assert.equal(dom.alert, 'RU');
      assert.deepEqual(dom.watched, ['RU']);
      assert.ok(dom.flags.length >= report.jurisdictions.length && dom.flags.every(Boolean), 'every flag image loads');
      assert.ok(dom.laws.length > 0 && dom.laws.every((n) => n > 0), 'laws listed for the jurisdictions that have them');
      assert.deepEqual(dom.lawItems, dom.laws, 'an opened list of laws has every law');
      assert.ok(dom.lawLinks.length > 0 && dom.lawLinks.every((h) => /^https?:\/\//.test(h)), 'law references are links');
      assert.deepEqual(dom.buttons, [false, false], 'exports enabled');
      // Keyboard: a company expands with Enter on its summary.
      await popup.focus('.jurisdiction[data-jurisdiction="RU"] .company summary');
      await popup.keyboard.press('Enter');
      assert.equal(await popup.evaluate(() => document.querySelector('.jurisdiction[data-jurisdiction="RU"] .company details')
        ?.hasAttribute('open')), true);
      const ru = await popup.evaluate(() => {
        const company = document.querySelector('.jurisdiction[data-jurisdiction="RU"] .company');
        return { id: company?.getAttribute('data-company'),
          hosts: Array.from(company?.querySelectorAll('details[open] > .company-body .host') ?? [], (h) => h.getAttribute('data-host')) };
      });
      assert.deepEqual(ru.hosts.sort(), [...report.companies.find((/** @type {any} */ c) => c.id === ru.id).hosts].sort(),
        'an expanded company lists its hosts');
      // The ownership chain gives the country at every level, and the legal seat where it differs (ByteDance: KY).
      await popup.click('.company[data-company="tiktok-pte"] summary');
      const tiktok = await popup.evaluate(() => Array.from(document.querySelectorAll('.company[data-company="tiktok-pte"] .chain-link'))
        .map((l) => l.textContent?.replace(/\s+/g, ' ').trim()));
      assert.equal(tiktok.length, 2);
      assert.match(tiktok[0] ?? '', /TikTok Pte\. Ltd\. \(SG\)$/);
      assert.match(tiktok[1] ?? '', lang === 'de' ? /ByteDance Ltd\. \(CN\) Sitz KY$/ : /ByteDance Ltd\. \(CN\) seat KY$/);
      // Exports: the report as JSON, and as CSV (one row per host) from the background's core.
      const json = JSON.parse(await downloaded(popup, '#export-json'));
      assert.deepEqual(json.totals, report.totals);
      const csv = (await downloaded(popup, '#export-csv')).trim().split('\n');
      assert.equal(csv.length, report.hosts.length + 1, csv.join('\n'));
      assert.ok(csv.some((l) => l.includes(',mc.yandex.ru,') && l.includes(',RU,')), csv.join('\n'));
      await screenshots(popup, `popup-${lang}`);
      // Every company open (host rows, chains, categories) for axe.
      assert.ok(await popup.evaluate(`(async () => { ${POPUP_EXPAND_ALL} })()`) > 0);
      await assertAccessible(popup, 'popup');
    });

    await t.test('badge: watchlisted jurisdictions in a warning colour', async () => {
      const ext = await browser.extensionPage();
      const badge = await ext.evaluate(async (tabId) => ({
        text: await chrome.action.getBadgeText({ tabId }),
        colour: await chrome.action.getBadgeBackgroundColor({ tabId }),
        title: await chrome.action.getTitle({ tabId }),
      }), tabId);
      assert.equal(badge.text, '1!');
      assert.deepEqual(badge.colour, [179, 38, 30, 255]);
      assert.ok(badge.title.includes(String(report.totals.requests)), badge.title);
    });

    await t.test('options: defaults from the locale, watchlist edit', async () => {
      const p = await browser.context.newPage();
      await p.goto(`${browser.base}extension/options.html`);
      await p.waitForSelector('body[data-state="ready"]', { state: 'attached' });
      assert.deepEqual(await p.$$eval('#watch-countries li[data-country]', (l) => l.map((e) => e.getAttribute('data-country'))), ['RU']);
      await p.check('#watch-outside-eea');
      await p.selectOption('#watch-add', 'CN');
      await p.click('#watch-add-button');
      await p.waitForSelector('#watch-countries li[data-country="CN"]');
      const stored = await p.evaluate(async () => (await chrome.storage.local.get('settings')).settings);
      assert.deepEqual(stored.watchlist, ['RU', 'outside-eea', 'CN']);
      assert.equal(stored.home, lang === 'de' ? 'DE' : 'US');
      await assertAccessible(p, 'options');
      await p.close();
    });

    await t.test('dashboard: history of the visit, map, flows', async () => {
      const p = await browser.context.newPage();
      await p.setViewportSize({ width: 1280, height: 900 });
      await p.goto(`${browser.base}extension/dashboard.html`);
      await p.waitForSelector('body[data-state="ready"]', { state: 'attached' });
      const dom = await p.evaluate(() => ({
        requests: Number(document.querySelector('#totals')?.getAttribute('data-requests')),
        jurisdictions: Array.from(document.querySelectorAll('#jurisdictions tr[data-jurisdiction]'))
          .map((r) => [r.getAttribute('data-jurisdiction'), Number(r.getAttribute('data-requests'))]),
        sites: Array.from(document.querySelectorAll('#sites tr[data-site]')).map((r) => r.getAttribute('data-site')),
        shaded: Array.from(document.querySelectorAll('#map path[data-country]'))
          .filter((p) => (p.getAttribute('style') ?? '').includes('fill-opacity')).map((p) => p.getAttribute('data-country')),
        flows: document.querySelectorAll('#flow [data-flow]').length,
      }));
      assert.equal(dom.requests, report.totals.requests);
      assert.deepEqual(dom.jurisdictions, report.jurisdictions.map((/** @type {any} */ j) => [j.country, j.requests]));
      assert.deepEqual(dom.sites, [EXPECTED.page.domain]);
      assert.ok(dom.shaded.includes('US') && dom.shaded.includes('RU'), `shaded: ${dom.shaded}`);
      assert.ok(dom.flows >= 3, 'flow nodes');
      // The day chart: one tab stop, Enter picks the day (the page then shows that day only).
      assert.equal(await p.$$eval('#days .day-bar[tabindex="0"]', (b) => b.length), 1);
      await p.focus('#days .day-bar[tabindex="0"]');
      await p.keyboard.press('Enter');
      await p.waitForSelector('#day-note:not([hidden])');
      assert.equal(await p.$$eval('#days .day-bar[aria-pressed="true"]', (b) => b.length), 1);
      await p.click('#day-clear');
      await p.waitForSelector('#day-note[hidden]', { state: 'attached' });
      // Search narrows to one company's rows.
      await p.fill('#search', 'yandex');
      await p.waitForFunction(() => document.querySelectorAll('#jurisdictions tr[data-jurisdiction]').length === 1);
      assert.equal(await p.getAttribute('#jurisdictions tr[data-jurisdiction]', 'data-jurisdiction'), 'RU');
      await p.fill('#search', '');
      await p.waitForFunction((n) => document.querySelectorAll('#jurisdictions tr[data-jurisdiction]').length === n,
        report.jurisdictions.length);
      const csv = await downloaded(p, '#export-csv');
      assert.match(csv, /^first_day,last_day,site,company_id,/);
      assert.ok(csv.includes(`,${EXPECTED.page.domain},yandex,`), csv);
      const json = JSON.parse(await downloaded(p, '#export-json'));
      assert.equal(json.kind, 'whither-history');
      assert.equal(json.overview.totals.requests, report.totals.requests);
      await assertAccessible(p, 'dashboard');
      await screenshots(p, `dashboard-${lang}`);
      await p.close();
    });

    await t.test('options: "clear all data" empties the history (confirmed by a second click)', async () => {
      const o = await browser.context.newPage();
      await o.goto(`${browser.base}extension/options.html`);
      await o.waitForSelector('body[data-state="ready"]', { state: 'attached' });
      await o.click('#clear');
      assert.equal(await o.evaluate(async () => Object.keys(await chrome.storage.local.get(null))
        .filter((k) => k.startsWith('history:')).length), 1, 'one click only arms the button');
      await o.click('#clear');
      await o.waitForFunction(() => document.querySelector('#data-status')?.textContent !== '');
      assert.equal(await o.evaluate(async () => Object.keys(await chrome.storage.local.get(null))
        .filter((k) => k.startsWith('history')).length), 0);
      const d = await browser.context.newPage();
      await d.goto(`${browser.base}extension/dashboard.html`);
      await d.waitForSelector('body[data-state="empty"]', { state: 'attached' });
      await o.close();
      await d.close();
    });
  });
}
