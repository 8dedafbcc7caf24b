// A deterministic page-load sample of webRequest events, as the background receives them (extension/events.js
// STAGES: onBeforeRequest, onBeforeRedirect, onCompleted, onErrorOccurred; never onResponseStarted), with the details
// objects of Chrome's webRequest API: several tabs loading pages at once, each page a main frame and its
// subresources, their stages interleaved in time; hosts drawn from the benchmarks' host sample (sample.mjs: third
// parties by prevalence, repeated hosts, first parties, unknown domains, IPs), redirects (a server's 302 to another
// host, HSTS's "307 Internal Redirect" to https), loads from the cache, blocked and failed requests.
import { hostSample, rng } from './sample.mjs';

/**
 * One webRequest event as a listener receives it: which listener (`name`, a key of STAGES) and its details.
 * with the sample's number of the page load it belongs to, and of its request (`request`, for a fresh `requestId` per
 * replay: see `renumber`).
 * @typedef {{ name: 'onBeforeRequest' | 'onBeforeRedirect' | 'onCompleted' | 'onErrorOccurred', page: number,
 *   request: number, details: Record<string, unknown> & { tabId: number, requestId: string, url: string,
 *   type: string } }} WebRequestEvent
 */

/** Resource types of a page's subresources, with their weights (roughly those of the HTTP Archive). */
const TYPES = /** @type {[string, number][]} */ ([
  ['script', 0.3], ['image', 0.3], ['xmlhttprequest', 0.12], ['stylesheet', 0.08], ['font', 0.05], ['ping', 0.05],
  ['sub_frame', 0.05], ['media', 0.02], ['other', 0.03],
]);
const PATHS = ['/js/app.js', '/pixel.gif', '/collect?v=2&tid=UA-1', '/css/site.css', '/fonts/a.woff2', '/g/collect',
  '/i/b.png', '/api/v1/events', '/embed/frame.html', '/sync?partner=7'];
// Failures of the network (requests blocked by another extension, `net::ERR_BLOCKED_BY_CLIENT`, are not drawn: how
// the core counts them is the blocking step's).
const ERRORS = ['net::ERR_CONNECTION_RESET', 'net::ERR_CONNECTION_REFUSED', 'net::ERR_NAME_NOT_RESOLVED',
  'net::ERR_ABORTED'];

/**
 * The details object as the browser makes it: its properties set one by one in key order (Chromium converts its
 * sorted dictionary of the event's details so), not a literal or a spread copy (which V8 may lay out otherwise).
 * @param {Record<string, unknown>} fields
 * @returns {WebRequestEvent['details']}
 */
function detailsObject(fields) {
  /** @type {Record<string, unknown>} */
  const details = {};
  for (const key of Object.keys(fields).sort()) details[key] = fields[key];
  return /** @type {WebRequestEvent['details']} */ (details);
}

/**
 * @param {{ tabs?: number, pages?: number, seed?: number }} [options] `pages`: page loads in all (spread over the
 *   tabs); each page makes 20–180 requests.
 * @returns {{ events: WebRequestEvent[], requests: number, pages: number, tabs: number, hosts: number }}
 */
export function eventSample({ tabs = 6, pages = 240, seed = 0x5eed } = {}) {
  const random = rng(seed ^ 0x9e3779b9);
  const pool = hostSample(Math.max(20_000, pages * 120), seed);
  let next = 0;
  const nextHost = () => pool[next++ % pool.length];
  const domainName = (/** @type {string} */ h) => !/[0-9]$/.test(h) && !h.includes(':');
  const urlOf = (/** @type {string} */ host, /** @type {string} */ path, scheme = 'https') =>
    `${scheme}://${host.includes(':') ? `[${host}]` : host}${path}`;
  const pick = (/** @type {string[]} */ xs) => xs[Math.floor(random() * xs.length)];
  const typeOf = () => {
    let x = random();
    for (const [t, w] of TYPES) if ((x -= w) < 0) return t;
    return 'other';
  };
  // A host's server address: the same for all its requests (a host's address rarely changes within a session).
  const ip = (/** @type {string} */ url) => {
    let h = 0x811c9dc5;
    for (const c of url.split('/')[2]) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    return `${1 + (h % 222)}.${(h >>> 8) & 255}.${(h >>> 16) & 255}.${1 + ((h >>> 24) % 254)}`;
  };

  /** @type {{ at: number, event: WebRequestEvent }[]} */
  const timeline = [];
  let requestIds = 1000;
  let requests = 0;
  const hosts = new Set();
  const clock = Array.from({ length: tabs }, () => Math.floor(random() * 2000));
  const EPOCH = 1_764_000_000_000;
  for (let p = 0; p < pages; p++) {
    const tabId = 1 + (p % tabs);
    let page = nextHost();
    while (!domainName(page)) page = nextHost();
    const start = clock[tabId - 1];
    const documentUrl = urlOf(page, '/');
    let end = start;
    /**
     * A request's events: `hops` its URLs (one without redirects), `how` what became of it.
     * @param {{ hops: string[], type: string, method: string, at: number, frameId: number,
     *   how: 'complete' | 'cached' | 'redirect' | 'internal' | 'error' }} r
     */
    const request = ({ hops, type, method, at, frameId, how }) => {
      const number = requestIds++;
      const requestId = String(number);
      requests += 1;
      const base = { frameId, parentFrameId: frameId ? 0 : -1, method, requestId, tabId, type,
        documentId: `D${tabId}-${p}`, documentLifecycle: 'active', frameType: frameId ? 'sub_frame' : 'outermost_frame',
        ...(type === 'main_frame' ? {} : { initiator: urlOf(page, '').replace(/\/$/, '') }) };
      let t = at;
      const push = (/** @type {WebRequestEvent['name']} */ name, /** @type {Record<string, unknown>} */ extra) => {
        timeline.push({ at: t, event: { name, page: p, request: number, details: detailsObject(
          { ...base, ...extra, timeStamp: EPOCH + t }) } });
        end = Math.max(end, t);
      };
      hops.forEach((url, i) => {
        hosts.add(url.split('/')[2]);
        push('onBeforeRequest', { url });
        t += 5 + Math.floor(random() * 120);
        if (i < hops.length - 1) {
          const internal = how === 'internal';
          push('onBeforeRedirect', { url, redirectUrl: hops[i + 1], fromCache: false,
            statusCode: internal ? 307 : 302, statusLine: internal ? 'HTTP/1.1 307 Internal Redirect' : 'HTTP/1.1 302 Found',
            ...(internal ? {} : { ip: ip(url) }) });
          t += 1;
        } else if (how === 'error') {
          push('onErrorOccurred', { url, error: pick(ERRORS), fromCache: false });
        } else {
          push('onCompleted', { url, fromCache: how === 'cached', statusCode: 200, statusLine: 'HTTP/1.1 200',
            ...(how === 'cached' ? {} : { ip: ip(url) }) });
        }
      });
    };
    // The main document: a redirect from the bare domain now and then (same request id: the same visit).
    const main = page.startsWith('www.') && random() < 0.2
      ? [urlOf(page.slice(4), '/'), documentUrl] : [documentUrl];
    request({ hops: main, type: 'main_frame', method: 'GET', at: start, frameId: 0, how: main.length > 1 ? 'redirect' : 'complete' });
    const n = 20 + Math.floor(random() ** 1.5 * 160);
    for (let i = 0; i < n; i++) {
      const at = start + 150 + Math.floor(random() * 2500);
      const own = random() < 0.3;
      const host = own ? (random() < 0.5 ? page : `static.${page.replace(/^www\./, '')}`) : nextHost();
      const type = own && random() < 0.4 ? pick(['stylesheet', 'script', 'image', 'font']) : typeOf();
      const method = type === 'xmlhttprequest' && random() < 0.4 ? 'POST' : 'GET';
      const path = pick(PATHS);
      const r = random();
      const how = r < 0.78 ? 'complete' : r < 0.86 ? 'cached' : r < 0.92 ? 'redirect' : r < 0.95 ? 'internal' : 'error';
      const hops = how === 'redirect' ? [urlOf(host, path), urlOf(nextHost(), '/sync?id=1')]
        : how === 'internal' && domainName(host) ? [urlOf(host, path, 'http'), urlOf(host, path)]
          : [urlOf(host, path)];
      request({ hops, type, method, at, frameId: type === 'sub_frame' ? 1 + (i % 3) : 0,
        how: how === 'internal' && hops.length === 1 ? 'complete' : how });
    }
    clock[tabId - 1] = end + 500 + Math.floor(random() * 5000); // the next page in this tab, after this one's end
  }
  // Stable: a request's stages keep their order when two share a time.
  timeline.sort((a, b) => a.at - b.at);
  return { events: timeline.map((e) => e.event), requests, pages, tabs, hosts: hosts.size };
}

/**
 * Gives the sample's requests new ids (`base` + their number), as the browser gives every page load's requests new
 * ones: a replay of the sample in a long-lived tracker is then new page loads, not late events of old ones.
 * @param {WebRequestEvent[]} events @param {number} base
 */
export function renumber(events, base) {
  for (const e of events) e.details.requestId = String(base + e.request);
}
