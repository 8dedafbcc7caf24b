// Classification throughput in Node, side by side in one process on one sample (scripts/bench/sample.mjs):
// Whither's full classification through the wasm API (registrable domain + owner chain + jurisdiction) against
// tldts.getDomain (registrable domain only). Prints ratios (Whither ops/s / tldts ops/s; > 1: Whither is faster),
// each the median of per-round ratios of interleaved rounds.
//   cold: a fresh wasm instance per round (every distinct host classified once in the round);
//   warm: one instance across rounds (its interned classifications and the caller's caches are kept, as in the
//         extension's long-lived background).
// Per host, Whither's side gets what the caller needs (docs/wasm-api.md): the id (`classifyHost`), then once per
// distinct id its registrable domain (`classificationDomain`) and owner (`classificationEntity`), and once per entity
// its object with chain and jurisdiction (`entity`); tldts gets the registrable domain only.
import { performance } from 'node:perf_hooks';
import { getDomain } from 'tldts';
import { TEST_PKG_DIR, coreBytes, loadCore, median, ratios } from '../lib/bench.mjs';
import { hostSample } from './sample.mjs';

// classifyHost and its kin are test-only exports (docs/wasm-api.md): the test build of the same core.
const module = new WebAssembly.Module(coreBytes(TEST_PKG_DIR));
let instances = 0;
/** A fresh instance of the core (a new copy of the glue module, a new wasm instance). */
const freshCore = () => loadCore({ instance: instances++, module, dir: TEST_PKG_DIR });

const N = Number(process.env.BENCH_HOSTS ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const hosts = hostSample(N);
const batches = [];
for (let i = 0; i < hosts.length; i += 1000) batches.push(hosts.slice(i, i + 1000));
const TLDTS = { allowPrivateDomains: true };

/**
 * What a caller keeps of each distinct classification: its registrable domain and its owner (an entity object with
 * chain, controller and jurisdiction, fetched once per entity): two cheap calls per distinct host, one object per
 * entity, none per host.
 * @typedef {{ domain: string | null, owner: any }} Known
 */
/** A caller's cache of classifications by id, and of entity objects by entity index. */
function cache() {
  return { byId: /** @type {Known[]} */ ([]), entities: /** @type {any[]} */ ([]) };
}
/** @returns {Known} */
function known(/** @type {any} */ core, /** @type {ReturnType<typeof cache>} */ c, /** @type {number} */ id) {
  let k = c.byId[id];
  if (k === undefined) {
    const e = core.classificationEntity(id);
    const owner = e < 0 ? null : (c.entities[e] ??= core.entity(e));
    c.byId[id] = k = { domain: core.classificationDomain(id), owner };
  }
  return k;
}
/** One call per host (classifyHost), then what is known of its id. */
function perHost(/** @type {any} */ core, /** @type {ReturnType<typeof cache>} */ c) {
  let n = 0;
  for (const h of hosts) {
    const k = known(core, c, core.classifyHost(h));
    if (k.domain && k.owner?.jurisdiction !== '') n++;
  }
  return n;
}
/** One call per 1,000 hosts (one string, one array of ids back). */
function batched(/** @type {any} */ core, /** @type {ReturnType<typeof cache>} */ c) {
  let n = 0;
  for (const batch of batches) {
    for (const id of core.classifyHosts(batch.join('\n'))) {
      const k = known(core, c, id);
      if (k.domain && k.owner?.jurisdiction !== '') n++;
    }
  }
  return n;
}
/** One call per host, and the whole classification object (`classification(id)`) once per distinct id. */
function perHostObjects(/** @type {any} */ core, /** @type {Map<number, any>} */ objects) {
  let n = 0;
  for (const h of hosts) {
    const id = core.classifyHost(h);
    let o = objects.get(id);
    if (o === undefined) objects.set(id, (o = core.classification(id)));
    if (o.domain && o.jurisdiction !== '') n++;
  }
  return n;
}

const warmCore = await freshCore();
const warmCache = cache();
/** @type {Record<string, { prepare?: () => Promise<any>, run: (ctx: any) => number }>} */
const contenders = {
  tldts: { run: () => hosts.reduce((n, h) => (getDomain(h, TLDTS) ? n + 1 : n), 0) },
  'classifyHost, cold': { prepare: freshCore, run: (core) => perHost(core, cache()) },
  'classifyHosts batched, cold': { prepare: freshCore, run: (core) => batched(core, cache()) },
  'classifyHost, warm': { run: () => perHost(warmCore, warmCache) },
  'classifyHosts batched, warm': { run: () => batched(warmCore, warmCache) },
  'classifyHost + an object per host, cold': { prepare: freshCore, run: (core) => perHostObjects(core, new Map()) },
  'classify (an object per call)': { run: () => hosts.reduce((n, h) => (warmCore.classify(h).domain ? n + 1 : n), 0) },
};

/** @type {Record<string, number[]>} */
const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
let checksum = 0;
for (let r = -1; r < ROUNDS; r++) { // round -1 warms up the JIT and the warm instance
  for (const [name, c] of Object.entries(contenders)) {
    const ctx = c.prepare ? await c.prepare() : undefined;
    const t0 = performance.now();
    checksum += c.run(ctx);
    if (r >= 0) times[name].push(performance.now() - t0);
  }
}
const ratio = (/** @type {string} */ name) => median(ratios(times.tldts, times[name]));
console.log(`classification throughput: ${N} hosts (${new Set(hosts).size} distinct), ${ROUNDS} rounds; ` +
  `ratio = Whither ops/s / tldts.getDomain ops/s, median of per-round ratios (checksum ${checksum})`);
for (const name of Object.keys(contenders)) {
  const ops = N / (median(times[name]) / 1000);
  const label = name === 'tldts' ? 'tldts.getDomain' : `whither ${name}`;
  console.log(`  ${label.padEnd(48)} ${(ops / 1e6).toFixed(2).padStart(6)} M hosts/s   ratio ` +
    `${(name === 'tldts' ? 1 : ratio(name)).toFixed(2)}x`);
}
