// End to end in Firefox ESR: blocking by jurisdiction and company, trust and turning off, rules that survive the
// suspension of the background and a restart of the browser with the same profile (tests/e2e/blocking.mjs).
// The restart: Firefox runs on a profile directory of the test's own (`-profile`: geckodriver would otherwise start
// every session on a fresh copy), the extension is installed there for good as an unsigned .xpi (a temporary add-on
// would go with the session; Firefox ESR accepts unsigned add-ons with xpinstall.signatures.required = false), and
// the second session starts Firefox on that profile again without installing anything.
//
// Run: node --test --test-concurrency=1 tests/e2e/blocking-firefox.test.mjs   (needs `make build`, Firefox ESR and
// geckodriver)

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, PAGE_URL } from '../../scripts/lib/site-server.mjs';
import { launchFirefox, missingBuild, prerequisites } from './harness.mjs';
import { OPTIONS_DOM, blockingScenario } from './blocking.mjs';

const { unmet, skip } = prerequisites('firefox', missingBuild());

test('Firefox: blocking RU and a company, trust, off; background suspension and browser restart',
  { skip, timeout: 300_000 }, async (t) => {
  if (unmet) assert.fail(unmet);
  const server = await startServer();
  const profile = await mkdtemp(path.join(tmpdir(), 'whither-blocking-firefox-'));
  /** @type {Awaited<ReturnType<typeof launchFirefox>> | null} */
  let current = null;
  t.after(async () => {
    await current?.close();
    await server.close();
    await rm(profile, { recursive: true, force: true, maxRetries: 5 });
  });
  /** @param {'permanent' | 'none'} install @returns {Promise<import('./blocking.mjs').Driver>} */
  const start = async (install) => {
    // A short idle timeout: Firefox suspends the background between the steps (woken by the next event or message).
    const browser = await launchFirefox({
      server, profile, install, prefs: { 'extensions.background.idle.timeout': 1_000 },
    });
    current = browser;
    /** Runs `body` (an async function body; `b` is the extension API, `v` the argument) in an extension page. */
    const inExtension = async (/** @type {string} */ body, /** @type {unknown} */ value) => {
      await browser.tabId(`${PAGE_URL}*`).catch(() => 0); // switches to the extension page
      return browser.executeAsync(`const w = window.wrappedJSObject ?? window; const b = w.browser;
        const v = w.JSON.parse(args[0]);
        const r = await (async () => { ${body} })();
        return r === undefined ? null : JSON.parse(JSON.stringify(r));`, [JSON.stringify(value ?? null)]);
    };
    return {
      send: (message) => inExtension('return b.runtime.sendMessage(v);', message),
      setLocal: async (items) => { await inExtension('await b.storage.local.set(v);', items); },
      load: () => browser.goto(PAGE_URL),
      tabId: (url) => browser.tabId(url),
      clickInPopup: async (tabId, requests, selector) => {
        await browser.popup(tabId, requests);
        await browser.executeInLoadedPage(`document.querySelector(args[0]).click();
          const deadline = Date.now() + 10000;
          while (!document.body.dataset.blockingChanged) {
            if (Date.now() > deadline) throw new Error('the popup did not report the change');
            await new Promise((r) => setTimeout(r, 50));
          }
          return true;`, [selector]);
        await browser.execute('window.close(); return true;').catch(() => {});
      },
      options: async () => {
        await browser.openExtensionTab(`${browser.base}extension/options.html`);
        return browser.executeInLoadedPage(`const r = await (async () => { ${OPTIONS_DOM} })();
          return JSON.parse(JSON.stringify(r));`);
      },
      stopBackground: async () => {
        const deadline = Date.now() + 20_000;
        for (;;) {
          const state = await browser.backgroundState();
          if (state === 'stopped' || state === 'suspended') return;
          if (Date.now() > deadline) throw new Error(`the background was not suspended: ${state}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      restart: async () => {
        await browser.close();
        current = null;
        return start('none');
      },
    };
  };
  await blockingScenario(await start('permanent'), server, 'Firefox');
});
