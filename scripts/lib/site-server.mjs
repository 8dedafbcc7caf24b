// Local HTTP + HTTPS server of the demo site, shared by the end-to-end tests, the headless demo (scripts/demo.mjs),
// `DEMO_SITE=1 make run` (scripts/run.sh) and the benchmarks (scripts/bench/, with sites of their own).
//
// It serves scripts/demo-site/<hostname>/<path> (or another site directory) under the REAL hostnames of the site's first and third parties
// (www.news.example, www.google-analytics.com, mc.yandex.ru, …). Browsers reach it either
//   - Chromium: `--host-resolver-rules=MAP *:80 127.0.0.1:<httpPort>, MAP *:443 127.0.0.1:<httpsPort>` plus
//     `--ignore-certificate-errors` (see chromiumArgs()), or
//   - Firefox: as an HTTP proxy for http and https (absolute-URI requests and CONNECT; see firefoxPrefs()),
// so that any port works and several runs can share the machine.
// The TLS certificate (self-signed, every site hostname in its SAN) is generated at start-up in memory and never
// written to the repository.
//
// A file `<name>.redirect` makes the server answer requests of `<name>` with a 301 to the address it contains.
//
// Every request is recorded ({host, path, method, …}) so that tests can compare the browser extension's report with
// what the server really received; `waitFor` awaits a request, `hold` keeps a response back until released.
//
// CLI: `node scripts/lib/site-server.mjs [--http-port N] [--https-port N]` runs the server and prints how to reach it.

import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect } from 'node:net';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import selfsigned from 'selfsigned';

/** The demo site: one directory per hostname (the end-to-end tests' expectations: tests/e2e/expected.json). */
export const SITE_DIR = fileURLToPath(new URL('../demo-site/', import.meta.url));
/** The demo page (the first document of a visit). */
export const PAGE_URL = 'https://www.news.example/';
/** The request the page makes last, once every other request has been answered. */
export const DONE_BEACON = { host: 'www.google-analytics.com', path: '/g/collect?v=2&en=done' };

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.gif': 'image/gif',
  '.png': 'image/png', '.txt': 'text/plain; charset=utf-8',
};

/**
 * @typedef {object} RecordedRequest
 * @property {number} seq        order of arrival, from 1
 * @property {string} host       lower-case hostname, no port
 * @property {string} path       path and query, as requested
 * @property {string} method
 * @property {'http'|'https'} scheme
 * @property {boolean} site      true when the host is one of the site's hosts
 * @property {number} status     status code sent (0 while held)
 * @property {string|null} origin   Origin request header
 * @property {string|null} referer  Referer request header
 * @property {string|null} fetchSite  Sec-Fetch-Site header (Chromium, Firefox)
 * @property {string|null} fetchDest  Sec-Fetch-Dest header
 * @property {string|null} userAgent
 */

/** @param {string} dir @returns {string[]} the hostnames served (one directory per host) */
export function siteHosts(dir = SITE_DIR) {
  return readdirSync(dir).filter((name) => statSync(path.join(dir, name)).isDirectory()).sort();
}

/**
 * @param {{ siteDir?: string, httpPort?: number, httpsPort?: number, log?: (line: string) => void }} [options]
 */
export async function startServer(options = {}) {
  const siteDir = options.siteDir ?? SITE_DIR;
  const hosts = siteHosts(siteDir);
  const hostSet = new Set(hosts);
  const log = options.log ?? (() => {});
  const events = new EventEmitter();
  events.setMaxListeners(0);
  /** @type {RecordedRequest[]} */
  const requests = [];
  /** @type {{ match: (r: RecordedRequest) => boolean, reached: (r: RecordedRequest) => void, gate: Promise<void>, open: () => void }[]} */
  const holds = [];

  const pems = await selfsigned.generate([{ name: 'commonName', value: 'Whither test server' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 86_400_000),
    notAfterDate: new Date(Date.now() + 7 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...hosts.map((value) => ({ type: 2, value })), { type: 7, ip: '127.0.0.1' }] },
    ],
  });

  /**
   * @param {'http'|'https'} scheme
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handle(scheme, req, res) {
    let target = req.url ?? '/';
    let hostHeader = req.headers.host ?? '';
    if (/^https?:\/\//i.test(target)) { // absolute-form: we are used as a proxy
      const u = new URL(target);
      hostHeader = u.host;
      target = u.pathname + u.search;
    }
    const host = hostHeader.replace(/:\d+$/, '').replace(/\.$/, '').toLowerCase();
    const h = (/** @type {string} */ name) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : null;
    };
    /** @type {RecordedRequest} */
    const record = {
      seq: requests.length + 1, host, path: target, method: req.method ?? 'GET', scheme, site: hostSet.has(host),
      status: 0, origin: h('origin'), referer: h('referer'), fetchSite: h('sec-fetch-site'),
      fetchDest: h('sec-fetch-dest'), userAgent: h('user-agent'),
    };
    requests.push(record);
    log(`${record.method} ${scheme}://${host}${target}`);
    events.emit('request', record);
    req.resume(); // bodies are not needed

    for (const hold of holds) {
      if (hold.match(record)) {
        hold.reached(record);
        await hold.gate;
      }
    }

    const cors = {
      'access-control-allow-origin': record.origin ?? '*',
      'access-control-allow-credentials': 'true',
      'access-control-allow-headers': 'content-type',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'cache-control': 'no-store',
      vary: 'Origin',
    };
    if (record.method === 'OPTIONS') {
      send(res, record, 204, cors, null);
      return;
    }
    const pathname = decodeURIComponent(target.split('?')[0]);
    let file = path.normalize(path.join(siteDir, host, pathname));
    if (!record.site || !file.startsWith(path.join(siteDir, host))) {
      send(res, record, 404, { 'content-type': 'text/plain', ...cors }, 'not served here\n');
      return;
    }
    if (pathname.endsWith('/')) file = path.join(file, 'index.html');
    // `<file>.redirect` holds the address a request of <file> is redirected to (301), e.g. a site's bare domain to
    // its www host, or a tracker's pixel to another host.
    const location = await readFile(`${file}.redirect`, 'utf8').then((t) => t.trim(), () => null);
    if (location) {
      send(res, record, 301, { location, 'content-type': 'text/plain', ...cors }, 'moved\n');
      return;
    }
    let body;
    try {
      body = await readFile(file);
    } catch {
      send(res, record, 404, { 'content-type': 'text/plain', ...cors }, 'not found\n');
      return;
    }
    const ext = path.extname(file);
    const type = TYPES[ext] ?? (body.subarray(0, 6).toString('latin1') === 'GIF89a' ? 'image/gif' : 'text/plain; charset=utf-8');
    send(res, record, 200, { 'content-type': type, ...cors }, record.method === 'HEAD' ? null : body);
  }

  /**
   * @param {import('node:http').ServerResponse} res @param {RecordedRequest} record @param {number} status
   * @param {Record<string,string>} headers @param {string|Buffer|null} body
   */
  function send(res, record, status, headers, body) {
    record.status = status;
    res.writeHead(status, headers);
    res.end(body ?? undefined);
    events.emit('response', record);
  }

  const https = createHttpsServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    handle('https', req, res).catch((e) => { res.destroy(); log(String(e)); });
  });
  const http = createHttpServer((req, res) => {
    handle('http', req, res).catch((e) => { res.destroy(); log(String(e)); });
  });
  // Proxy mode (Firefox): tunnel CONNECT to our own HTTPS server, whatever the requested host.
  http.on('connect', (req, clientSocket, head) => {
    const upstream = netConnect(httpsPort, '127.0.0.1', () => {
      clientSocket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(clientSocket);
      clientSocket.pipe(upstream);
    });
    const drop = () => { upstream.destroy(); clientSocket.destroy(); };
    upstream.on('error', drop);
    clientSocket.on('error', drop);
  });
  const sockets = new Set();
  for (const server of [http, https]) {
    server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
    server.on('secureConnection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  }
  const listen = (/** @type {import('node:net').Server} */ s, /** @type {number} */ port) =>
    new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve(/** @type {import('node:net').AddressInfo} */ (s.address()).port));
    });
  const httpsPort = /** @type {number} */ (await listen(https, options.httpsPort ?? 0));
  const httpPort = /** @type {number} */ (await listen(http, options.httpPort ?? 0));

  return {
    httpPort,
    httpsPort,
    hosts,
    /** every request received, in order of arrival */
    requests,
    events,
    /** @returns {RecordedRequest[]} requests to the site's hosts */
    siteRequests: () => requests.filter((r) => r.site),
    /** @returns {RecordedRequest[]} requests to any other host (browser background traffic) */
    foreignRequests: () => requests.filter((r) => !r.site),
    /** @returns {Record<string, number>} site requests per host */
    countsByHost() {
      /** @type {Record<string, number>} */
      const counts = {};
      for (const r of requests) if (r.site) counts[r.host] = (counts[r.host] ?? 0) + 1;
      return counts;
    },
    /** Forget the recorded requests (e.g. between two visits). */
    reset() { requests.length = 0; },
    /**
     * Resolves with the first recorded request (past or future) for which `match` is true.
     * @param {(r: RecordedRequest) => boolean} match @param {number} [timeoutMs]
     * @returns {Promise<RecordedRequest>}
     */
    waitFor(match, timeoutMs = 30_000) {
      const found = requests.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          events.off('request', onRequest);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for a request`));
        }, timeoutMs);
        const onRequest = (/** @type {RecordedRequest} */ r) => {
          if (!match(r)) return;
          clearTimeout(timer);
          events.off('request', onRequest);
          resolve(r);
        };
        events.on('request', onRequest);
      });
    },
    /**
     * Holds back the response to the next matching request until `release()` is called.
     * @param {(r: RecordedRequest) => boolean} match
     * @returns {{ reached: Promise<RecordedRequest>, release: () => void }}
     */
    hold(match) {
      /** @type {(r: RecordedRequest) => void} */
      let reached = () => {};
      /** @type {() => void} */
      let open = () => {};
      const reachedP = new Promise((resolve) => { reached = resolve; });
      const gate = new Promise((resolve) => { open = () => resolve(undefined); });
      const entry = { match, reached, gate: /** @type {Promise<void>} */ (gate), open };
      // Once reached, the hold no longer matches further requests.
      entry.match = (r) => {
        if (!match(r)) return false;
        entry.match = () => false;
        return true;
      };
      holds.push(entry);
      return {
        reached: /** @type {Promise<RecordedRequest>} */ (reachedP),
        release: () => {
          open();
          const i = holds.indexOf(entry);
          if (i >= 0) holds.splice(i, 1);
        },
      };
    },
    /** Chromium command-line switches that send every hostname to this server. */
    chromiumArgs() {
      return [
        `--host-resolver-rules=MAP *:80 127.0.0.1:${httpPort}, MAP *:443 127.0.0.1:${httpsPort}, EXCLUDE localhost`,
        '--ignore-certificate-errors',
      ];
    },
    /** Firefox prefs that use this server as the proxy for http and https (use with acceptInsecureCerts). */
    firefoxPrefs() {
      return {
        'network.proxy.type': 1,
        'network.proxy.http': '127.0.0.1',
        'network.proxy.http_port': httpPort,
        'network.proxy.ssl': '127.0.0.1',
        'network.proxy.ssl_port': httpPort,
        'network.proxy.share_proxy_settings': false,
        'network.proxy.no_proxies_on': 'localhost, 127.0.0.1',
        'network.proxy.allow_hijacking_localhost': false,
        'network.dns.disablePrefetch': true,
        'network.http.speculative-parallel-limit': 0,
        'network.prefetch-next': false,
      };
    },
    async close() {
      for (const h of holds) h.open();
      for (const s of sockets) s.destroy();
      await Promise.all([http, https].map((s) => new Promise((resolve) => s.close(() => resolve(undefined)))));
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof startServer>>} TestServer */

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (/** @type {string} */ name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : undefined;
  };
  const server = await startServer({
    httpPort: arg('--http-port'), httpsPort: arg('--https-port'), log: (line) => console.log(line),
  });
  console.log(`Whither test site: http on 127.0.0.1:${server.httpPort}, https on 127.0.0.1:${server.httpsPort}`);
  console.log(`hosts: ${server.hosts.join(' ')}`);
  console.log(`Chromium: ${server.chromiumArgs().map((a) => `'${a}'`).join(' ')} ${PAGE_URL}`);
  console.log(`curl: curl -k --resolve www.news.example:443:127.0.0.1 … or curl -x http://127.0.0.1:${server.httpPort} -k ${PAGE_URL}`);
  const stop = () => server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
