// End to end in headless Chromium and Firefox ESR: a person imports their own list (a synthetic CSV) on the options
// page; the demo site's host that Whither's data does not know (cdn.unknown-widgets.example) is labelled in the popup
// with the list's owner, country and name, while a host the data knows keeps Whither's own answer; after the list is
// removed on the options page the label is gone at once.
//
// Run: node --test --test-concurrency=1 tests/e2e/imported-lists.test.mjs   (needs `make build`)

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, PAGE_URL, DONE_BEACON } from '../../scripts/lib/site-server.mjs';
import { launchChromium, launchFirefox, missingBuild, prerequisites, within } from './harness.mjs';

const isDone = (/** @type {{host: string, path: string}} */ r) => r.host === DONE_BEACON.host && r.path === DONE_BEACON.path;
const UNKNOWN = 'cdn.unknown-widgets.example';
const OWNER = 'Widget Holdings Ltd';
const LIST = 'my-widgets.csv';
/** Synthetic: an owner for the unknown host, and a false claim on a host Whither knows (never consulted). */
const CSV = `domain,owner,country\nunknown-widgets.example,${OWNER},nz\ngoogle-analytics.com,Not Google,NZ\n`;

/** In the popup: the imported label of every host, by host name. */
const READ_LABELS = `const out = {};
  for (const li of document.querySelectorAll('li.host[data-host]')) {
    const tag = li.querySelector('.imported-tag');
    if (tag) out[li.dataset.host] = { owner: tag.dataset.importedOwner, list: tag.dataset.importedList,
      text: tag.textContent.trim(), title: tag.title };
  }
  return out;`;

/** In the options page: waits until it is ready and shows `count` lists (0: the "none" line); returns their names. */
const WAIT_LISTS = `const deadline = Date.now() + 15000;
  for (;;) {
    const items = [...document.querySelectorAll('#lists-list li')];
    const names = items.filter((li) => li.dataset.list).map((li) => li.dataset.list);
    if (document.body.dataset.state === 'ready' && names.length === args[0]
      && (args[0] > 0 || items.some((li) => li.classList.contains('none')))) return names;
    if (Date.now() > deadline) throw new Error('lists not shown: ' + document.body.dataset.state + ' '
      + document.querySelector('#lists-status').textContent + ' ' + JSON.stringify(names));
    await new Promise((r) => setTimeout(r, 50));
  }`;

/** @param {Record<string, {owner: string, list: string, text: string, title: string}>} labels */
function assertLabelled(labels) {
  assert.deepEqual(Object.keys(labels), [UNKNOWN], 'only the host the data does not know is labelled');
  const l = labels[UNKNOWN];
  assert.equal(l.owner, OWNER);
  assert.equal(l.list, LIST);
  assert.match(l.text, new RegExp(`${OWNER} \\(NZ\\), per ${LIST.replace('.', '\\.')}`));
  assert.match(l.title, /licence not stated/);
}

/** @param {any} report the report of the message API */
function assertReport(report, labelled) {
  const host = report.hosts.find((/** @type {any} */ h) => h.host === UNKNOWN);
  assert.equal(host.entity, null);
  assert.equal(host.jurisdiction, null);
  if (labelled) {
    assert.deepEqual(host.imported, { list: LIST, licence: 'licence not stated', owner: OWNER, country: 'NZ' });
  } else {
    assert.equal(host.imported, undefined);
  }
  const ga = report.hosts.find((/** @type {any} */ h) => h.host === 'www.google-analytics.com');
  assert.equal(ga.entity, 'google');
  assert.equal(ga.imported, undefined);
  assert.ok(!report.jurisdictions.some((/** @type {any} */ j) => j.country === 'NZ'),
    "the list's countries stay apart from Whither's jurisdictions");
}

const missing = missingBuild();

test('Chromium: an imported list labels an unknown host in the popup, and removing it removes the label',
  { skip: prerequisites('chromium', missing).skip, timeout: 120_000 }, async (t) => {
    const { unmet } = prerequisites('chromium', missing);
    if (unmet) assert.fail(unmet);
    const server = await startServer();
    const tmp = await mkdtemp(path.join(tmpdir(), 'whither-lists-'));
    const browser = await launchChromium({ server });
    t.after(async () => {
      await browser.close();
      await server.close();
      await rm(tmp, { recursive: true, force: true });
    });
    const file = path.join(tmp, LIST);
    await writeFile(file, CSV);

    const options = await browser.context.newPage();
    await options.goto(`${browser.base}extension/options.html`);
    await options.evaluate(`(async (args) => { ${WAIT_LISTS} })([0])`);
    await options.setInputFiles('#list-file', file);
    assert.deepEqual(await options.evaluate(`(async (args) => { ${WAIT_LISTS} })([1])`), [LIST]);

    await browser.page.goto(PAGE_URL, { waitUntil: 'commit' });
    await server.waitFor(isDone);
    const tabId = await browser.tabId(`${PAGE_URL}*`);
    const report = await browser.report(tabId, server.siteRequests().length);
    assertReport(report, true);
    const popup = await browser.popup(tabId, report.totals.requests);
    assertLabelled(await popup.evaluate(`(() => { ${READ_LABELS} })()`));
    await popup.close();

    await options.click(`#lists-list li[data-list="${LIST}"] button`);
    await options.evaluate(`(async (args) => { ${WAIT_LISTS} })([0])`);
    assertReport(await browser.report(tabId, report.totals.requests), false);
    const after = await browser.popup(tabId, report.totals.requests);
    assert.deepEqual(await after.evaluate(`(() => { ${READ_LABELS} })()`), {});
  });

test('Firefox: an imported list labels an unknown host in the popup, and removing it removes the label',
  { skip: prerequisites('firefox', missing).skip, timeout: 150_000 }, async (t) => {
    const { unmet } = prerequisites('firefox', missing);
    if (unmet) assert.fail(unmet);
    const server = await startServer();
    const tmp = await mkdtemp(path.join(tmpdir(), 'whither-lists-'));
    const browser = await launchFirefox({ server });
    t.after(async () => {
      await browser.close();
      await server.close();
      await rm(tmp, { recursive: true, force: true });
    });
    const file = path.join(tmp, LIST);
    await writeFile(file, CSV);
    /** @param {string} css */
    const find = async (css) => {
      const found = await browser.wd('POST', '/element', { using: 'css selector', value: css });
      return /** @type {string} */ (Object.values(found)[0]);
    };

    const optionsHandle = await browser.openExtensionTab(`${browser.base}extension/options.html`);
    await browser.executeInLoadedPage(WAIT_LISTS, [0]);
    await browser.wd('POST', `/element/${await find('#list-file')}/value`, { text: file });
    assert.deepEqual(await browser.executeInLoadedPage(WAIT_LISTS, [1]), [LIST]);

    await browser.goto(PAGE_URL);
    await within(server.waitFor(isDone), 30_000, 'the demo page');
    const tabId = await browser.tabId(`${PAGE_URL}*`);
    const report = await browser.report(tabId, server.siteRequests().length);
    assertReport(report, true);
    await browser.popup(tabId, report.totals.requests);
    assertLabelled(await browser.execute(READ_LABELS));

    await browser.wd('POST', '/window', { handle: optionsHandle });
    await browser.wd('POST', `/element/${await find(`#lists-list li[data-list="${LIST}"] button`)}/click`, {});
    await browser.executeInLoadedPage(WAIT_LISTS, [0]);
    assertReport(await browser.report(tabId, report.totals.requests), false);
    await browser.popup(tabId, report.totals.requests);
    assert.deepEqual(await browser.execute(READ_LABELS), {});
  });
