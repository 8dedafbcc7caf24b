// End to end in headless Chromium: blocking by jurisdiction and company, trust and turning off, rules that survive a
// stop of the worker and a restart of the browser with the same profile (tests/e2e/blocking.mjs).
//
// Run: node --test --test-concurrency=1 tests/e2e/blocking.test.mjs   (needs `make build` and Chromium)

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, PAGE_URL } from '../../scripts/lib/site-server.mjs';
import { launchChromium, missingBuild, prerequisites } from './harness.mjs';
import { OPTIONS_DOM, blockingScenario } from './blocking.mjs';

const { unmet, skip } = prerequisites('chromium', missingBuild());

test('Chromium: blocking RU and a company, trust, off; worker stop and browser restart', { skip, timeout: 240_000 },
  async (t) => {
    if (unmet) assert.fail(unmet);
    const server = await startServer();
    const profile = await mkdtemp(path.join(tmpdir(), 'whither-blocking-'));
    /** @type {Awaited<ReturnType<typeof launchChromium>> | null} */
    let browser = null;
    t.after(async () => {
      await browser?.close();
      await server.close();
      await rm(profile, { recursive: true, force: true, maxRetries: 5 });
    });
    /** @returns {Promise<import('./blocking.mjs').Driver>} */
    const start = async () => {
      const b = await launchChromium({ server, profile });
      browser = b;
      const ext = () => b.extensionPage();
      return {
        send: async (message) => (await ext()).evaluate((m) => chrome.runtime.sendMessage(m), message),
        setLocal: async (items) => (await ext()).evaluate((i) => chrome.storage.local.set(i), items),
        load: async () => { await b.page.goto(PAGE_URL, { waitUntil: 'commit' }); },
        tabId: (url) => b.tabId(url),
        clickInPopup: async (tabId, requests, selector) => {
          const popup = await b.popup(tabId, requests);
          await popup.click(selector);
          await popup.waitForSelector('body[data-blocking-changed]', { state: 'attached', timeout: 10_000 });
          await popup.close();
        },
        options: async () => {
          const p = await b.context.newPage();
          await p.goto(`${b.base}extension/options.html`);
          const dom = await p.evaluate(`(async () => { ${OPTIONS_DOM} })()`);
          await p.close();
          return dom;
        },
        stopBackground: () => b.stopServiceWorker(),
        restart: async () => {
          await b.close();
          browser = null;
          return start();
        },
      };
    };
    await blockingScenario(await start(), server, 'Chromium');
  });
