// The deterministic host sample of the benchmarks: 200,000 hosts drawn like a browsing session's requests —
// third parties weighted by their prevalence on the web (shared/data/third-party-prevalence.tsv when it is there,
// else a small built-in list), repeated hosts, deep subdomains, first parties, unknown domains and IP literals.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The prevalence table the sample draws its third parties from (WHITHER_PREVALENCE overrides it). */
export const PREVALENCE = process.env.WHITHER_PREVALENCE ?? `${root}../shared/data/third-party-prevalence.tsv`;

const FALLBACK = [
  ['googletagmanager.com', 0.68], ['doubleclick.net', 0.52], ['google-analytics.com', 0.48], ['facebook.net', 0.3],
  ['gstatic.com', 0.45], ['fonts.googleapis.com', 0.4], ['criteo.com', 0.1], ['yandex.ru', 0.05],
  ['tiktok.com', 0.05], ['cloudfront.net', 0.2], ['amazon-adsystem.com', 0.15], ['hotjar.com', 0.06],
];

/** A small seeded PRNG (mulberry32), so that every run draws the same sample. */
export function rng(seed = 0x5eed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What the sample is drawn from, for a benchmark's output; with `required`, throws when the prevalence table is
 * missing instead of letting the sample fall back to the small built-in list.
 * @param {{ required?: boolean }} [options]
 * @returns {string}
 */
export function sampleSource({ required = false } = {}) {
  if (existsSync(PREVALENCE)) return `${PREVALENCE} (${thirdParties().length} third-party domains)`;
  if (required) {
    throw new Error(`${PREVALENCE} is missing: this benchmark draws its hosts from it (set WHITHER_PREVALENCE to ` +
      'another copy); it does not fall back to the small built-in list');
  }
  return `the built-in list of ${FALLBACK.length} domains (${PREVALENCE} is missing)`;
}

/** @returns {[string, number][]} third-party domains with their prevalence */
export function thirdParties() {
  if (!existsSync(PREVALENCE)) return FALLBACK;
  return readFileSync(PREVALENCE, 'utf8').split('\n').slice(1)
    .map((line) => line.split('\t'))
    .filter((f) => f.length >= 2 && f[0] && Number(f[1]) > 0)
    .map((f) => [f[0], Number(f[1])]);
}

/**
 * @param {number} n
 * @param {number} [seed]
 * @returns {string[]}
 */
export function hostSample(n = 200_000, seed = 0x5eed) {
  const random = rng(seed);
  const pick = (/** @type {any[]} */ xs) => xs[Math.floor(random() * xs.length)];
  const tp = thirdParties();
  const total = tp.reduce((s, [, p]) => s + p, 0);
  const cumulative = [];
  let acc = 0;
  for (const [, p] of tp) cumulative.push((acc += p / total));
  const weighted = () => {
    const x = random();
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1; else hi = mid;
    }
    return tp[lo][0];
  };
  const word = (len = 3 + Math.floor(random() * 8)) =>
    Array.from({ length: len }, () => 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(random() * 36)]).join('');
  const SUBS = ['www', 'cdn', 'static', 'api', 'a1', 'pixel', 'ads', 'img', 'stats', 'eu', 'us-east-1'];
  const TLDS = ['com', 'net', 'org', 'de', 'co.uk', 'com.au', 'fr', 'io', 'ru', 'cn', 'jp', 'com.br', 'github.io',
    's3.amazonaws.com', 'herokuapp.com', 'blogspot.com'];
  // Sites visited in the session (each first party appears many times), and pools of unknown third parties, deep
  // names and IPs; a request picks from a pool with a skew (a few are frequent, most are rare).
  const sites = Array.from({ length: 300 }, () => `${word()}.${pick(TLDS)}`);
  const unknown = Array.from({ length: 4000 }, () => `${pick(SUBS)}.${word()}.${pick(TLDS)}`);
  const deep = Array.from({ length: 600 },
    () => `${word(5)}.${word(5)}.${word(5)}.${word(5)}.${word(5)}.${pick(TLDS)}`);
  const ipv4 = Array.from({ length: 800 }, () => Array.from({ length: 4 }, () => Math.floor(random() * 256)).join('.'));
  const ipv6 = Array.from({ length: 200 },
    () => `2001:db8:${Math.floor(random() * 65536).toString(16)}::${Math.floor(random() * 65536).toString(16)}`);
  const prefixes = Array.from({ length: 20 }, () => `${word(4)}.${pick(SUBS)}.${word(6)}`);
  const skewed = (/** @type {string[]} */ pool) => pool[Math.floor(pool.length * random() ** 2)];
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = random();
    if (r < 0.55) {
      const d = weighted(); // a third party, often with a subdomain
      const s = random();
      out.push(s < 0.4 ? d : s < 0.8 ? `${pick(SUBS)}.${d}` : `${skewed(prefixes)}.${d}`);
    } else if (r < 0.75) {
      const site = pick(sites); // first parties and their own subdomains
      out.push(random() < 0.5 ? `www.${site}` : `${pick(SUBS)}.${site}`);
    } else if (r < 0.93) {
      out.push(skewed(unknown)); // unknown domains
    } else if (r < 0.97) {
      out.push(skewed(ipv4));
    } else if (r < 0.985) {
      out.push(skewed(ipv6));
    } else {
      out.push(skewed(deep)); // deep unknown names
    }
  }
  return out;
}
