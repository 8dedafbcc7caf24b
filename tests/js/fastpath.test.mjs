// The classification fast path of the wasm core (docs/wasm-api.md, docs/performance.md): classifyHost /
// classifyHosts give ids, classification(id) the same object as classify. Run after `make wasm`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { toPlain } from '../../extension/protocol.js';
import { core, root } from './core.mjs';


const fixture = JSON.parse(readFileSync(`${root}tests/fixtures/cases.json`, 'utf8'));
const inputs = [...(Array.isArray(fixture) ? fixture : fixture.cases).map((/** @type {any} */ c) => c.input),
  'https://WWW.Google-Analytics.com./g/collect', '192.168.0.1', '[::1]:8080', 'a..b', '', 'data:text/plain,x',
  'bucket.s3.amazonaws.com', 'x.y.z.unknown-tld-zz'];

test('classification(classifyHost(x)) is classify(x), for every fixture case', () => {
  for (const input of inputs) {
    const id = core.classifyHost(input);
    assert.equal(typeof id, 'number', JSON.stringify(input));
    assert.deepEqual(toPlain(core.classification(id)), toPlain(core.classify(input)), JSON.stringify(input));
    assert.equal(core.classifyHost(input), id, 'the same input keeps its id');
  }
  const ids = new Set(inputs.map((i) => core.classifyHost(i)));
  assert.equal(ids.size, new Set(inputs).size, 'distinct inputs get distinct ids');
});

test('classificationDomain / classificationEntity / entity give what classification(id) says', () => {
  let owned = 0;
  for (const input of inputs) {
    const id = core.classifyHost(input);
    const full = toPlain(core.classification(id));
    assert.equal(core.classificationDomain(id), full.domain ?? null, JSON.stringify(input));
    const e = core.classificationEntity(id);
    if (!full.entity) {
      assert.equal(e, -1, JSON.stringify(input));
      continue;
    }
    owned++;
    const entity = toPlain(core.entity(e));
    assert.equal(entity.id, full.entity.id);
    assert.equal(entity.name, full.entity.name);
    assert.equal(entity.country, full.entity.country);
    assert.deepEqual(entity.chain, full.chain);
    assert.equal(entity.controller, full.controller);
    assert.equal(entity.jurisdiction, full.jurisdiction);
  }
  assert.ok(owned >= 10, `${owned} owned inputs`);
  assert.equal(core.classificationDomain(4_294_967_294), undefined, 'an unknown id');
  assert.equal(core.classificationEntity(4_294_967_294), -2);
  assert.equal(core.entity(65_535), null);
  assert.equal(core.entity(4_294_967_295), null);
});

test('classifyHosts gives the ids of classifyHost, one per line, in one call', () => {
  const lines = inputs.filter((i) => !i.includes('\n'));
  const batch = [...core.classifyHosts(lines.join('\n'))];
  assert.deepEqual(batch, lines.map((i) => core.classifyHost(i)));
});

test('a full table starts afresh: old ids are forgotten (null), never reused; a batch stays valid',
  () => {
    const first = core.classifyHost('first-of-many.example');
    const many = Array.from({ length: 40_000 }, (_, i) => `h${i}.many.example`);
    const ids = [...core.classifyHosts(many.join('\n'))];
    assert.equal(ids.length, many.length);
    assert.equal(core.classification(first), null, 'the old id is forgotten');
    assert.equal(toPlain(core.classification(ids[0])).input, many[0], 'the whole batch is still there');
    assert.equal(toPlain(core.classification(ids[ids.length - 1])).input, many[many.length - 1]);
    assert.ok(Math.min(...ids) > first, 'ids are never reused');
    assert.equal(core.classification(4_294_967_294), null);
  });
