// Whither popup: renders the report of one tab (docs/report-format.md) as the background's message API returns it.
// The tab is `?tabId=N` from the URL when present (tests open the popup as a normal tab), else the active tab.
// The DOM is built with createElement/textContent only: report data never goes through HTML parsing.
//
// Stable hooks for tests: body[data-state] (loading | ready | empty | error), #site, #site-owner[data-controller],
// #summary[data-requests][data-companies][data-jurisdictions], #own, #third-parties,
// .jurisdiction[data-jurisdiction="US"], .company[data-company="google"][data-party="own|third"], .chain[data-chain],
// .host[data-host][data-requests][data-party], #unattributed.

import { REPORT_MESSAGE, storageKey, summarySentence } from './state.js';

/**
 * @typedef {{id: string, name: string, country: string}} ChainLink
 * @typedef {{id: string, name: string, country: string, legal_seat?: string, jurisdiction: string | null,
 *   chain: ChainLink[], categories?: string[], requests: number, hosts: string[]}} Company
 * @typedef {{host: string, domain: string | null, entity: string | null, controller: string | null,
 *   jurisdiction: string | null, party: "first" | "same-owner" | "third", requests: number,
 *   types?: Record<string, number>, ip?: string | null}} Host
 * @typedef {{country: string, requests: number, companies: string[]}} Jurisdiction
 * @typedef {{requests: number, hosts: number, companies: number, jurisdictions: number,
 *   third_party_requests: number, unattributed_requests: number}} Totals
 * @typedef {{schema: number, page: {url: string, host: string | null, domain: string | null,
 *   controller: string | null, jurisdiction: string | null}, totals: Totals, jurisdictions: Jurisdiction[],
 *   companies: Company[], hosts: Host[]}} Report
 */

/** @type {any} */
const api = /** @type {any} */ (globalThis).browser ?? /** @type {any} */ (globalThis).chrome;
const lang = api.i18n.getUILanguage();

/**
 * @param {string} name
 * @param {string | string[]} [subs]
 * @returns {string}
 */
const msg = (name, subs) => api.i18n.getMessage(name, subs) || name;

/** @type {Intl.DisplayNames | null} */
let regionNames = null;
try {
  regionNames = new Intl.DisplayNames([lang, 'en'], { type: 'region' });
} catch {
  regionNames = null;
}

/**
 * "United States (US)"; the bare code when the browser has no name for it.
 * @param {string | null | undefined} code
 * @returns {string}
 */
function countryLabel(code) {
  if (!code) return msg('jurisdictionUnknown');
  let name;
  try {
    name = regionNames?.of(code);
  } catch {
    name = undefined;
  }
  return name && name !== code ? msg('countryWithCode', [name, code]) : code;
}

/**
 * @param {number} n
 * @returns {string}
 */
const requestsLabel = (n) => {
  const rules = new Intl.PluralRules(lang);
  const text = new Intl.NumberFormat(lang).format(n);
  return api.i18n.getMessage(`countRequests_${rules.select(n)}`, [text]) || msg('countRequests_other', [text]);
};

/**
 * Creates an element. Text goes in through textContent, attributes through setAttribute/dataset.
 * @param {string} tag
 * @param {{id?: string, className?: string, text?: string, title?: string, data?: Record<string, string | number>}} [props]
 * @param {...(Node | string)} children
 * @returns {HTMLElement}
 */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  if (props.id) node.id = props.id;
  if (props.className) node.className = props.className;
  if (props.title) node.title = props.title;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [k, v] of Object.entries(props.data ?? {})) node.dataset[k] = String(v);
  for (const child of children) node.append(child);
  return node;
}

/**
 * @param {string} selector
 * @returns {HTMLElement}
 */
const $ = (selector) => /** @type {HTMLElement} */ (document.querySelector(selector));

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
 * One host line: name, party, request count; resource types and IP in the tooltip.
 * @param {Host | undefined} host
 * @param {string} name
 * @returns {HTMLElement}
 */
function hostItem(host, name) {
  const types = Object.entries(host?.types ?? {})
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  const ip = host?.ip ? msg('hostIp', [host.ip]) : '';
  const requests = host?.requests ?? 0;
  return el(
    'li',
    {
      className: 'host',
      title: [types, ip].filter(Boolean).join(' · '),
      data: { host: name, requests, party: host?.party ?? '' },
    },
    el('span', { className: 'host-name', text: name }),
    el('span', { className: 'count' },
      el('span', { className: 'party', text: partyLabel(host?.party ?? '') }),
      ' ',
      el('span', { className: 'host-requests', text: requestsLabel(requests) })),
  );
}

/**
 * One company: name, requests, ownership chain "TikTok Pte. Ltd. (SG) → ByteDance Ltd. (CN)", hosts.
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
    chainNode.append(el('span', {
      className: 'chain-link',
      text: `${link.name} (${link.country})`,
      data: { entity: link.id, country: link.country },
    }));
  });
  const hosts = [...(company.hosts ?? [])].sort((a, b) => (hostRank.get(a) ?? 1e9) - (hostRank.get(b) ?? 1e9));
  return el(
    'li',
    {
      className: 'company',
      title: msg('chainLabel') + ' ' + chainNode.textContent,
      data: { company: company.id, party, requests: company.requests, controller: chain[chain.length - 1].id,
        country: company.country ?? '' },
    },
    el('div', { className: 'company-head' },
      el('span', { className: 'company-name', text: company.name }),
      el('span', { className: 'count company-requests', text: requestsLabel(company.requests) })),
    chainNode,
    el('ul', { className: 'hosts' }, ...hosts.map((h) => hostItem(hostByName.get(h), h))),
  );
}

/**
 * Renders a report into the page.
 * @param {Report} report
 */
function render(report) {
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

  // The site and its controller.
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
  pageJurisdiction.textContent = page.jurisdiction ? msg('siteJurisdiction', [countryLabel(page.jurisdiction)]) : '';

  // "N requests to M companies under K jurisdictions".
  const totals = report.totals;
  const summary = $('#summary');
  summary.textContent = summarySentence(msg, totals, lang);
  summary.dataset.requests = String(totals.requests);
  summary.dataset.companies = String(totals.companies);
  summary.dataset.jurisdictions = String(totals.jurisdictions);
  $('#summary-detail').textContent = msg('thirdPartyRequests', [
    requestsLabel(totals.third_party_requests), requestsLabel(totals.unattributed_requests),
  ]);

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
  for (const j of report.jurisdictions ?? []) {
    const members = (j.companies ?? [])
      .map((id) => thirdById.get(id))
      .filter(/** @returns {c is Company} */ (c) => c !== undefined && !placed.has(c.id))
      .sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
    for (const c of members) placed.add(c.id);
    if (members.length) groups.push({ country: j.country, companies: members });
  }
  const rest = third.filter((c) => !placed.has(c.id));
  if (rest.length) groups.push({ country: null, companies: rest });

  const groupNodes = groups.map((g) => {
    const requests = g.companies.reduce((n, c) => n + (c.requests ?? 0), 0);
    return el('section', { className: 'jurisdiction', data: { jurisdiction: g.country ?? 'unknown', requests } },
      el('h3', {},
        el('span', { className: 'jurisdiction-name', text: countryLabel(g.country) }),
        el('span', { className: 'count', text: requestsLabel(requests) })),
      el('ul', { className: 'companies' }, ...g.companies.map((c) => companyItem(c, 'third', hostByName, hostRank))));
  });
  const jurisdictions = $('#jurisdictions');
  jurisdictions.replaceChildren(...groupNodes);
  if (!groupNodes.length) jurisdictions.append(el('p', { className: 'none', text: msg('noneThird') }));

  // Hosts that no known company owns (IP literals, unknown domains, non-network schemes).
  const unattributed = hosts.filter((h) => !h.entity);
  const list = $('#unattributed-hosts');
  list.replaceChildren(...unattributed.map((h) => hostItem(h, h.host)));
  if (!unattributed.length) list.append(el('li', { className: 'none', text: msg('noneUnattributed') }));
  $('#unattributed').dataset.count = String(unattributed.length);
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
 */
async function refresh(tabId) {
  try {
    /** @type {Report | null} */
    const report = await api.runtime.sendMessage({ type: REPORT_MESSAGE, tabId });
    const json = JSON.stringify(report ?? null);
    if (json === shown) return;
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

async function main() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) {
    node.textContent = msg(/** @type {HTMLElement} */ (node).dataset.i18n ?? '');
  }
  const tabId = await targetTab();
  if (tabId === null) {
    setState('error', msg('statusNoTab'));
    return;
  }
  document.body.dataset.tabId = String(tabId);
  await refresh(tabId);

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
