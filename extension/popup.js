// Whither popup: renders the report of one tab (docs/report-format.md) as the background's message API returns it.
// The tab is `?tabId=N` from the URL when present (tests open the popup as a normal tab), else the active tab.
// The background answers with the popup view (docs/report-format.md, "Popup view"): the report, the laws of its
// jurisdictions and the watched ones, as one JSON string built by its core (from memory or storage.session, also after
// it was stopped); the popup loads no wasm of its own. The CSV export is built by the background's core too.
//
// Rendering shows the first screen first (scripts/bench/views.mjs measures it; docs/performance.md): the site, the
// summary, the bar and the first FIRST_COMPANIES company lines (one line each, grouped by jurisdiction) are built at
// once; after the first frame come the other company lines and the jurisdictions below them (body[data-complete]),
// then the flags' images (an SVG image costs the page a document of its own). A company's details (ownership chain,
// categories, hosts) and a jurisdiction's list of laws are built when first expanded (on the click that opens them,
// or their `toggle`). Expanded companies stay expanded when the report is rendered again (while the tab's page is
// still loading). Performance marks of the first answer: whither:popup-start, whither:report-requested,
// whither:report-received, whither:rendered.
//
// Stable hooks for tests: body[data-state] (loading | ready | empty | error), body[data-enriched] (the laws and the
// watchlist are shown), body[data-complete] (every company line), body[data-flags="loaded"], #site,
// #site-owner[data-controller],
// #summary[data-requests][data-companies][data-jurisdictions][data-data-requests], #own, #third-parties,
// #bar > [data-jurisdiction], #server-bar > [data-place] (a country code, or local | proxy | unknown | unlocated |
// special), #server-note[data-countries], .company-places[data-places][data-differs], .jurisdiction[data-jurisdiction="US"][data-watched],
// .company[data-company="google"][data-party="own|third"], .chain[data-chain], .host[data-host][data-requests]
// [data-party] (inside a company only once it was expanded: .company > details[open] > .company-body), #unattributed,
// #watch-alert, .laws[data-laws], a.ask (a company's "Ask what they hold", in its details), #ask-all.

import { MESSAGE, tabStateKey } from './protocol.js';
import { blockedPhrase, countPhrase, dataPhrase, homeLineText, summarySentence } from './text.js';
import { $, api, countryLabel, download, el, externalLink, flag, lang, localizePage, msg, rawMsg, showFlags }
  from './views.js';

performance.mark('whither:popup-start');

/**
 * @typedef {{id: string, name: string, country: string, legal_seat?: string, unverified?: string[]}} ChainLink
 * @typedef {{id: string, name: string, country: string, legal_seat?: string, jurisdiction: string | null,
 *   chain: ChainLink[], categories?: string[], requests: number, blocked_requests?: number, hosts: string[]}} Company
 * @typedef {"country" | "unlocated" | "local" | "special" | "proxy" | "unknown"} PlaceKind
 * @typedef {{ip: string, scope: string, proxy: boolean, kind: PlaceKind, country: string | null,
 *   asn: number | null, network: string | null, requests: number}} Server
 * @typedef {{host: string, domain: string | null, entity: string | null, controller: string | null,
 *   jurisdiction: string | null, party: "first" | "same-owner" | "probably-own" | "third", requests: number,
 *   data_requests?: number, types?: Record<string, number>, ip?: string | null, servers?: Server[],
 *   imported?: {list: string, licence: string, owner: string, country?: string | null}}} Host
 * @typedef {{country: string, requests: number, companies: string[]}} Jurisdiction
 * @typedef {{requests: number, hosts: number, companies: number, jurisdictions: number,
 *   third_party_requests: number, unattributed_requests: number, data_requests?: number}} Totals
 * @typedef {{schema: number, page: {url: string, host: string | null, domain: string | null,
 *   controller: string | null, jurisdiction: string | null}, totals: Totals, jurisdictions: Jurisdiction[],
 *   companies: Company[], hosts: Host[]}} Report
 * @typedef {{name: string, year?: number | null, summary: string, reference: string}} Law
 * @typedef {{id: string, name: string, requests: number, blocked_requests: number, companies: string[],
 *   blocked_by: "company" | "jurisdiction" | "category" | null, unblock: string | null}} Controller
 * @typedef {{country: string | null, requests: number, blocked_requests?: number, watched: boolean,
 *   companies: string[], controllers?: Controller[]}} Group
 * @typedef {{enabled: boolean, site: string | null, trusted: boolean, paused: boolean}} PageBlocking
 * @typedef {{kind: string, home: string, third_party_requests: number, outside: number, further: number | null}}
 *   HomeLine
 * @typedef {{country: string | null, requests: number, watched: boolean}} BarSegment
 * @typedef {{kind: PlaceKind, country: string | null, requests: number, watched: boolean}} ServerSegment
 * @typedef {{kind: PlaceKind, country: string | null, requests: number, networks: string[]}} CompanyPlace
 * @typedef {{id: string, places: CompanyPlace[], differs: boolean}} CompanyServers
 * @typedef {{report: Report, laws: Record<string, Law[]>, watched: string[], site_controller_name: string | null,
 *   own: string[], groups: Group[], bar: BarSegment[], unattributed: string[], blocking?: PageBlocking,
 *   home_line?: HomeLine | null, server_bar?: ServerSegment[], server_only?: string[], servers?: CompanyServers[],
 *   ip_data?: boolean}} PopupView
 */

/** Colour-blind-safe palette (Okabe–Ito, then Tol's muted), by rank of the jurisdiction in the report. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#332288',
  '#88CCEE', '#44AA99', '#117733', '#999933', '#DDCC77', '#CC6677', '#882255', '#AA4499'];
const UNKNOWN_COLOUR = '#9aa4af';

/** Colours of the places that are no country in the "where the servers are" bar. */
const PLACE_COLOURS = { unlocated: '#b8860b', local: '#5a6b7b', special: '#7d6b91', proxy: '#a05a2c', unknown: UNKNOWN_COLOUR };

/**
 * A place requests went to, for the bar's legend: the country's name, or what kind of place it is.
 * @param {{kind: PlaceKind, country: string | null}} place @param {boolean} [short] the short form, in a sentence
 * @returns {string}
 */
function placeLabel(place, short = false) {
  if (place.kind === 'country' && place.country) return short ? place.country : countryLabel(place.country);
  const name = { unlocated: 'placeUnlocated', local: 'placeLocal', special: 'placeSpecial', proxy: 'placeProxy' }[
    /** @type {string} */ (place.kind)] ?? 'placeUnknown';
  return msg(short ? `${name}Short` : name);
}

/** Where each company's servers are (the popup view's `servers`), by company id. */
/** @type {Map<string, CompanyServers>} */
let placesById = new Map();

/** @param {number} n @returns {string} */
const requestsLabel = (n) => countPhrase(rawMsg, 'countRequests', n, lang);

/** What the popup view adds to the report (laws) and the settings (home jurisdiction). */
const extras = {
  /** @type {Record<string, Law[]>} */
  laws: {},
  /** The user's home jurisdiction (settings). */
  home: '',
};

/**
 * @param {"first" | "same-owner" | "probably-own" | "third" | string} party
 * @returns {string}
 */
function partyLabel(party) {
  if (party === 'first') return msg('partyFirst');
  if (party === 'same-owner') return msg('partySameOwner');
  if (party === 'probably-own') return msg('partyProbablyOwn');
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
  // "server US · AS15169 Google LLC · 142.250.1.1", one per address.
  const servers = (host?.servers ?? []).map((s) => msg('hostServer', [[placeLabel(s, true),
    s.asn !== null ? `AS${s.asn} ${s.network ?? ''}`.trim() : '', s.ip].filter(Boolean).join(' · ')]));
  const data = host?.data_requests ?? 0;
  const blocked = /** @type {{blocked_requests?: number}} */ (host ?? {}).blocked_requests ?? 0;
  return el('li', {
    className: 'host',
    title: [types, ip].filter(Boolean).join(' · '),
    data: { host: name, requests, party: host?.party ?? '', blocked },
  },
  blocked ? el('span', { className: 'blocked-tag', text: msg('blockedTag', [requestsLabel(blocked)]) }) : null,
  (() => {
    const hostName = el('span', { className: 'host-name', text: name },
      servers.length ? el('span', { className: 'host-servers', text: servers.join('; ') }) : null);
    return host?.imported ? el('span', { className: 'host-main' }, hostName, importedTag(host.imported)) : hostName;
  })(),
  el('span', { className: 'count' },
    data ? el('span', { className: 'data-tag', text: msg('hostData', [String(data)]) }) : null,
    data ? ' ' : null,
    el('span', { className: 'party', text: partyLabel(host?.party ?? '') }),
    ' ',
    el('span', { className: 'host-requests', text: requestsLabel(requests) })));
}

/**
 * The owner (and country) that the person's own imported list gives a host the data does not know, labelled with
 * the list and its licence and kept apart from Whither's own jurisdictions.
 * @param {{list: string, licence: string, owner: string, country?: string | null}} answer
 * @returns {HTMLElement}
 */
function importedTag(answer) {
  const text = answer.country ? msg('importedOwnerCountry', [answer.owner, answer.country, answer.list])
    : msg('importedOwner', [answer.owner, answer.list]);
  return el('span', { className: 'imported-tag', text, title: msg('importedLicence', [answer.list, answer.licence]),
    data: { importedOwner: answer.owner, importedList: answer.list } });
}

/**
 * "unverified" after an entity with claims that no public reference has checked yet (data/README.md), the claims
 * in its tooltip; null for a verified one.
 * @param {ChainLink} link
 * @returns {HTMLElement | null}
 */
function unverifiedTag(link) {
  if (!link.unverified?.length) return null;
  return el('span', { className: 'unverified-tag', text: ` ${msg('unverifiedTag')}`,
    title: msg('unverifiedClaims', [link.unverified.join(', ')]), data: { unverified: link.unverified.join(' ') } });
}

/**
 * What a company's details are built from, by its <details> element (built on first expansion).
 * @type {WeakMap<Element, {company: Company, hostByName: Map<string, Host>, hostRank: Map<string, number>}>}
 */
const companyDetails = new WeakMap();

/** Companies the user expanded (`party:id`): expanded again when the report is rendered anew. */
const expanded = new Set();

/**
 * One company, expandable: name and requests; the details are built when it is first expanded (`companyBody`).
 * @param {Company} company
 * @param {"own" | "third"} party
 * @param {Map<string, Host>} hostByName
 * @param {Map<string, number>} hostRank
 * @returns {HTMLElement}
 */
function companyItem(company, party, hostByName, hostRank) {
  const chain = company.chain?.length ? company.chain : [{ id: company.id, name: company.name, country: company.country }];
  const controller = chain[chain.length - 1];
  const blocked = company.blocked_requests ?? 0;
  const details = /** @type {HTMLDetailsElement} */ (el('details', {},
    el('summary', {},
      // "TikTok Pte. Ltd. — ByteDance Ltd.": the ultimate controller when it is not the direct owner.
      el('span', { className: 'company-name',
        text: controller.id !== company.id ? msg('companyOfController', [company.name, controller.name]) : company.name }),
      blocked ? el('span', { className: 'blocked-tag', text: msg('blockedTag', [requestsLabel(blocked)]) }) : null,
      chain.some((l) => l.unverified?.length) ? unverifiedTag({ ...chain[0], unverified: [...new Set(chain.flatMap((l) => l.unverified ?? []))] }) : null,
      el('span', { className: 'count company-requests', text: requestsLabel(company.requests) }),
      placesLine(company))));
  companyDetails.set(details, { company, hostByName, hostRank });
  if (expanded.has(`${party}:${company.id}`)) {
    details.append(companyBody(company, hostByName, hostRank));
    details.open = true;
  }
  return el('li', {
    className: 'company',
    data: { company: company.id, party, requests: company.requests, controller: controller.id,
      country: company.country ?? '', blocked },
  }, details);
}

/**
 * A company's line "controlled from CN · servers in US (Oracle Corporation)", marked where a server country is not
 * the controlling jurisdiction (the core decides: src/view.rs `CompanyServers`).
 * @param {Company} company
 * @returns {HTMLElement | null}
 */
function placesLine(company) {
  const servers = placesById.get(company.id);
  if (!servers?.places.length) return null;
  const where = servers.places.map((p) => (p.networks.length
    ? `${placeLabel(p, true)} (${p.networks.join(', ')})` : placeLabel(p, true))).join(', ');
  const control = company.jurisdiction ?? msg('placeUnknownShort');
  return el('span', {
    className: 'company-places',
    title: servers.places.map((p) => `${placeLabel(p)}: ${requestsLabel(p.requests)}`).join('\n'),
    data: { places: servers.places.map((p) => p.country ?? p.kind).join(' '), differs: String(servers.differs) },
  }, msg('companyPlaces', [control, where]),
  servers.differs ? el('span', { className: 'differs-tag', text: msg('serversDifferTag'),
    title: msg('serversDifferTitle') }) : null);
}

/**
 * A company's details: the ownership chain with the country at every level ("TikTok Pte. Ltd. (SG) → ByteDance Ltd.
 * (CN)"), legal seat, categories and hosts.
 * @param {Company} company
 * @param {Map<string, Host>} hostByName
 * @param {Map<string, number>} hostRank
 * @returns {HTMLElement}
 */
function companyBody(company, hostByName, hostRank) {
  const chain = company.chain?.length ? company.chain : [{ id: company.id, name: company.name, country: company.country }];
  const chainNode = el('div', { className: 'chain', data: { chain: chain.map((c) => c.id).join(' ') } });
  chain.forEach((link, i) => {
    if (i > 0) chainNode.append(' → ');
    // "ByteDance Ltd. (CN) seat KY": headquarters, and the legal seat where it lies elsewhere.
    const seat = link.legal_seat && link.legal_seat.slice(0, 2) !== link.country ? link.legal_seat : '';
    chainNode.append(el('span', { className: 'chain-link', data: { entity: link.id, country: link.country } },
      flag(link.country), `${link.name} (${link.country})`,
      seat ? el('span', { className: 'seat', text: ` ${msg('legalSeat', [seat])}` }) : null,
      unverifiedTag(link)));
  });
  const hosts = [...(company.hosts ?? [])].sort((a, b) => (hostRank.get(a) ?? 1e9) - (hostRank.get(b) ?? 1e9));
  const categories = company.categories?.length
    ? el('p', { className: 'categories' },
      el('span', { className: 'visually-hidden', text: msg('categoriesLabel') }),
      ...company.categories.map((c) => el('span', { className: 'category', text: rawMsg(`category_${c.replace(/[^a-z0-9]/gi, '_')}`) || c })))
    : null;
  return el('div', { className: 'company-body' },
    el('span', { className: 'visually-hidden', text: msg('chainLabel') }),
    chainNode, categories,
    el('ul', { className: 'hosts' }, ...hosts.map((h) => hostItem(hostByName.get(h), h))),
    askLink(company.id));
}

/**
 * "Ask what they hold": the request page (extension/request.html) for this company of the shown tab, in a new tab.
 * @param {string} companyId
 * @returns {HTMLElement}
 */
function askLink(companyId) {
  const query = new URLSearchParams({ tabId: document.body.dataset.tabId ?? '', company: companyId });
  return el('a', { className: 'ask', text: msg('askCompany'),
    attrs: { href: `request.html?${query}`, target: '_blank', rel: 'noopener' } });
}

/**
 * A <details> was opened or closed: remember which companies are expanded, and fill it if it has no content yet.
 * @param {Event} event
 */
function onToggle(event) {
  const details = /** @type {HTMLDetailsElement} */ (event.target);
  const item = companyDetails.get(details);
  const li = details.parentElement;
  if (item && li) {
    const key = `${li.dataset.party}:${item.company.id}`;
    if (details.open) expanded.add(key);
    else expanded.delete(key);
  }
  if (details.open) fillDetails(details);
}

/**
 * A click on a <summary> (mouse, or Enter/Space on it) is about to open its <details>: fill it first, so that it
 * opens with its content in the same frame.
 * @param {MouseEvent} event
 */
function onClick(event) {
  const summary = /** @type {Element} */ (event.target).closest?.('summary');
  const details = summary?.parentElement;
  if (details instanceof HTMLDetailsElement && summary === details.firstElementChild && !details.open) {
    fillDetails(details);
  }
}

/** The laws behind each jurisdiction's laws <details> (their list is built when first expanded). */
/** @type {WeakMap<Element, Law[]>} */
const lawsDetails = new WeakMap();

/**
 * The laws of a jurisdiction that allow government access to company data, with links to the references: a
 * summary line at once, the list when expanded (`lawList`).
 * @param {string} code
 * @returns {HTMLElement | null}
 */
function lawsOf(code) {
  const laws = extras.laws[code] ?? [];
  if (!laws.length) return null;
  const details = el('details', { className: 'laws', data: { laws: laws.length } },
    el('summary', { text: msg('lawsHeading', [String(laws.length)]) }));
  lawsDetails.set(details, laws);
  return details;
}

/**
 * @param {Law[]} laws
 * @returns {HTMLElement}
 */
function lawList(laws) {
  return el('ul', {}, ...laws.map((law) => el('li', {},
    externalLink(law.reference, law.year ? `${law.name} (${law.year})` : law.name),
    el('div', { className: 'law-summary', text: law.summary }))));
}

/**
 * Builds the content of a company's or a jurisdiction's laws <details> if it is not there yet (on its first
 * expansion: before the click's default action opens it, or on its `toggle` when it was opened otherwise).
 * @param {Element} details
 */
function fillDetails(details) {
  const company = companyDetails.get(details);
  if (company && !details.querySelector(':scope > .company-body')) {
    details.append(companyBody(company.company, company.hostByName, company.hostRank));
  }
  const laws = lawsDetails.get(details);
  if (laws && !details.querySelector(':scope > ul')) details.append(lawList(laws));
}

/** @type {Report | null} */
let current = null;

/**
 * Company lines built at once in the first rendering (a browser's popup is at most 600 px high: ~22 lines of 27 px
 * without anything above them); the other lines, and the jurisdictions that start after them, after its frame.
 */
const FIRST_COMPANIES = 24;

/**
 * Renders a popup view into the page (the core grouped and summed it: src/view.rs). The first rendering (`first`)
 * shows the text first: flags get their images (`showFlags`) and company lines beyond the first FIRST_COMPANIES are
 * added by the function it returns, to be called after the first frame; later renderings (the images are in the
 * memory cache by then) are complete at once.
 * @param {PopupView} view
 * @param {boolean} first
 * @returns {() => void} completes the rendering (body[data-complete="true"])
 */
function render(view, first) {
  const report = view.report;
  current = report;
  const flagOptions = { later: first };
  document.body.dataset.complete = 'false';
  /** @type {Array<() => void>} */
  const pending = [];
  let budget = first ? FIRST_COMPANIES : Infinity;
  const companies = report.companies ?? [];
  const hosts = report.hosts ?? [];
  const page = report.page ?? { url: '', host: null, domain: null, controller: null, jurisdiction: null };
  /** @type {Map<string, Host>} */
  const hostByName = new Map(hosts.map((h) => [h.host, h]));
  /** @type {Map<string, number>} */
  const hostRank = new Map(hosts.map((h, i) => [h.host, i]));
  /** @type {Map<string, Company>} */
  const companyById = new Map(companies.map((c) => [c.id, c]));
  placesById = new Map((view.servers ?? []).map((c) => [c.id, c]));
  /** @param {string[]} ids @returns {Company[]} */
  const companiesOf = (ids) => ids.map((id) => companyById.get(id)).filter(/** @returns {c is Company} */ (c) => !!c);
  /**
   * Fills a list with company lines: as many as the budget allows now, the others in `pending`.
   * @param {HTMLElement} list @param {Company[]} members @param {"own" | "third"} party
   */
  const fill = (list, members, party) => {
    const now = members.slice(0, Math.max(0, budget));
    budget -= now.length;
    list.append(...now.map((c) => companyItem(c, party, hostByName, hostRank)));
    const remaining = members.slice(now.length);
    if (remaining.length) {
      pending.push(() => list.append(...remaining.map((c) => companyItem(c, party, hostByName, hostRank))));
    }
  };

  // The site, its controller and jurisdiction.
  $('#site').textContent = page.host ?? page.url ?? '';
  $('#site').dataset.domain = page.domain ?? '';
  const owner = $('#site-owner');
  owner.dataset.controller = page.controller ?? '';
  if (page.controller) {
    const name = view.site_controller_name;
    owner.textContent = msg('siteOwner', [name ? `${name} (${page.jurisdiction ?? '?'})` : page.controller]);
  } else {
    owner.textContent = msg('siteOwnerUnknown');
  }
  const pageJurisdiction = $('#site-jurisdiction');
  pageJurisdiction.dataset.jurisdiction = page.jurisdiction ?? '';
  pageJurisdiction.replaceChildren(...(page.jurisdiction
    ? [flag(page.jurisdiction, flagOptions), msg('siteJurisdiction', [countryLabel(page.jurisdiction)])] : []));

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

  const blockedTotal = /** @type {{blocked_requests?: number}} */ (totals).blocked_requests ?? 0;
  summary.dataset.blocked = String(blockedTotal);
  $('#summary-blocked').textContent = blockedPhrase(rawMsg, blockedTotal, lang);
  renderHomeLine(view.home_line ?? null);
  renderPageBlocking(view.blocking);

  // The bar of requests by controlling jurisdiction (and unattributed), with a legend.
  const total = Math.max(1, totals.requests);
  const segments = view.bar.map((s, i) => ({ ...s, colour: s.country ? PALETTE[i % PALETTE.length] : UNKNOWN_COLOUR }));
  const bar = $('#bar');
  bar.replaceChildren(...segments.map((s) => el('span', {
    data: { jurisdiction: s.country ?? 'unknown', requests: s.requests },
    attrs: { style: `flex-grow: ${s.requests}; background: ${s.colour}` },
  })));
  /** @param {string | null} code */
  const segmentLabel = (code) => (code ? countryLabel(code) : msg('barUnattributed'));
  bar.setAttribute('aria-label', segments.map((s) =>
    `${segmentLabel(s.country)}: ${Math.round((100 * s.requests) / total)} %`).join(', '));
  $('#bar-legend').replaceChildren(...segments.map((s) => el('li',
    { data: { watched: String(s.watched) } },
    el('span', { className: 'swatch', attrs: { style: `background: ${s.colour}`, 'aria-hidden': 'true' } }),
    s.country ? flag(s.country, flagOptions) : null, `${segmentLabel(s.country)} `,
    el('span', { className: 'count', text: requestsLabel(s.requests) }))));

  renderServerBar(view, segments, flagOptions);

  // Third parties grouped by the controller's jurisdiction.
  /** @param {Group} g */
  const groupNode = (g) => {
    const list = el('ul', { className: 'companies' });
    const controllers = g.controllers ?? [];
    if (!controllers.length) fill(list, companiesOf(g.companies), 'third');
    // A controller's companies together, under a line that blocks (or unblocks) the controller everywhere. Beyond
    // the first screen's budget, whole controllers wait too (a large page's group has hundreds).
    for (const c of controllers) {
      if (budget > 0) {
        list.append(controllerItem(c, view.blocking));
        fill(list, companiesOf(c.companies), 'third');
      } else {
        pending.push(() => list.append(controllerItem(c, view.blocking),
          ...companiesOf(c.companies).map((co) => companyItem(co, 'third', hostByName, hostRank))));
      }
    }
    return el('section', { className: 'jurisdiction', data: { jurisdiction: g.country ?? 'unknown', requests: g.requests, watched: String(g.watched) } },
      el('h3', {},
        el('span', {}, flag(g.country, flagOptions),
          el('span', { className: 'jurisdiction-name', text: countryLabel(g.country) }),
          g.watched ? el('span', { className: 'watch-tag', text: msg('watchTag') }) : null,
          g.country && g.country === extras.home ? el('span', { className: 'home-tag', text: msg('homeTag') }) : null),
        el('span', { className: 'count', text: requestsLabel(g.requests) })),
      g.country ? lawsOf(g.country) : null,
      list);
  };
  // The groups that start within the budget now, the others (whole) later.
  const jurisdictions = $('#jurisdictions');
  jurisdictions.replaceChildren();
  for (const g of view.groups) {
    if (budget > 0) jurisdictions.append(groupNode(g));
    else pending.push(() => jurisdictions.append(groupNode(g)));
  }
  if (!view.groups.length) jurisdictions.append(el('p', { className: 'none', text: msg('noneThird') }));

  // The site's own companies (below the third parties).
  const ownList = $('#own-companies');
  ownList.replaceChildren();
  fill(ownList, companiesOf(view.own), 'own');
  if (!view.own.length) ownList.append(el('li', { className: 'none', text: msg('noneOwn') }));

  const watchedGroups = view.groups.filter((g) => g.watched && g.country).map((g) => /** @type {string} */ (g.country));
  const alert = $('#watch-alert');
  alert.hidden = watchedGroups.length === 0;
  alert.textContent = watchedGroups.length
    ? msg('watchAlert', [watchedGroups.map((c) => countryLabel(c)).join(', ')]) : '';
  alert.dataset.jurisdictions = watchedGroups.join(' ');

  // Hosts that no known company owns (IP literals, unknown domains, non-network schemes).
  const list = $('#unattributed-hosts');
  list.replaceChildren(...view.unattributed.map((h) => hostItem(hostByName.get(h), h)));
  if (!view.unattributed.length) list.append(el('li', { className: 'none', text: msg('noneUnattributed') }));
  $('#unattributed').dataset.count = String(view.unattributed.length);

  /** @type {HTMLButtonElement} */ ($('#export-json')).disabled = false;
  /** @type {HTMLButtonElement} */ ($('#export-csv')).disabled = false;

  const generation = ++renderings;
  const complete = () => {
    if (generation !== renderings) return; // rendered anew meanwhile
    for (const add of pending) add();
    document.body.dataset.complete = 'true';
  };
  if (!first) complete();
  return complete;
}

/**
 * Sends one change of the settings to the background (which stores it and installs its rules) and shows the result.
 * @param {import('./protocol.js').SettingsChange} change
 */
async function changeSettings(change) {
  const answer = /** @type {{ok?: boolean, error?: string} | null} */ (
    await api.runtime.sendMessage({ type: MESSAGE.changeSettings, change }));
  const status = $('#blocking-status');
  status.textContent = answer?.ok ? msg('blockingChanged') : msg('statusError', [answer?.error ?? '?']);
  document.body.dataset.blockingChanged = String(Number(document.body.dataset.blockingChanged ?? '0') + 1);
  await refreshNow?.();
}

/** Renders the popup again at once (set by main). @type {(() => Promise<void>) | null} */
let refreshNow = null;

/**
 * The line of a controller in a jurisdiction's list: its name, its blocked requests, and "block everywhere" (or
 * "unblock" when the person blocked it by company; "blocked by your rules" otherwise).
 * @param {Controller} c
 * @param {PageBlocking | undefined} blocking
 * @returns {HTMLElement}
 */
function controllerItem(c, blocking) {
  const blockedBy = blocking?.enabled ? c.blocked_by : null;
  /** @type {HTMLElement | null} */
  let action = null;
  if (blockedBy === 'company' && c.unblock) {
    const unblock = c.unblock;
    action = el('button', { className: 'unblock', text: msg('unblockCompany'), attrs: { type: 'button' } });
    action.addEventListener('click', () => changeSettings({ op: 'list', list: 'companies', text: unblock, on: false,
      number: 0 }));
  } else if (!blockedBy) {
    action = el('button', { className: 'block', text: msg('blockCompany'), attrs: { type: 'button' },
      title: msg('blockCompanyHelp', [c.name]) });
    action.addEventListener('click', () => changeSettings({ op: 'block-company', list: '', text: c.id, on: true,
      number: 0 }));
  }
  return el('li', { className: 'controller', data: { controller: c.id, blockedBy: blockedBy ?? '',
    blocked: c.blocked_requests, requests: c.requests } },
  el('span', { className: 'controller-name', text: c.name }),
  blockedBy ? el('span', { className: 'blocked-tag', text: msg(`blockedBy_${blockedBy}`) }) : null,
  c.blocked_requests ? el('span', { className: 'count',
    text: blockedBy ? requestsLabel(c.blocked_requests) : msg('blockedTag', [requestsLabel(c.blocked_requests)]) })
    : null,
  action);
}

/**
 * The first line for the person's home: "41 of 60 third-party requests went to companies controlled from outside
 * the EU/EEA; 12 of them to countries without an EU adequacy decision."
 * @param {HomeLine | null} line
 */
function renderHomeLine(line) {
  const node = $('#home-line');
  node.hidden = !line;
  if (!line) {
    node.textContent = '';
    return;
  }
  node.dataset.kind = line.kind;
  node.dataset.outside = String(line.outside);
  node.dataset.further = String(line.further ?? '');
  node.textContent = homeLineText(rawMsg, line, countryLabel(line.home), lang);
}

/**
 * "Trust this site" and "Pause blocking on this site" for the page's site (when blocking is on).
 * @param {PageBlocking | undefined} blocking
 */
function renderPageBlocking(blocking) {
  const section = $('#page-blocking');
  const on = !!blocking?.enabled && !!blocking.site;
  section.hidden = !on;
  section.dataset.enabled = String(!!blocking?.enabled);
  section.dataset.trusted = String(!!blocking?.trusted);
  section.dataset.paused = String(!!blocking?.paused);
  if (!on || !blocking?.site) return;
  const site = blocking.site;
  const trust = /** @type {HTMLButtonElement} */ ($('#trust-site'));
  trust.textContent = blocking.trusted ? msg('untrustSite', [site]) : msg('trustSite', [site]);
  trust.onclick = () => changeSettings({ op: 'trust-site', list: '', text: site, on: !blocking.trusted, number: 0 });
  const pause = /** @type {HTMLButtonElement} */ ($('#pause-site'));
  pause.textContent = blocking.paused ? msg('resumeSite') : msg('pauseSite');
  pause.onclick = async () => {
    await api.runtime.sendMessage({ type: MESSAGE.pauseSite, tabId: Number(document.body.dataset.tabId),
      on: !blocking.paused });
    $('#blocking-status').textContent = blocking.paused ? msg('blockingResumed') : msg('blockingPaused');
    document.body.dataset.blockingChanged = String(Number(document.body.dataset.blockingChanged ?? '0') + 1);
    await refreshNow?.();
  };
  $('#blocking-note').textContent = blocking.paused ? msg('pausedNote') : blocking.trusted ? msg('trustedNote') : '';
}

/**
 * The second bar, "where the servers are": requests by the country of the server that answered them (a country keeps
 * its colour of the first bar), or by kind of place (local network, proxy, unknown, …); and a note on server
 * countries that are no controlling jurisdiction, or on IP data that could not be loaded.
 * @param {PopupView} view
 * @param {Array<BarSegment & {colour: string}>} jurisdictionSegments the first bar's segments
 * @param {{later: boolean}} flagOptions
 */
function renderServerBar(view, jurisdictionSegments, flagOptions) {
  const colourOf = new Map(jurisdictionSegments.filter((s) => s.country).map((s) => [s.country, s.colour]));
  let next = jurisdictionSegments.length;
  const segments = (view.server_bar ?? []).map((s) => {
    let colour = s.country ? colourOf.get(s.country) : PLACE_COLOURS[/** @type {keyof typeof PLACE_COLOURS} */ (s.kind)];
    if (!colour) colour = PALETTE[next++ % PALETTE.length];
    return { ...s, colour, place: s.kind === 'country' && s.country ? s.country : s.kind };
  });
  const total = Math.max(1, segments.reduce((n, s) => n + s.requests, 0));
  const bar = $('#server-bar');
  bar.replaceChildren(...segments.map((s) => el('span', {
    data: { place: s.place, requests: s.requests },
    attrs: { style: `flex-grow: ${s.requests}; background: ${s.colour}` },
  })));
  bar.setAttribute('aria-label', segments.map((s) =>
    `${placeLabel(s)}: ${Math.round((100 * s.requests) / total)} %`).join(', '));
  $('#server-bar-legend').replaceChildren(...segments.map((s) => el('li',
    { data: { place: s.place, watched: String(s.watched) } },
    el('span', { className: 'swatch', attrs: { style: `background: ${s.colour}`, 'aria-hidden': 'true' } }),
    s.kind === 'country' ? flag(s.country, flagOptions) : null, `${placeLabel(s)} `,
    el('span', { className: 'count', text: requestsLabel(s.requests) }))));
  const note = $('#server-note');
  const also = view.server_only ?? [];
  note.textContent = view.ip_data === false ? msg('ipDataUnavailable')
    : also.length ? msg('serversAlso', [also.map((c) => countryLabel(c)).join(', ')]) : '';
  note.dataset.countries = also.join(' ');
  note.hidden = !note.textContent;
}

/** Renderings so far (a completion left over from an older one does nothing). */
let renderings = 0;

/**
 * Runs `f` once, after the next frame (or after 100 ms: no frames come while the page is hidden).
 * @param {() => void} f
 */
function afterFrame(f) {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    f();
  };
  requestAnimationFrame(() => setTimeout(run, 0));
  setTimeout(run, 100);
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
  const id = tab?.id;
  return id !== undefined && Number.isInteger(id) && id >= 0 ? id : null;
}

/** The popup view last rendered (a JSON string, null for none); undefined before the first answer. */
/** @type {string | null | undefined} */
let shown;
/** Whether a report was rendered already. */
let rendered = false;

/**
 * Asks the background for the popup view and renders it when it changed.
 * @param {number} tabId
 * @param {Promise<{home: string}>} settings
 */
async function refresh(tabId, settings) {
  const firstAnswer = shown === undefined && !rendered;
  try {
    if (firstAnswer) performance.mark('whither:report-requested');
    const [json, { home }] = await Promise.all([api.runtime.sendMessage({ type: MESSAGE.popup, tabId }), settings]);
    if (firstAnswer) performance.mark('whither:report-received');
    const text = typeof json === 'string' ? json : null;
    if (text === shown) return;
    shown = text;
    /** @type {PopupView | null} */
    const view = text === null ? null : JSON.parse(text);
    if (!view?.report) {
      setState('empty', msg('statusEmpty'));
      return;
    }
    extras.laws = view.laws ?? {};
    extras.home = home;
    const first = !rendered;
    rendered = true;
    const complete = render(view, first);
    if (first) performance.mark('whither:rendered');
    setState('ready');
    if (first) {
      // After the first frame: the flags' images, and the company lines below the first screen.
      afterFrame(() => {
        complete();
        showFlags(document).then(() => { document.body.dataset.flags = 'loaded'; });
      });
    }
  } catch (error) {
    shown = undefined;
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
  // Both exports are built by the background's core from the tab's visit (src/export.rs).
  $('#export-json').addEventListener('click', async () => {
    const json = await api.runtime.sendMessage({ type: MESSAGE.reportJson, tabId: Number(document.body.dataset.tabId) });
    if (typeof json === 'string') download(`${exportName()}.json`, 'application/json', json);
  });
  $('#export-csv').addEventListener('click', async () => {
    const csv = await api.runtime.sendMessage({ type: MESSAGE.reportCsv, tabId: Number(document.body.dataset.tabId) });
    if (typeof csv === 'string') download(`${exportName()}.csv`, 'text/csv', csv);
  });
  // One listener for every <details> (`toggle` does not bubble: caught on the way down).
  $('#report').addEventListener('toggle', onToggle, true);
  $('#report').addEventListener('click', onClick, true);
  const tabId = await targetTab();
  if (tabId === null) {
    setState('error', msg('statusNoTab'));
    return;
  }
  document.body.dataset.tabId = String(tabId);
  $('#ask-all').setAttribute('href', `request.html?${new URLSearchParams({ tabId: String(tabId) })}`);

  // The settings in force, as the background's core reads them (the home jurisdiction's tag).
  const settings = api.runtime.sendMessage({ type: MESSAGE.settingsState })
    .then((/** @type {{settings?: string} | null} */ s) => /** @type {{home: string}} */ (JSON.parse(s?.settings ?? '{"home":""}')));
  refreshNow = () => refresh(tabId, settings);
  await refresh(tabId, settings);
  document.body.dataset.enriched = 'true';

  // Follow the tab live: the background rewrites `tab:N` in storage.session whenever its state changes.
  const key = tabStateKey(tabId);
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  api.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
    if (area !== 'session' || !(key in changes) || timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      refresh(tabId, settings);
    }, 250);
  });
}

main().catch((error) => setState('error', msg('statusError', [String(error?.message ?? error)])));
