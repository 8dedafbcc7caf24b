// The real background module (extension/background.js with the shipped wasm in pkg/) in Node, on a fake browser
// API: it registers its listeners synchronously, counts requests, and answers messages only from the extension's own
// pages — a content script (same extension id, a web page's URL) or another extension gets no answer at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { wasmPath } from './core.mjs';
import { BASE, EXT_ID, installFakeBrowser } from '../../scripts/lib/fake-browser.mjs';

const chrome = installFakeBrowser();
assert.ok(readFileSync(wasmPath).length > 0);
await import('../../extension/background.js');

/**
 * Sends a message to the background's one listener as `sender`; resolves with whether and what it answered (a
 * listener that returns nothing and calls nothing has not answered: after 300 ms it is taken as no answer).
 * @param {unknown} message @param {unknown} sender
 * @returns {Promise<{answered: boolean, response?: unknown}>}
 */
function send(message, sender) {
  const [listener] = chrome.listeners.get('runtime.onMessage') ?? [];
  return new Promise((resolve) => {
    let done = false;
    const ret = listener(message, sender, (/** @type {unknown} */ response) => {
      done = true;
      resolve({ answered: true, response });
    });
    if (ret !== true && !done) resolve({ answered: false });
    else if (ret !== true) resolve({ answered: true });
  });
}

const own = { id: EXT_ID, url: `${BASE}extension/popup.html` };

test('the background registers its listeners at once, one message listener and no external one', () => {
  assert.equal(chrome.listeners.get('runtime.onMessage')?.length, 1);
  assert.equal(chrome.listeners.get('runtime.onMessageExternal'), undefined);
  for (const name of ['onBeforeRequest', 'onBeforeRedirect', 'onCompleted', 'onErrorOccurred']) {
    assert.equal(chrome.listeners.get(`webRequest.${name}`)?.length, 1, name);
  }
});

test('requests are counted and the extension\'s own pages get the report', async () => {
  const [before] = chrome.listeners.get('webRequest.onBeforeRequest') ?? [];
  before({ tabId: 3, requestId: '1', url: 'https://www.news.example/', type: 'main_frame', method: 'GET' });
  before({ tabId: 3, requestId: '2', url: 'https://mc.yandex.ru/watch/1', type: 'script', method: 'GET' });
  const { answered, response } = await send({ type: 'whither:report', tabId: 3 }, own);
  assert.ok(answered);
  assert.equal(/** @type {any} */ (response).totals.requests, 2);
  const view = await send({ type: 'whither:options-view' }, own);
  assert.ok(JSON.parse(/** @type {string} */ (view.response)).jurisdictions.includes('RU'));
});

test('a content script, another extension, a web page or a malformed message gets no answer', async () => {
  for (const [message, sender] of [
    // A content script: this extension's id, but a web page's URL (and a tab).
    [{ type: 'whither:report', tabId: 3 }, { id: EXT_ID, url: 'https://www.news.example/', tab: { id: 3 } }],
    [{ type: 'whither:health' }, { id: EXT_ID, url: 'https://evil.example/', tab: { id: 3 }, frameId: 0 }],
    [{ type: 'whither:clear-history' }, { id: EXT_ID, url: 'https://evil.example/' }],
    // Another extension, with or without a URL of its own.
    [{ type: 'whither:report', tabId: 3 }, { id: 'other@extension', url: 'chrome-extension://other/x.html' }],
    [{ type: 'whither:popup', tabId: 3 }, { id: 'other@extension' }],
    // A page of another extension that claims our id in its URL only.
    [{ type: 'whither:report', tabId: 3 }, { id: 'other', url: `${BASE}extension/popup.html` }],
    [{ type: 'whither:report', tabId: 3 }, null],
    // Well-sent but malformed messages.
    [{ type: 'whither:report', tabId: -1 }, own],
    [{ type: 'whither:report', tabId: '3' }, own],
    [{ type: 'whither:unknown' }, own],
    ['whither:report', own],
  ]) {
    const r = await send(message, sender);
    assert.equal(r.answered, false, JSON.stringify([message, sender]));
  }
  // The history is still there: nothing was cleared by the refused message.
  const { response } = await send({ type: 'whither:report', tabId: 3 }, own);
  assert.equal(/** @type {any} */ (response).totals.requests, 2);
});
