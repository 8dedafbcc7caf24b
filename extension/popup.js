// Whither popup: renders the report of one tab (docs/report-format.md) as the background's message API returns it.
// The tab is `?tabId=N` from the URL when present (tests open the popup as a normal tab), else the active tab.
// The report is rendered as soon as it arrives (the background answers from memory or storage.session, also after it
// was stopped); the wasm core is loaded in parallel for the laws of each jurisdiction and the watchlist. The CSV
// export is built by the background's core from the tab's visit.
//
// Stable hooks for tests: body[data-state] (loading | ready | empty | error), #site, #site-owner[data-controller],
// #summary[data-requests][data-companies][data-jurisdictions][data-data-requests], #own, #third-parties,
// #bar > [data-jurisdiction], .jurisdiction[data-jurisdiction="US"][data-watched],
// .company[data-company="google"][data-party="own|third"], .chain[data-chain], .host[data-host][data-requests]
// [data-party], #unattributed, #watch-alert, .laws[data-laws].

import { REPORT_MESSAGE, storageKey, summarySentence } from './state.js';
import { loadSettings } from './settings.js';
import { countPhrase, dataPhrase } from './text.js';
import { $, api, countryLabel, download, el, externalLink, flag, lang, loadCore, localizePage, msg, rawMsg }
  from './views.js';

/**
 * @typedef {{id: string, name: string, country: string, legal_seat?: string}} ChainLink
 * @typedef {{id: string, name: string, country: string, legal_seat?: string, jurisdiction: string | null,
 *   chain: ChainLink[], categories?: string[], requests: number, hosts: string[]}} Company
 * @typedef {{host: string, domain: string | null, entity: string | null, controller: string | null,
 *   jurisdiction: string | null, party: "first" | "same-owner" | "third", requests: number, data_requests?: number,
 *   types?: Record<string, number>, ip?: string | null}} Host
 * @typedef {{country: string, requests: number, companies: string[]}} Jurisdiction
 * @typedef {{requests: number, hosts: number, companies: number, jurisdictions: number,
 *   third_party_requests: number, unattributed_requests: number, data_requests?: number}} Totals
 * @typedef {{schema: number, page: {url: string, host: string | null, domain: string | null,
 *   controller: string | null, jurisdiction: string | null}, totals: Totals, jurisdictions: Jurisdiction[],
 *   companies: Company[], hosts: Host[]}} Report
 * @typedef {{name: string, year?: number | null, summary: string, reference: string}} Law
 */

/** Colour-blind-safe palette (Okabe–Ito, then Tol's muted), by rank of the jurisdiction in the report. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#332288',
  '#88CCEE', '#44AA99', '#117733', '#999933', '#DDCC77', '#CC6677', '#882255', '#AA4499'];
const UNKNOWN_COLOUR = '#9aa4af';

/** @param {number} n @returns {string} */
const requestsLabel = (n) => countPhrase(rawMsg, 'countRequests', n, lang);

/** What the wasm core adds to the report view (laws, watchlist); empty until it is loaded. */
const extras = {
  /** @type {(code: string) => {laws: Law[]} | null} */
  jurisdiction: () => null,
  /** @type {(code: string) => boolean} */
  watched: () => false,
  /** The user's home jurisdiction (settings). */
  home: '',
};

/**
 * @param {"first" | "same-owner" | "third" | string} party
 * @returns {string}
 */
function partyLabel(party) {
  if (party === 'first') return msg('partyFirst');
  if (party === 'same-owner') return msg('partySameOwner');
  return msg('partyThird');
}

/**
 * One host line: name, party, request count (and requests that carried data); resource types and IP in the tooltip.
 * @param {Host | undefined} host
 * @param {string} name
 * @returns {HTMLElement}
 */
function hostItem(host, name) {
  const types = Object.entries(host?.types ?? {}).map(([type, n]) => `${type} ${n}`).join(', ');
  const ip = host?.ip ? msg('hostIp', [host.ip]) : '';
  const requests = host?.requests ?? 0;
  const data = host?.data_requests ?? 0;
  return el('li', {
    className: 'host',
    title: [types, ip].filter(Boolean).join(' · '),
    data: { host: name, requests, party: host?.party ?? '' },
  },
  el('span', { className: 'host-name', text: name }),
  el('span', { className: 'count' },
    data ? el('span', { className: 'data-tag', text: msg('hostData', [String(data)]) }) : null,
    data ? ' ' : null,
    el('span', { className: 'party', text: partyLabel(host?.party ?? '') }),
    ' ',
    el('span', { className: 'host-requests', text: requestsLabel(requests) })));
}

/**
 * One company, expandable: name and requests; inside, the ownership chain with the country at every level
 * ("TikTok Pte. Ltd. (SG) → ByteDance Ltd. (CN)"), legal seat, categories and hosts.
 * @param {Company} company
 * @param {"own" | "third"} party
 * @param {Map<string, Host>} hostByName
 * @param {Map<string, number>} hostRank
 * @returns {HTMLElement}
 */
function companyItem(company, party, hostByName, hostRank) {
  const chain = company.chain?.length ? company.chain : [{ id: company.id, name: company.name, country: company.country }];
  const chainNode = el('div', { className: 'chain', data: { chain: chain.map((c) => c.id).join(' ') } });
  chain.forEach((link, i) => {
    if (i > 0) chainNode.append(' → ');
    // "ByteDance Ltd. (CN) seat KY": headquarters, and the legal seat where it lies elsewhere.
    const seat = link.legal_seat && link.legal_seat.slice(0, 2) !== link.country ? link.legal_seat : '';
    chainNode.append(el('span', { className: 'chain-link', data: { entity: link.id, country: link.country } },
      flag(link.country), `${link.name} (${link.country})`,
      seat ? el('span', { className: 'seat', text: ` ${msg('legalSeat', [seat])}` }) : null));
  });
  const hosts = [...(company.hosts ?? [])].sort((a, b) => (hostRank.get(a) ?? 1e9) - (hostRank.get(b) ?? 1e9));
  const categories = company.categories?.length
    ? el('p', { className: 'categories' },
      el('span', { className: 'visually-hidden', text: msg('categoriesLabel') }),
      ...company.categories.map((c) => el('span', { className: 'category', text: rawMsg(`category_${c.replace(/[^a-z0-9]/gi, '_')}`) || c })))
    : null;
  return el('li', {
    className: 'company',
    data: { company: company.id, party, requests: company.requests, controller: chain[chain.length - 1].id,
      country: company.country ?? '' },
  },
  el('details', {},
    el('summary', {},
      el('span', { className: 'company-name', text: company.name }),
      el('span', { className: 'count company-requests', text: requestsLabel(company.requests) })),
    el('div', { className: 'company-body' },
      el('span', { className: 'visually-hidden', text: msg('chainLabel') }),
      chainNode, categories,
      el('ul', { className: 'hosts' }, ...hosts.map((h) => hostItem(hostByName.get(h), h))))));
}

/**
 * The laws of a jurisdiction that allow government access to company data, with links to the references.
 * @param {string} code
 * @returns {HTMLElement | null}
 */
function lawsOf(code) {
  const laws = extras.jurisdiction(code)?.laws ?? [];
  if (!laws.length) return null;
  return el('details', { className: 'laws', data: { laws: laws.length } },
    el('summary', { text: msg('lawsHeading', [String(laws.length)]) }),
    el('ul', {}, ...laws.map((law) => el('li', {},
      externalLink(law.reference, law.year ? `${law.name} (${law.year})` : law.name),
      el('div', { className: 'law-summary', text: law.summary })))));
}

/** @type {Report | null} */
let current = null;

/**
 * Renders a report into the page.
 * @param {Report} report
 */
function render(report) {
  current = report;
  const companies = report.companies ?? [];
  const hosts = report.hosts ?? [];
  const page = report.page ?? { url: '', host: null, domain: null, controller: null, jurisdiction: null };
  /** @type {Map<string, Host>} */
  const hostByName = new Map(hosts.map((h) => [h.host, h]));
  /** @type {Map<string, number>} */
  const hostRank = new Map(hosts.map((h, i) => [h.host, i]));
  /** @type {Map<string, ChainLink>} */
  const entities = new Map();
  for (const c of companies) for (const link of c.chain ?? []) entities.set(link.id, link);

  // The site, its controller and jurisdiction.
  $('#site').textContent = page.host ?? page.url ?? '';
  $('#site').dataset.domain = page.domain ?? '';
  const owner = $('#site-owner');
  owner.dataset.controller = page.controller ?? '';
  if (page.controller) {
    const c = entities.get(page.controller);
    owner.textContent = msg('siteOwner', [c ? `${c.name} (${c.country})` : page.controller]);
  } else {
    owner.textContent = msg('siteOwnerUnknown');
  }
  const pageJurisdiction = $('#site-jurisdiction');
  pageJurisdiction.dataset.jurisdiction = page.jurisdiction ?? '';
  pageJurisdiction.replaceChildren(...(page.jurisdiction
    ? [flag(page.jurisdiction), msg('siteJurisdiction', [countryLabel(page.jurisdiction)])] : []));

  // "This page sent N requests to M companies under K jurisdictions; X requests carried data."
  const totals = report.totals;
  const summary = $('#summary');
  summary.textContent = summarySentence(rawMsg, totals, lang);
  summary.dataset.requests = String(totals.requests);
  summary.dataset.companies = String(totals.companies);
  summary.dataset.jurisdictions = String(totals.jurisdictions);
  summary.dataset.dataRequests = String(totals.data_requests ?? 0);
  $('#summary-data').textContent = dataPhrase(rawMsg, totals.data_requests ?? 0, lang);
  // Per-tab state is capped (src/report.rs MAX_HOSTS): requests to further hosts are counted, and said so.
  const overflow = $('#overflow');
  const overflowRequests = /** @type {{overflow_requests?: number}} */ (totals).overflow_requests ?? 0;
  overflow.dataset.count = String(overflowRequests);
  overflow.hidden = overflowRequests === 0;
  overflow.textContent = overflowRequests ? msg('overflowNote', [requestsLabel(overflowRequests)]) : '';
  $('#summary-detail').textContent = msg('thirdPartyRequests', [
    requestsLabel(totals.third_party_requests), requestsLabel(totals.unattributed_requests),
  ]);

  // The bar of requests by controlling jurisdiction (and unattributed), with a legend.
  const jurisdictionsList = report.jurisdictions ?? [];
  const total = Math.max(1, totals.requests);
  const segments = jurisdictionsList.map((j, i) => ({ code: j.country, requests: j.requests, colour: PALETTE[i % PALETTE.length] }));
  if (totals.unattributed_requests) segments.push({ code: '', requests: totals.unattributed_requests, colour: UNKNOWN_COLOUR });
  const bar = $('#bar');
  bar.replaceChildren(...segments.map((s) => el('span', {
    data: { jurisdiction: s.code || 'unknown', requests: s.requests },
    attrs: { style: `flex-grow: ${s.requests}; background: ${s.colour}` },
  })));
  /** @param {string} code */
  const segmentLabel = (code) => (code ? countryLabel(code) : msg('barUnattributed'));
  bar.setAttribute('aria-label', segments.map((s) =>
    `${segmentLabel(s.code)}: ${Math.round((100 * s.requests) / total)} %`).join(', '));
  $('#bar-legend').replaceChildren(...segments.map((s) => el('li', { data: { watched: String(!!s.code && extras.watched(s.code)) } },
    el('span', { className: 'swatch', attrs: { style: `background: ${s.colour}`, 'aria-hidden': 'true' } }),
    s.code ? flag(s.code) : null, `${segmentLabel(s.code)} `,
    el('span', { className: 'count', text: requestsLabel(s.requests) }))));

  // A company belongs with the site when none of its hosts is a third party (same site or same ultimate owner).
  /** @param {Company} c @returns {"own" | "third"} */
  const partyOf = (c) => {
    const parties = (c.hosts ?? []).map((h) => hostByName.get(h)?.party).filter(Boolean);
    if (parties.length) return parties.includes('third') ? 'third' : 'own';
    const controller = c.chain?.length ? c.chain[c.chain.length - 1].id : c.id;
    return page.controller && controller === page.controller ? 'own' : 'third';
  };
  const own = companies.filter((c) => partyOf(c) === 'own');
  const third = companies.filter((c) => partyOf(c) === 'third');

  const ownList = $('#own-companies');
  ownList.replaceChildren(...own.map((c) => companyItem(c, 'own', hostByName, hostRank)));
  if (!own.length) ownList.append(el('li', { className: 'none', text: msg('noneOwn') }));

  // Third parties grouped by the controller's jurisdiction, in the report's order (most requests first).
  const thirdById = new Map(third.map((c) => [c.id, c]));
  const rank = new Map(companies.map((c, i) => [c.id, i]));
  /** @type {Array<{country: string | null, companies: Company[]}>} */
  const groups = [];
  const placed = new Set();
  for (const j of jurisdictionsList) {
    const members = (j.companies ?? [])
      .map((id) => thirdById.get(id))
      .filter(/** @returns {c is Company} */ (c) => c !== undefined && !placed.has(c.id))
      .sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
    for (const c of members) placed.add(c.id);
    if (members.length) groups.push({ country: j.country, companies: members });
  }
  const rest = third.filter((c) => !placed.has(c.id));
  if (rest.length) groups.push({ country: null, companies: rest });

  const watchedGroups = [];
  const groupNodes = groups.map((g) => {
    const requests = g.companies.reduce((n, c) => n + (c.requests ?? 0), 0);
    const watched = !!g.country && extras.watched(g.country);
    if (watched) watchedGroups.push(g.country);
    return el('section', { className: 'jurisdiction', data: { jurisdiction: g.country ?? 'unknown', requests, watched: String(watched) } },
      el('h3', {},
        el('span', {}, flag(g.country),
          el('span', { className: 'jurisdiction-name', text: countryLabel(g.country) }),
          watched ? el('span', { className: 'watch-tag', text: msg('watchTag') }) : null,
          g.country && g.country === extras.home ? el('span', { className: 'home-tag', text: msg('homeTag') }) : null),
        el('span', { className: 'count', text: requestsLabel(requests) })),
      g.country ? lawsOf(g.country) : null,
      el('ul', { className: 'companies' }, ...g.companies.map((c) => companyItem(c, 'third', hostByName, hostRank))));
  });
  const jurisdictions = $('#jurisdictions');
  jurisdictions.replaceChildren(...groupNodes);
  if (!groupNodes.length) jurisdictions.append(el('p', { className: 'none', text: msg('noneThird') }));

  const alert = $('#watch-alert');
  alert.hidden = watchedGroups.length === 0;
  alert.textContent = watchedGroups.length
    ? msg('watchAlert', [watchedGroups.map((c) => countryLabel(c)).join(', ')]) : '';
  alert.dataset.jurisdictions = watchedGroups.join(' ');

  // Hosts that no known company owns (IP literals, unknown domains, non-network schemes).
  const unattributed = hosts.filter((h) => !h.entity);
  const list = $('#unattributed-hosts');
  list.replaceChildren(...unattributed.map((h) => hostItem(h, h.host)));
  if (!unattributed.length) list.append(el('li', { className: 'none', text: msg('noneUnattributed') }));
  $('#unattributed').dataset.count = String(unattributed.length);

  /** @type {HTMLButtonElement} */ ($('#export-json')).disabled = false;
  /** @type {HTMLButtonElement} */ ($('#export-csv')).disabled = false;
}

/**
 * Shows a status line instead of (or before) the report.
 * @param {"loading" | "ready" | "empty" | "error"} state
 * @param {string} [text]
 */
function setState(state, text = '') {
  document.body.dataset.state = state;
  const status = $('#status');
  status.textContent = text;
  status.hidden = state === 'ready';
  $('#report').hidden = state !== 'ready';
}

/** @returns {Promise<number | null>} the tab to report on */
async function targetTab() {
  const param = new URLSearchParams(location.search).get('tabId');
  if (param !== null) return /^\d+$/.test(param) ? Number(param) : null;
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab && Number.isInteger(tab.id) && tab.id >= 0 ? tab.id : null;
}

/** @type {string | null} */
let shown = null;

/**
 * Asks the background for the report and renders it when it changed.
 * @param {number} tabId
 * @param {boolean} [force] render even when unchanged (the extras arrived)
 */
async function refresh(tabId, force = false) {
  try {
    /** @type {Report | null} */
    const report = await api.runtime.sendMessage({ type: REPORT_MESSAGE, tabId });
    const json = JSON.stringify(report ?? null);
    if (json === shown && !force) return;
    shown = json;
    if (!report) {
      setState('empty', msg('statusEmpty'));
      return;
    }
    render(report);
    setState('ready');
  } catch (error) {
    shown = null;
    setState('error', msg('statusError', [String(/** @type {Error} */ (error)?.message ?? error)]));
  }
}

/** A file name for exports: "whither-news.example-2026-11-28". */
function exportName() {
  const site = (current?.page?.domain ?? current?.page?.host ?? 'page').replace(/[^a-z0-9.-]/gi, '_');
  return `whither-${site}-${new Date().toISOString().slice(0, 10)}`;
}

async function main() {
  localizePage();
  $('#export-json').addEventListener('click', () => {
    if (current) download(`${exportName()}.json`, 'application/json', JSON.stringify(current, null, 2));
  });
  $('#export-csv').addEventListener('click', async () => {
    const csv = await api.runtime.sendMessage({ type: 'whither:report-csv', tabId: Number(document.body.dataset.tabId) });
    if (typeof csv === 'string') download(`${exportName()}.csv`, 'text/csv', csv);
  });
  const tabId = await targetTab();
  if (tabId === null) {
    setState('error', msg('statusNoTab'));
    return;
  }
  document.body.dataset.tabId = String(tabId);

  // The report first; the core (laws, watchlist, CSV) as soon as it is there, then render again.
  const enrich = Promise.all([loadCore(), loadSettings(api)]).then(([core, settings]) => {
    extras.jurisdiction = (code) => {
      try {
        return core.jurisdiction(code);
      } catch {
        return null;
      }
    };
    const watchlist = settings.watchlist;
    extras.home = settings.home;
    extras.watched = (code) => watchlist.length > 0 && core.watched(watchlist, code);
  });
  await refresh(tabId);
  await enrich.then(() => refresh(tabId, true), (error) => console.error('whither: core', error));
  document.body.dataset.enriched = 'true';

  // Follow the tab live: the background rewrites `tab:N` in storage.session whenever its state changes.
  const key = storageKey(tabId);
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  api.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
    if (area !== 'session' || !(key in changes) || timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      refresh(tabId);
    }, 250);
  });
}

main().catch((error) => setState('error', msg('statusError', [String(error?.message ?? error)])));
