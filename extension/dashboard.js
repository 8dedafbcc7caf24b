// Whither dashboard: the history across sites (src/history/ aggregates, the page only draws). The stored days are
// loaded into the core's History in a worker (extension/history-worker.js), which answers the overview of the chosen
// period and search off the page's thread; lists are cut to what is shown (`limit`, "show more"), so six months of
// browsing neither freeze the page nor flood the DOM. Opening is quick with months of history: the worker starts at
// once, only the days of the shown period are read and loaded first (the newest first), the world map's geometry is
// computed while they load, and the other stored days are loaded after the first view is drawn. The page itself
// loads no wasm: dates and watchlist matches come with the worker's answers.
//
// `dashboard.html?period=N` opens with the last N days shown (one of PERIODS; 0: everything), else 30.
//
// Hooks for tests: body[data-state] (loading | ready | empty | error), #totals[data-requests][data-sites],
// #jurisdictions tr[data-jurisdiction], #companies tr[data-company] (td.servers[data-places]), #sites tr[data-site],
// #map[data-mode="control|servers"] path[data-country][data-share], #map-mode input[value], #servers tr[data-place],
// #flow [data-flow].

import { MESSAGE } from './protocol.js';
import { $, api, countryLabel, download, el, flag, lang, localizePage, msg, number, openHistory, rawMsg }
  from './views.js';
import { blockedPhrase, homeLineText } from './text.js';

performance.mark('whither:script');

// d3-geo and topojson-client are vendored as scripts (extension/vendor/, scripts/vendor.mjs) that set globals.
const { d3, topojson } = /** @type {{d3: typeof import('d3-geo'), topojson: typeof import('topojson-client')}} */ (
  /** @type {unknown} */ (globalThis));
const SVG = 'http://www.w3.org/2000/svg';
const PAGE = 100;
const PERIODS = [7, 30, 90, 180, 365, 0]; // 0: everything

/**
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {...Node} children
 * @returns {SVGElement}
 */
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
}

/** @param {string} text @returns {SVGElement} */
const svgTitle = (text) => {
  const t = svg('title');
  t.textContent = text;
  return t;
};

const state = {
  /** Dates (YYYY-MM-DD) of day numbers, as the history worker answered them. @type {Map<number, string>} */
  dates: new Map(),
  /** The shown jurisdictions that are on the watchlist. @type {Set<string>} */
  watched: new Set(),
  /** @type {import('./views.js').StoredHistory | null} */ history: null,
  /** @type {number[]} */ days: [],
  /** @type {string[]} */ watchlist: [],
  home: '',
  companiesLimit: PAGE,
  sitesLimit: PAGE,
  /** The world map's countries: code and SVG path, computed once. @type {{code: string, d: string}[] | null} */
  countries: null,
  sphere: '',
  /** A day picked in the chart (its overview replaces the period's), or null. */
  /** @type {number | null} */ day: null,
  /** What the map shows: the controlling jurisdictions or the server countries. @type {"control" | "servers"} */
  mapMode: 'control',
  /** The overview shown (the map is redrawn from it when its mode changes). @type {import('./views.js').Overview | null} */
  overview: null,
};

/**
 * A place servers stood in (src/history/places.rs): a country's name, or what kind of place it is.
 * @param {string | null} place a country code, or local | proxy | special | unlocated | unknown
 * @returns {string}
 */
function placeLabel(place) {
  const kinds = /** @type {Record<string, string>} */ ({ local: 'placeLocal', proxy: 'placeProxy', special: 'placeSpecial',
    unlocated: 'placeUnlocated', unknown: 'placeUnknown' });
  const kind = place === null ? 'placeUnknown' : kinds[place];
  return kind ? msg(kind) : countryLabel(place);
}

/** @param {string} place @returns {boolean} whether it is a country code (not a kind of place) */
const isCountry = (place) => /^[A-Z]{2}$/.test(place);

/** @returns {{from: number, to: number}} the chosen period (or the day picked in the chart) as day numbers */
function period() {
  if (state.day !== null) return { from: state.day, to: state.day };
  return chartPeriod();
}

/** @returns {{from: number, to: number}} the period chosen in the select */
function chartPeriod() {
  const last = state.days[state.days.length - 1] ?? 0;
  const first = state.days[0] ?? 0;
  const n = Number(/** @type {HTMLSelectElement} */ ($('#period')).value);
  return { from: n ? Math.max(first, last - n + 1) : first, to: last };
}

const percentFormat = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
/** @param {number} part @param {number} whole */
const percent = (part, whole) => percentFormat.format(whole ? part / whole : 0);

/** @param {string} code */
const watched = (code) => state.watched.has(code);

/** @param {number} day @returns {string} its date */
const dayString = (day) => state.dates.get(day) ?? String(day);

/** @param {import('./views.js').Overview} o @param {number} from @param {number} to */
function renderDays(o, from, to) {
  const byDay = new Map(o.days.map((d) => [d.day, d]));
  const max = Math.max(1, ...o.days.map((d) => d.requests));
  const bars = [];
  for (let day = from; day <= to && bars.length < 400; day++) {
    const d = byDay.get(day);
    const requests = d?.requests ?? 0;
    const label = `${dayString(day)}: ${msg('dayTooltip', [number(requests), number(d?.sites ?? 0)])}`;
    bars.push(el('button', {
      className: 'day-bar',
      title: label,
      data: { day, requests },
      attrs: { type: 'button', 'aria-label': label, 'aria-pressed': 'false',
        style: `height: ${Math.max(2, Math.round((70 * requests) / max))}px` },
    }));
  }
  const days = $('#days');
  days.replaceChildren(...bars);
  days.setAttribute('aria-label', msg('daysLabel', [dayString(from), dayString(to), number(o.totals.requests)]));
}

/** Marks the picked day in the chart and says which day the page shows. */
function markDay() {
  const bars = Array.from(document.querySelectorAll('#days .day-bar'));
  // One tab stop for the chart (the picked day, else the last one); the arrow keys move between days.
  const current = bars.find((b) => Number(/** @type {HTMLElement} */ (b).dataset.day) === state.day) ?? bars.at(-1);
  for (const bar of bars) {
    bar.setAttribute('aria-pressed', String(Number(/** @type {HTMLElement} */ (bar).dataset.day) === state.day));
    bar.setAttribute('tabindex', bar === current ? '0' : '-1');
  }
  const note = $('#day-note');
  note.hidden = state.day === null;
  $('#day-note-text').textContent = state.day === null ? '' : msg('dayShown', [dayString(state.day)]);
}

/**
 * " · 1,204 blocked" after a count of requests, or nothing.
 * @param {number} blocked
 * @returns {HTMLElement | null}
 */
function blockedNote(blocked) {
  return blocked ? el('span', { className: 'blocked muted', data: { blocked },
    text: ` · ${msg('blockedTag', [number(blocked)])}` }) : null;
}

/** @param {import('./views.js').Overview} o */
function renderJurisdictions(o) {
  const total = o.totals.requests;
  $('#jurisdictions tbody').replaceChildren(...o.jurisdictions.map((j) => el('tr', {
    data: { jurisdiction: j.country, requests: j.requests, watched: String(watched(j.country)) },
  },
  el('td', {}, flag(j.country), countryLabel(j.country), watched(j.country) ? el('span', { className: 'watch', text: ` · ${msg('watchTag')}` }) : null,
    j.country === state.home ? el('span', { className: 'muted', text: ` · ${msg('homeTag')}` }) : null),
  el('td', { className: 'num', text: number(j.requests) },
    blockedNote(/** @type {{blocked_requests?: number}} */ (j).blocked_requests ?? 0)),
  el('td', { className: 'num', text: percent(j.requests, total) }),
  el('td', { className: 'num', text: number(j.companies) }),
  el('td', { className: 'num', text: number(j.sites) }))));
}

const MAP_WIDTH = 640;
const MAP_HEIGHT = 330;

/**
 * The world map's geometry (an SVG path per country), computed once per page.
 * @param {import('topojson-specification').Topology<{countries: import('topojson-specification').GeometryCollection}>
 *   | null} world the topojson of vendor/countries-110m.json
 */
function mapGeometry(world) {
  if (!d3?.geoPath || !topojson || !world) return;
  const projection = d3.geoEqualEarth().fitSize([MAP_WIDTH, MAP_HEIGHT], { type: 'Sphere' });
  const path = d3.geoPath(projection);
  state.sphere = path({ type: 'Sphere' }) ?? '';
  state.countries = topojson.feature(world, world.objects.countries).features
    .map((f) => ({ code: String(f.id ?? ''), d: path(f) ?? '' }));
}

/** @param {import('./views.js').Overview} o */
function renderMap(o) {
  const box = $('#map');
  if (!state.countries) {
    box.replaceChildren(el('p', { className: 'none', text: msg('mapUnavailable') }));
    return;
  }
  // "Controlled from": requests by controlling jurisdiction; "servers in": by the country of the servers that answered.
  const rows = state.mapMode === 'servers'
    ? (o.servers ?? []).flatMap((s) => (s.kind === 'country' && s.country ? [{ country: s.country, requests: s.requests }] : []))
    : o.jurisdictions;
  box.dataset.mode = state.mapMode;
  $('#map-heading').textContent = msg(state.mapMode === 'servers' ? 'mapHeadingServers' : 'mapHeading');
  const share = new Map(rows.map((j) => [j.country, o.totals.requests ? j.requests / o.totals.requests : 0]));
  const max = Math.max(0.0001, ...share.values());
  const root = svg('svg', { viewBox: `0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`, role: 'img', 'aria-labelledby': 'map-heading map-desc' },
    svg('desc', { id: 'map-desc' }),
    svg('path', { class: 'sphere', d: state.sphere }));
  /** @type {SVGElement} */ (root.querySelector('desc')).textContent = rows.slice(0, 10)
    .map((j) => `${countryLabel(j.country)} ${percent(j.requests, o.totals.requests)}`).join(', ');
  for (const { code, d } of state.countries) {
    const s = share.get(code) ?? 0;
    const p = svg('path', {
      class: 'country',
      d,
      'data-country': code,
      'data-share': s.toFixed(4),
      style: s > 0 ? `fill: var(--accent); fill-opacity: ${(0.15 + 0.85 * Math.sqrt(s / max)).toFixed(3)}`
        : 'fill: var(--line)',
    });
    p.append(svgTitle(`${countryLabel(code || null)}: ${percent(s, 1)}`));
    root.append(p);
  }
  box.replaceChildren(root, el('div', { className: 'legend', attrs: { 'aria-hidden': 'true' } },
    el('span', { text: '0 %' }),
    el('span', { className: 'ramp', attrs: { style: 'background: linear-gradient(to right, color-mix(in srgb, var(--accent) 15%, transparent), var(--accent))' } }),
    el('span', { text: percent(max, 1) })));
}

/**
 * A three-column flow diagram (Sankey-like): top sites → top companies → jurisdictions; link widths are requests. The
 * core chose and summed the nodes and links (src/view.rs `FlowDiagram`); this lays them out.
 * @param {import('./views.js').FlowDiagram} flow
 */
function renderFlow(flow) {
  const box = $('#flow');
  if (!flow.sites.length) {
    box.replaceChildren(el('p', { className: 'none', text: msg('historyEmpty') }));
    return;
  }
  const columns = [
    flow.sites.map((n) => ({ id: `s:${n.id}`, label: n.label, value: n.requests })),
    flow.companies.map((n) => ({ id: `c:${n.id}`, label: n.label, value: n.requests })),
    flow.jurisdictions.map((n) => ({ id: `j:${n.id}`, label: countryLabel(n.id), value: n.requests })),
  ];
  const labels = new Map(columns.flat().map((n) => [n.id, n.label]));
  const width = 900;
  const height = Math.max(220, 26 * Math.max(...columns.map((c) => c.length)));
  const gap = 6;
  const total = flow.sites.reduce((n, s) => n + s.requests, 0) || 1;
  const scale = Math.min(...columns.map((c) => (height - gap * (c.length - 1)) / total));
  const xs = [170, width / 2 - 6, width - 190];
  /** @type {Map<string, {x: number, y: number, h: number, inY: number, outY: number}>} */
  const pos = new Map();
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'flow-heading flow-desc' },
    svg('desc', { id: 'flow-desc' }));
  /** @type {SVGElement} */ (root.querySelector('desc')).textContent = flow.site_links.slice(0, 15)
    .map((l) => `${l.from} → ${labels.get(`c:${l.to}`) ?? l.to} (${l.jurisdiction}): ${l.requests}`).join('; ');
  const links = svg('g');
  const nodes = svg('g');
  root.append(links, nodes);
  columns.forEach((col, ci) => {
    let y = 0;
    for (const node of col) {
      const h = Math.max(1, node.value * scale);
      pos.set(node.id, { x: xs[ci], y, h, inY: y, outY: y });
      const rect = svg('rect', { class: 'node', x: xs[ci], y, width: 12, height: h, 'data-flow': node.id });
      rect.append(svgTitle(`${node.label}: ${number(node.value)}`));
      const text = svg('text', { x: ci === 0 ? xs[ci] - 6 : xs[ci] + 18, y: y + h / 2, 'dominant-baseline': 'middle',
        'text-anchor': ci === 0 ? 'end' : 'start' });
      text.textContent = node.label;
      nodes.append(rect, text);
      y += h + gap;
    }
  });
  /** @param {string} a @param {string} b @param {import('./views.js').FlowLink} l */
  const link = (a, b, l) => {
    const p = pos.get(a);
    const q = pos.get(b);
    if (!p || !q) return;
    const w = Math.max(1, l.requests * scale);
    const y0 = p.outY + w / 2;
    const y1 = q.inY + w / 2;
    p.outY += w;
    q.inY += w;
    const x0 = p.x + 12;
    const x1 = q.x;
    const mx = (x0 + x1) / 2;
    const path = svg('path', { class: 'link', d: `M${x0},${y0}C${mx},${y0} ${mx},${y1} ${x1},${y1}`,
      'stroke-width': w, style: `stroke: ${l.watched ? 'var(--warn)' : 'var(--accent)'}` });
    path.append(svgTitle(`${a.slice(2)} → ${b.slice(2)}: ${number(l.requests)}`));
    links.append(path);
  };
  for (const l of flow.site_links) link(`s:${l.from}`, `c:${l.to}`, l);
  for (const l of flow.company_links) link(`c:${l.from}`, `j:${l.to}`, l);
  box.replaceChildren(root);
}

/** @param {import('./views.js').Overview} o */
function renderCompanies(o) {
  const rows = o.companies.slice(0, state.companiesLimit);
  $('#companies tbody').replaceChildren(...rows.map((c) => el('tr', {
    data: { company: c.id, requests: c.requests, watched: String(watched(c.jurisdiction)) },
  },
  el('td', {}, el('button', { className: 'site-link', text: c.name, attrs: { type: 'button', 'data-search': c.name } })),
  el('td', {}, flag(c.jurisdiction), `${c.controller_name} (${c.jurisdiction})`),
  el('td', { className: 'num', text: number(c.requests) },
    blockedNote(/** @type {{blocked_requests?: number}} */ (c).blocked_requests ?? 0)),
  el('td', { className: 'num', text: number(c.sites) }),
  serverPlaces(c.servers ?? []))));
  $('#companies-more').hidden = o.companies.length <= state.companiesLimit && o.totals.companies <= rows.length;
}

/**
 * A table cell of server places: flags and codes of the countries, names of the other places.
 * @param {string[]} places
 * @returns {HTMLElement}
 */
function serverPlaces(places) {
  return el('td', { className: 'servers', data: { places: places.join(' ') } },
    ...places.slice(0, 6).flatMap((p) => (isCountry(p)
      ? [flag(p), el('span', { text: `${p} `, title: countryLabel(p) })]
      : [el('span', { className: 'muted', text: `${placeLabel(p)} ` })])));
}

/** "Where the servers are": requests by the place of the servers that answered them. @param {import('./views.js').Overview} o */
function renderServers(o) {
  const total = o.totals.requests;
  $('#servers tbody').replaceChildren(...(o.servers ?? []).map((s) => {
    const place = s.kind === 'country' && s.country ? s.country : s.kind;
    return el('tr', { data: { place, requests: s.requests } },
      el('td', {}, s.kind === 'country' && s.country ? flag(s.country) : null, placeLabel(place)),
      el('td', { className: 'num', text: number(s.requests) }),
      el('td', { className: 'num', text: percent(s.requests, total) }),
      el('td', { className: 'num', text: number(s.sites) }));
  }));
}

/** @param {import('./views.js').Overview} o */
function renderSites(o) {
  const rows = o.sites.slice(0, state.sitesLimit);
  $('#sites tbody').replaceChildren(...rows.map((s) => el('tr', { data: { site: s.site, requests: s.requests } },
    el('td', {}, el('button', { className: 'site-link', text: s.site, attrs: { type: 'button', 'data-search': s.site } })),
    el('td', { className: 'num', text: number(s.visits) }),
    el('td', { className: 'num', text: number(s.requests) }),
    el('td', { className: 'num', text: number(s.companies) }),
    el('td', {}, ...s.jurisdictions.slice(0, 6).flatMap((/** @type {string} */ j) => [flag(j), el('span', {
      className: watched(j) ? 'watch' : '', text: `${j} `, title: countryLabel(j) })])))));
  $('#sites-more').hidden = o.totals.sites <= rows.length;
}

let renders = 0;

async function render() {
  const { from, to } = period();
  // "Ask all companies of this period": the request page for the shown period (or day).
  $('#ask-period').setAttribute('href', `request.html?${new URLSearchParams({ from: String(from), to: String(to) })}`);
  const search = /** @type {HTMLInputElement} */ ($('#search')).value;
  const limit = Math.max(state.companiesLimit, state.sitesLimit);
  const seq = ++renders;
  document.body.setAttribute('aria-busy', 'true');
  let o;
  let answer;
  try {
    answer = await /** @type {import('./views.js').StoredHistory} */ (state.history).view(from, to, search, limit, state.watchlist,
      state.home);
    performance.mark('whither:query');
    o = answer.overview;
    answer.dates.forEach((/** @type {string} */ date, /** @type {number} */ i) => state.dates.set(from + i, date));
    if (seq === renders) state.watched = new Set(answer.watched);
  } catch (error) {
    document.body.dataset.state = 'error';
    $('#status').hidden = false;
    $('#status').textContent = msg('statusError', [String(/** @type {Error} */ (error)?.message ?? error)]);
    return;
  }
  if (seq !== renders) return; // a newer query is on its way
  document.body.removeAttribute('aria-busy');
  const t = o.totals;
  const totals = $('#totals');
  totals.textContent = msg('historyTotals', [number(t.requests), number(t.sites), number(t.visits), number(t.companies),
    number(t.jurisdictions), number(t.data_requests), dayString(from), dayString(to)]);
  totals.dataset.requests = String(t.requests);
  totals.dataset.sites = String(t.sites);
  const blocked = /** @type {{blocked_requests?: number}} */ (t).blocked_requests ?? 0;
  totals.dataset.blocked = String(blocked);
  if (blocked) totals.append(' ', blockedPhrase(rawMsg, blocked, lang));
  const homeLine = $('#home-line');
  homeLine.hidden = !answer.home_line;
  homeLine.textContent = answer.home_line ? homeLineText(rawMsg, answer.home_line, countryLabel(answer.home_line.home), lang)
    : '';
  if (state.day === null) renderDays(o, from, to);
  markDay();
  renderJurisdictions(o);
  state.overview = o;
  renderMap(o);
  renderServers(o);
  renderFlow(answer.flow);
  renderCompanies(o);
  renderSites(o);
  document.body.dataset.state = 'ready';
  performance.mark('whither:ready');
}

async function main() {
  localizePage();
  const periodSelect = /** @type {HTMLSelectElement} */ ($('#period'));
  periodSelect.replaceChildren(...PERIODS.map((n) => el('option', {
    text: n ? msg('periodDays', [String(n)]) : msg('periodAll'), attrs: { value: String(n) } })));
  const asked = new URLSearchParams(location.search).get('period');
  periodSelect.value = PERIODS.map(String).includes(asked ?? '') ? String(asked) : '30';

  // The worker starts loading the core now; the page reads the index of stored days meanwhile, then the shown
  // period's days (the worker imports them while the page computes the map's geometry). The page has no core of its
  // own: the worker's answers carry the dates and the watched jurisdictions.
  const history = openHistory();
  state.history = history;
  const first = history.days.then((days) => {
    state.days = days;
    const { from, to } = chartPeriod();
    return days.length ? history.load(from, to) : undefined;
  });
  const world = fetch('vendor/countries-110m.json').then((r) => r.json()).catch(() => null);
  // The settings in force, as the background's core reads them.
  /** @type {[{settings?: string} | null, number[]]} */
  const [answer] = await Promise.all([api.runtime.sendMessage({ type: MESSAGE.settingsState }), history.days]);
  /** @type {{home: string, watchlist: string[], history: boolean}} */
  const settings = JSON.parse(answer?.settings ?? '{"home":"","watchlist":[],"history":true}');
  performance.mark('whither:settings');
  state.watchlist = settings.watchlist;
  state.home = settings.home;
  if (!state.days.length) {
    document.body.dataset.state = 'empty';
    $('#status').textContent = settings.history ? msg('historyEmpty') : msg('historyOff');
    return;
  }
  try {
    mapGeometry(await world);
  } catch (error) {
    console.error('whither: world map', error);
    state.countries = null;
  }
  await first;
  performance.mark('whither:history');
  $('#status').hidden = true;
  $('#content').hidden = false;

  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  const rerender = () => {
    state.companiesLimit = PAGE;
    state.sitesLimit = PAGE;
    render();
  };
  periodSelect.addEventListener('change', () => {
    state.day = null;
    rerender();
  });
  // A day in the chart: the page shows that day (again: the whole period).
  $('#days').addEventListener('click', (e) => {
    const bar = /** @type {HTMLElement} */ (e.target).closest?.('.day-bar');
    if (!bar) return;
    const day = Number(/** @type {HTMLElement} */ (bar).dataset.day);
    state.day = state.day === day ? null : day;
    rerender();
  });
  $('#days').addEventListener('keydown', (e) => {
    const bar = /** @type {HTMLElement} */ (e.target).closest?.('.day-bar');
    const step = { ArrowLeft: -1, ArrowRight: 1, Home: -Infinity, End: Infinity }[e.key];
    if (!bar || step === undefined) return;
    e.preventDefault();
    const bars = Array.from(document.querySelectorAll('#days .day-bar'));
    const i = bars.indexOf(bar);
    const next = /** @type {HTMLElement | undefined} */ (bars[Math.max(0, Math.min(bars.length - 1,
      Number.isFinite(step) ? i + step : step < 0 ? 0 : bars.length - 1))]);
    if (!next) return;
    for (const b of bars) b.setAttribute('tabindex', b === next ? '0' : '-1');
    next.focus();
  });
  $('#day-clear').addEventListener('click', () => {
    state.day = null;
    rerender();
  });
  $('#search').addEventListener('input', () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      rerender();
    }, 150);
  });
  $('#controls').addEventListener('submit', (e) => e.preventDefault());
  // The map: "controlled from" or "servers in" (redrawn from the overview shown, no new query).
  $('#map-mode').addEventListener('change', (e) => {
    const value = /** @type {HTMLInputElement} */ (e.target).value;
    state.mapMode = value === 'servers' ? 'servers' : 'control';
    if (state.overview) renderMap(state.overview);
  });
  $('#content').addEventListener('click', (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    const q = target.closest?.('[data-search]')?.getAttribute('data-search');
    if (q) {
      /** @type {HTMLInputElement} */ ($('#search')).value = q;
      rerender();
    }
  });
  $('#companies-more').addEventListener('click', () => {
    state.companiesLimit += PAGE;
    render();
  });
  $('#sites-more').addEventListener('click', () => {
    state.sitesLimit += PAGE;
    render();
  });
  /** @param {"json" | "csv"} format */
  const exportPeriod = async (format) => {
    const { from, to } = period();
    const { name, text } = await history.export(format, from, to);
    download(`${name}.${format}`, format === 'json' ? 'application/json' : 'text/csv', text);
  };
  $('#export-json').addEventListener('click', () => exportPeriod('json'));
  $('#export-csv').addEventListener('click', () => exportPeriod('csv'));
  await render();
  // The other stored days, for other periods and the exports (the worker loads them after the first view).
  history.load(state.days[0], state.days[state.days.length - 1]).catch((error) => {
    console.error('whither: history', error);
  });
}

main().catch((error) => {
  document.body.dataset.state = 'error';
  $('#status').hidden = false;
  $('#status').textContent = msg('statusError', [String(error?.message ?? error)]);
});
