// The blocking scenario shared by the Chromium and Firefox end-to-end tests (tests/e2e/blocking*.test.mjs), driven
// through a small adapter per browser: with RU blocked (stored under `settings` from an extension page, as any page
// may), the local server never receives the requests to RU-controlled hosts (mc.yandex.ru) while the page's own and
// the other third-party requests arrive; the report marks them blocked with the right counts; the rules survive a
// stop of the background; "block everywhere" in the popup (Baidu) takes effect on the next load; pausing and
// resuming in the popup too; trusting another
// site changes nothing here, trusting this one (the popup's button) lets everything through; turning blocking off
// restores everything.

import assert from 'node:assert/strict';
import { PAGE_URL, DONE_BEACON } from '../../scripts/lib/site-server.mjs';

const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === DONE_BEACON.host && r.path === DONE_BEACON.path;

/** Requests of the demo page (tests/e2e/expected.json): 25, of which 3 to mc.yandex.ru (RU) and 2 to hm.baidu.com. */
const ALL = 25;
const YANDEX = 3;
const BAIDU = 2;

/**
 * What the options page shows of blocking (read in the page by {@link OPTIONS_DOM}).
 * @typedef {{enabled: boolean, domains: number, rules: number, applied: string, checked: string[], notices: number,
 *   notice: string}} OptionsDom
 */

/** The body of an async function, run in the options page once it is ready: what it shows of blocking. */
export const OPTIONS_DOM = `const deadline = Date.now() + 15000;
  while (document.body?.dataset.state !== 'ready' || !document.body?.dataset.blockingRendered) {
    if (Date.now() > deadline) throw new Error('options not ready: ' + document.body?.dataset.state);
    await new Promise((r) => setTimeout(r, 50));
  }
  const summary = document.querySelector('#blocking-summary');
  return {
    enabled: document.querySelector('#blocking-enabled').checked,
    domains: Number(summary.dataset.domains), rules: Number(summary.dataset.rules), applied: summary.dataset.applied,
    checked: Array.from(document.querySelectorAll('#blocking input[type=checkbox]:checked'), (b) => b.id),
    notices: Number(document.body.dataset.notices),
    notice: document.querySelector('#settings-notices').textContent,
  };`;

/**
 * @typedef {object} Driver
 * @property {(message: object) => Promise<any>} send a runtime message from an extension page
 * @property {(items: object) => Promise<void>} setLocal storage.local.set from an extension page
 * @property {() => Promise<void>} load loads PAGE_URL in the page tab
 * @property {(url: string) => Promise<number>} tabId
 * @property {(tabId: number, requests: number, selector: string) => Promise<void>} clickInPopup opens the popup of
 *   the tab once it shows `requests` requests, clicks `selector` and waits until the popup reports the change done
 * @property {() => Promise<OptionsDom>} options opens the options page and reads its blocking section
 * @property {() => Promise<void>} stopBackground stops the background (Chromium: CDP; Firefox: its idle suspension)
 * @property {(() => Promise<Driver>) | null} restart restarts the browser with the same profile (null: not there)
 */

/**
 * @param {Driver} d
 * @param {import('../../scripts/lib/site-server.mjs').TestServer} server
 * @param {string} browserName
 */
export async function blockingScenario(d, server, browserName) {
  /** Waits until the settings' rules are installed (their fingerprint differs from `before`). */
  const installed = async (/** @type {string} */ before) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const s = await d.send({ type: 'whither:settings-state' });
      if (s?.applied && s.applied !== before) return s;
      if (Date.now() > deadline) throw new Error(`rules not installed: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  /** Loads the page; resolves with the hosts the server received and the report once it counts what it should. */
  const visit = async (/** @type {number} */ blocked, { report = true } = {}) => {
    server.reset();
    await d.load();
    await server.waitFor(isDone);
    const received = server.siteRequests();
    if (!report) return { received, report: null, tabId: -1 };
    const tabId = await d.tabId(`${PAGE_URL}*`);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const r = await d.send({ type: 'whither:report', tabId });
      if (r?.totals?.requests === received.length && (r.totals.blocked_requests ?? 0) === blocked) {
        return { received, report: r, tabId };
      }
      if (Date.now() > deadline) {
        // Which hosts were blocked, and which of the page's requests the server did not receive: tells a rule
        // applied late (the page's first requests blocked, its later ones through) from one never applied.
        const blockedHosts = (r?.hosts ?? []).filter((/** @type {any} */ h) => h.blocked_requests)
          .map((/** @type {any} */ h) => `${h.host} ${h.blocked_requests}`);
        const got = received.map((q) => `${q.host}${q.path}`);
        throw new Error(`${browserName}: report ${JSON.stringify(r?.totals)}; server ${received.length}; want ${blocked} `
          + `blocked; blocked hosts [${blockedHosts.join(', ')}]; received ${got.join(' ')}`);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  const hostsOf = (/** @type {{host: string}[]} */ received) => new Set(received.map((r) => r.host));
  /** @param {any} report @param {string} host */
  const hostOf = (report, host) => report.hosts.find((/** @type {any} */ h) => h.host === host);

  // Off by default: nothing installed, everything arrives.
  const first = await d.send({ type: 'whither:settings-state' });
  assert.equal(JSON.parse(first.settings).blocking.enabled, false);

  // RU blocked, stored as any extension page may (the first format's fields kept).
  await d.setLocal({ settings: { v: 2, home: 'DE', watchlist: ['CN'], history: true, retentionDays: 30,
    privateWindows: false, blocking: { enabled: true, jurisdictions: ['RU'] } } });
  const ru = await installed(first.applied);
  assert.ok(ru.installedRules > 0, `${browserName}: rules installed`);
  let { received, report, tabId } = await visit(YANDEX);
  assert.equal(received.length, ALL - YANDEX, `${browserName}: the server received all but the RU requests`);
  assert.ok(!hostsOf(received).has('mc.yandex.ru'), `${browserName}: no request reached mc.yandex.ru`);
  for (const h of ['www.news.example', 'static.news.example', 'hm.baidu.com', 'www.google-analytics.com']) {
    assert.ok(hostsOf(received).has(h), `${browserName}: ${h} received its requests`);
  }
  assert.equal(report.totals.requests, ALL - YANDEX);
  assert.equal(report.totals.blocked_requests, YANDEX);
  const yandex = report.companies.find((/** @type {any} */ c) => c.id === 'yandex');
  assert.deepEqual([yandex?.requests, yandex?.blocked_requests], [0, YANDEX], `${browserName}: Yandex marked blocked`);
  assert.equal(hostOf(report, 'mc.yandex.ru')?.blocked_requests, YANDEX);
  assert.equal(report.jurisdictions.find((/** @type {any} */ j) => j.country === 'RU')?.blocked_requests, YANDEX);
  // The options page shows the choice, what it blocks, and that its rules are the installed ones.
  const options = await d.options();
  assert.deepEqual(options.checked, ['blocking-enabled', 'block-jurisdictions-RU']);
  assert.ok(options.domains > 10 && options.rules > 0, JSON.stringify(options));
  assert.equal(options.applied, 'true');
  assert.equal(options.notices, 0);

  // The rules survive a stop of the background (dynamic rules are the browser's).
  // The page loads while the background is stopped (it wakes on the page's first request, and may miss the
  // requests made while it starts: only the server's record is checked here).
  await d.stopBackground();
  ({ received } = await visit(YANDEX, { report: false }));
  assert.ok(!hostsOf(received).has('mc.yandex.ru'), `${browserName}: still blocked after the background stopped`);
  assert.equal(received.length, ALL - YANDEX);
  // A load with the background awake again: counted in full.
  ({ received, report, tabId } = await visit(YANDEX));
  // ... and a restart of the browser with the same profile, without a reinstallation.
  if (d.restart) {
    const updates = (await d.send({ type: 'whither:settings-state' })).applied;
    d = await d.restart();
    ({ received, report, tabId } = await visit(YANDEX));
    assert.ok(!hostsOf(received).has('mc.yandex.ru'), `${browserName}: still blocked after a browser restart`);
    assert.equal((await d.send({ type: 'whither:settings-state' })).applied, updates);
  }

  // "Block everywhere" on Baidu in the popup: blocked from the next load on.
  await d.clickInPopup(tabId, ALL - YANDEX, '.controller[data-controller="baidu"] button.block');
  ({ received, report, tabId } = await visit(YANDEX + BAIDU));
  assert.ok(!hostsOf(received).has('hm.baidu.com'), `${browserName}: Baidu blocked after the popup's button`);
  assert.equal(received.length, ALL - YANDEX - BAIDU);
  const settings = JSON.parse((await d.send({ type: 'whither:settings-state' })).settings);
  assert.deepEqual(settings.blocking.companies, ['baidu']);
  assert.deepEqual(settings.watchlist, ['CN'], 'the other settings were kept');

  // "Pause blocking on this site" in the popup: everything arrives from the next load on, until resumed.
  await d.clickInPopup(tabId, ALL - YANDEX - BAIDU, '#pause-site');
  ({ received, report, tabId } = await visit(0));
  assert.equal(received.length, ALL, `${browserName}: everything arrives while blocking is paused`);
  await d.clickInPopup(tabId, ALL, '#pause-site');
  ({ received, report, tabId } = await visit(YANDEX + BAIDU));
  assert.ok(!hostsOf(received).has('mc.yandex.ru'), `${browserName}: blocked again once resumed`);

  // Trusting another site changes nothing on this one.
  assert.deepEqual(await d.send({ type: 'whither:change-settings',
    change: { op: 'trust-site', text: 'other.example', on: true } }), { ok: true });
  ({ received } = await visit(YANDEX + BAIDU));
  assert.ok(!hostsOf(received).has('mc.yandex.ru'), `${browserName}: trust is per site`);

  // "Trust this site" in the popup: nothing is blocked on it.
  await d.clickInPopup(tabId, ALL - YANDEX - BAIDU, '#trust-site');
  ({ received, report } = await visit(0));
  assert.equal(received.length, ALL, `${browserName}: everything arrives on a trusted site`);
  assert.equal(report.totals.blocked_requests ?? 0, 0);

  // No longer trusted, blocking off: everything arrives, and no rule is left.
  assert.deepEqual(await d.send({ type: 'whither:change-settings',
    change: { op: 'trust-site', text: 'news.example', on: false } }), { ok: true });
  ({ received } = await visit(YANDEX + BAIDU));
  assert.ok(!hostsOf(received).has('mc.yandex.ru'));
  assert.deepEqual(await d.send({ type: 'whither:change-settings', change: { op: 'set-blocking', on: false } }),
    { ok: true });
  ({ received } = await visit(0));
  assert.equal(received.length, ALL, `${browserName}: everything arrives with blocking off`);
  const off = await d.send({ type: 'whither:settings-state' });
  assert.notEqual(ru.applied, off.applied);
  assert.equal(off.installedRules, 0, `${browserName}: no rule left`);

  // A malformed value written by some page is ignored with a clear message; the settings and rules in force stay.
  await d.setLocal({ settings: { v: 99, blocking: { enabled: true, jurisdictions: ['US'] } } });
  const shown = await d.options();
  assert.equal(shown.notices, 1, JSON.stringify(shown));
  assert.match(shown.notice, /version 99/);
  assert.equal(shown.enabled, false);
  const kept = await d.send({ type: 'whither:settings-state' });
  assert.deepEqual(JSON.parse(kept.settings).blocking.companies, ['baidu']);
  assert.equal(kept.installedRules, 0);
}
