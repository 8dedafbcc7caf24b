// What the benchmarks (scripts/bench/*.mjs, scripts/bench-history.mjs) share: statistics, the core they measure, a
// local site of their own served by the site server, stub extensions to compare Whither with, and the browsers
// (scripts/lib/browsers.mjs, re-exported here). Nothing heavy is loaded until it is used: the benchmarks' child
// processes (one per measured case) import this module too.

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { STAGES } from '../../extension/events.js';
import { CHROME_DIR, GECKO_ID, POPUP_PATH, ROOT } from './browsers.mjs';

export {
  CHROME_DIR, CHROMIUM_FLAGS, FIREFOX_DIR, GECKO_ID, POPUP_PATH, ROOT, chromiumExtensionFlags, chromiumPath,
  firefoxPath, geckodriverPath, launchChromium, launchFirefox, missingBuild,
} from './browsers.mjs';

// ---------------------------------------------------------------------------------------------------------------
// Statistics

/** The median of `xs` (of an even count, the upper of the two middle values). @param {number[]} xs */
export function median(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** Per-round ratios `a[i] / b[i]` of two arms measured side by side. @param {number[]} a @param {number[]} b */
export function ratios(a, b) {
  return a.map((x, i) => x / b[i]);
}

/** The median time (ms) of `runs` calls of `f`. @param {() => unknown} f @param {number} [runs] */
export function medianTime(f, runs = 5) {
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  return median(t);
}

// ---------------------------------------------------------------------------------------------------------------
// The core measured

/**
 * The wasm-bindgen output measured: the shipped copy in dist/chrome/pkg/ (`make build`), or WHITHER_PKG (e.g. another
 * version's pkg/, to compare). Ends with a slash.
 */
export const PKG_DIR = process.env.WHITHER_PKG
  ? `${process.env.WHITHER_PKG.replace(/\/$/, '')}/`
  : `${CHROME_DIR}pkg/`;

/** The test build of the core (`make wasm-test`: the exports only tests and benchmarks call), or WHITHER_PKG_TEST. */
export const TEST_PKG_DIR = process.env.WHITHER_PKG_TEST
  ? `${process.env.WHITHER_PKG_TEST.replace(/\/$/, '')}/`
  : `${ROOT}pkg-test/`;

/** The core's module bytes (`dir`/whither_bg.wasm, PKG_DIR by default). */
export function coreBytes(dir = PKG_DIR) {
  return readFileSync(`${dir}whither_bg.wasm`);
}

/**
 * The core, initialised synchronously. `instance` gives a fresh copy of the glue module and a fresh wasm instance
 * (each distinct value a new one); `module` a compiled module to instantiate instead of the file's bytes.
 * `dir`: which build (PKG_DIR by default, TEST_PKG_DIR for the test-only exports).
 * @param {{ instance?: number, module?: WebAssembly.Module, dir?: string }} [options]
 * @returns {Promise<any>}
 */
export async function loadCore({ instance, module, dir = PKG_DIR } = {}) {
  const url = pathToFileURL(`${dir}whither.js`).href;
  const core = await import(instance === undefined ? url : `${url}?instance=${instance}`);
  core.initSync({ module: module ?? coreBytes(dir) });
  return core;
}

// ---------------------------------------------------------------------------------------------------------------
// A local site

/** A 1×1 transparent GIF. */
export const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * Writes a site to a temporary directory and serves it with the site server (scripts/lib/site-server.mjs) under its
 * real hostnames. `files` maps `host/path` to the file's content (one directory per hostname, as the server wants).
 * @param {Record<string, string | Uint8Array>} files @param {string} [name] part of the directory's name
 * @returns {Promise<{ server: import('./site-server.mjs').TestServer, dir: string, close(): Promise<void> }>}
 */
export async function startSite(files, name = 'site') {
  const dir = await mkdtemp(path.join(tmpdir(), `whither-bench-${name}-`));
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), content);
  }
  const { startServer } = await import('./site-server.mjs');
  const server = await startServer({ siteDir: dir });
  return {
    server,
    dir,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Stub extensions

/**
 * A stub extension in a temporary directory, to measure what any extension that observes requests costs the browser:
 * with `listen`, the same webRequest listeners as Whither's background (extension/events.js STAGES), doing nothing —
 * or, with `count`, counting each tab's requests and noting when the first event arrived (`performance.now()`), and
 * answering `whither:report` ({totals: {requests}}) and `whither:health` ({startup: {firstEvent, firstApplied}}) as
 * Whither does. Every other message is answered with null. It has extension/popup.html (an empty page), so that the
 * drivers' extension page opens in it. Chrome: a service worker; Firefox: an event page with Whither's gecko id.
 * @param {{ browser?: 'chrome' | 'firefox', listen?: boolean, count?: boolean }} [options]
 * @returns {Promise<{ dir: string, remove(): Promise<void> }>}
 */
export async function stubExtension({ browser = 'chrome', listen = true, count = false } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), `whither-bench-stub-${browser}-`));
  await mkdir(path.join(dir, path.dirname(POPUP_PATH)), { recursive: true });
  await writeFile(path.join(dir, POPUP_PATH), '<!doctype html><title>stub</title>\n');
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify({
    manifest_version: 3, name: 'stub', version: '1', permissions: ['webRequest'], host_permissions: ['<all_urls>'],
    ...(browser === 'chrome' ? { background: { service_worker: 'bg.js' } }
      : { background: { scripts: ['bg.js'] }, browser_specific_settings: { gecko: { id: GECKO_ID } } }),
  }));
  const api = browser === 'chrome' ? 'chrome' : 'browser';
  const events = JSON.stringify(Object.keys(STAGES));
  const background = count ? `let first = -1;
const requests = new Map();
const seen = new Set();
for (const e of ${events}) ${api}.webRequest[e].addListener((d) => {
  if (first < 0) first = performance.now();
  if (!seen.has(d.requestId)) requests.set(d.tabId, (requests.get(d.tabId) ?? 0) + 1);
  seen.add(d.requestId);
}, { urls: ['<all_urls>'] });
${api}.runtime.onMessage.addListener((m, s, reply) => {
  reply(m.type === 'whither:health' ? { startup: { firstEvent: first, firstApplied: first } }
    : m.type === 'whither:report' ? { totals: { requests: requests.get(m.tabId) ?? 0 } } : null);
});
` : `${listen ? `for (const e of ${events}) ${api}.webRequest[e].addListener(() => {}, { urls: ['<all_urls>'] });
` : ''}${api}.runtime.onMessage.addListener((m, s, reply) => { reply(null); });
`;
  await writeFile(path.join(dir, 'bg.js'), background);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
