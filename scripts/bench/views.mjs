// Popup render time in headless Chromium: the popup of a tab whose page contacted 300 third-party hosts (real tracker
// hostnames of ~100+ companies) against the same popup for a tab without a report, opened alternately in the same
// run (ROUNDS, default 10, after one warm-up of each; medians). Printed side by side:
// - navigation start → `body[data-state]` set (`ready` / `empty`), and → the first frame after it (a
//   requestAnimationFrame, then a task: style, layout and paint of the rendered DOM are done);
// - inside the page, from the popup script's start (performance mark `whither:popup-start`, after its modules
//   loaded), and from the background's answer arriving (`whither:report-received`), to the same two points. Opening an
//   extension page (process, document, module loading) costs the same with or without a report: the empty popup
//   shows that fixed cost; the popup's own work is the in-page time, which the target applies to.
// Target: <= 50 ms from the popup script's start to the first frame with the report. PROFILE=1 adds the functions
// with the most self time in the popup with the report (CDP Profiler, 0.1 ms sampling). (The dashboard with six months
// of history is not measured here: docs/performance.md.)
import { loadavg } from 'node:os';
import { CHROME_DIR, GIF, POPUP_PATH, launchChromium, median, missingBuild, startSite } from '../lib/bench.mjs';
import { thirdParties } from './sample.mjs';

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const PROFILE = process.env.PROFILE === '1';
const HOSTS = 300;
const TARGET_MS = 50;
const PAGE_HOST = 'www.popup-bench.example';
const missing = missingBuild([CHROME_DIR]);
if (missing.length) throw new Error(`build the extension first (make build): missing ${missing}`);

const hosts = thirdParties().slice(0, HOSTS).map(([d]) => d);
const site = await startSite({
  ...Object.fromEntries(hosts.map((h) => [`${h}/p.gif`, GIF])),
  [`${PAGE_HOST}/index.html`]: `<!doctype html><meta charset="utf-8"><title>popup bench</title>
${hosts.map((h) => `<img src="https://${h}/p.gif" width="1" height="1" alt="">`).join('\n')}\n`,
}, 'views');
const browser = await launchChromium({ server: site.server });

/**
 * @typedef {{ready: number, painted: number, start: number, received: number, requested: number}} Times
 *   ms since navigation start: state set, first frame after it, and the popup's performance marks
 */

try {
  await browser.page.goto(`https://${PAGE_HOST}/`, { waitUntil: 'load' });
  const tabId = await browser.tabId(`https://${PAGE_HOST}/*`);
  const report = await browser.report(tabId, hosts.length + 1);
  const companies = report.totals.companies;
  const ext = await browser.extensionPage();
  const sizes = await ext.evaluate(async (tab) => ({
    view: /** @type {any} */ (await chrome.runtime.sendMessage({ type: 'whither:popup', tabId: tab }))?.length ?? 0,
    report: JSON.stringify(await chrome.runtime.sendMessage({ type: 'whither:report', tabId: tab })).length,
  }), tabId);

  /** @type {Map<string, number>} self time (ms) by function, summed over the profiled popups */
  const selfTime = new Map();
  let profiled = 0;

  /**
   * Opens the popup for `tab` and returns its times once its state is `state`.
   * @param {number} tab @param {string} state @param {boolean} [profile]
   * @returns {Promise<Times>}
   */
  async function open(tab, state, profile = false) {
    const p = await browser.context.newPage();
    await p.setViewportSize({ width: 420, height: 900 });
    const cdp = profile ? await browser.context.newCDPSession(p) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    await p.addInitScript((want) => {
      const w = /** @type {any} */ (window);
      // The first frame after the state is set: the paint of a one-character probe added at that moment (Element
      // Timing: its renderTime is when that frame was presented), whatever tasks the page queued meanwhile.
      new PerformanceObserver((list) => {
        for (const e of /** @type {any[]} */ (list.getEntries())) {
          if (e.identifier === 'bench-probe') w.__paintedAt = e.renderTime || e.loadTime;
        }
      }).observe({ type: 'element', buffered: true });
      new MutationObserver((_, obs) => {
        if (document.body?.dataset.state === want) {
          w.__readyAt = performance.now();
          obs.disconnect();
          const probe = document.createElement('span');
          probe.textContent = '.';
          probe.setAttribute('elementtiming', 'bench-probe');
          probe.setAttribute('aria-hidden', 'true');
          probe.style.cssText = 'position: fixed; top: 0; left: 0; font-size: 8px';
          document.body.append(probe);
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true });
    }, state);
    await p.goto(`${browser.base}${POPUP_PATH}?tabId=${tab}`);
    await p.waitForFunction(() => /** @type {any} */ (window).__paintedAt !== undefined, null, { timeout: 15_000 });
    const times = await p.evaluate(() => {
      const w = /** @type {any} */ (window);
      const mark = (/** @type {string} */ name) => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? NaN;
      return { ready: w.__readyAt, painted: w.__paintedAt, start: mark('whither:popup-start'),
        requested: mark('whither:report-requested'), received: mark('whither:report-received') };
    });
    if (cdp) {
      const { profile: prof } = await cdp.send('Profiler.stop');
      const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
      prof.samples.forEach((id, i) => {
        const f = nodes.get(id)?.callFrame;
        if (!f) return;
        const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}${f.url ? `:${f.lineNumber + 1}` : ''}`;
        selfTime.set(key, (selfTime.get(key) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000);
      });
      profiled++;
    }
    await p.close();
    return times;
  }

  /** @type {Times[]} */ const full = [];
  /** @type {Times[]} */ const empty = [];
  await open(tabId, 'ready'); // warm-up
  await open(999_999, 'empty');
  const load = loadavg();
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2) { empty.push(await open(999_999, 'empty')); full.push(await open(tabId, 'ready')); }
    else { full.push(await open(tabId, 'ready')); empty.push(await open(999_999, 'empty')); }
  }
  if (PROFILE) for (let i = 0; i < 5; i++) await open(tabId, 'ready', true);

  /** @param {Times[]} runs @param {(t: Times) => number} f */
  const med = (runs, f) => median(runs.map(f));
  const ms = (/** @type {number} */ x) => `${x.toFixed(1).padStart(6)} ms`;
  /** @param {string} what @param {(t: Times) => number} f */
  const row = (what, f) => {
    const a = med(full, f);
    const b = med(empty, f);
    console.log(`  ${what.padEnd(46)} ${ms(a)}  ${ms(b)}  ${(a / b).toFixed(2).padStart(5)}x`);
    return a;
  };
  console.log(`popup render, headless Chromium, ${report.hosts.length} hosts / ${companies} companies, ` +
    `${ROUNDS} rounds, load average ${load.map((x) => x.toFixed(2)).join(' ')} (1/5/15 min)`);
  console.log(sizes.view ? `  popup view message: ${(sizes.view / 1000).toFixed(0)} kB of JSON (the report alone: ` +
    `${(sizes.report / 1000).toFixed(0)} kB)` : `  no popup view message (an older extension); the report: ` +
    `${(sizes.report / 1000).toFixed(0)} kB of JSON`);
  console.log(`  ${'medians'.padEnd(46)} ${'report'.padStart(9)}  ${'empty'.padStart(9)}  ratio`);
  row('navigation start → state set', (t) => t.ready);
  row('navigation start → first frame after it', (t) => t.painted);
  row('navigation start → popup script start', (t) => t.start);
  row('in page: script start → answer arrived', (t) => t.received - t.start);
  const inPage = row('in page: script start → state set', (t) => t.ready - t.start);
  const inPageFrame = row('in page: script start → first frame', (t) => t.painted - t.start);
  row('in page: answer arrived → first frame', (t) => t.painted - t.received);
  const verdict = inPageFrame <= TARGET_MS ? 'met' : 'missed';
  console.log(`  target <= ${TARGET_MS} ms from the popup script's start to the first frame with the report: ` +
    `${inPageFrame.toFixed(1)} ms — ${verdict} (to the state set: ${inPage.toFixed(1)} ms; the fixed cost of opening ` +
    `an extension page, ~${med(empty, (t) => t.start).toFixed(0)} ms here, comes before and is not the popup's work)`);
  if (PROFILE) {
    console.log(`  self time per popup with the report (CDP Profiler, mean of ${profiled}):`);
    for (const [k, v] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
      console.log(`    ${(v / profiled).toFixed(2).padStart(7)} ms  ${k}`);
    }
  }
} finally {
  await browser.close();
  await site.close();
}
