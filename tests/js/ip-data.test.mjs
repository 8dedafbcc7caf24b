// The IP table (pkg/whither_ip.bin) is loaded lazily: the real background module (extension/background.js with the
// shipped wasm) on a fake browser API does not fetch it at its start nor for requests without a server address,
// fetches it once at the first request with one (or when a page asks for a view), and then locates the servers. A
// damaged or missing table is logged and the product works on without server locations (extension/ip-data.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { installFakeBrowser, ask as askAs, fire as fireAt } from '../../scripts/lib/fake-browser.mjs';
import { createIpData } from '../../extension/ip-data.js';

/** Every URL the background fetched (its wasm, the IP table). @type {string[]} */
const fetched = [];
const chrome = installFakeBrowser((path) => fetched.push(path));
await import('../../extension/background.js');
const ipFetches = () => fetched.filter((p) => p.endsWith('/pkg/whither_ip.bin')).length;

/** @param {unknown} message @returns {Promise<unknown>} the background's answer to one of the extension's pages */
const ask = (message) => askAs(chrome, message);
/** @param {string} name @param {Record<string, unknown>} details */
const fire = (name, details) => fireAt(chrome, name, details);

test('the background fetches the IP table only once it needs it, and once', async () => {
  // The start, a request without a server address and a message that needs no location: no table.
  fire('onBeforeRequest', { tabId: 4, requestId: '1', url: 'https://www.news.example/', type: 'main_frame', method: 'GET' });
  fire('onBeforeRequest', { tabId: 4, requestId: '2', url: 'https://mc.yandex.ru/watch/1', type: 'script', method: 'GET' });
  const options = /** @type {string} */ (await ask({ type: 'whither:options-view' }));
  assert.ok(JSON.parse(options).jurisdictions.includes('RU'));
  assert.ok(fetched.some((p) => p.endsWith('/pkg/whither_bg.wasm')), 'the core was loaded');
  assert.equal(ipFetches(), 0, 'no IP table at the start nor for requests without an address');

  // The first request with a server address: the table is fetched (once, however many follow at once).
  fire('onCompleted', { tabId: 4, requestId: '1', url: 'https://www.news.example/', type: 'main_frame', method: 'GET', ip: '127.0.0.1' });
  fire('onCompleted', { tabId: 4, requestId: '2', url: 'https://mc.yandex.ru/watch/1', type: 'script', method: 'GET', ip: '77.88.55.88' });
  assert.equal(ipFetches(), 1);
  const report = /** @type {any} */ (await ask({ type: 'whither:report', tabId: 4 }));
  assert.equal(ipFetches(), 1, 'fetched once');
  assert.ok(report.ip_data, 'the table is installed');
  const servers = Object.fromEntries(report.hosts.map((/** @type {any} */ h) => [h.host,
    h.servers.map((/** @type {any} */ s) => [s.ip, s.kind, s.country])]));
  assert.deepEqual(servers['www.news.example'], [['127.0.0.1', 'local', null]]);
  assert.deepEqual(servers['mc.yandex.ru'], [['77.88.55.88', 'country', 'RU']]);
  const popup = JSON.parse(/** @type {string} */ (await ask({ type: 'whither:popup', tabId: 4 })));
  assert.equal(popup.ip_data, true);
  assert.equal(ipFetches(), 1, 'still once');
});

test('loading is shared, never rejects, and a damaged table leaves the product without server locations', async () => {
  let fetches = 0;
  /** @type {unknown[][]} */
  const errors = [];
  const good = createIpData({
    fetchBytes: async () => { fetches += 1; return new Uint8Array([1, 2, 3]); },
    install: () => JSON.stringify({ version: 1, date: '2026-11-01', source: 'test', bytes: 3 }),
  });
  assert.equal(good.started, false);
  const [a, b] = await Promise.all([good.load(), good.load()]);
  assert.equal(fetches, 1);
  assert.deepEqual(a, b);
  assert.equal(good.info?.date, '2026-11-01');
  const damaged = createIpData({
    fetchBytes: async () => new Uint8Array([0x57, 0x48, 0x49, 0x50, 9, 0]),
    install: () => { throw new Error('IP table: unknown version 9'); },
    log: { error: (...e) => errors.push(e) },
  });
  assert.equal(await damaged.load(), null);
  assert.equal(await damaged.load(), null, 'not retried: the same answer');
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]?.[1]), /unknown version 9/);
  const missing = createIpData({
    fetchBytes: async () => { throw new Error('pkg/whither_ip.bin: 404'); },
    install: () => '{}',
    log: { error: () => {} },
  });
  assert.equal(await missing.load(), null);
  assert.equal(missing.info, null);
});

test('the core refuses a damaged table with a clear error and keeps the one it has', async () => {
  const { setIpTable } = await import('../../pkg/whither.js');
  const table = readFileSync(new URL('../../pkg/whither_ip.bin', import.meta.url));
  for (const [bytes, error] of /** @type {[Uint8Array, RegExp][]} */ ([
    [new Uint8Array(0), /IP table/],
    [new TextEncoder().encode('not a table at all'), /IP table/],
    [table.subarray(0, table.length >> 1), /IP table/],
    [Uint8Array.from(table.subarray(0, 64), (b, i) => (i === 4 ? 0xee : b)), /IP table/],
  ])) {
    assert.throws(() => setIpTable(bytes), error);
  }
  // The table installed before still answers.
  const report = /** @type {any} */ (await ask({ type: 'whither:report', tabId: 4 }));
  assert.equal(report.hosts.find((/** @type {any} */ h) => h.host === 'mc.yandex.ru')?.servers[0]?.country, 'RU');
});

test('the options page gets the IP data\'s attribution links from the core', async () => {
  const view = JSON.parse(/** @type {string} */ (await ask({ type: 'whither:options-view' })));
  assert.deepEqual(view.ip_attribution.map((/** @type {any} */ l) => l.href), ['https://db-ip.com',
    'https://www.routeviews.org/routeviews/', 'https://www.nro.net/', 'https://creativecommons.org/licenses/by/4.0/']);
  const en = JSON.parse(readFileSync(new URL('../../_locales/en/messages.json', import.meta.url), 'utf8'));
  for (const l of view.ip_attribution) assert.ok(en[l.message]?.message, l.message);
  const info = /** @type {any} */ (await ask({ type: 'whither:ip-data' }));
  assert.match(info.date, /^\d{4}-\d{2}-\d{2}$/);
  assert.match(info.source, /CC BY 4\.0/);
});
