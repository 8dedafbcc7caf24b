// The shell's installation of the blocking rules (extension/blocking.js) with the shipped background core (pkg/) on a
// fake storage and declarativeNetRequest: one atomic update (every installed rule removed and the new ones added in
// the same call), nothing done again when the fingerprint of the installed rules is the same (a restarted background
// or browser), a rebuild on every change of the settings key, a malformed stored value that changes nothing, the
// first format migrated without loss, and the paused sites' session rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shipped, pages } from './core.mjs';
import { createBlocking, PAUSED_KEY, RULES_FINGERPRINT_KEY, SETTINGS_KEY } from '../../extension/blocking.js';

/** A storage area of the fake API. */
function area() {
  const store = new Map();
  return {
    store,
    async get(/** @type {string | string[]} */ keys) {
      return Object.fromEntries([keys].flat().filter((k) => store.has(k)).map((k) => [k, structuredClone(store.get(k))]));
    },
    async set(/** @type {Record<string, unknown>} */ items) {
      for (const [k, v] of Object.entries(items)) store.set(k, structuredClone(v));
    },
  };
}

/** A fake declarativeNetRequest that keeps the rules like a browser, and records every update call. */
function fakeDnr() {
  /** @type {Map<number, any>} */
  const dynamic = new Map();
  /** @type {Map<number, any>} */
  const session = new Map();
  /** @type {{removeRuleIds: number[], addRules: any[]}[]} */
  const updates = [];
  /** @param {Map<number, any>} rules @param {{removeRuleIds: number[], addRules: any[]}} u */
  const apply = (rules, u) => {
    const next = new Map(rules);
    for (const id of u.removeRuleIds) next.delete(id);
    for (const r of u.addRules) {
      // The browser refuses the whole update when an id is taken: nothing changes.
      if (next.has(r.id)) throw new Error(`Rule with id ${r.id} already exists`);
      next.set(r.id, r);
    }
    rules.clear();
    for (const [k, v] of next) rules.set(k, v);
  };
  return {
    dynamic,
    session,
    updates,
    getDynamicRules: async () => [...dynamic.values()],
    updateDynamicRules: async (/** @type {any} */ u) => { updates.push(u); apply(dynamic, u); },
    getSessionRules: async () => [...session.values()],
    updateSessionRules: async (/** @type {any} */ u) => apply(session, u),
  };
}

const core = Promise.resolve({
  load: (/** @type {string} */ json, /** @type {string} */ home) => shipped.Settings.load(json, home),
  defaults: (/** @type {string} */ home) => shipped.Settings.defaults(home),
  pauseSite: (/** @type {any} */ p, /** @type {string} */ site, /** @type {boolean} */ on) =>
    shipped.pauseSite(p ?? undefined, site, on),
  pausedRules: (/** @type {any} */ p) => shipped.pausedRules(p ?? undefined),
});

function setup() {
  const local = area();
  const sessionArea = area();
  const dnr = fakeDnr();
  /** @type {unknown[][]} */
  const errors = [];
  const api = { storage: { local, session: sessionArea }, declarativeNetRequest: dnr };
  const blocking = createBlocking({ api, core, locale: () => 'de-DE', log: { error: (...a) => errors.push(a) } });
  return { local, sessionArea, dnr, errors, api, blocking };
}

test('the rules of a change are installed in one update, and again only when they change', async () => {
  const { local, dnr, blocking } = setup();
  await blocking.install();
  // Off by default: no rule; the fingerprint of "nothing" is kept.
  assert.equal(dnr.dynamic.size, 0);
  assert.equal(dnr.updates.length, 1);
  assert.deepEqual(await blocking.change({ op: 'list', list: 'jurisdictions', text: 'RU', on: true, number: 0 }),
    { ok: true });
  assert.deepEqual(await blocking.change({ op: 'set-blocking', list: '', text: '', on: true, number: 0 }), { ok: true });
  const ru = [...dnr.dynamic.values()];
  assert.ok(ru.length > 0);
  assert.ok(ru.every((r) => r.action.type !== 'block' || r.condition.excludedResourceTypes?.includes('main_frame')),
    'main frames are never blocked');
  assert.ok(ru.some((r) => r.condition.requestDomains?.includes('yandex.ru')));
  const stored = local.store.get(SETTINGS_KEY);
  assert.equal(stored.v, 2);
  assert.equal(stored.home, 'DE', 'the default home from the locale');
  assert.deepEqual(stored.blocking.jurisdictions, ['RU']);
  // Atomic: each update removed exactly the rules installed before it, in the same call as it added the new ones.
  const last = dnr.updates[dnr.updates.length - 1];
  assert.ok(last.addRules.length > 0);
  const fingerprint = local.store.get(RULES_FINGERPRINT_KEY);
  assert.match(fingerprint, /^[0-9a-f]{16}$/);

  // A restarted background (or browser: dynamic rules persist) with the same settings does nothing.
  const again = createBlocking({ api: { storage: { local, session: area() }, declarativeNetRequest: dnr }, core,
    locale: () => 'de-DE' });
  const before = dnr.updates.length;
  await again.install();
  assert.equal(dnr.updates.length, before, 'same fingerprint: no update');
  // Rules lost or changed behind its back (another fingerprint stored): installed again, in one call.
  await local.set({ [RULES_FINGERPRINT_KEY]: 'stale' });
  await again.install();
  assert.equal(dnr.updates.length, before + 1);
  assert.deepEqual(dnr.updates[before].removeRuleIds.sort((a, b) => a - b), ru.map((r) => r.id).sort((a, b) => a - b));
  assert.deepEqual([...dnr.dynamic.values()], ru);

  // Off: every rule removed.
  await blocking.change({ op: 'set-blocking', list: '', text: '', on: false, number: 0 });
  assert.equal(dnr.dynamic.size, 0);
  // An invalid change is refused and changes nothing.
  const n = dnr.updates.length;
  const refused = await blocking.change({ op: 'list', list: 'jurisdictions', text: 'XX', on: true, number: 0 });
  assert.equal(refused.ok, false);
  assert.match(String(refused.error), /XX/);
  assert.equal(dnr.updates.length, n);
});

test('a change of the key from any page is applied; a malformed one leaves the rules in force', async () => {
  const { local, dnr, blocking, errors } = setup();
  const value = { v: 2, home: 'DE', blocking: { enabled: true, companies: ['yandex'], unknownKey: 1 } };
  await local.set({ [SETTINGS_KEY]: value });
  await blocking.changed(value);
  const yandex = [...dnr.dynamic.values()];
  assert.ok(yandex.some((r) => r.condition.requestDomains?.includes('yandex.ru')));
  const state = await blocking.state();
  assert.equal(state.error, '');
  assert.deepEqual(JSON.parse(state.notices).map((/** @type {any} */ n) => n.key), ['blocking.unknownKey']);
  assert.equal(state.applied, local.store.get(RULES_FINGERPRINT_KEY));
  assert.equal(state.installedRules, yandex.length);

  // Malformed: an unknown version, a field of the wrong type. Nothing changes, and the page is told why.
  for (const bad of [{ v: 99 }, { v: 2, blocking: { enabled: 'yes' } }]) {
    await local.set({ [SETTINGS_KEY]: bad });
    const n = dnr.updates.length;
    await blocking.changed(bad);
    assert.equal(dnr.updates.length, n, JSON.stringify(bad));
    assert.deepEqual([...dnr.dynamic.values()], yandex);
    const s = await blocking.state();
    assert.notEqual(s.error, '', 'the options page says why');
    assert.deepEqual(JSON.parse(s.settings).blocking.companies, ['yandex'], 'the settings in force stay');
  }
  assert.ok(errors.length >= 2);

  // The options page's view of what the background holds (the pages' core).
  const view = JSON.parse(pages.settingsView((await blocking.state()).settings, '[]', undefined, 'yandex',
    local.store.get(RULES_FINGERPRINT_KEY)));
  assert.equal(view.applied, true);
  assert.equal(view.chosen[0].id, 'yandex');
  // The search finds the ultimate controller of what it names (a person decides about the controller).
  assert.deepEqual(view.found.map((/** @type {any} */ c) => c.id), ['consortium-first']);
});

test('the first format is read without loss and written in the current one on the next change', async () => {
  const { local, blocking } = setup();
  const old = { home: 'FR', watchlist: ['CN', 'five-eyes'], history: false, retentionDays: 90, privateWindows: true };
  await local.set({ [SETTINGS_KEY]: old });
  await blocking.change({ op: 'trust-site', list: '', text: 'https://www.shop.example/cart', on: true, number: 0 });
  const stored = local.store.get(SETTINGS_KEY);
  assert.deepEqual({ ...stored, blocking: undefined, v: undefined },
    { ...old, blocking: undefined, v: undefined });
  assert.equal(stored.v, 2);
  assert.deepEqual(stored.blocking.trustedSites, ['shop.example']);
  assert.equal(stored.blocking.enabled, false);
});

test('pause: session rules above the dynamic ones, replaced whole', async () => {
  const { sessionArea, dnr, blocking } = setup();
  await blocking.pause('news.example', true);
  await blocking.pause('www.other.example', true);
  assert.deepEqual(sessionArea.store.get(PAUSED_KEY).split('\n'), ['news.example', 'other.example']);
  const rules = [...dnr.session.values()];
  assert.equal(rules.length, 1);
  assert.equal(rules[0].action.type, 'allowAllRequests');
  assert.deepEqual(rules[0].condition.requestDomains, ['news.example', 'other.example']);
  assert.deepEqual(rules[0].condition.resourceTypes, ['main_frame']);
  await blocking.pause('news.example', false);
  await blocking.pause('other.example', false);
  assert.equal(dnr.session.size, 0);
  await assert.rejects(blocking.pause('10.0.0.1', true));
});

test('the options page\'s exports are the installed rules and their domains', () => {
  const value = JSON.stringify({ v: 2, blocking: { enabled: true, jurisdictions: ['RU'], trustedSites: ['news.example'] } });
  const installed = JSON.parse(shipped.Settings.load(value, 'DE').rules()).rules;
  assert.deepEqual(JSON.parse(pages.exportBlockList(value, 'dnr')), installed);
  const adblock = pages.exportBlockList(value, 'adblock').split('\n');
  assert.ok(adblock.includes('||yandex.ru^'));
  assert.ok(!adblock.includes('||google.com^'));
  const hosts = pages.exportBlockList(value, 'hosts').split('\n');
  assert.ok(hosts.includes('0.0.0.0 yandex.ru'), hosts.slice(0, 5).join('\n'));
  assert.throws(() => pages.exportBlockList(value, 'pdf'), /pdf/);
  // Blocking off: the export is still what the choices would block (the options page exports before turning on).
  const off = JSON.stringify({ v: 2, blocking: { enabled: false, jurisdictions: ['RU'] } });
  assert.ok(pages.exportBlockList(off, 'adblock').includes('||yandex.ru^'));
  assert.deepEqual(JSON.parse(shipped.Settings.load(off, 'DE').rules()).rules, []);
});
