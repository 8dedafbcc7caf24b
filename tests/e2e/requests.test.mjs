// End to end in headless Chromium and Firefox ESR: data-access requests (docs/requests.md). With the home set to
// Ireland on the options page, the popup of the demo page's tab offers "Ask what they hold" on Criteo; the link
// opens the request page in a new tab with Criteo's privacy contact (the same as `whither request criteo`), the
// services of Criteo that the page contacted and a GDPR letter naming the page; "Copy text" records the request in
// the person's list. The list marks it open on its deadline and overdue the day after, with the Irish Data
// Protection Commission and a complaint: the page takes "today" from its URL (`?today=`, a simulated clock), never
// from a wait. "Ask all companies of this page" prepares one request per controller and lists those without a
// known contact (Baidu).
//
// Run: node --test --test-concurrency=1 tests/e2e/requests.test.mjs   (needs `make build`)

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startServer, PAGE_URL, DONE_BEACON } from '../../scripts/lib/site-server.mjs';
import { launchChromium, launchFirefox, missingBuild, prerequisites, ROOT, within } from './harness.mjs';

const CLI = process.env.WHITHER_CLI ?? path.join(ROOT, 'target/release/whither');
const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === DONE_BEACON.host && r.path === DONE_BEACON.path;
const missing = missingBuild();

/** The local date, as the request page takes it (extension/requests.js `localDate`). */
function localDate(now = new Date()) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The day after a YYYY-MM-DD date. @param {string} date */
function dayAfter(date) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Decodes a mailto URL's parameters. @param {string} url */
function mailtoParts(url) {
  const [to, query] = url.slice('mailto:'.length).split('?');
  const params = Object.fromEntries(query.split('&').map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i), decodeURIComponent(kv.slice(i + 1))];
  }));
  return { to: decodeURIComponent(to), ...params };
}

// Run inside a page (both browsers): the options page sets the home jurisdiction through its own control.
const SET_HOME = `const code = args[0];
  const deadline = Date.now() + 15000;
  // The page may still be loading when this runs (Firefox can evaluate before <body> exists): no body, not ready.
  while (document.body?.dataset.state !== 'ready') {
    if (Date.now() > deadline) throw new Error('options page not ready: ' + document.body?.dataset.state);
    await new Promise((r) => setTimeout(r, 50));
  }
  const home = document.querySelector('#home');
  home.value = code;
  home.dispatchEvent(new Event('change', { bubbles: true }));
  while (!document.querySelector('#saved').textContent) {
    if (Date.now() > deadline) throw new Error('home not saved');
    await new Promise((r) => setTimeout(r, 50));
  }
  return home.value;`;

// Run inside the request page: waits until it is ready (and, with args[0], until the list holds that many requests)
// and reads what it shows.
const READ_REQUEST_PAGE = `const listed = args[0];
  const deadline = Date.now() + 20000;
  for (;;) {
    // Before <body> exists (Firefox may evaluate this while the page is still parsing), nothing is ready yet.
    const b = document.body?.dataset ?? {};
    if (b.state === 'error') throw new Error('request page: ' + document.querySelector('#status').textContent);
    if (b.state === 'ready' && (listed === null || Number(b.listed) === listed)) break;
    if (Date.now() > deadline) throw new Error('request page not ready: ' + b.state + ' ' + b.listed);
    await new Promise((r) => setTimeout(r, 50));
  }
  const text = (root, sel) => root.querySelector(sel)?.textContent ?? null;
  return JSON.parse(JSON.stringify({
    url: location.href,
    status: document.querySelector('#status').hidden ? '' : document.querySelector('#status').textContent,
    law: document.querySelector('#law').value,
    requests: [...document.querySelectorAll('#requests article.request')].map((a) => ({
      key: a.dataset.key,
      email: text(a, '.contact-email'),
      address: text(a, '.contact-address'),
      services: [...a.querySelectorAll('.services li')].map((li) => ({ id: li.dataset.service, text: li.textContent })),
      subject: text(a, '.subject'),
      letter: text(a, '.letter'),
      mailto: a.querySelector('a.mail')?.getAttribute('href') ?? null,
      recorded: text(a, '.recorded'),
    })),
    without: [...document.querySelectorAll('#without-list li')].map((li) => li.dataset.id),
    sent: [...document.querySelectorAll('#sent-list li.sent-request')].map((li) => ({
      id: li.dataset.id, company: li.dataset.company, status: li.dataset.status, deadline: li.dataset.deadline,
      authority: li.querySelector('.complaint')?.dataset.authority ?? null,
      complaint: text(li, '.complaint .letter'),
    })),
    html: [...document.querySelectorAll('script:not([src]), [onerror], [onload]')].length,
  }));`;

/**
 * What `whither request criteo` says (the same core as the page).
 * @param {string} today
 */
function cliRequest(today) {
  return JSON.parse(execFileSync(CLI, ['request', 'criteo', '--home', 'IE', '--format', 'json', '--today', today],
    { encoding: 'utf8' }));
}

/**
 * The request page opened from the popup for Criteo: Criteo's contact, the page's Criteo services, the letter.
 * @param {any} page what READ_REQUEST_PAGE returned
 * @param {any} report the tab's report
 * @param {string} today
 */
function assertCriteoRequest(page, report, today) {
  assert.match(page.url, /request\.html\?tabId=\d+&company=criteo$/);
  assert.equal(page.law, 'gdpr', 'an Irish home: the GDPR');
  assert.equal(page.requests.length, 1, 'the request to Criteo alone');
  const [r] = page.requests;
  const cli = cliRequest(today).requests[0];
  assert.equal(r.key, 'criteo');
  assert.equal(r.email, cli.contact.email);
  assert.equal(r.address, cli.contact.address);
  assert.ok(r.email && r.address, 'Criteo has an e-mail and a postal address');
  const criteo = report.companies.find((/** @type {{id: string}} */ c) => c.id === 'criteo');
  assert.ok(criteo, 'the demo page contacts Criteo');
  assert.deepEqual(r.services.map((/** @type {{id: string}} */ s) => s.id), ['criteo']);
  for (const host of criteo.hosts) {
    assert.ok(r.services[0].text.includes(host), `service line names ${host}`);
    assert.ok(r.letter.includes(host), `letter names ${host}`);
  }
  assert.ok(r.letter.includes(PAGE_URL), 'the letter names the page');
  assert.ok(r.letter.includes('Article 15'), r.letter);
  assert.equal(r.subject, cli.letter.subject);
  // The mail program gets exactly the letter, to Criteo's address.
  const mail = mailtoParts(r.mailto);
  assert.equal(mail.to, r.email);
  assert.equal(mail.subject, r.subject);
  assert.equal(mail.body, r.letter.replace(/\n/g, '\r\n'));
  assert.equal(page.html, 0);
}

/**
 * The list on the deadline (open) and the day after (overdue, with the Irish authority and a complaint).
 * @param {(url: string) => Promise<any>} openRequestPage opens the request page at `url` and reads it
 * @param {string} base the extension's base URL
 * @param {string} deadline
 */
async function assertDeadlines(openRequestPage, base, deadline) {
  const onTheDay = await openRequestPage(`${base}extension/request.html?today=${deadline}`);
  assert.deepEqual(onTheDay.sent.map((/** @type {any} */ s) => [s.company, s.status]), [['criteo', 'open']]);
  const after = await openRequestPage(`${base}extension/request.html?today=${dayAfter(deadline)}`);
  const [s] = after.sent;
  assert.equal(s.status, 'overdue');
  assert.equal(s.authority, 'iedpc');
  assert.ok(s.complaint.includes('Irish Data Protection Commission'), s.complaint);
  assert.ok(s.complaint.includes('Article 77'), s.complaint);
}

/**
 * "Ask all companies of this page": one request per controller, the others listed.
 * @param {any} page
 */
function assertAskAll(page) {
  const keys = page.requests.map((/** @type {{key: string}} */ r) => r.key);
  assert.equal(new Set(keys).size, keys.length, `one request per controller: ${keys}`);
  // Baidu's contact is a web form only (no e-mail): it gets a request too.
  for (const k of ['google', 'criteo', 'meta', 'baidu']) assert.ok(keys.includes(k), `${k} in ${keys}`);
  // Every company of the demo page has a contact in the data now; none is listed as without one. (The list of
  // companies without a contact is tested with Sonobi in tests/js/requests.test.mjs and tests/cli_request.rs.)
  assert.deepEqual(page.without, [], `no company of the page is without a contact: ${page.without}`);
}

test('Chromium: ask what they hold, the list of requests and its deadlines', {
  skip: prerequisites('chromium', missing).skip, timeout: 180_000,
}, async (t) => {
  const { unmet } = prerequisites('chromium', missing);
  if (unmet) assert.fail(unmet);
  const server = await startServer();
  const browser = await launchChromium({ server });
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  const options = await browser.context.newPage();
  await options.goto(`${browser.base}extension/options.html`);
  await options.evaluate(`(async (args) => { ${SET_HOME} })(['IE'])`);
  await browser.page.goto(PAGE_URL, { waitUntil: 'commit' });
  await server.waitFor(isDone);
  const tabId = await browser.tabId(`${PAGE_URL}*`);
  const report = await browser.report(tabId, server.siteRequests().length);
  const popup = await browser.popup(tabId, report.totals.requests);
  await popup.click('.company[data-company="criteo"] summary');
  const [requestPage] = await Promise.all([
    browser.context.waitForEvent('page', { timeout: 15_000 }),
    popup.click('.company[data-company="criteo"] a.ask'),
  ]);
  const today = localDate();
  /** @param {import('playwright-core').Page} p @param {number | null} listed */
  const read = (p, listed = null) => p.evaluate(`(async (args) => { ${READ_REQUEST_PAGE} })([${listed}])`);
  const page = await read(requestPage);
  assertCriteoRequest(page, report, today);
  assert.deepEqual(page.sent, [], 'nothing recorded before it is sent');

  // Copying the text records the request (whatever the clipboard does in a headless browser).
  await requestPage.click('article.request[data-key="criteo"] button.copy');
  const recorded = await read(requestPage, 1);
  assert.equal(recorded.sent[0].company, 'criteo');
  assert.equal(recorded.sent[0].status, 'open');
  assert.equal(recorded.sent[0].deadline, cliRequest(today).requests[0].deadline);
  assert.match(recorded.requests[0].recorded, new RegExp(recorded.sent[0].deadline));

  await assertDeadlines(async (url) => {
    const p = await browser.context.newPage();
    await p.goto(url);
    return read(p, 1);
  }, browser.base, recorded.sent[0].deadline);

  const [all] = await Promise.all([browser.context.waitForEvent('page', { timeout: 15_000 }), popup.click('#ask-all')]);
  assertAskAll(await read(all, 1));
});

test('Firefox: ask what they hold, the list of requests and its deadlines', {
  skip: prerequisites('firefox', missing).skip, timeout: 240_000,
}, async (t) => {
  const { unmet } = prerequisites('firefox', missing);
  if (unmet) assert.fail(unmet);
  const server = await startServer();
  const browser = await launchFirefox({ server });
  t.after(async () => {
    await browser.close();
    await server.close();
  });
  /** WebDriver click on the element matching `css` in the current tab (a real click: user activation). */
  const click = async (/** @type {string} */ css) => {
    const found = await browser.wd('POST', '/element', { using: 'css selector', value: css });
    await browser.wd('POST', `/element/${Object.values(found)[0]}/click`, {});
  };
  /** Clicks a link that opens a new tab and switches to it. */
  const clickToNewTab = async (/** @type {string} */ css) => {
    const before = new Set(await browser.wd('GET', '/window/handles'));
    await click(css);
    const handle = await within((async () => {
      for (;;) {
        const h = (await browser.wd('GET', '/window/handles')).find((/** @type {string} */ x) => !before.has(x));
        if (h) return h;
        await new Promise((r) => setTimeout(r, 50));
      }
    })(), 15_000, `a new tab from ${css}`);
    await browser.wd('POST', '/window', { handle });
    return handle;
  };
  /** @param {number | null} listed */
  const read = (listed = null) => browser.executeInLoadedPage(READ_REQUEST_PAGE, [listed]);

  await browser.openExtensionTab(`${browser.base}extension/options.html`);
  await browser.executeInLoadedPage(SET_HOME, ['IE']);
  await browser.goto(PAGE_URL);
  await server.waitFor(isDone);
  const tabId = await browser.tabId(`${PAGE_URL}*`);
  const report = await browser.report(tabId, server.siteRequests().length);
  await browser.popup(tabId, report.totals.requests);
  const popupHandle = await browser.wd('GET', '/window');
  await click('.company[data-company="criteo"] summary');
  await clickToNewTab('.company[data-company="criteo"] a.ask');
  const today = localDate();
  const page = await read();
  assertCriteoRequest(page, report, today);
  assert.deepEqual(page.sent, []);

  await click('article.request[data-key="criteo"] button.copy');
  const recorded = await read(1);
  assert.equal(recorded.sent[0].company, 'criteo');
  assert.equal(recorded.sent[0].status, 'open');
  assert.equal(recorded.sent[0].deadline, cliRequest(today).requests[0].deadline);

  await assertDeadlines(async (url) => {
    await browser.openExtensionTab(url);
    return read(1);
  }, browser.base, recorded.sent[0].deadline);

  await browser.wd('POST', '/window', { handle: popupHandle });
  await clickToNewTab('#ask-all');
  assertAskAll(await read(1));
});
