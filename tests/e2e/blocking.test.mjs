// End to end in headless Chromium: blocking by jurisdiction and company, trust and turning off (tests/e2e/blocking.mjs).
//
// Run: node --test --test-concurrency=1 tests/e2e/blocking.test.mjs   (needs `make build` and Chromium)

import test from 'node:test';
import assert from 'node:assert/strict';
import { startServer, PAGE_URL } from '../../scripts/lib/site-server.mjs';
import { launchChromium, missingBuild, prerequisites } from './harness.mjs';
import { blockingScenario } from './blocking.mjs';

const { unmet, skip } = prerequisites('chromium', missingBuild());

test('Chromium: blocking RU and a company, trust, off', { skip, timeout: 180_000 }, async (t) => {
  if (unmet) assert.fail(unmet);
  const server = await startServer();
  const browser = await launchChromium({ server });
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const ext = async () => browser.extensionPage();
  await blockingScenario({
    send: async (message) => (await ext()).evaluate((m) => chrome.runtime.sendMessage(m), message),
    setLocal: async (items) => (await ext()).evaluate((i) => chrome.storage.local.set(i), items),
    load: async () => { await browser.page.goto(PAGE_URL, { waitUntil: 'commit' }); },
    tabId: (url) => browser.tabId(url),
    clickInPopup: async (tabId, requests, selector) => {
      const popup = await browser.popup(tabId, requests);
      await popup.click(selector);
      await popup.waitForSelector('body[data-blocking-changed]', { state: 'attached', timeout: 10_000 });
      await popup.close();
    },
    stopBackground: () => browser.stopServiceWorker(),
  }, server, 'Chromium');
});
