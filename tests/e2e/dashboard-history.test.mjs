// End to end in headless Chromium: the dashboard over a stored history of several days, some in the first stored
// format (JSON, version 1, as older versions of Whither wrote them), some in the core's compact text (`exportDay`)
// stored as it is, and some as the recorder stores them now (that text compressed by extension/day-codec.js).
// Checks that the dashboard reads only the days of its period before it shows them (the others afterwards), that
// every format counts, and that the period select and `?period=` show the other days.
//
// Run: node --test --test-concurrency=1 tests/e2e/   (needs `make build`)

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CHROME_DIR, launchChromium, missingBuild, prerequisites } from './harness.mjs';
import { encodeDay } from '../../extension/day-codec.js';

const { unmet, skip } = prerequisites('chromium', missingBuild());

const now = new Date();
const today = Math.floor(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / 86_400_000);

/**
 * A day in the first format: news.example visited `visits` times, `requests` requests to its www host and to
 * mc.yandex.ru each.
 * @param {number} day @param {number} visits @param {number} requests
 */
const v1Day = (day, visits, requests) => JSON.stringify({
  v: 1, day, hosts: ['news.example', 'www.news.example', 'mc.yandex.ru'],
  sites: [[0, visits, [1, requests, 0, 2, requests, 1], 0, 0]],
});

test('Chromium dashboard: only the shown period is read first; every stored day format counts',
  { skip, timeout: 120_000 }, async (t) => {
    if (unmet) assert.fail(unmet);
    const core = await import(pathToFileURL(`${CHROME_DIR}pkg/whither.js`).href);
    core.initSync({ module: readFileSync(`${CHROME_DIR}pkg/whither_bg.wasm`) });
    // Days (relative to today) → requests of that day (two hosts × n). Two days are older than the default 30 days.
    /** @type {[number, number, 'v1' | 'v2' | 'z'][]} */
    const plan = [[-45, 5, 'v1'], [-31, 7, 'z'], [-12, 11, 'v1'], [-3, 13, 'v2'], [0, 17, 'z']];
    /** @type {Record<string, unknown>} */
    const items = {};
    for (const [offset, n, format] of plan) {
      const day = today + offset;
      let text = v1Day(day, 1, n);
      if (format !== 'v1') {
        const h = new core.History();
        h.importDayBytes(new TextEncoder().encode(text));
        text = h.exportDay(day);
        h.free();
        assert.match(text, /^3 /);
        // Format 2 is format 3 without server places (none here): the day as an older Whither stored it.
        if (format === 'v2') text = text.replace(/^3 /, '2 ');
        if (format === 'z') text = await encodeDay(text);
      }
      items[`history:${day}`] = text;
    }
    items['history-index'] = plan.map(([offset]) => today + offset);
    const requests = (/** @type {number} */ from) => plan.filter(([o]) => o >= from).reduce((s, [, n]) => s + 2 * n, 0);

    const browser = await launchChromium({ server: { chromiumArgs: () => [] } });
    try {
      const seeder = await browser.extensionPage();
      await seeder.evaluate(async (items) => {
        await chrome.storage.local.set({ settings: { history: true, retentionDays: 365 } });
        await chrome.storage.local.set(items);
      }, items);

      await t.test('default period (30 days): the older days are read only after the view is shown', async () => {
        const p = await browser.context.newPage();
        // Every storage key the page asks for, and those asked for before the dashboard was ready.
        await p.addInitScript(() => {
          const asked = /** @type {string[]} */ ([]);
          /** @type {any} */ (window).__asked = asked;
          const get = chrome.storage.local.get.bind(chrome.storage.local);
          chrome.storage.local.get = /** @type {any} */ ((/** @type {any} */ keys) => {
            asked.push(...(Array.isArray(keys) ? keys : [keys]));
            return get(keys);
          });
          new MutationObserver((_, obs) => {
            if (document.body?.dataset.state === 'ready') {
              /** @type {any} */ (window).__askedBeforeReady = [...asked];
              obs.disconnect();
            }
          }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true });
        });
        await p.goto(`${browser.base}extension/dashboard.html`);
        await p.waitForSelector('body[data-state="ready"]', { state: 'attached' });
        assert.equal(Number(await p.getAttribute('#totals', 'data-requests')), requests(-29));
        const before = await p.evaluate(() => /** @type {any} */ (window).__askedBeforeReady);
        const days = before.filter((/** @type {string} */ k) => k.startsWith('history:')).sort();
        assert.deepEqual(days, [-12, -3, 0].map((o) => `history:${today + o}`).sort(), `read before ready: ${before}`);
        assert.equal(await p.$$eval('#days .day-bar', (b) => b.length), 30);
        // Then the rest is loaded: the whole history shows.
        await p.waitForFunction(() => /** @type {any} */ (window).__asked.filter((/** @type {string} */ k) => k.startsWith('history:')).length === 5);
        await p.selectOption('#period', '0');
        await p.waitForFunction((n) => Number(document.querySelector('#totals')?.getAttribute('data-requests')) === n,
          requests(-45));
        assert.equal(await p.$$eval('#days .day-bar', (b) => b.length), 46);
        await p.close();
      });

      await t.test('?period=90 opens with the last 90 days', async () => {
        const p = await browser.context.newPage();
        await p.goto(`${browser.base}extension/dashboard.html?period=90`);
        await p.waitForSelector('body[data-state="ready"]', { state: 'attached' });
        assert.equal(await p.inputValue('#period'), '90');
        assert.equal(Number(await p.getAttribute('#totals', 'data-requests')), requests(-89));
        await p.close();
      });
    } finally {
      await browser.close();
    }
  });
