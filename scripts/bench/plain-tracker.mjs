// The same job as Whither's Tracker, written as a peer would in plain JS: what scripts/bench/events.mjs measures
// Whither against. tldts finds the registrable domain; a Map of listed domain → entity, built from the same
// database (data/entities/*.toml), gives the owner by the longest listed suffix down to the ICANN registrable
// domain; the ownership chain is walked to the ultimate controller (wholly-owned, majority and controlling links)
// whose headquarters is the jurisdiction; each tab's visit is aggregated in plain objects (per host: requests,
// types, data requests, redirects, cached loads, IP; per company and jurisdiction: requests). A request's stages are
// counted once per (request id, URL), as the core does (src/tracker/mod.rs): a redirect is one more hop (a request
// to the host that redirected, and one to the next), an internal redirect (HSTS) or a cache-only attempt is no
// request, a load from the cache is counted as `cached`, a top-level navigation starts a new visit.
import { readFileSync, readdirSync } from 'node:fs';
import { getDomain, getHostname, parse } from 'tldts';

/**
 * The database as a peer would ship it (one JSON file): entities `[id, country, parent id, control]` and listed
 * domains `[domain, entity id]`.
 * @typedef {{ entities: [string, string, string | null, string | null][], domains: [string, string][] }} PlainData
 */

/**
 * Reads what the job needs of data/entities/*.toml: `id`, `country`, `domains` and `[parent]`'s `id` and `control`
 * (a reading of just these fields of the files' regular layout, data/README.md; not a TOML parser).
 * @param {string} dir
 * @returns {PlainData}
 */
export function readEntities(dir) {
  /** @type {PlainData} */
  const data = { entities: [], domains: [] };
  const str = (/** @type {string} */ text, /** @type {string} */ key) =>
    text.match(new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, 'm'))?.[1] ?? null;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.toml')).sort()) {
    const text = readFileSync(`${dir}/${file}`, 'utf8');
    // The top-level keys come before the first table header.
    const top = text.split(/^\[/m)[0];
    const id = str(top, 'id');
    const country = str(top, 'country');
    if (!id || !country) throw new Error(`${dir}/${file}: no id or country`);
    const parentTable = text.match(/^\[parent\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m)?.[1] ?? '';
    data.entities.push([id, country, str(parentTable, 'id'), str(parentTable, 'control')]);
    const list = top.match(/^domains\s*=\s*\[([\s\S]*?)\]/m)?.[1] ?? '';
    for (const [, domain] of list.matchAll(/"([^"]+)"/g)) data.domains.push([domain, id]);
  }
  return data;
}

/** @typedef {{ id: string, country: string, controller: string, jurisdiction: string }} PlainOwner */
/** @typedef {{ name: string, domain: string | null, owner: PlainOwner | null }} PlainHost */
/**
 * @typedef {{ host: string, domain: string | null, entity: string | null, controller: string | null,
 *   jurisdiction: string | null, requests: number, data_requests: number, types: Record<string, number>,
 *   ip: string | null, redirects: number, cached: number, owner: PlainOwner | null }} PlainHostRow
 */
/**
 * @typedef {{ page: string, hosts: Map<string, PlainHostRow>, companies: Map<string, number>,
 *   jurisdictions: Map<string, number>, unparseable: number, fetches: number }} PlainVisit
 */
/** @typedef {{ url: string, seq: number, done: boolean, counted: boolean, hops: number, chain: string[] }} PlainSeen */
/** @typedef {{ visit: PlainVisit | null, seq: number, main: string | null, seen: Map<string, PlainSeen> }} PlainTab */

const CONTROLLING = new Set(['wholly-owned', 'majority', 'controlling']);
const TYPE_NAMES = new Set(['main_frame', 'sub_frame', 'stylesheet', 'script', 'image', 'font', 'object',
  'xmlhttprequest', 'ping', 'csp_report', 'media', 'websocket', 'webtransport', 'webbundle', 'other']);
const TYPE_ALIASES = /** @type {Record<string, string>} */ ({ beacon: 'ping', imageset: 'image',
  object_subrequest: 'object', fetch: 'xmlhttprequest' });
const DATA_TYPES = new Set(['ping', 'csp_report', 'websocket', 'webtransport']);
const DATA_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const MAX_SEEN = 4000;
const PRIVATE = { allowPrivateDomains: true };

/**
 * The owner lookup: the JSON text of a PlainData parsed and indexed (the cold start of a peer's background).
 * @param {string} json
 */
export function plainDatabase(json) {
  const data = /** @type {PlainData} */ (JSON.parse(json));
  /** @type {Map<string, { country: string, parent: string | null }>} */
  const entities = new Map();
  for (const [id, country, parent, control] of data.entities) {
    entities.set(id, { country, parent: parent && control && CONTROLLING.has(control) ? parent : null });
  }
  /** @type {Map<string, string>} */
  const domains = new Map(data.domains);
  /** @type {Map<string, PlainOwner>} */
  const owners = new Map();
  /** The entity with its ultimate controller and jurisdiction (the chain walked once per entity). */
  const ownerOf = (/** @type {string} */ id) => {
    let owner = owners.get(id);
    if (owner) return owner;
    let controller = id;
    for (let depth = 0; depth < 32; depth++) {
      const parent = entities.get(controller)?.parent;
      if (!parent) break;
      controller = parent;
    }
    owner = { id, country: entities.get(id)?.country ?? '', controller,
      jurisdiction: entities.get(controller)?.country ?? '' };
    owners.set(id, owner);
    return owner;
  };
  return {
    /**
     * The owner of a host: the longest listed suffix of it, down to its ICANN registrable domain.
     * @param {string} hostname @param {string | null} icann
     * @returns {PlainOwner | null}
     */
    owner(hostname, icann) {
      const stop = (icann ?? hostname).length;
      let key = hostname;
      for (;;) {
        const id = domains.get(key);
        if (id !== undefined) return ownerOf(id);
        const dot = key.indexOf('.');
        if (dot < 0 || key.length - dot - 1 < stop) return null;
        key = key.slice(dot + 1);
      }
    },
  };
}

/**
 * Every tab's current visit, fed by webRequest events: `event(tabId, stage, details)` with the stage names of
 * extension/events.js and the browser's details object.
 * @param {ReturnType<typeof plainDatabase>} db
 */
export function plainTracker(db) {
  /** @type {Map<number, PlainTab>} */
  const tabs = new Map();
  /** Hosts classified so far (hostname → registrable domain and owner), shared by all tabs. */
  /** @type {Map<string, PlainHost>} */
  const classified = new Map();

  /** @param {string} hostname @returns {PlainHost} */
  const classify = (hostname) => {
    let c = classified.get(hostname);
    if (c) return c;
    const p = parse(hostname, PRIVATE);
    if (p.isIp) {
      c = { name: hostname.startsWith('[') ? hostname.slice(1, -1) : hostname, domain: null, owner: null };
    } else {
      // A name that is itself a private suffix (`digitaloceanspaces.com`) has no registrable domain, but an ICANN
      // one, where its owner is looked up.
      const icann = p.isPrivate || !p.domain ? getDomain(hostname) : p.domain;
      c = { name: hostname, domain: p.domain, owner: icann ? db.owner(hostname, icann) : null };
    }
    classified.set(hostname, c);
    return c;
  };

  /** @param {string} url @returns {PlainVisit} */
  const newVisit = (url) => ({ page: url, hosts: new Map(), companies: new Map(), jurisdictions: new Map(),
    unparseable: 0, fetches: 0 });
  /** @param {PlainTab} tab @param {string} url */
  const startVisit = (tab, url) => {
    tab.visit = newVisit(url);
    tab.seq += 1;
    tab.main = null;
  };
  /** @param {Map<string, number>} m @param {string} k @param {number} d */
  const add = (m, k, d) => {
    const n = (m.get(k) ?? 0) + d;
    if (n > 0) m.set(k, n); else m.delete(k);
  };
  /** @param {unknown} type */
  const typeName = (type) => {
    const t = typeof type === 'string' ? TYPE_ALIASES[type] ?? type : 'other';
    return TYPE_NAMES.has(t) ? t : 'other';
  };
  /** @param {PlainVisit} v @param {PlainHostRow} row @param {Record<string, unknown>} d @param {number} by */
  const count = (v, row, d, by) => {
    const type = typeName(d.type);
    row.requests += by;
    row.types[type] = (row.types[type] ?? 0) + by;
    if (row.types[type] <= 0) delete row.types[type];
    if (DATA_TYPES.has(type) || DATA_METHODS.has(String(d.method ?? '').toUpperCase())) row.data_requests += by;
    if (row.owner) {
      add(v.companies, row.owner.id, by);
      add(v.jurisdictions, row.owner.jurisdiction, by);
    }
  };
  /** @param {string} url @returns {string | null} */
  const hostOf = (url) => getHostname(url);
  /** @param {PlainVisit} v @param {Record<string, unknown>} d */
  const record = (v, d) => {
    const hostname = hostOf(String(d.url));
    if (!hostname) {
      v.unparseable += 1;
      return true;
    }
    let row = v.hosts.get(hostname);
    if (!row) {
      const c = classify(hostname);
      row = { host: c.name, domain: c.domain, entity: c.owner?.id ?? null, controller: c.owner?.controller ?? null,
        jurisdiction: c.owner?.jurisdiction ?? null, requests: 0, data_requests: 0, types: {}, ip: null,
        redirects: 0, cached: 0, owner: c.owner };
      v.hosts.set(hostname, row);
    }
    count(v, row, d, 1);
    if (typeof d.ip === 'string' && d.ip) row.ip = d.ip;
    return true;
  };
  /** What the event says became of its hop (src/tracker/mod.rs `Event::outcome`). @param {string} stage @param {Record<string, unknown>} d */
  const outcomeOf = (stage, d) => {
    const cached = d.fromCache === true;
    if (stage === 'redirect') {
      if (cached) return 'cached';
      const internal = (typeof d.statusLine === 'string' && d.statusLine.includes('Internal Redirect'))
        || (d.statusCode === 307 && !d.ip);
      return internal ? 'not-sent' : 'redirected';
    }
    if (stage === 'error') return d.error === 'net::ERR_CACHE_MISS' ? 'not-sent' : null;
    if ((stage === 'response' || stage === 'completed') && cached) return 'cached';
    return null;
  };
  /** @param {PlainTab} tab @param {PlainSeen} seen @param {Record<string, unknown>} d @param {string} outcome */
  const settle = (tab, seen, d, outcome) => {
    if (!seen.counted || seen.seq !== tab.seq || !tab.visit) return false;
    const v = tab.visit;
    if (outcome !== 'redirected') {
      seen.counted = false;
      seen.hops -= 1;
      if (seen.hops === 0) v.fetches -= 1;
    }
    const row = v.hosts.get(hostOf(String(d.url)) ?? '');
    if (!row) {
      if (outcome !== 'redirected' && v.unparseable > 0) v.unparseable -= 1;
      return outcome !== 'redirected';
    }
    if (outcome === 'redirected') {
      row.redirects += 1;
    } else {
      count(v, row, d, -1);
      if (outcome === 'cached') row.cached += 1;
      if (row.requests === 0 && row.cached === 0) v.hosts.delete(hostOf(String(d.url)) ?? '');
    }
    return true;
  };
  /** @param {PlainTab} tab @param {string} id @param {string} url @param {boolean} done @param {boolean} counted @param {number} hops */
  const remember = (tab, id, url, done, counted, hops) => {
    if (tab.seen.size >= MAX_SEEN) {
      for (const [k, s] of tab.seen) if (s.done && s.seq !== tab.seq) tab.seen.delete(k);
      if (tab.seen.size >= MAX_SEEN) for (const [k, s] of tab.seen) if (s.done) tab.seen.delete(k);
    }
    const before = tab.seen.get(id);
    const chain = before && before.seq === tab.seq ? [...before.chain, before.url].slice(-16) : [];
    tab.seen.set(id, { url, seq: tab.seq, done, counted, hops, chain });
  };

  return {
    /**
     * One webRequest event; returns whether the tab's visit changed.
     * @param {number} tabId @param {string} stage @param {Record<string, unknown>} d
     */
    event(tabId, stage, d) {
      if (tabId < 0) return false;
      let tab = tabs.get(tabId);
      if (!tab) tabs.set(tabId, (tab = { visit: null, seq: 0, main: null, seen: new Map() }));
      const id = String(d.requestId);
      const url = String(d.url);
      const seen = tab.seen.get(id);
      if (seen && seen.seq === tab.seq && seen.url !== url && seen.chain.includes(url)) return false;
      const known = seen !== undefined && seen.url === url;
      if (d.type === 'main_frame' && !known) {
        if (tab.visit && tab.main === id) tab.visit.page = url;
        else {
          if (stage === 'before' || tab.visit?.page !== url) startVisit(tab, url);
          tab.main = id;
        }
      }
      const last = stage === 'redirect' || stage === 'completed' || stage === 'error';
      const outcome = outcomeOf(stage, d);
      if (known) {
        const done = seen.done;
        seen.done ||= last;
        let changed = false;
        if (typeof d.ip === 'string' && d.ip && tab.visit) {
          const row = tab.visit.hosts.get(hostOf(url) ?? '');
          if (row && row.ip !== d.ip) {
            row.ip = d.ip;
            changed = true;
          }
        }
        if (!done && outcome) changed = settle(tab, seen, d, outcome) || changed;
        return changed;
      }
      const earlier = seen && seen.seq === tab.seq ? seen.hops : 0;
      if (!tab.visit) startVisit(tab, typeof d.documentUrl === 'string' ? d.documentUrl : '');
      const visit = /** @type {PlainVisit} */ (tab.visit);
      if (outcome === 'not-sent') {
        remember(tab, id, url, last, false, earlier);
        return false;
      }
      const changed = record(visit, d);
      if (earlier === 0) visit.fetches += 1;
      remember(tab, id, url, last, true, earlier + 1);
      const now = /** @type {PlainSeen} */ (tab.seen.get(id));
      return (outcome ? settle(tab, now, d, outcome) : false) || changed;
    },

    /** The tab's visit: per host, company and jurisdiction (null without one). @param {number} tabId */
    visit(tabId) {
      return tabs.get(tabId)?.visit ?? null;
    },

    /** The badge's figures. @param {number} tabId */
    summary(tabId) {
      const v = tabs.get(tabId)?.visit;
      if (!v) return null;
      let requests = v.unparseable;
      let data = 0;
      for (const row of v.hosts.values()) {
        requests += row.requests;
        data += row.data_requests;
      }
      return { requests, companies: v.companies.size, jurisdictions: v.jurisdictions.size, data_requests: data };
    },
  };
}
