// The options page's import and removal of the person's own lists (extension/imported.js) with the real pages'
// module validating the files, and the background's lazy loading of the stored lists into the shipped Tracker.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';
import { pages, root, shipped } from './core.mjs';
import { IMPORTED_KEY, MAX_FILE_BYTES, MAX_LISTS, createImportedLoader, importFile, loadImported, normalizeImported,
  removeList } from '../../extension/imported.js';

/** storage.local in memory, counting reads. */
function fakeApi(initial = {}) {
  const store = new Map(Object.entries(initial));
  const api = {
    store,
    reads: 0,
    storage: {
      local: {
        async get(/** @type {string} */ key) {
          api.reads += 1;
          return store.has(key) ? { [key]: structuredClone(store.get(key)) } : {};
        },
        async set(/** @type {Record<string, unknown>} */ items) {
          for (const [k, v] of Object.entries(items)) store.set(k, structuredClone(v));
        },
      },
    },
  };
  return api;
}

const corePages = { importList: (/** @type {string} */ n, /** @type {Uint8Array} */ b) => pages.importList(n, b) };

/** A File-like object of a fixture or of given bytes. */
function file(name, bytes = readFileSync(`${root}tests/fixtures/imported/${name}`)) {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : new Uint8Array(bytes);
  return { name, size: data.length, arrayBuffer: async () => data.slice().buffer };
}

test('each format is validated by the core and stored with its label; the same list again replaces it', async () => {
  const api = fakeApi();
  const cases = [
    ['entities.json', 'disconnect', 'Disconnect', 'CC BY-NC-SA 4.0', 4],
    ['tds.json', 'duckduckgo', 'DuckDuckGo Tracker Radar', 'CC BY-NC-SA 4.0', 3],
    ['trackerdb.json', 'ghostery', 'Ghostery TrackerDB', 'PolyForm licence', 3],
    ['own-list.csv', 'csv', 'own-list.csv', 'licence not stated', 3],
  ];
  for (const [name, format, label, licence, domains] of cases) {
    const entry = await importFile(api, corePages, file(name));
    assert.deepEqual([entry.format, entry.name, entry.licence, entry.domains], [format, label, licence, domains]);
    assert.match(entry.compact, /^whither-list\t1\n/);
  }
  assert.equal((await loadImported(api)).length, 4);
  await importFile(api, corePages, file('own-list.csv', 'only.example,Only\n'));
  const lists = await loadImported(api);
  assert.equal(lists.length, 4, 'replaced, not added');
  assert.equal(lists.at(-1)?.domains, 1);
});

test('a malformed, oversized or one-too-many file is an error and changes nothing', async () => {
  const api = fakeApi();
  await importFile(api, corePages, file('own-list.csv'));
  const before = structuredClone(api.store.get(IMPORTED_KEY));
  for (const [f, expected] of [
    [file('bad.csv', 'domain,owner\nnot a domain,X\n'), /line 2: "not a domain" is not a domain/],
    [file('bad.json', '{"entities": {"A": {"properties": [1]}}}'), /not a list this can read/],
    [file('deep.json', `${'['.repeat(5000)}${']'.repeat(5000)}`), /nested deeper than 32/],
    [file('bin.csv', new Uint8Array([0xff, 0xfe, 0, 1])), /not UTF-8/],
    [{ name: 'huge.json', size: MAX_FILE_BYTES + 1, arrayBuffer: async () => { throw new Error('read'); } }, /larger than 16 MB/],
  ]) {
    await assert.rejects(importFile(api, corePages, f), expected);
    assert.deepEqual(api.store.get(IMPORTED_KEY), before);
  }
  for (let i = 1; i < MAX_LISTS; i += 1) await importFile(api, corePages, file(`l${i}.csv`, `d${i}.example,O\n`));
  await assert.rejects(importFile(api, corePages, file('ninth.csv', 'n.example,O\n')), /at most 8 lists/);
  assert.equal((await loadImported(api)).length, MAX_LISTS);
});

test('removal keeps the others; malformed stored entries are left out', async () => {
  const api = fakeApi();
  const a = await importFile(api, corePages, file('own-list.csv'), () => 1);
  const b = await importFile(api, corePages, file('entities.json'), () => 2);
  assert.notEqual(a.id, b.id);
  assert.deepEqual((await removeList(api, a.id)).map((l) => l.name), ['Disconnect']);
  assert.deepEqual(normalizeImported([null, 5, { id: 'x' }, ...(await loadImported(api))]).map((l) => l.name), ['Disconnect']);
  assert.deepEqual(normalizeImported('nope'), []);
});

test('the background reads the lists only when a report needs them, again after a change, and drops a bad one', async () => {
  const api = fakeApi();
  const loader = createImportedLoader({ api, log: { error: () => {} } });
  const t = new shipped.Tracker();
  const ev = (id, url, type) => ({ stage: 'completed', requestId: id, url, type, method: 'GET' });
  t.event(1, ev('1', 'https://example.org/', 'main_frame'));
  t.event(1, ev('2', 'https://img.unlisted-cdn.example/a.png', 'image'));
  t.event(1, ev('3', 'https://www.google-analytics.com/a.js', 'script'));
  assert.equal(api.reads, 0, 'nothing read before a report is asked for');
  const host = () => JSON.parse(t.popupView(1, [])).report.hosts.find((h) => h.host === 'img.unlisted-cdn.example');

  await loader.ensure(t);
  assert.equal(api.reads, 1);
  assert.equal(host().imported, undefined);

  await importFile(api, corePages, file('own-list.csv'));
  await loader.ensure(t);
  assert.equal(api.reads, 2, 'the old (empty) state is kept until a change is signalled');
  loader.invalidate();
  await loader.ensure(t);
  await loader.ensure(t);
  assert.equal(api.reads, 3, 'read once after the change');
  assert.deepEqual(host().imported, { list: 'own-list.csv', licence: 'licence not stated', owner: 'Unlisted Hosting, Ltd.', country: 'GB' });
  const ga = JSON.parse(t.popupView(1, [])).report.hosts.find((h) => h.host === 'www.google-analytics.com');
  assert.equal(ga.entity, 'google');
  assert.equal(ga.imported, undefined);
  assert.match(t.reportCsv(1), /,"Unlisted Hosting, Ltd\.",GB,own-list\.csv \(licence not stated\)\n/);

  // A fresh Tracker (after a failure of the core) gets the lists too.
  const fresh = new shipped.Tracker();
  fresh.event(1, ev('1', 'https://img.unlisted-cdn.example/a.png', 'main_frame'));
  await loader.ensure(fresh);
  assert.equal(JSON.parse(fresh.popupView(1, [])).report.hosts[0].imported.owner, 'Unlisted Hosting, Ltd.');

  // A tampered stored list loads no list (and never throws out of the loader).
  api.store.set(IMPORTED_KEY, [{ ...(await loadImported(api))[0], compact: 'whither-list\t1\ncsv\tx\ty\nO\t\n\nB.example\t0\n' }]);
  loader.invalidate();
  await loader.ensure(t);
  assert.equal(host().imported, undefined);

  // Removal applies at once.
  await importFile(api, corePages, file('own-list.csv'));
  loader.invalidate();
  await loader.ensure(t);
  assert.equal(host().imported?.owner, 'Unlisted Hosting, Ltd.');
  await removeList(api, (await loadImported(api))[0].id);
  loader.invalidate();
  await loader.ensure(t);
  assert.equal(host().imported, undefined);
});
