// Page-load overhead in headless Chromium: a local page with 500 subresources from 100 third-party hosts (real
// tracker hostnames, served by scripts/lib/site-server.mjs), loaded in turn without extensions, with a stub extension whose
// webRequest listeners (the same five events) do nothing, and with Whither, each load in a fresh profile; prints the
// median ratios of load times (with Whither / without: target <= 1.02; with Whither / stub: Whither's own work,
// beyond what the browser costs any extension that observes requests). PAIRS (default 10).
// Firefox: one browser per arm (without, the stub, Whither, Privacy Badger, Whither blocking), the page loaded again and again in
// rotating order (see below: a fresh profile per load would cost a WebDriver session and an add-on install each).
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import {
  CHROME_DIR, CHROMIUM_FLAGS, FIREFOX_DIR, GIF, chromiumExtensionFlags, chromiumPath, firefoxPath, geckodriverPath,
  launchFirefox, median, missingBuild, startSite, stubExtension,
} from '../lib/bench.mjs';
import { thirdParties } from './sample.mjs';

const PAIRS = Number(process.env.PAIRS ?? 10);
// BASELINE=/path/to/another/unpacked/Whither adds a fourth arm, to compare two versions side by side in one run.
// PROFILE=1 prints a CPU profile of Whither's service worker during one load instead (where its time goes).
const BASELINE = process.env.BASELINE ? path.resolve(process.env.BASELINE) : null;
// The peer (../shared/peers/privacybadger, an unmodified copy of Privacy Badger's MV3 build; PEER=/path for another
// copy) is an arm of every run: a missing copy is an error, not a silent omission (PEER=0 runs without it).
const PEER = process.env.PEER === '0' ? null
  : path.resolve(process.env.PEER ?? new URL('../../../shared/peers/privacybadger/', import.meta.url).pathname);
if (PEER && !existsSync(path.join(PEER, 'manifest.json'))) {
  throw new Error(`Privacy Badger not found at ${PEER} (../shared/peers/privacybadger; PEER=0 runs without the peer)`);
}
const HOSTS = 100;
const RESOURCES = 500;
const PAGE_HOST = 'www.bench-site.example';

const missing = missingBuild();
if (missing.length) throw new Error(`build the extension first (make build): missing ${missing}`);
const executablePath = chromiumPath();
if (!executablePath) throw new Error('Chromium not found (apt-get install chromium)');

// PAGE_KIND=protect (default): the page's hosts are the 100 most prevalent third parties (trackers, which a peer
// like Privacy Badger blocks in part). PAGE_KIND=observe: hosts no peer blocks — public CDNs and font hosts, CDN
// customer hosts (cloudfront.net, akamaized.net) and the site's own static hosts — so that every arm loads the same.
const PAGE_KIND = process.env.PAGE_KIND ?? 'protect';
/** @typedef {'without' | 'stub' | 'whither' | 'baseline' | 'badger' | 'protect'} Arm */
// On the protect page, a further arm: Whither with blocking on for a realistic choice (PROTECT=0 leaves it out).
const PROTECT = PAGE_KIND === 'protect' && process.env.PROTECT !== '0';
const PROTECT_LABEL = 'advertising and analytics';
const PROTECT_CHOICE = [
  { op: 'list', list: 'categories', text: 'advertising', on: true, number: 0 },
  { op: 'list', list: 'categories', text: 'analytics', on: true, number: 0 },
  { op: 'set-blocking', on: true },
];
if (!['protect', 'observe'].includes(PAGE_KIND)) throw new Error(`PAGE_KIND is protect or observe, not ${PAGE_KIND}`);
const CDNS = ['fonts.googleapis.com', 'fonts.gstatic.com', 'ajax.googleapis.com', 'cdnjs.cloudflare.com',
  'cdn.jsdelivr.net', 'unpkg.com', 'code.jquery.com', 'stackpath.bootstrapcdn.com', 'maxcdn.bootstrapcdn.com',
  'use.fontawesome.com', 'cdn.shopify.com', 'static.wixstatic.com', 'upload.wikimedia.org', 'images.unsplash.com',
  's3.amazonaws.com', 'cdn.statically.io', 'fastly.jsdelivr.net', 'cdn.skypack.dev', 'esm.sh', 'ka-f.fontawesome.com'];
const observeHosts = [...CDNS,
  ...Array.from({ length: 40 }, (_, i) => `d${(1000 + i * 37).toString(36)}xyz.cloudfront.net`),
  ...Array.from({ length: 40 }, (_, i) => `static${i}.bench-site.example`)];
// The site: one page, 5 resources (images, scripts, a stylesheet) on each of 100 hosts.
const hosts = PAGE_KIND === 'observe' ? observeHosts.slice(0, HOSTS)
  : thirdParties().slice(0, HOSTS).map(([d], i) => (i % 2 ? `cdn.${d}` : d));
const tags = [];
/** @type {Record<string, string | Uint8Array>} */
const files = {};
for (let i = 0; i < RESOURCES; i++) {
  const host = hosts[i % hosts.length];
  const kind = i % 10 === 0 ? 'js' : i % 25 === 1 ? 'css' : 'gif';
  const file = `r${i}.${kind}`;
  files[`${host}/${file}`] = kind === 'gif' ? GIF : kind === 'js' ? `window.r${i}=1;\n` : 'b{}\n';
  const url = `https://${host}/${file}`;
  tags.push(kind === 'gif' ? `<img src="${url}" width="1" height="1" alt="">`
    : kind === 'js' ? `<script src="${url}"></script>` : `<link rel="stylesheet" href="${url}">`);
}
files[`${PAGE_HOST}/index.html`] = `<!doctype html><meta charset="utf-8"><title>bench</title><h1>500 subresources</h1>\n` +
  // Keep every resource timing (browsers keep 250 by default), to check that every resource loaded.
  `<script>performance.setResourceTimingBufferSize(10000)</script>\n${tags.join('\n')}\n`;
const site = await startSite(files, 'pageload');
const server = site.server;
// The stub: an MV3 extension with the same webRequest listeners as Whither's background, doing nothing.
const stub = (await stubExtension()).dir;
const PAGE = `https://${PAGE_HOST}/`;

const TICK_MS = 1000 / 100; // USER_HZ: /proc times are in 1/100 s on Linux
/**
 * CPU time (user + system, ms) used so far by every live Chromium process this script started (the descendants
 * of this process; the test server runs in this process and is not counted). Less sensitive to the machine's other
 * load than the wall time: what the extension costs the browser, whatever waits for the CPU.
 */
function browserCpuMs() {
  /** @type {Map<number, {ppid: number, ticks: number}>} */
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch { /* gone meanwhile */ }
  }
  const ours = (/** @type {number} */ pid) => {
    for (let p = procs.get(pid)?.ppid; p !== undefined && p > 1; p = procs.get(p)?.ppid) if (p === process.pid) return true;
    return false;
  };
  let ticks = 0;
  for (const [pid, { ticks: t }] of procs) if (ours(pid)) ticks += t;
  return ticks * TICK_MS;
}

/**
 * Resolves once the browsers this script started have gone quiet (less than 10 % of one core over 250 ms; at most
 * 10 s): each load then starts from the same state, not while the browser still starts up or the previous load's
 * after-work (writes, GC, the other arms' browsers) runs.
 */
async function quiet() {
  const deadline = Date.now() + 10_000;
  let before = browserCpuMs();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = browserCpuMs();
    if (now - before < 25) return;
    before = now;
  }
}

/**
 * Starts a CPU profile of the extension's service worker (raw CDP over the browser's debugging port: Playwright
 * opens CDP sessions for pages only); the returned function stops it and gives the profile.
 * @param {string} profileDir @param {string} workerUrl
 */
async function profileServiceWorker(profileDir, workerUrl) {
  const { ws: WebSocket } = createRequire(import.meta.url)('playwright-core/lib/utilsBundle');
  const [port, wsPath] = readFileSync(path.join(profileDir, 'DevToolsActivePort'), 'utf8').trim().split('\n');
  const sock = new WebSocket(`ws://127.0.0.1:${port}${wsPath}`);
  await new Promise((resolve) => sock.once('open', resolve));
  let nextId = 1;
  /** @type {Map<number, (m: any) => void>} */
  const waiting = new Map();
  sock.on('message', (/** @type {string} */ d) => {
    const m = JSON.parse(d);
    waiting.get(m.id)?.(m.result);
    waiting.delete(m.id);
  });
  const send = (/** @type {string} */ method, params = {}, /** @type {string} */ sessionId = '') =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      sock.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  const { targetInfos } = await send('Target.getTargets');
  const target = targetInfos.find((/** @type {any} */ t) => t.type === 'service_worker' && t.url === workerUrl);
  const { sessionId } = await send('Target.attachToTarget', { targetId: target.targetId, flatten: true });
  await send('Profiler.enable', {}, sessionId);
  await send('Profiler.setSamplingInterval', { interval: 200 }, sessionId);
  await send('Profiler.start', {}, sessionId);
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the writes and badge updates after the load
    const { profile } = await send('Profiler.stop', {}, sessionId);
    sock.close();
    return profile;
  };
}

/** Prints a CPU profile's busy time and the functions with the most self time. @param {any} profile */
function printProfile(profile) {
  const nodes = new Map(profile.nodes.map((/** @type {any} */ n) => [n.id, n]));
  /** @type {Map<string, number>} */
  const self = new Map();
  profile.samples.forEach((/** @type {number} */ id, /** @type {number} */ i) => {
    const f = nodes.get(id).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
  const wasm = [...self].filter(([k]) => k.includes('.wasm:')).reduce((a, [, v]) => a + v, 0);
  console.log(`service worker CPU profile of one load: ${(total - idle).toFixed(0)} ms busy (wasm ${wasm.toFixed(0)} ms) ` +
    `of ${total.toFixed(0)} ms; most self time:`);
  for (const [k, v] of [...self].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${v.toFixed(1).padStart(7)} ms  ${k}`);
  }
}

/** One load of the page in a fresh profile; returns its load time (navigation start → load event end), ms. */
async function load(/** @type {Arm} */ arm, profileWorker = false) {
  const withWhither = arm === 'whither' || arm === 'baseline' || arm === 'protect';
  const dir = arm === 'whither' || arm === 'protect' ? CHROME_DIR : arm === 'baseline' ? /** @type {string} */ (BASELINE)
    : arm === 'badger' ? /** @type {string} */ (PEER) : stub;
  const profile = await mkdtemp(path.join(tmpdir(), 'whither-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, ignoreHTTPSErrors: true,
    args: [
      ...(arm === 'without' ? ['--disable-extensions'] : chromiumExtensionFlags(dir)),
      ...CHROMIUM_FLAGS,
      ...server.chromiumArgs(),
      ...(profileWorker ? ['--remote-debugging-port=0'] : []),
    ],
  });
  try {
    let requests = -1;
    /** @type {null | (() => Promise<any>)} */
    let stopProfile = null;
    if (arm === 'badger') {
      // Privacy Badger in its default state: its worker running (it opens its welcome page on install: closed).
      await (context.serviceWorkers()[0] ?? context.waitForEvent('serviceworker'));
      for (const p of context.pages()) if (!p.url().startsWith('about:')) await p.close();
    } else if (arm !== 'without') {
      // Wait until the background answers, so that it sees the page from its first request.
      const worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker');
      const ext = await context.newPage();
      await ext.goto(`chrome-extension://${new URL(worker.url()).host}/${withWhither ? 'extension/popup.html?tabId=-1'
        : 'manifest.json'}`);
      await ext.evaluate(() => chrome.runtime.sendMessage({ type: 'whither:report', tabId: -1 }));
      if (arm === 'protect') {
        // A realistic choice: advertising and analytics blocked (the options page's change messages; the answer
        // comes once the rules are installed).
        const answer = await ext.evaluate(async (changes) => {
          let last = null;
          for (const change of changes) last = await chrome.runtime.sendMessage({ type: 'whither:change-settings', change });
          return last;
        }, PROTECT_CHOICE);
        if (!answer?.ok) throw new Error(`blocking not applied: ${JSON.stringify(answer)}`);
      }
      await ext.close();
      if (profileWorker) stopProfile = await profileServiceWorker(profile, worker.url());
    }
    const page = context.pages()[0] ?? await context.newPage();
    // Chromium keeps 250 resource timings by default: keep them all, to check that every resource loaded.
    await page.addInitScript(() => performance.setResourceTimingBufferSize(10_000));
    await quiet();
    const cpu0 = browserCpuMs();
    const received0 = server.siteRequests().length;
    await page.goto(PAGE, { waitUntil: 'load' });
    const cpuMs = browserCpuMs() - cpu0;
    // What reached the server during the load (the page and what no extension blocked).
    const received = server.siteRequests().length - received0;
    if (stopProfile) printProfile(await stopProfile());
    const ms = await page.evaluate(() => {
      const nav = /** @type {PerformanceNavigationTiming} */ (performance.getEntriesByType('navigation')[0]);
      return nav.loadEventEnd - nav.startTime;
    });
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').length);
    if (withWhither) {
      const ext = await context.newPage();
      const base = new URL(context.serviceWorkers()[0].url()).host;
      await ext.goto(`chrome-extension://${base}/extension/popup.html?tabId=-1`);
      requests = await ext.evaluate(async (url) => {
        const [tab] = await chrome.tabs.query({ url });
        const r = await chrome.runtime.sendMessage({ type: 'whither:report', tabId: tab.id });
        return r?.totals?.requests ?? 0;
      }, PAGE);
    }
    return { ms, loaded, requests, cpuMs, received };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true, maxRetries: 5 });
  }
}

// PROFILE=1: one load with Whither, its service worker's CPU profile printed, and nothing else.
if (process.env.PROFILE === '1') {
  await load('whither', true);
  await site.close();
  await rm(stub, { recursive: true, force: true });
  process.exit(0);
}

/** @type {Record<string, number[]>} */
const times = { without: [], stub: [], whither: [], baseline: [], badger: [], protect: [] };
/** @type {Record<string, number[]>} */
const cpu = { without: [], stub: [], whither: [], baseline: [], badger: [], protect: [] };
/** @type {Record<string, number[]>} requests that reached the server per load */
const received = { without: [], stub: [], whither: [], baseline: [], badger: [], protect: [] };
/** @type {Record<string, number[]>} */
const ratios = { without: [], stub: [], ...(BASELINE ? { baseline: [] } : {}), ...(PEER ? { badger: [] } : {}) };
/** @type {Record<string, number[]>} */
const cpuRatios = { without: [], stub: [], ...(BASELINE ? { baseline: [] } : {}), ...(PEER ? { badger: [] } : {}) };
/** @type {number[]} Privacy Badger's CPU over no extension's, per round */
const badgerCpu = [];
const t0 = performance.now();
const ARMS = /** @type {Arm[]} */ (['without', 'stub', 'whither', ...(BASELINE ? ['baseline'] : []),
  ...(PEER ? ['badger'] : []), ...(PROTECT ? ['protect'] : [])]);
for (let i = 0; i < (process.env.CHROMIUM === '0' ? 0 : PAIRS); i++) {
  // Rotate the order, so that no arm always profits from a warm disk cache or a quieter moment.
  const order = ARMS.map((_, k) => ARMS[(k + i) % ARMS.length]);
  /** @type {Record<string, {ms: number, loaded: number, requests: number, cpuMs: number, received: number}>} */
  const r = {};
  for (const arm of order) r[arm] = await load(arm);
  for (const arm of ARMS) {
    // Privacy Badger may block some of the page: it loads what it lets through.
    if (arm !== 'badger' && arm !== 'protect' && r[arm].loaded < RESOURCES) {
      throw new Error(`${arm}: the page loaded ${r[arm].loaded} of ${RESOURCES} resources`);
    }
    times[arm].push(r[arm].ms);
    cpu[arm].push(r[arm].cpuMs);
    received[arm].push(r[arm].received);
  }
  if (PEER) badgerCpu.push(r.badger.cpuMs / r.without.cpuMs);
  if (r.whither.requests < RESOURCES) throw new Error(`Whither counted ${r.whither.requests} requests, not ${RESOURCES}+`);
  for (const other of Object.keys(ratios)) {
    ratios[other].push(r.whither.ms / r[other].ms);
    cpuRatios[other].push(r.whither.cpuMs / r[other].cpuMs);
  }
}
if (times.whither.length) {
  console.log(`page load (${PAGE_KIND} page), headless Chromium, ${RESOURCES} subresources from ${HOSTS} hosts, ${PAIRS} rounds of fresh ` +
    `profiles (${((performance.now() - t0) / 1000).toFixed(0)} s; target: with / without <= 1.02)`);
  console.log(`  median load: without extensions ${median(times.without).toFixed(0)} ms, with a no-op webRequest stub ` +
    `${median(times.stub).toFixed(0)} ms, with Whither ${median(times.whither).toFixed(0)} ms` +
    (BASELINE ? `, with the baseline ${median(times.baseline).toFixed(0)} ms` : ''));
  for (const [name, rs] of Object.entries(ratios)) {
    console.log(`  median ratio Whither / ${name.padEnd(7)}: ${median(rs).toFixed(3)}  ` +
      `(per round: ${rs.map((x) => x.toFixed(2)).join(' ')})`);
  }
  console.log(`  Chromium CPU time during the load (all its processes): without ${median(cpu.without).toFixed(0)} ms, ` +
    `stub ${median(cpu.stub).toFixed(0)} ms, Whither ${median(cpu.whither).toFixed(0)} ms` +
    (BASELINE ? `, baseline ${median(cpu.baseline).toFixed(0)} ms` : ''));
  for (const [name, rs] of Object.entries(cpuRatios)) {
    console.log(`  median CPU ratio Whither / ${name.padEnd(7)}: ${median(rs).toFixed(3)}  ` +
      `(per round: ${rs.map((x) => x.toFixed(2)).join(' ')})`);
  }
  if (PEER) {
    console.log(`  Privacy Badger (${PEER}): median load ${median(times.badger).toFixed(0)} ms, CPU ` +
      `${median(cpu.badger).toFixed(0)} ms; CPU ratio Privacy Badger / without ${median(badgerCpu).toFixed(3)} ` +
      `(per round: ${badgerCpu.map((x) => x.toFixed(2)).join(' ')})`);
  }
  if (PROTECT && PEER) {
    const vs = (/** @type {number[]} */ a, /** @type {number[]} */ b) => median(a.map((x, k) => x / b[k])).toFixed(3);
    console.log(`  protect: Whither blocking ${PROTECT_LABEL}: median load ${median(times.protect).toFixed(0)} ms, CPU ` +
      `${median(cpu.protect).toFixed(0)} ms; Whither blocking / Privacy Badger: load ${vs(times.protect, times.badger)}, ` +
      `CPU ${vs(cpu.protect, cpu.badger)} (target <= 1); Whither blocking / without: load ` +
      `${vs(times.protect, times.without)}, CPU ${vs(cpu.protect, cpu.without)}`);
  }
  console.log(`  requests that reached the server per load (median; the page ${RESOURCES + 1}): ` +
    ARMS.map((a) => `${a === 'protect' ? 'Whither blocking' : a} ${median(received[a])}`).join(', '));
}

// Firefox: a fresh profile per load would go through a WebDriver session and an add-on install each time, which
// costs more than the effect measured. Instead one browser per arm stays open and loads the page again and again
// (the server sends `no-store`: every load fetches all 500 resources anew), the arms in rotating order: without
// (an extension that only answers the harness's messages), the stub (the same webRequest listeners as Whither, doing
// nothing) and Whither. The first round only warms up.
if (firefoxPath() && geckodriverPath() && process.env.FIREFOX !== '0') {
  const FIREFOX_ROUNDS = Number(process.env.FIREFOX_ROUNDS ?? PAIRS);
  // Stub add-ons (with Whither's id, so that the drivers find their pages), with or without the listeners.
  const firefoxStub = async (/** @type {boolean} */ listen) => (await stubExtension({ browser: 'firefox', listen })).dir;
  /** @type {Record<string, string>} */
  const dirs = { without: await firefoxStub(false), stub: await firefoxStub(true), whither: FIREFOX_DIR,
    // Privacy Badger (the same unmodified copy: its manifest has both background kinds) in its default state.
    ...(PEER ? { badger: PEER } : {}), ...(PROTECT ? { protect: FIREFOX_DIR } : {}) };
  /** @type {Record<string, any>} */
  const browsers = {};
  for (const [arm, dir] of Object.entries(dirs)) {
    browsers[arm] = await launchFirefox({ server, extensionDir: dir, probe: arm !== 'badger' });
    if (arm === 'protect') {
      let answer = null;
      for (const change of PROTECT_CHOICE) answer = await browsers[arm].send({ type: 'whither:change-settings', change });
      if (!answer?.ok) throw new Error(`Firefox: blocking not applied: ${JSON.stringify(answer)}`);
    }
  }
  /** @type {Record<string, number[]>} */
  const ff = { without: [], stub: [], whither: [], badger: [], protect: [] };
  /** Requests that reached the server per load. @type {Record<string, number[]>} */
  const ffReceived = { without: [], stub: [], whither: [], badger: [], protect: [] };
  /** @type {Record<string, number[]>} */
  const ffRatios = { without: [], stub: [], ...(PEER ? { 'Privacy Badger': [] } : {}) };
  /** Whither blocking / Privacy Badger, per round. @type {number[]} */
  const ffProtect = [];
  const f0 = performance.now();
  try {
    const arms = /** @type {('without' | 'stub' | 'whither' | 'badger' | 'protect')[]} */ (['without', 'stub',
      'whither', ...(PEER ? ['badger'] : []), ...(PROTECT ? ['protect'] : [])]);
    for (let i = -1; i < FIREFOX_ROUNDS; i++) {
      const order = arms.map((_, k) => arms[(k + i + arms.length) % arms.length]);
      /** @type {Record<string, number>} */
      const ms = {};
      /** @type {Record<string, number>} */
      const got = {};
      for (const arm of order) {
        const b = browsers[arm];
        const url = `${PAGE}?round=${i}`;
        await quiet();
        const received0 = server.siteRequests().length;
        await b.goto(url);
        // Polled until the page itself has loaded (WebDriver may answer while the tab still shows about:blank).
        const r = await b.executeInLoadedPage(`for (;;) {
            const nav = performance.getEntriesByType('navigation')[0];
            if (location.href === args[0] && nav && nav.loadEventEnd > 0) {
              return { ms: nav.loadEventEnd - nav.startTime, loaded: performance.getEntriesByType('resource').length,
                href: location.href };
            }
            await new Promise((r) => setTimeout(r, 20));
          }`, [url]);
        // Privacy Badger may block part of the page: what it let through is counted, not required.
        if (arm !== 'badger' && arm !== 'protect' && r.loaded < RESOURCES) {
          throw new Error(`Firefox ${arm}: ${r.href} loaded ${r.loaded} of ${RESOURCES} resources`);
        }
        ms[arm] = r.ms;
        got[arm] = server.siteRequests().length - received0;
      }
      if (i < 0) continue;
      for (const arm of arms) {
        ff[arm].push(ms[arm]);
        ffReceived[arm].push(got[arm]);
      }
      ffRatios.without.push(ms.whither / ms.without);
      ffRatios.stub.push(ms.whither / ms.stub);
      if (PEER) ffRatios['Privacy Badger'].push(ms.whither / ms.badger);
      if (PEER && PROTECT) ffProtect.push(ms.protect / ms.badger);
    }
    const tabId = await browsers.whither.tabId(`${PAGE}*`);
    const report = await browsers.whither.report(tabId, RESOURCES);
    if (report.totals.requests < RESOURCES) throw new Error(`Whither in Firefox counted ${report.totals.requests}`);
  } finally {
    for (const b of Object.values(browsers)) await b.close();
    await rm(dirs.without, { recursive: true, force: true });
    await rm(dirs.stub, { recursive: true, force: true });
  }
  console.log(`page load, headless Firefox ESR, the same page, ${FIREFOX_ROUNDS} rounds in one browser per arm ` +
    `(${((performance.now() - f0) / 1000).toFixed(0)} s)`);
  console.log(`  median load: without ${median(ff.without).toFixed(0)} ms, with the stub ${median(ff.stub).toFixed(0)} ms, ` +
    `with Whither ${median(ff.whither).toFixed(0)} ms` +
    (PEER ? `, with Privacy Badger ${median(ff.badger).toFixed(0)} ms (Privacy Badger / without ` +
      `${median(ff.badger.map((x, k) => x / ff.without[k])).toFixed(3)})` : ''));
  console.log(`  requests that reached the server per load (median): ` +
    Object.keys(dirs).map((a) => `${a === 'protect' ? 'Whither blocking' : a} ${median(ffReceived[a])}`).join(', '));
  if (ffProtect.length) {
    console.log(`  protect: Whither blocking ${PROTECT_LABEL}: median load ${median(ff.protect).toFixed(0)} ms; ` +
      `Whither blocking / Privacy Badger ${median(ffProtect).toFixed(3)} (target <= 1; per round: ` +
      `${ffProtect.map((x) => x.toFixed(2)).join(' ')})`);
  }
  for (const [name, rs] of Object.entries(ffRatios)) {
    console.log(`  median ratio Whither / ${name.padEnd(7)}: ${median(rs).toFixed(3)}  ` +
      `(per round: ${rs.map((x) => x.toFixed(2)).join(' ')})`);
  }
} else {
  console.log('page load in Firefox: skipped (needs firefox-esr and geckodriver)');
}
await site.close();
await rm(stub, { recursive: true, force: true });
