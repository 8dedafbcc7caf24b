// Browser drivers shared by the end-to-end tests (tests/e2e/, through tests/e2e/harness.mjs), the headless demo
// (scripts/demo.mjs) and the benchmarks (scripts/bench/): they load the built extension from dist/chrome/ and
// dist/firefox/ (`make build`), never the repository root.
//
// Chromium: Playwright (playwright-core, no downloaded browser) drives the system Chromium with the unpacked
// extension dist/chrome/; real hostnames reach the site server (scripts/lib/site-server.mjs) through
// --host-resolver-rules.
// Firefox: a minimal WebDriver-over-HTTP client drives geckodriver + Firefox ESR; dist/firefox/ is installed as a
// temporary add-on and the site server is the browser's proxy.
// Every wait is bounded: a wait that runs out throws an error that says what it waited for.

import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where `make build` writes the unpacked extensions (WHITHER_DIST overrides it, e.g. another build's dist/). */
export const DIST_DIR = process.env.WHITHER_DIST
  ? path.resolve(process.env.WHITHER_DIST) + path.sep
  : path.join(ROOT, 'dist') + path.sep;
/** The unpacked extension Chromium loads (`make build`). */
export const CHROME_DIR = path.join(DIST_DIR, 'chrome') + path.sep;
/** The unpacked extension Firefox installs (`make build`). */
export const FIREFOX_DIR = path.join(DIST_DIR, 'firefox') + path.sep;
export const POPUP_PATH = 'extension/popup.html';
/** How long `settled()` sees no write before it trusts what it saw (more than a response's way to its completion). */
const SETTLE_QUIET_MS = 300;
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
 * What must be built before a browser can load the extension: the files of dist/chrome/ and dist/firefox/ that are
 * missing (relative to the repository root when they are under it); empty when both are ready.
 * @param {string[]} [dirs] the unpacked extensions to check (default: both)
 */
export function missingBuild(dirs = [CHROME_DIR, FIREFOX_DIR]) {
  return dirs.flatMap((dir) => ['manifest.json', 'extension/background.js', POPUP_PATH, 'pkg/whither.js',
    'pkg/whither_bg.wasm'].map((f) => path.join(dir, f)))
    .filter((f) => !existsSync(f))
    .map((f) => (f.startsWith(ROOT) ? path.relative(ROOT, f) : f));
}

/**
 * `promise`, or an error saying what was awaited once `ms` have passed (the promise itself is not cancelled).
 * @template T @param {Promise<T>} promise @param {number} ms @param {string} what what is awaited
 * @returns {Promise<T>}
 */
export function within(promise, ms, what) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([promise, timeout])).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------------------------
// Chromium

/** The flags of every Chromium these tools start: no first-run UI, no background traffic of its own, no QUIC. */
export const CHROMIUM_FLAGS = Object.freeze([
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--no-default-browser-check',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions',
]);

/** The flags that load one unpacked extension (and no other). @param {string} dir */
export function chromiumExtensionFlags(dir) {
  return [`--disable-extensions-except=${dir}`, `--load-extension=${dir}`];
}

/**
 * Launches Chromium with the unpacked extension on a fresh profile.
 * @param {{ server: { chromiumArgs(): string[] }, extensionDir?: string, headless?: boolean,
 *           recordHar?: { path: string }, viewport?: { width: number, height: number },
 *           args?: string[], locale?: string, profile?: string }} options   (locale: the browser's UI language,
 *           e.g. 'de-DE'; profile: a profile directory to use and keep, for a restart with the same profile)
 */
export async function launchChromium(options) {
  const { chromium } = await import('playwright-core');
  const extensionDir = options.extensionDir ?? CHROME_DIR;
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('Chromium not found (apt-get install chromium)');
  const profile = options.profile ?? await mkdtemp(path.join(tmpdir(), 'whither-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: options.headless ?? true,
    viewport: options.viewport ?? { width: 1100, height: 800 },
    ignoreHTTPSErrors: true,
    locale: options.locale,
    // Only the web pages' own traffic: not the extension's pages, not data: URLs.
    recordHar: options.recordHar ? { path: options.recordHar.path, urlFilter: /^https?:\/\// } : undefined,
    args: [
      ...chromiumExtensionFlags(extensionDir),
      ...CHROMIUM_FLAGS,
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
  await within(probe.evaluate(() => chrome.runtime.sendMessage({ type: 'whither:report', tabId: -1 })), 15_000,
    `the background of ${extensionDir} answering a first message`);

  return {
    context,
    page,
    extensionId,
    base,
    extensionPage,
    /** @param {string} urlPattern a chrome.tabs.query url pattern @returns {Promise<number>} */
    async tabId(urlPattern) {
      const p = await extensionPage();
      const ids = await within(p.evaluate(async (url) => (await chrome.tabs.query({ url })).map((t) => t.id),
        urlPattern), 10_000, `the tabs matching ${urlPattern}`);
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
      // Polled inside the extension page (waitForFunction does not await an async predicate); the bound outside
      // catches a message that is never answered.
      return within(p.evaluate(async ({ tabId, expectedRequests, timeoutMs }) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const r = await chrome.runtime.sendMessage({ type: 'whither:report', tabId });
          if (r && r.totals && r.totals.requests >= expectedRequests) return r;
          if (Date.now() > deadline) throw new Error(`report not ready: ${JSON.stringify(r && r.totals)}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }, { tabId, expectedRequests, timeoutMs }), timeoutMs + 5_000, `the report of tab ${tabId}`);
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
     * stops it (after 30 s without events; the background writes a burst's state within PERSIST_DELAY_MS). What is
     * stored is read from the background's `whither:health` answer (`storedRequests`: per tab, the requests in its
     * last stored state), not from storage. Between two looks it awaits the next change in storage.session (or at
     * most 200 ms, when the next change is a request still on its way). Once all that holds, it holds it for
     * SETTLE_QUIET_MS more without a write: an event still on its way (a completion with the server's IP, after the
     * server has counted the request) would otherwise be lost when the worker is stopped right after.
     * @param {number} tabId @param {() => number} expected @param {number} [timeoutMs]
     */
    async settled(tabId, expected, timeoutMs = 20_000) {
      const p = await extensionPage();
      const deadline = Date.now() + timeoutMs;
      const left = () => Math.max(deadline - Date.now(), 1_000);
      let quiet = false; // nothing was written to storage.session since the previous look
      for (;;) {
        const { counted, saved, pending } = await within(p.evaluate(async (tabId) => {
          // The report's answer comes after every event that arrived before it was applied (one queue): the health
          // asked next sees the writes those events scheduled.
          const report = await chrome.runtime.sendMessage({ type: 'whither:report', tabId });
          const health = await chrome.runtime.sendMessage({ type: 'whither:health' });
          return { counted: report?.totals.requests ?? -1, saved: health?.storedRequests?.[tabId] ?? -1,
            pending: health?.writesPending ?? -1 };
        }, tabId), left(), `the report and health of tab ${tabId}`);
        const sent = expected();
        const done = counted === sent && saved === sent && pending === 0;
        if (done && quiet) return;
        if (Date.now() > deadline) {
          throw new Error(`not settled after ${timeoutMs} ms: ${counted} counted, ${saved} stored, ${sent} sent, `
            + `${pending} writes pending`);
        }
        const changed = await within(p.evaluate((ms) => new Promise((resolve) => {
          const listener = (/** @type {any} */ _changes, /** @type {string} */ area) => {
            if (area === 'session') done(true);
          };
          const timer = setTimeout(() => done(false), ms);
          /** @param {boolean} change */
          function done(change) {
            clearTimeout(timer);
            chrome.storage.onChanged.removeListener(listener);
            resolve(change);
          }
          chrome.storage.onChanged.addListener(listener);
        }), done ? SETTLE_QUIET_MS : 200), left(), 'a change in storage.session');
        quiet = done && !changed;
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
      await within(stopped, 15_000, 'Chromium reporting the extension\'s service worker stopped');
      await cdp.detach();
    },
    /** The background's health figures (`whither:health`, extension/state.js). */
    async health() {
      const p = await extensionPage();
      return within(p.evaluate(() => chrome.runtime.sendMessage({ type: 'whither:health' })), 10_000,
        'the background\'s health');
    },
    async close() {
      await context.close();
      if (!options.profile) await rm(profile, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Firefox (geckodriver, WebDriver over HTTP)

/** How long a WebDriver command may take (starting Firefox, installing the add-on, closing the session). */
const WEBDRIVER_TIMEOUT_MS = 120_000;

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
 * Packs an unpacked extension directory into an .xpi (web-ext's own packer) in a new temporary directory.
 * @param {string} sourceDir @returns {Promise<{ xpi: string, dir: string }>}
 */
export async function packXpi(sourceDir) {
  const dir = await mkdtemp(path.join(tmpdir(), 'whither-xpi-'));
  const { cmd } = (await import('web-ext')).default;
  const result = await cmd.build({ sourceDir, artifactsDir: dir, overwriteDest: true, filename: 'whither.xpi' },
    { shouldExitProgram: false, showReadyMessage: false });
  return { xpi: result.extensionPath, dir };
}

/**
 * Starts geckodriver + Firefox ESR (headless) with the extension installed as a temporary add-on.
 * `survivesCrashes`: Firefox keeps running when a child process crashes (for terminateBackground).
 * `profile`: a profile directory Firefox uses in place (geckodriver otherwise starts on a fresh copy), so that a
 * second launch with the same directory is a restart of the same browser. With it, `install` decides how the
 * extension gets there: 'temporary' (default), 'permanent' (packed as an .xpi and installed for good, which Firefox
 * ESR allows for an unsigned add-on with xpinstall.signatures.required = false; it survives the restart, a temporary
 * add-on does not), or 'none' (already installed in the profile by an earlier launch).
 * @param {{ server: { firefoxPrefs(): Record<string, unknown> }, extensionDir?: string, headless?: boolean,
 *           prefs?: Record<string, unknown>, survivesCrashes?: boolean, profile?: string,
 *           install?: 'temporary' | 'permanent' | 'none', probe?: boolean }} options
 */
export async function launchFirefox(options) {
  const extensionDir = options.extensionDir ?? FIREFOX_DIR;
  let binary = firefoxPath();
  /** @type {string | null} */
  let wrapperDir = null;
  if (binary && options.survivesCrashes) {
    // geckodriver sets MOZ_CRASHREPORTER_SHUTDOWN=1, which makes Firefox quit when any child process crashes; a test
    // that kills the extension's process on purpose (terminateBackground) starts Firefox through a wrapper without it.
    wrapperDir = await mkdtemp(path.join(tmpdir(), 'whither-firefox-bin-'));
    const wrapper = path.join(wrapperDir, 'firefox');
    await writeFile(wrapper, `#!/bin/sh\nunset MOZ_CRASHREPORTER_SHUTDOWN\nexec '${binary.replace(/'/g, "'\\''")}' "$@"\n`);
    await chmod(wrapper, 0o755);
    binary = wrapper;
  }
  const driverPath = geckodriverPath();
  if (!binary) throw new Error('Firefox not found (apt-get install firefox-esr)');
  if (!driverPath) throw new Error('geckodriver not found (cargo install geckodriver)');
  const port = await freePort();
  const driver = spawn(driverPath, ['--port', String(port), '--allow-system-access'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Do not leave geckodriver (and its Firefox) behind if this process ends without close().
  const killDriver = () => driver.kill('SIGTERM');
  process.once('exit', killDriver);
  let driverLog = '';
  await within(new Promise((resolve, reject) => {
    const onData = (/** @type {Buffer} */ b) => {
      driverLog += b.toString();
      if (/Listening on/.test(driverLog)) resolve(undefined);
    };
    driver.stdout.on('data', onData);
    driver.stderr.on('data', onData);
    driver.once('exit', (code) => reject(new Error(`geckodriver exited (${code}): ${driverLog}`)));
  }), 30_000, `geckodriver listening on port ${port}`).catch((error) => {
    killDriver();
    throw error;
  });
  // The add-on's moz-extension:// UUID, chosen here through a preference. Not on a restart (install: 'none'): the
  // profile keeps the UUIDs it gave every add-on, and a new map would move them all under their cached background pages
  // (which then fail to load); the UUID is read from the running add-on instead.
  let uuid = randomUUID();
  const endpoint = `http://127.0.0.1:${port}`;

  /**
   * One WebDriver command; a command unanswered after WEBDRIVER_TIMEOUT_MS fails (async scripts end earlier: their
   * own deadlines, and WebDriver's script timeout of 30 s).
   * @param {string} method @param {string} url @param {unknown} [body]
   */
  async function wd(method, url, body) {
    let res;
    let json;
    try {
      res = await fetch(endpoint + url, {
        method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(WEBDRIVER_TIMEOUT_MS),
      });
      json = await res.json();
    } catch (error) {
      if (/** @type {Error} */ (error)?.name !== 'TimeoutError') throw error;
      throw new Error(`WebDriver ${method} ${url}: no answer within ${WEBDRIVER_TIMEOUT_MS} ms`);
    }
    if (!res.ok) throw new Error(`WebDriver ${method} ${url}: ${json.value?.error}: ${json.value?.message}`);
    return json.value;
  }

  const prefs = {
    ...(options.install === 'none' ? {} : { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: uuid }) }),
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
    // Tests kill the extension process on purpose (terminateBackground): keep respawning it.
    'extensions.webextensions.crash.threshold': 1000,
    ...options.server.firefoxPrefs(),
    // An unsigned add-on installed for good (install: 'permanent'; Firefox ESR honours this preference).
    ...(options.install === 'permanent' || options.install === 'none' ? { 'xpinstall.signatures.required': false } : {}),
    ...(options.prefs ?? {}),
  };
  const args = [...((options.headless ?? true) ? ['-headless'] : []), ...(options.profile ? ['-profile', options.profile] : [])];
  const session = await wd('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'firefox',
        acceptInsecureCerts: true,
        // Navigation returns at once: tests await the server's record of the page's requests instead.
        pageLoadStrategy: 'none',
        'moz:firefoxOptions': { binary, args, prefs },
      },
    },
  });
  const sid = session.sessionId;
  const s = (/** @type {string} */ p) => `/session/${sid}${p}`;
  let addonId = GECKO_ID;
  const install = options.install ?? 'temporary';
  if (install === 'temporary') {
    addonId = await wd('POST', s('/moz/addon/install'), { path: extensionDir, temporary: true });
  } else if (install === 'permanent') {
    const packed = await packXpi(extensionDir);
    try {
      addonId = await wd('POST', s('/moz/addon/install'), { path: packed.xpi, temporary: false });
    } finally {
      await rm(packed.dir, { recursive: true, force: true });
    }
  }
  const mainHandle = await wd('GET', s('/window'));

  /** @param {'chrome'|'content'} context */
  const setContext = (context) => wd('POST', s('/moz/context'), { context });
  /** @param {string} script @param {unknown[]} [args] */
  const execute = (script, args = []) => wd('POST', s('/execute/sync'), { script, args });
  if (install === 'none') {
    await setContext('chrome');
    try {
      uuid = await execute('return WebExtensionPolicy.getByID(arguments[0])?.mozExtensionHostname ?? null;', [addonId]);
    } finally {
      await setContext('content');
    }
    if (!uuid) throw new Error(`the add-on ${addonId} is not installed in the profile ${options.profile}`);
  }
  const base = `moz-extension://${uuid}/`;
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
   * navigation replaces the document it runs in), for at most `timeoutMs`: then it fails. (Each run is bounded by
   * the script's own deadline and WebDriver's script timeout.)
   * @param {string} script @param {unknown[]} [args] @param {number} [timeoutMs]
   */
  async function executeInLoadedPage(script, args = [], timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (let runs = 1; ; runs++) {
      try {
        return await executeAsync(script, args);
      } catch (e) {
        if (!(e instanceof DocumentReplaced)) throw e;
        if (Date.now() > deadline) {
          throw new Error(`executeInLoadedPage: the document was replaced under the script ${runs} times in `
            + `${timeoutMs} ms; it never completed in one document`);
        }
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
    await executeInLoadedPage(`const deadline = Date.now() + 15000;
      for (;;) {
        if (document.readyState === 'complete' && location.href.startsWith('moz-extension:')) return true;
        if (Date.now() > deadline) throw new Error('extension tab not loaded after 15 s: ' + location.href + ' '
          + document.readyState);
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

  // Wait until the background's listeners answer a message, so that the page's first request cannot be missed (not
  // for another add-on, `probe: false`: a peer in a benchmark, which has no such page).
  if (options.probe !== false) {
    await extensionPage();
    await executeAsync(`const w = window.wrappedJSObject ?? window;
      return (await w.browser.runtime.sendMessage(w.JSON.parse('{"type":"whither:report","tabId":-1}'))) ?? null;`);
  }

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
    /** Sends a message to the background from an extension page; its answer (plain JSON), null for none. */
    async send(/** @type {unknown} */ message) {
      await extensionPage();
      return executeAsync(`const w = window.wrappedJSObject ?? window;
        const r = await w.browser.runtime.sendMessage(w.JSON.parse(args[0]));
        return r === undefined ? null : JSON.parse(JSON.stringify(r));`, [JSON.stringify(message)]);
    },
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
    /**
     * Kills the extension's process (SIGKILL): the background dies at once, with whatever it had not stored, as in a
     * crash. (Firefox's own `terminateBackground()` is no abrupt stop: it runs onSuspend and is cancelled by the next
     * event, so mid-burst it never stops anything.) Firefox notices the crash, marks the background stopped and starts
     * it again on the next event. Resolves once the killed process is gone.
     */
    async terminateBackground() {
      await setContext('chrome');
      let pids;
      try {
        pids = await executeAsync(`const info = await ChromeUtils.requestProcInfo();
          return info.children.filter((c) => c.type === 'extension').map((c) => c.pid);`);
      } finally {
        await setContext('content');
      }
      if (!Array.isArray(pids) || pids.length === 0) throw new Error('no extension process found');
      // The extension page used for messages dies with the process: be in another tab when it does, and close it.
      const dead = extHandle;
      extHandle = null;
      const handles = /** @type {string[]} */ (await wd('GET', s('/window/handles')));
      const live = handles.find((h) => h !== dead);
      if (live) await wd('POST', s('/window'), { handle: live });
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      // Gone once Firefox lists no process of those ids (a new extension process may already run the background
      // again: the page's events restart it).
      const deadline = Date.now() + 15_000;
      for (;;) {
        await setContext('chrome');
        let alive;
        try {
          alive = await executeAsync(`const info = await ChromeUtils.requestProcInfo();
            return info.children.map((c) => c.pid);`);
        } finally {
          await setContext('content');
        }
        if (!pids.some((p) => /** @type {number[]} */ (alive).includes(p))) return;
        if (Date.now() > deadline) throw new Error(`the extension process ${pids.join(', ')} is still there`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      try {
        await wd('DELETE', s(''));
      } finally {
        process.off('exit', killDriver);
        driver.kill('SIGTERM');
        const exited = new Promise((resolve) => (driver.exitCode !== null ? resolve(undefined) : driver.once('exit', resolve)));
        await within(exited, 10_000, 'geckodriver exiting').catch(() => {
          driver.kill('SIGKILL');
          return exited;
        });
        if (wrapperDir) await rm(wrapperDir, { recursive: true, force: true });
      }
    },
  };
}
