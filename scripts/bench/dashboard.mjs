// Dashboard opening time in headless Chromium with six months of synthetic history (scripts/bench/history-sample.mjs:
// 180 days of 200 visits to 3,000 sites, recorded through the core's Tracker and History and stored with the core's
// own `exportDay` and extension/day-codec.js, exactly as the recorder stores them), against the same dashboard on an empty history in another
// browser profile of the same run. Target: <= 1 s.
//
// The history is seeded from an extension page (storage.local `history:<day>` chunks and `history-index`, with a
// retention that keeps them); each round then opens the dashboard in a fresh page: with the history at its default
// period, with the history at six months (`?period=180`), and on the empty history, in rotating order. Measured:
// navigation start → `body[data-state]` set (`ready` / `empty`), and the in-page time from the dashboard script's
// start (performance mark `whither:script`) with its steps (the page's `whither:*` marks). Medians of ROUNDS (5).
// Usage: node scripts/bench/dashboard.mjs            DAYS=30 ROUNDS=3 node scripts/bench/dashboard.mjs
// A year: DAYS=365 node scripts/bench/dashboard.mjs (adds the whole history, ?period=0; needs `unlimitedStorage`).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CHROME_DIR, launchChromium, median, missingBuild } from '../lib/bench.mjs';
import { syntheticHistory } from './history-sample.mjs';
import { encodeDay } from '../../extension/day-codec.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const DAYS = Number(process.env.DAYS ?? 180);
const SITES = Number(process.env.SITES ?? 3000);
const TARGET_MS = 1000;
const missing = missingBuild([CHROME_DIR]);
if (missing.length) throw new Error(`build the extension first (make build): missing ${missing}`);

// The core of the extension under test (dist/chrome/pkg/), so that the chunks are in the format its recorder writes.
const core = await import(pathToFileURL(`${CHROME_DIR}pkg/whither.js`).href);
core.initSync({ module: readFileSync(`${CHROME_DIR}pkg/whither_bg.wasm`) });
const now = new Date();
const today = Math.floor(Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / 86_400_000);
let t0 = performance.now();
const sample = syntheticHistory(core, { days: DAYS, sites: SITES, firstDay: today - DAYS + 1 });
const stored = await Promise.all([...sample.chunks].map(async ([d, text]) => [`history:${d}`, await encodeDay(text)]));
const storedBytes = stored.reduce((n, [, text]) => n + text.length, 0);
console.log(`dashboard, headless Chromium: ${DAYS} days of synthetic history, ${sample.visits} visits, ` +
  `${sample.requests} requests; day chunks ${(sample.bytes / 1e6).toFixed(2)} MB (${(sample.bytes / DAYS / 1e3).toFixed(1)} ` +
  `kB/day), stored compressed ${(storedBytes / 1e6).toFixed(2)} MB (${(storedBytes / DAYS / 1e3).toFixed(1)} kB/day); ` +
  `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${ROUNDS} rounds (target <= ${TARGET_MS} ms)`);

const noServer = { chromiumArgs: () => [] };
const full = await launchChromium({ server: noServer });
const empty = await launchChromium({ server: noServer });
try {
  t0 = performance.now();
  const seeder = await full.extensionPage();
  const days = [...sample.chunks.keys()];
  const seeded = await seeder.evaluate(async ({ entries, days, retention }) => {
    const { settings } = await chrome.storage.local.get('settings');
    await chrome.storage.local.set({ settings: { ...(settings ?? {}), history: true, retentionDays: retention } });
    for (let i = 0; i < entries.length; i += 20) await chrome.storage.local.set(Object.fromEntries(entries.slice(i, i + 20)));
    await chrome.storage.local.set({ 'history-index': days });
    return { bytes: await chrome.storage.local.getBytesInUse(null),
      index: (await chrome.storage.local.get('history-index'))['history-index'] };
  }, { entries: stored, days, retention: Math.max(DAYS, 365) });
  if (seeded.index.length !== days.length) throw new Error(`seeded ${seeded.index.length} of ${days.length} days`);
  console.log(`  seeded storage.local: ${(seeded.bytes / 1e6).toFixed(2)} MB in use (Chrome's quota without ` +
    `unlimitedStorage: 10.49 MB), in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  /**
   * Opens the dashboard in a fresh page and waits until it shows `state`.
   * @param {typeof full} browser @param {string} query @param {string} state
   * @returns {Promise<{open: number, script: number, marks: Record<string, number>, requests: number}>}
   */
  async function open(browser, query, state) {
    const p = await browser.context.newPage();
    await p.setViewportSize({ width: 1280, height: 900 });
    await p.addInitScript((want) => {
      new MutationObserver((_, obs) => {
        if (document.body?.dataset.state === want) {
          /** @type {any} */ (window).__readyAt = performance.now();
          obs.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true });
    }, state);
    await p.goto(`${browser.base}extension/dashboard.html${query}`);
    await p.waitForFunction(() => /** @type {any} */ (window).__readyAt !== undefined, null, { timeout: 60_000 });
    const r = await p.evaluate(() => ({
      readyAt: /** @type {any} */ (window).__readyAt,
      marks: Object.fromEntries(performance.getEntriesByType('mark').filter((m) => m.name.startsWith('whither:'))
        .map((m) => [m.name.slice(8), m.startTime])),
      requests: Number(document.querySelector('#totals')?.getAttribute('data-requests') ?? 0),
    }));
    await p.close();
    const script = r.marks.script ?? NaN;
    return { open: r.readyAt, script: r.readyAt - script, marks: r.marks, requests: r.requests };
  }

  const CASES = [
    { name: 'history, default period', browser: full, query: '', state: 'ready' },
    { name: `history, six months (?period=180)`, browser: full, query: '?period=180', state: 'ready' },
    // A year (or more) of history: everything at once (?period=0).
    ...(DAYS > 180 ? [{ name: `history, all ${DAYS} days (?period=0)`, browser: full, query: '?period=0', state: 'ready' }] : []),
    { name: 'empty history', browser: empty, query: '', state: 'empty' },
  ];
  /** @type {Awaited<ReturnType<typeof open>>[][]} */
  const results = CASES.map(() => []);
  for (const c of CASES) await open(c.browser, c.query, c.state); // warm-up (disk cache, compiled code)
  for (let i = 0; i < ROUNDS; i++) {
    for (let k = 0; k < CASES.length; k++) {
      const j = (k + i) % CASES.length; // rotate the order
      const c = CASES[j];
      results[j].push(await open(c.browser, c.query, c.state));
    }
  }
  const emptyIndex = CASES.findIndex((c) => c.state === 'empty');
  const emptyOpen = median(results[emptyIndex].map((r) => r.open));
  CASES.forEach((c, j) => {
    const rs = results[j];
    const open = median(rs.map((r) => r.open));
    const ratio = j === emptyIndex ? '' : `; ${(open / emptyOpen).toFixed(2)}x the empty dashboard`;
    console.log(`  ${c.name.padEnd(36)} open median ${open.toFixed(0).padStart(5)} ms (from script start ` +
      `${median(rs.map((r) => r.script)).toFixed(0)} ms)${ratio}${j === 2 ? '' : `, ${rs[0].requests} requests shown`}`);
    // The page's steps: median time of each mark after the script's start.
    const names = [...new Set(rs.flatMap((r) => Object.keys(r.marks)))].filter((n) => n !== 'script')
      .sort((a, b) => (rs[0].marks[a] ?? 0) - (rs[0].marks[b] ?? 0));
    console.log(`    script start ${median(rs.map((r) => r.marks.script)).toFixed(0)} ms after navigation; then ` +
      names.map((n) => `${n} +${median(rs.map((r) => (r.marks[n] ?? NaN) - r.marks.script)).toFixed(0)}`).join(', '));
    console.log(`    per round: ${rs.map((r) => r.open.toFixed(0)).join(' ')}`);
  });
} finally {
  await full.close();
  await empty.close();
}
