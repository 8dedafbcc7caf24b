// Blocking (issue 11) in headless Chromium, side by side in one run and one browser:
//  - the time to apply the largest rule set ("everything outside the EU/EEA"): the `whither:change-settings` round
//    trip from an extension page (the core compiles the rules, the shell hands them to one updateDynamicRules call,
//    the fingerprint is stored), and the bare core compile (Settings.rules() in Node) for comparison;
//  - page load with that rule set on vs off, alternating loads (PAIRS, default 10): a page with 500 subresources on
//    100 third-party hosts that no rule matches (so that both arms load the same requests and the difference is the
//    browser's rule matching), median of the ratios on/off; target <= 1.02.
// Firefox is not measured (see scripts/bench/pageload.mjs).
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { GIF, median, missingBuild, startSite } from '../lib/bench.mjs';
import { launchChromium } from '../lib/browsers.mjs';

const PAIRS = Number(process.env.PAIRS ?? 10);
const HOSTS = 100;
const RESOURCES = 500;
const PAGE_HOST = 'www.bench-site.example';

const missing = missingBuild();
if (missing.length) throw new Error(`build the extension first (make build): missing ${missing}`);

// The bare compile in Node, with the shipped background module.
const core = await import('../../pkg/whither.js');
core.initSync({ module: readFileSync(new URL('../../pkg/whither_bg.wasm', import.meta.url)) });
const largest = JSON.stringify({ v: 2, blocking: { enabled: true, jurisdictions: ['outside-eea'] } });
const settings = core.Settings.load(largest, 'DE');
const compileMs = [];
let rules = 0;
let bytes = 0;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const json = settings.rules();
  compileMs.push(performance.now() - t0);
  rules = JSON.parse(json).rules.length;
  bytes = json.length;
}

const hosts = Array.from({ length: HOSTS }, (_, i) => `cdn${i}.bench-widgets${i % 7}.example`);
/** @type {Record<string, string | Uint8Array>} */
const files = {};
const tags = [];
for (let i = 0; i < RESOURCES; i++) {
  const host = hosts[i % hosts.length];
  const kind = i % 10 === 0 ? 'js' : 'gif';
  const file = `r${i}.${kind}`;
  files[`${host}/${file}`] = kind === 'gif' ? GIF : `window.r${i}=1;\n`;
  const url = `https://${host}/${file}`;
  tags.push(kind === 'gif' ? `<img src="${url}" width="1" height="1" alt="">` : `<script src="${url}"></script>`);
}
files[`${PAGE_HOST}/index.html`] = '<!doctype html><meta charset="utf-8"><title>bench</title>\n'
  + `<script>performance.setResourceTimingBufferSize(10000)</script>\n${tags.join('\n')}\n`;
const site = await startSite(files, 'blocking');
const browser = await launchChromium({ server: site.server });
try {
  const ext = await browser.extensionPage();
  const change = (/** @type {object} */ c) => ext.evaluate((m) => chrome.runtime.sendMessage(m),
    { type: 'whither:change-settings', change: c });
  // Apply the largest rule set (from nothing), then off and on again: each a full replacement.
  const applyMs = [];
  for (let i = 0; i < 5; i++) {
    await change({ op: 'set-blocking', on: false });
    if (i === 0) await change({ op: 'list', list: 'jurisdictions', text: 'outside-eea', on: true });
    const t0 = performance.now();
    const answer = await change({ op: 'set-blocking', on: true });
    applyMs.push(performance.now() - t0);
    if (!answer?.ok) throw new Error(`not applied: ${JSON.stringify(answer)}`);
  }
  const installed = (await ext.evaluate(() => chrome.runtime.sendMessage({ type: 'whither:settings-state' })))
    .installedRules;

  const page = browser.page;
  const load = async () => {
    const t0 = performance.now();
    await page.goto(`https://${PAGE_HOST}/`, { waitUntil: 'load' });
    const ms = performance.now() - t0;
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').length);
    if (loaded < RESOURCES) throw new Error(`only ${loaded} of ${RESOURCES} resources loaded`);
    return ms;
  };
  await load(); // warm-up: caches, connections
  const ratios = [];
  const on = [];
  const off = [];
  for (let i = 0; i < PAIRS; i++) {
    // Alternate which arm goes first.
    for (const arm of i % 2 ? ['on', 'off'] : ['off', 'on']) {
      await change({ op: 'set-blocking', on: arm === 'on' });
      (arm === 'on' ? on : off).push(await load());
    }
    ratios.push(on[i] / off[i]);
  }
  const f = (/** @type {number} */ x) => x.toFixed(1);
  console.log(`blocking: largest rule set (outside-eea): ${rules} rules, ${(bytes / 1024).toFixed(0)} KB of JSON; `
    + `${installed} installed`);
  console.log(`blocking: core compile ${f(median(compileMs))} ms (median of 5, Node); apply from an extension page `
    + `(compile + updateDynamicRules + fingerprint) ${f(median(applyMs))} ms (median of 5)`);
  console.log(`blocking: page load with 500 subresources, rules on vs off: median ${f(median(on))} vs `
    + `${f(median(off))} ms; median ratio on/off ${median(ratios).toFixed(3)} (${PAIRS} pairs; target <= 1.02)`);
} finally {
  await browser.close();
  await site.close();
}
