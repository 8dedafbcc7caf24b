// webRequest events as the core reads them: which listeners the background registers (and why only those), and the
// fields of a browser's event details that are passed on to the core (docs/wasm-api.md).

/**
 * One webRequest event as the core wants it. Absent fields are left out.
 * @typedef {object} RequestEvent
 * @property {Stage} stage
 * @property {string} [requestId]
 * @property {string} [url]
 * @property {string} [type]
 * @property {string} [method]
 * @property {string} [ip]
 * @property {string} [redirectUrl]
 * @property {string} [documentUrl]
 * @property {number} [frameId]
 * @property {number} [timeStamp]
 * @property {string} [error] onErrorOccurred's error (`net::ERR_CACHE_MISS`, …; a request blocked by a rule:
 *   src/tracker `BLOCKED_ERRORS`)
 * @property {number} [statusCode] a redirect's status code
 * @property {string} [statusLine] a redirect's status line
 * @property {boolean} [fromCache] true when the response came from the browser's cache (it went to no server)
 * @property {boolean} [proxy] the request went through a proxy (Firefox's `proxyInfo`): `ip` is the proxy's
 */

/** @typedef {"before" | "redirect" | "response" | "completed" | "error"} Stage */

/**
 * webRequest event name → stage name of the core: the events the background listens to. Every event costs the
 * browser a message to the background, so only those that add something: the start of each hop (what is counted),
 * its end (the server's IP; the hop is finished), redirects and errors (rare). `onResponseStarted` (stage
 * `response`, accepted by the core) would only repeat the IP of `onCompleted`: a third of all events for nothing
 * (docs/performance.md).
 * @type {Readonly<{onBeforeRequest: Stage, onBeforeRedirect: Stage, onCompleted: Stage, onErrorOccurred: Stage}>}
 */
export const STAGES = Object.freeze({
  onBeforeRequest: 'before',
  onBeforeRedirect: 'redirect',
  onCompleted: 'completed',
  onErrorOccurred: 'error',
});

/**
 * Copies the fields the core reads from webRequest details (Chrome's or Firefox's), leaving out absent ones, and
 * whether a proxy was used: those of RequestEvent, each read by name (one of the background's per-event costs:
 * scripts/bench/events.mjs).
 * @param {Stage} stage
 * @param {Record<string, unknown>} details
 * @returns {RequestEvent}
 */
export function eventFromDetails(stage, details) {
  /** @type {Record<string, unknown>} */
  const event = { stage };
  let value;
  if ((value = details.requestId) != null) event.requestId = value;
  if ((value = details.url) != null) event.url = value;
  if ((value = details.type) != null) event.type = value;
  if ((value = details.method) != null) event.method = value;
  if ((value = details.ip) != null) event.ip = value;
  if ((value = details.redirectUrl) != null) event.redirectUrl = value;
  if ((value = details.documentUrl) != null) event.documentUrl = value;
  if ((value = details.frameId) != null) event.frameId = value;
  if ((value = details.timeStamp) != null) event.timeStamp = value;
  if ((value = details.error) != null) event.error = value;
  // What became of the request (src/tracker/mod.rs `Event::outcome`): a redirect's status (Chromium's "307 Internal
  // Redirect" never reached a server), and a load from the cache. Passed only where they say something.
  if (stage === 'redirect') {
    if (typeof details.statusCode === 'number') event.statusCode = details.statusCode;
    if (typeof details.statusLine === 'string') event.statusLine = details.statusLine;
  }
  if (details.fromCache === true) event.fromCache = true;
  // Firefox says which proxy a request went through (null or type "direct": none); Chrome does not say.
  const proxy = /** @type {{type?: unknown} | null | undefined} */ (details.proxyInfo);
  if (proxy && typeof proxy === 'object' && proxy.type !== 'direct') event.proxy = true;
  return /** @type {RequestEvent} */ (event);
}
