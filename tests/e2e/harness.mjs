// Browser drivers shared by the end-to-end tests (tests/e2e/*.test.mjs) and the headless demo (scripts/demo.mjs).
//
// Chromium: Playwright (playwright-core, no downloaded browser) drives the system Chromium with the unpacked
// extension; real hostnames reach tests/e2e/server.mjs through --host-resolver-rules.
// Firefox: a minimal WebDriver-over-HTTP client drives geckodriver + Firefox ESR; the extension is installed as a
// temporary add-on and the test server is the browser's proxy.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: it is the unpacked extension (WHITHER_EXTENSION_DIR overrides it). */
export const EXTENSION_DIR = process.env.WHITHER_EXTENSION_DIR
  ? path.resolve(process.env.WHITHER_EXTENSION_DIR) + path.sep
  : fileURLToPath(new URL('../../', import.meta.url));
export const POPUP_PATH = 'extension/popup.html';
export const GECKO_ID = 'whither@whither.dev';

/** @param {string[]} candidates @returns {string|null} */
function firstExisting(candidates) {
  return candidates.find((p) => p && existsSync(p)) ?? null;
}

export function chromiumPath() {
  return firstExisting([process.env.CHROMIUM ?? '', '/usr/bin/chromium', '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome']);
}
export function firefoxPath() {
  return firstExisting([process.env.FIREFOX ?? '', '/usr/bin/firefox-esr', '/usr/bin/firefox']);
}
export function geckodriverPath() {
  return firstExisting([process.env.GECKODRIVER ?? '', path.join(homedir(), '.cargo/bin/geckodriver'),
    '/usr/local/bin/geckodriver', '/usr/bin/geckodriver']);
}

/**
 * Why an end-to-end test in `browser` cannot run here ('' when it can), and node:test's `skip` value: missing
 * prerequisites fail the test, unless WHITHER_E2E_ALLOW_SKIP=1 turns them into a skip.
 * @param {'chromium' | 'firefox'} browser
 * @param {string[]} missing files of the build that are missing (`missingBuild()`)
 * @returns {{unmet: string, skip: string | false}}
 */
export function prerequisites(browser, missing) {
  const noBrowser = browser === 'chromium'
    ? (!chromiumPath() ? 'Chromium is not installed (apt-get install chromium)' : '')
    : !firefoxPath() ? 'Firefox is not installed (apt-get install firefox-esr)'
      : !geckodriverPath() ? 'geckodriver is not installed (cargo install geckodriver)' : '';
  const unmet = noBrowser
    || (missing.length ? `the extension is not built (missing ${missing.join(', ')}; run make build)` : '');
  return { unmet, skip: unmet && process.env.WHITHER_E2E_ALLOW_SKIP === '1' ? unmet : false };
}

/** What the extension needs before a browser can load it; empty when it is ready. */
export function missingBuild(dir = EXTENSION_DIR) {
  return ['manifest.json', 'extension/background.js', POPUP_PATH, 'pkg/whither.js', 'pkg/whither_bg.wasm']
    .filter((f) => !existsSync(path.join(dir, f)));
}

// ---------------------------------------------------------------------------------------------------------------
// Chromium

/**
 * Launches Chromium with the unpacked extension on a fresh profile.
 * @param {{ server: { chromiumArgs(): string[] }, extensionDir?: string, headless?: boolean,
 *           recordHar?: { path: string }, viewport?: { width: number, height: number },
 *           args?: string[], locale?: string }} options   (locale: the browser's UI language, e.g. 'de-DE')
 */
export async function launchChromium(options) {
  const { chromium } = await import('playwright-core');
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found (apt-get install chromium)');
  const profile = await mkdtemp(path.join(tmpdir(), 'whither-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: options.headless ?? true,
    viewport: options.viewport ?? { width: 1100, height: 800 },
    ignoreHTTPSErrors: true,
    locale: options.locale,
    // Only the web pages' own traffic: not the extension's pages, not data: URLs.
    recordHar: options.recordHar ? { path: options.recordHar.path, urlFilter: /^https?:\/\// } : undefined,
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--no-default-browser-check',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions',
      ...options.server.chromiumArgs(),
      ...(options.args ?? []),
    ],
  });
  const worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'))
    ?? await context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith('chrome-extension://'), timeout: 15_000 });
  const extensionId = new URL(worker.url()).host;
  const base = `chrome-extension://${extensionId}/`;
  // The first tab of a persistent context: keep it as the page tab.
  const page = context.pages()[0] ?? await context.newPage();
  /** @type {import('playwright-core').Page|null} */
  let extPage = null;

  /** An extension page (the popup without a tab id) used to call the extension's APIs. */
  async function extensionPage() {
    if (extPage && !extPage.isClosed()) return extPage;
    extPage = await context.newPage();
    await extPage.goto(`${base}${POPUP_PATH}?tabId=-1`);
    return extPage;
  }

  // The worker is visible before its module has run: wait until its listeners answer a message, so that the page's
  // first request (the main_frame that starts a visit) cannot be missed.
  const probe = await extensionPage();
  await probe.evaluate(() => chrome.runtime.sendMessage({ type: 'whither:report', tabId: -1 }));

  return {
    context,
    page,
    extensionId,
    base,
    extensionPage,
    /** @param {string} urlPattern a chrome.tabs.query url pattern @returns {Promise<number>} */
    async tabId(urlPattern) {
      const p = await extensionPage();
      const ids = await p.evaluate(async (url) => (await chrome.tabs.query({ url })).map((t) => t.id), urlPattern);
      if (ids.length !== 1) throw new Error(`expected one tab matching ${urlPattern}, found ${ids.length}`);
      return /** @type {number} */ (ids[0]);
    },
    /**
     * The report of a tab through the message API, once it counts at least `expectedRequests` requests (polled in
     * the extension page).
     * @param {number} tabId @param {number} expectedRequests totals.requests to wait for
     */
    async report(tabId, expectedRequests, timeoutMs = 20_000) {
      const p = await extensionPage();
      // Polled inside the extension page (waitForFunction does not await an async predicate).
      return p.evaluate(async ({ tabId, expectedRequests, timeoutMs }) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const r = await chrome.runtime.sendMessage({ type: 'whither:report', tabId });
          if (r && r.totals && r.totals.requests >= expectedRequests) return r;
          if (Date.now() > deadline) throw new Error(`report not ready: ${JSON.stringify(r && r.totals)}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }, { tabId, expectedRequests, timeoutMs });
    },
    /**
     * Opens the popup for a tab as a normal tab and returns that page once it shows `expectedRequests` requests and
     * every company line (body[data-complete]; their details are built when opened: POPUP_EXPAND_ALL).
     * @param {number} tabId @param {number} expectedRequests
     */
    async popup(tabId, expectedRequests, viewport = { width: 420, height: 900 }) {
      const p = await context.newPage();
      await p.setViewportSize(viewport);
      await p.goto(`${base}${POPUP_PATH}?tabId=${tabId}`);
      await p.waitForSelector(`body[data-state="ready"][data-complete="true"] #summary[data-requests="${expectedRequests}"]`,
        { state: 'attached', timeout: 15_000 });
      return p;
    },
    /**
     * Waits until the extension has counted `expected()` requests (what the server received so far) for the tab,
     * stored that state in storage.session and has no write pending (a later event, e.g. a completion with the
     * server's IP, may change the state without changing the count): what an idle worker has done before Chromium
     * stops it (after 30 s without events; the background writes a burst's state within PERSIST_DELAY_MS). Between
     * two looks it awaits the next change of the tab's stored state (or at most 200 ms, when the next change is a
     * request still on its way).
     * @param {number} tabId @param {() => number} expected
     */
    async settled(tabId, expected) {
      const p = await extensionPage();
      const deadline = Date.now() + 20_000;
      for (;;) {
        const { counted, saved, pending } = await p.evaluate(async (tabId) => {
          const key = `tab:${tabId}`;
          // The report's answer comes after every event that arrived before it was applied (one queue): the health
          // asked next sees the writes those events scheduled.
          const report = await chrome.runtime.sendMessage({ type: 'whither:report', tabId });
          const { writesPending } = await chrome.runtime.sendMessage({ type: 'whither:health' });
          const text = (await chrome.storage.session.get(key))[key];
          // Requests in a stored tab state (src/tracker.rs TabState, src/report.rs VisitState).
          let saved = -1;
          if (typeof text === 'string') {
            const visit = JSON.parse(JSON.parse(text).visit ?? 'null');
            saved = visit ? visit.hosts.reduce((n, h) => n + h[1], 0) + (visit.bad ?? 0) + (visit.overflow ?? 0) : 0;
          }
          return { counted: report?.totals.requests ?? -1, saved, pending: writesPending };
        }, tabId);
        const sent = expected();
        if (counted === sent && saved === sent && pending === 0) return;
        if (Date.now() > deadline) {
          throw new Error(`not settled: ${counted} counted, ${saved} stored, ${sent} sent, ${pending} writes pending`);
        }
        await p.evaluate((tabId) => new Promise((resolve) => {
          const listener = (/** @type {any} */ changes, /** @type {string} */ area) => {
            if (area === 'session' && `tab:${tabId}` in changes) done();
          };
          const timer = setTimeout(() => done(), 200);
          function done() {
            clearTimeout(timer);
            chrome.storage.onChanged.removeListener(listener);
            resolve(undefined);
          }
          chrome.storage.onChanged.addListener(listener);
        }), tabId);
      }
    },
    /**
     * Stops the extension's service worker (CDP ServiceWorker.stopAllWorkers) and resolves once Chromium reports
     * it stopped: abruptly, unlike Chromium's own stop of an idle worker (call `settled` first to stop it idle).
     */
    async stopServiceWorker() {
      const cdp = await context.newCDPSession(page);
      await cdp.send('ServiceWorker.enable');
      const stopped = new Promise((resolve) => {
        cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
          if (versions.some((v) => v.scriptURL.startsWith(base) && v.runningStatus === 'stopped')) resolve(undefined);
        });
      });
      await cdp.send('ServiceWorker.stopAllWorkers');
      await stopped;
      await cdp.detach();
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Firefox (geckodriver, WebDriver over HTTP)

/** An async WebDriver script ended without a result because its document was replaced. */
class DocumentReplaced extends Error {
  constructor() {
    super('the document was replaced while the script ran');
  }
}

/** @returns {Promise<number>} a free TCP port on 127.0.0.1 */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (s.address());
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts geckodriver + Firefox ESR (headless) with the extension installed as a temporary add-on.
 * @param {{ server: { firefoxPrefs(): Record<string, unknown> }, extensionDir?: string, headless?: boolean,
 *           prefs?: Record<string, unknown> }} options
 */
export async function launchFirefox(options) {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  const binary = firefoxPath();
  const driverPath = geckodriverPath();
  if (!binary) throw new Error('Firefox not found (apt-get install firefox-esr)');
  if (!driverPath) throw new Error('geckodriver not found (cargo install geckodriver)');
  const port = await freePort();
  const driver = spawn(driverPath, ['--port', String(port), '--allow-system-access'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Do not leave geckodriver (and its Firefox) behind if this process ends without close().
  const killDriver = () => driver.kill('SIGTERM');
  process.once('exit', killDriver);
  let driverLog = '';
  await new Promise((resolve, reject) => {
    const onData = (/** @type {Buffer} */ b) => {
      driverLog += b.toString();
      if (/Listening on/.test(driverLog)) resolve(undefined);
    };
    driver.stdout.on('data', onData);
    driver.stderr.on('data', onData);
    driver.once('exit', (code) => reject(new Error(`geckodriver exited (${code}): ${driverLog}`)));
  });
  const uuid = randomUUID();
  const base = `moz-extension://${uuid}/`;
  const endpoint = `http://127.0.0.1:${port}`;

  /** @param {string} method @param {string} url @param {unknown} [body] */
  async function wd(method, url, body) {
    const res = await fetch(endpoint + url, {
      method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${url}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  }

  const prefs = {
    'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }),
    'browser.shell.checkDefaultBrowser': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.enabled': false,
    'app.update.disabledForTesting': true,
    'browser.safebrowsing.malware.enabled': false,
    'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.downloads.enabled': false,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'browser.newtabpage.enabled': false,
    'browser.startup.page': 0,
    'extensions.getAddons.cache.enabled': false,
    'services.settings.server': 'data:,',
    'dom.security.https_only_mode': false,
    ...options.server.firefoxPrefs(),
    ...(options.prefs ?? {}),
  };
  const session = await wd('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'firefox',
        acceptInsecureCerts: true,
        // Navigation returns at once: tests await the server's record of the page's requests instead.
        pageLoadStrategy: 'none',
        'moz:firefoxOptions': { binary, args: (options.headless ?? true) ? ['-headless'] : [], prefs },
      },
    },
  });
  const sid = session.sessionId;
  const s = (/** @type {string} */ p) => `/session/${sid}${p}`;
  const addonId = await wd('POST', s('/moz/addon/install'), { path: extensionDir, temporary: true });
  const mainHandle = await wd('GET', s('/window'));

  /** @param {'chrome'|'content'} context */
  const setContext = (context) => wd('POST', s('/moz/context'), { context });
  /** @param {string} script @param {unknown[]} [args] */
  const execute = (script, args = []) => wd('POST', s('/execute/sync'), { script, args });
  /** @param {string} script body of an async function; `args` in scope; its return value is the result */
  const executeAsync = (script, args = []) => wd('POST', s('/execute/async'), {
    script: `const done = arguments[arguments.length - 1]; const args = Array.from(arguments).slice(0, -1);
      (async () => { ${script} })().then((v) => done({ ok: true, v }), (e) => done({ ok: false, e: String(e) }));`,
    args,
  }).catch((e) => {
    // The document went away under the script (a navigation): the same as a replaced document.
    if (/Document was unloaded/.test(String(e?.message))) throw new DocumentReplaced();
    throw e;
  }).then((r) => {
    // null: the document was replaced while the script ran (e.g. about:blank → the extension page).
    if (r === null) throw new DocumentReplaced();
    if (!r.ok) throw new Error(r.e);
    return r.v;
  });
  /**
   * Runs an async script in the current tab until it completes in one document (it starts again when a
   * navigation replaces the document it runs in).
   * @param {string} script @param {unknown[]} [args]
   */
  async function executeInLoadedPage(script, args = []) {
    for (;;) {
      try {
        return await executeAsync(script, args);
      } catch (e) {
        if (!(e instanceof DocumentReplaced)) throw e;
      }
    }
  }

  /** Opens a moz-extension:// URL in a new tab (WebDriver itself refuses to navigate there); returns its handle. */
  async function openExtensionTab(/** @type {string} */ url) {
    const before = new Set(await wd('GET', s('/window/handles')));
    await setContext('chrome');
    try {
      await execute(`const tab = gBrowser.addTab(arguments[0], {
          triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() });
        gBrowser.selectedTab = tab;`, [url]);
    } finally {
      await setContext('content');
    }
    const handles = /** @type {string[]} */ (await wd('GET', s('/window/handles')));
    const handle = handles.find((h) => !before.has(h));
    if (!handle) throw new Error(`no new tab for ${url}`);
    await wd('POST', s('/window'), { handle });
    // Wait until the extension page has loaded (the tab is switched to, so this polls the page itself).
    await executeInLoadedPage(`for (;;) {
        if (document.readyState === 'complete' && location.href.startsWith('moz-extension:')) return true;
        await new Promise((r) => setTimeout(r, 50));
      }`);
    return handle;
  }

  /** @type {string|null} */
  let extHandle = null;
  async function extensionPage() {
    const handles = /** @type {string[]} */ (await wd('GET', s('/window/handles')));
    if (!extHandle || !handles.includes(extHandle)) extHandle = await openExtensionTab(`${base}${POPUP_PATH}?tabId=-1`);
    else await wd('POST', s('/window'), { handle: extHandle });
  }

  // Wait until the background's listeners answer a message, so that the page's first request cannot be missed.
  await extensionPage();
  await executeAsync(`const w = window.wrappedJSObject ?? window;
    return (await w.browser.runtime.sendMessage(w.JSON.parse('{"type":"whither:report","tabId":-1}'))) ?? null;`);

  return {
    sid,
    addonId,
    base,
    uuid,
    wd: (/** @type {string} */ method, /** @type {string} */ p, /** @type {unknown} */ body) => wd(method, s(p), body),
    execute,
    executeAsync,
    setContext,
    openExtensionTab,
    executeInLoadedPage,
    /** Loads a URL in the first tab (the page tab). */
    async goto(/** @type {string} */ url) {
      await wd('POST', s('/window'), { handle: mainHandle });
      await wd('POST', s('/url'), { url });
    },
    async tabId(/** @type {string} */ urlPattern) {
      await extensionPage();
      const ids = await executeAsync(`const w = window.wrappedJSObject ?? window; const b = w.browser;
        const tabs = await b.tabs.query(w.JSON.parse(JSON.stringify({ url: args[0] })));
        return Array.from(tabs, (t) => t.id);`, [urlPattern]);
      if (ids.length !== 1) throw new Error(`expected one tab matching ${urlPattern}, found ${ids.length}`);
      return ids[0];
    },
    /** The report of a tab through the message API, polled in an extension page until it has the requests. */
    async report(/** @type {number} */ tabId, /** @type {number} */ expectedRequests, timeoutMs = 20_000) {
      await extensionPage();
      return executeAsync(`const w = window.wrappedJSObject ?? window; const b = w.browser;
        const deadline = Date.now() + args[2];
        for (;;) {
          // Build the message in the page's compartment so that the extension API accepts it.
          const msg = w.JSON.parse(JSON.stringify({ type: 'whither:report', tabId: args[0] }));
          const r = await b.runtime.sendMessage(msg);
          if (r && r.totals && r.totals.requests >= args[1]) return JSON.parse(JSON.stringify(r));
          if (Date.now() > deadline) throw new Error('report not ready: ' + JSON.stringify(r && r.totals));
          await new Promise((res) => setTimeout(res, 100));
        }`, [tabId, expectedRequests, timeoutMs]);
    },
    /**
     * Opens the popup for a tab as a normal tab, switches WebDriver to it, and waits until it shows
     * `expectedRequests` requests and every company line (body[data-complete]).
     * @param {number} tabId @param {number} expectedRequests
     */
    async popup(tabId, expectedRequests, timeoutMs = 15_000) {
      await openExtensionTab(`${base}${POPUP_PATH}?tabId=${tabId}`);
      await executeInLoadedPage(`const deadline = Date.now() + args[1];
        for (;;) {
          if (document.querySelector('body[data-state="ready"][data-complete="true"] #summary[data-requests="' + args[0] + '"]')) {
            return true;
          }
          if (Date.now() > deadline) throw new Error('popup not ready: ' + document.body.getAttribute('data-state')
            + ' ' + (document.querySelector('#summary') || {}).textContent);
          await new Promise((r) => setTimeout(r, 50));
        }`, [expectedRequests, timeoutMs]);
    },
    /** Takes a PNG screenshot of the current tab (base64). */
    screenshot: () => wd('GET', s('/screenshot')),
    /** The state of the extension's background ("running", "suspending", "stopped", …) from chrome context. */
    async backgroundState() {
      await setContext('chrome');
      try {
        return await execute(`const policy = WebExtensionPolicy.getByID(arguments[0]);
          return policy && policy.extension ? String(policy.extension.backgroundState) : null;`, [addonId]);
      } finally {
        await setContext('content');
      }
    },
    async close() {
      try {
        await wd('DELETE', s(''));
      } finally {
        process.off('exit', killDriver);
        driver.kill('SIGTERM');
        await new Promise((resolve) => (driver.exitCode !== null ? resolve(undefined) : driver.once('exit', resolve)));
      }
    },
  };
}
