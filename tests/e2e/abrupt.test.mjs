// A true count when the background is killed abruptly, mid-burst, again and again: the busy page
// (tests/e2e/site-stress: 403 requests to 8 hosts in 20 waves) loads while the background is stopped at random moments
// with no settling first — Chromium's service worker with CDP `ServiceWorker.stopWorker` (what a crash, memory
// pressure or an update does), Firefox's background with the extension's `terminateBackground()` (what
// about:debugging's "Terminate background script" does). The final report must count every request exactly once,
// every host's count equal to what its server received, and say how many it recovered from the pages themselves
// (health.recovered). The moments come from a seeded generator (WHITHER_ABRUPT_SEED) so that a failure can be
// replayed; they are printed.
//
// Run: node --test --test-concurrency=1 tests/e2e/   (needs `make build`)

import test from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/lib/site-server.mjs';
import { launchChromium, launchFirefox, missingBuild, prerequisites } from './harness.mjs';

const SITE_DIR = fileURLToPath(new URL('./site-stress/', import.meta.url));
const PAGE_URL = 'https://www.busy.example/';
const WAVES = 20;
/** Document, script, the waves, the last request. */
const REQUESTS = 2 + WAVES * 20 + 1;
const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === 'www.busy.example' && r.path === '/p.gif?done=1';
/** The `i`-th request of wave `w`. */
const request = (/** @type {number} */ w, /** @type {number} */ i) => (/** @type {{path: string}} */ r) =>
  r.path === `/p.gif?w=${w}&i=${i}`;
const missing = missingBuild();
const SEED = Number(process.env.WHITHER_ABRUPT_SEED ?? Date.now() % 100_000);

/** A small seeded generator (mulberry32): the same seed, the same moments. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Where to stop: `stops` distinct (wave, request) positions, at least two waves apart, none in the first wave (the
 * page must have started).
 * @param {number} stops @param {() => number} rnd
 */
function moments(stops, rnd) {
  /** @type {{wave: number, index: number}[]} */
  const out = [];
  let wave = 1;
  for (let k = 0; k < stops; k++) {
    wave += 1 + Math.floor(rnd() * 2);
    if (wave >= WAVES - 1) break;
    out.push({ wave, index: Math.floor(rnd() * 20) });
  }
  return out;
}

/** @param {any} report */
function reportCounts(report) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const h of report.hosts) counts[h.host] = h.requests;
  return counts;
}

/**
 * @param {any} report @param {import('../../scripts/lib/site-server.mjs').TestServer} server @param {string} label
 */
function assertExact(report, server, label) {
  assert.deepEqual(reportCounts(report), server.countsByHost(), `${label}: requests per host, report vs server`);
  assert.equal(report.totals.requests, REQUESTS, `${label}: every request counted once`);
}

test('Chromium: the service worker stopped abruptly mid-burst, again and again: nothing lost, nothing twice',
  { skip: prerequisites('chromium', missing).skip, timeout: 240_000 }, async (t) => {
    const { unmet } = prerequisites('chromium', missing);
    if (unmet) assert.fail(unmet);
    const server = await startServer({ siteDir: SITE_DIR });
    t.after(() => server.close());
    const rnd = random(SEED);
    const plan = moments(8, rnd);
    t.diagnostic(`seed ${SEED}: stops at ${plan.map((m) => `w${m.wave}/${m.index}`).join(' ')}`);
    const browser = await launchChromium({ server });
    try {
      // The server holds the chosen request of each chosen wave: while it waits, the rest of the wave is loading and
      // the worker is busy counting it; it is stopped at once, with no settling, then the request is let go.
      const holds = plan.map((m) => server.hold(request(m.wave, m.index)));
      await browser.page.goto(PAGE_URL, { waitUntil: 'commit' });
      let stops = 0;
      for (const hold of holds) {
        await hold.reached;
        await browser.stopServiceWorker();
        stops += 1;
        hold.release();
      }
      await server.waitFor(isDone);
      assert.equal(stops, plan.length);
      const tabId = await browser.tabId(`${PAGE_URL}*`);
      await browser.settled(tabId, () => server.siteRequests().length, 30_000);
      const report = await browser.report(tabId, REQUESTS);
      assertExact(report, server, `Chromium, ${stops} abrupt stops (seed ${SEED})`);
      const health = await browser.health();
      t.diagnostic(`recovered from the page: ${health.recovered}`);
    } finally {
      await browser.close();
    }
  });

test('Firefox: the background terminated abruptly mid-burst, again and again: nothing lost, nothing twice',
  { skip: prerequisites('firefox', missing).skip, timeout: 240_000 }, async (t) => {
    const { unmet } = prerequisites('firefox', missing);
    if (unmet) assert.fail(unmet);
    const server = await startServer({ siteDir: SITE_DIR });
    t.after(() => server.close());
    const rnd = random(SEED + 1);
    const plan = moments(5, rnd);
    t.diagnostic(`seed ${SEED}: terminations at ${plan.map((m) => `w${m.wave}/${m.index}`).join(' ')}`);
    const browser = await launchFirefox({ server, survivesCrashes: true });
    try {
      const holds = plan.map((m) => server.hold(request(m.wave, m.index)));
      await browser.goto(PAGE_URL);
      let stops = 0;
      for (const hold of holds) {
        await hold.reached;
        await browser.terminateBackground();
        stops += 1;
        hold.release();
      }
      await server.waitFor(isDone);
      assert.equal(stops, plan.length);
      const tabId = await browser.tabId(`${PAGE_URL}*`);
      const report = await browser.report(tabId, REQUESTS, 30_000);
      t.diagnostic(`recovered from the page: ${report.totals.recovered}; fetches ${report.totals.fetches}`);
      assertExact(report, server, `Firefox, ${stops} abrupt terminations (seed ${SEED})`);
    } finally {
      await browser.close();
    }
  });
