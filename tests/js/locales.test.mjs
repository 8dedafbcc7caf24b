// The locales: en, de and zh_CN have exactly the same keys with the same placeholders, and every message the
// extension's pages and manifest use exists.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const LOCALES = ['en', 'de', 'zh_CN'];
/** @param {string} p */
const read = (p) => readFileSync(new URL(p, root), 'utf8');
/** @type {Record<string, Record<string, {message: string, placeholders?: Record<string, {content: string}>}>>} */
const messages = Object.fromEntries(LOCALES.map((l) => [l, JSON.parse(read(`_locales/${l}/messages.json`))]));

test('the shipped locales are exactly en, de and zh_CN', () => {
  assert.deepEqual(readdirSync(new URL('_locales/', root)).sort(), [...LOCALES].sort());
});

test('every locale has the same keys', () => {
  const en = Object.keys(messages.en).sort();
  for (const l of LOCALES) assert.deepEqual(Object.keys(messages[l]).sort(), en, `keys of ${l}`);
});

test('every locale declares the same placeholders and uses each declared one', () => {
  for (const [key, en] of Object.entries(messages.en)) {
    const want = Object.keys(en.placeholders ?? {}).sort();
    for (const l of LOCALES) {
      const m = messages[l][key];
      assert.ok(m.message.trim(), `${l}/${key} is empty`);
      assert.deepEqual(Object.keys(m.placeholders ?? {}).sort(), want, `${l}/${key} placeholders`);
      const used = [...m.message.matchAll(/\$([A-Za-z_]+)\$/g)].map((x) => x[1].toLowerCase()).sort();
      assert.deepEqual([...new Set(used)], want, `${l}/${key} uses its placeholders`);
    }
  }
});

test('de and zh_CN are translated, not copies of en', () => {
  for (const l of ['de', 'zh_CN']) {
    const same = Object.keys(messages.en).filter((k) => messages[l][k].message === messages.en[k].message
      && /[a-z]{4}/.test(messages.en[k].message.replace(/\$[A-Z_]+\$/g, '')));
    assert.ok(same.length <= 12, `${l}: ${same.length} messages identical to en: ${same.join(', ')}`);
  }
});

test('every message used by the pages, scripts and manifest exists', () => {
  const used = new Set();
  const dir = new URL('extension/', root);
  for (const file of readdirSync(dir).filter((f) => /\.(html|js)$/.test(f))) {
    const text = readFileSync(new URL(file, dir), 'utf8');
    if (file.endsWith('.html')) {
      for (const m of text.matchAll(/data-i18n(?:-label)?="([^"]+)"/g)) used.add(m[1]);
    } else if (file.endsWith('.js')) {
      for (const m of text.matchAll(/\b(?:msg|rawMsg|getMessage)\('([A-Za-z0-9_]+)'/g)) used.add(m[1]);
    }
  }
  for (const m of read('manifest.json').matchAll(/__MSG_([A-Za-z0-9_]+)__/g)) used.add(m[1]);
  assert.ok(used.size > 60, `found only ${used.size} message uses`);
  const missing = [...used].filter((k) => !(k in messages.en));
  assert.deepEqual(missing, [], 'messages used but not defined');
});

test('every database category and watchlist group has a label', () => {
  const cats = new Set();
  const dir = new URL('data/entities/', root);
  for (const file of readdirSync(dir)) {
    const m = readFileSync(new URL(file, dir), 'utf8').match(/^categories\s*=\s*\[([^\]]*)\]/m);
    for (const c of m?.[1].matchAll(/"([^"]+)"/g) ?? []) cats.add(c[1]);
  }
  assert.ok(cats.size > 10);
  for (const c of cats) assert.ok(`category_${c.replace(/[^a-z0-9]/gi, '_')}` in messages.en, `category ${c}`);
  for (const g of ['outside_eea', 'no_adequacy', 'five_eyes', 'fourteen_eyes']) assert.ok(`watchGroup_${g}` in messages.en);
});
