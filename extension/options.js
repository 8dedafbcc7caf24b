// Whither options: home jurisdiction, watchlist (groups and countries), history on/off and retention, recording in
// private windows, blocking (jurisdictions, companies, categories, trusted sites; exports of the block list); export
// and clearing of the history (and of the list of data-access requests). Every change is one `changeSettings`
// message: the background's core validates it, stores the settings (storage.local `settings`, docs/settings.md) and
// installs the rules. The view of the blocking choices (counts, company search) and the exports come from the pages'
// core (pkg/whither_pages.js).

import initPages, { exportBlockList, importList, settingsView } from '../pkg/whither_pages.js';
import { SETTINGS_KEY } from './blocking.js';
import { importFile, loadImported, removeList } from './imported.js';
import { MESSAGE } from './protocol.js';
import { REQUESTS_KEY } from './requests.js';
import { RETENTION_CHOICES } from './settings.js';
import { $, api, countryLabel, countryName, download, el, flag, lang, localizePage, msg, openHistory, rawMsg }
  from './views.js';

/**
 * What the background's core offers the options page (src/view.rs `OptionsView`).
 * @typedef {{jurisdictions: string[], groups: {id: string, members: string[]}[],
 *   ip_attribution?: {message: string, href: string}[]}} OptionsView
 */

/**
 * The settings in force (src/settings.rs, as JSON).
 * @typedef {{v: number, home: string, watchlist: string[], history: boolean, retentionDays: number,
 *   privateWindows: boolean, blocking: {enabled: boolean, jurisdictions: string[], companies: string[],
 *   categories: string[], trustedSites: string[]}}} Settings
 * @typedef {{id: string, domains: number}} Choosable
 * @typedef {{id: string, name: string, country: string, domains: number, companies: number}} CompanyChoice
 * @typedef {{settings: Settings, notices: {key: string, value: string, kind: string}[], error: string | null,
 *   jurisdictions: Choosable[], groups: (Choosable & {members: string[]})[], categories: Choosable[],
 *   found: CompanyChoice[], chosen: CompanyChoice[], blocked_domains: number, rules: number, applied: boolean,
 *   rules_error: string | null}} SettingsView
 */

/** @type {Settings} */
let settings;
/** @type {string[]} */
let codes = [];
/** The settings as the background holds them (the input of the pages' core's view). */
/** @type {{settings: string, notices: string, error: string, rulesError: string, applied: string}} */
let state;
let search = '';

/** @returns {Promise<SettingsView>} the view of the settings in force */
async function loadView() {
  state = /** @type {typeof state} */ (await api.runtime.sendMessage({ type: MESSAGE.settingsState }));
  /** @type {SettingsView} */
  const view = JSON.parse(settingsView(state.settings, state.notices, state.error || undefined, search,
    state.applied || undefined));
  settings = view.settings;
  return view;
}

/**
 * Sends one change (the core validates and stores it, and installs the rules) and says so.
 * @param {import('./protocol.js').SettingsChange} change
 */
async function changeSettings(change) {
  const answer = /** @type {{ok?: boolean, error?: string} | null} */ (
    await api.runtime.sendMessage({ type: MESSAGE.changeSettings, change }));
  $('#saved').textContent = answer?.ok ? msg('saved') : msg('statusError', [answer?.error ?? '?']);
  renderBlocking(await loadView());
}

/**
 * @param {string} op @param {{list?: string, text?: string, on?: boolean, number?: number}} [rest]
 * @returns {import('./protocol.js').SettingsChange}
 */
const change = (op, rest = {}) => ({ op, list: rest.list ?? '', text: rest.text ?? '', on: rest.on ?? false,
  number: rest.number ?? 0 });

/**
 * A checkbox for one entry of a blocking list, with the count of domains it blocks.
 * @param {string} list @param {string} id @param {string} label @param {number} domains @param {string[]} chosen
 * @returns {HTMLElement}
 */
function choiceBox(list, id, label, domains, chosen) {
  const boxId = `block-${list}-${id}`;
  const box = /** @type {HTMLInputElement} */ (el('input', { id: boxId, attrs: { type: 'checkbox', value: id } }));
  box.checked = chosen.includes(id);
  box.addEventListener('change', () => changeSettings(change('list', { list, text: id, on: box.checked })));
  return el('label', { attrs: { for: boxId }, data: { choice: id, domains } }, box, ' ', label, ' ',
    el('span', { className: 'count', text: msg('domainsCount', [String(domains)]) }));
}

/**
 * The blocking section from the view: on/off, what the choices block, the lists, the notices.
 * @param {SettingsView} view
 */
function renderBlocking(view) {
  const b = view.settings.blocking;
  const enabled = /** @type {HTMLInputElement} */ ($('#blocking-enabled'));
  enabled.checked = b.enabled;
  const summary = $('#blocking-summary');
  summary.dataset.domains = String(view.blocked_domains);
  summary.dataset.rules = String(view.rules);
  summary.dataset.applied = String(view.applied);
  summary.textContent = view.rules_error ? msg('blockingTooMany', [view.rules_error])
    : msg('blockingSummary', [String(view.blocked_domains), String(view.rules)])
      + (b.enabled ? (view.applied ? '' : ` ${msg('blockingNotApplied')}`) : ` ${msg('blockingOff')}`);
  const notices = $('#settings-notices');
  notices.replaceChildren(
    ...(view.error ? [el('li', { className: 'error', text: msg('settingsIgnored', [view.error]) })] : []),
    ...(state.rulesError ? [el('li', { className: 'error', text: msg('blockingTooMany', [state.rulesError]) })] : []),
    ...view.notices.map((n) => el('li', { text: msg('settingsNotice', [n.key, n.value, n.kind]) })));
  notices.hidden = !notices.childElementCount;
  document.body.dataset.notices = String(notices.childElementCount);

  const groups = $('#block-groups');
  groups.replaceChildren(el('legend', { text: msg('watchGroupsLegend') }), ...view.groups.map((g) => choiceBox(
    'jurisdictions', g.id, msg(`watchGroup_${g.id.replace(/-/g, '_')}`) || g.id, g.domains, b.jurisdictions)));
  const countries = [...view.jurisdictions].sort((x, y) => countryName(x.id).localeCompare(countryName(y.id), lang));
  $('#block-countries').replaceChildren(el('legend', { text: msg('watchCountriesLegend') }),
    ...countries.map((j) => choiceBox('jurisdictions', j.id, countryLabel(j.id), j.domains, b.jurisdictions)));
  $('#block-categories').replaceChildren(el('legend', { text: msg('blockCategoriesLegend') }),
    ...view.categories.map((c) => choiceBox('categories', c.id,
      rawMsg(`category_${c.id.replace(/[^a-z0-9]/gi, '_')}`) || c.id, c.domains, b.categories)));
  /** @param {CompanyChoice} c @returns {HTMLElement} */
  const company = (c) => choiceBox('companies', c.id, `${c.name} (${c.country})`, c.domains, b.companies);
  $('#block-chosen').replaceChildren(...view.chosen.map((c) => el('li', {}, company(c))));
  $('#block-found').replaceChildren(...view.found.filter((c) => !b.companies.includes(c.id))
    .map((c) => el('li', {}, company(c))));
  $('#trusted-sites').replaceChildren(...b.trustedSites.map((site) => {
    const remove = el('button', { text: '×', attrs: { type: 'button', 'aria-label': msg('untrustSite', [site]) } });
    remove.addEventListener('click', () => changeSettings(change('trust-site', { text: site, on: false })));
    return el('li', { data: { site } }, el('span', { text: site }), remove);
  }));
  applyFilter();
  document.body.dataset.blockingRendered = String(Number(document.body.dataset.blockingRendered ?? '0') + 1);
}

/** Shows only the countries and categories whose label contains the filter's text (and opens the countries). */
function applyFilter() {
  const text = /** @type {HTMLInputElement} */ ($('#block-filter')).value.trim().toLocaleLowerCase(lang);
  for (const label of document.querySelectorAll('#block-countries label, #block-categories label')) {
    /** @type {HTMLElement} */ (label).hidden = !!text && !(label.textContent ?? '').toLocaleLowerCase(lang).includes(text);
  }
  if (text) /** @type {HTMLDetailsElement} */ ($('#block-countries-details')).open = true;
}

/** @param {HTMLSelectElement} select @param {string[]} list @param {string} [empty] */
function fillCountries(select, list, empty) {
  const sorted = [...list].sort((a, b) => countryName(a).localeCompare(countryName(b), lang));
  select.replaceChildren(
    ...(empty !== undefined ? [el('option', { text: empty, attrs: { value: '' } })] : []),
    ...sorted.map((c) => el('option', { text: countryLabel(c), attrs: { value: c } })));
}

function renderWatchCountries() {
  const countries = settings.watchlist.filter((w) => /^[A-Z]{2}$/.test(w));
  const list = $('#watch-countries');
  list.replaceChildren(...countries.map((c) => {
    const remove = el('button', { text: '×', attrs: { type: 'button', 'aria-label': msg('watchRemove', [countryLabel(c)]) } });
    remove.addEventListener('click', async () => {
      await changeSettings(change('list', { list: 'watchlist', text: c, on: false }));
      renderWatchCountries();
      /** @type {HTMLElement} */ ($('#watch-add')).focus();
    });
    return el('li', { data: { country: c } }, flag(c), el('span', { text: countryLabel(c) }), remove);
  }));
  if (!countries.length) list.append(el('li', { className: 'none', text: msg('watchNone') }));
}

/** The pages' wasm module (it validates a list file: src/imported/), initialised once. */
let pagesReady;
function core() {
  pagesReady ??= initPages({ module_or_path: new URL('../pkg/whither_pages_bg.wasm', import.meta.url) });
  return pagesReady.then(() => ({
    importList: (/** @type {string} */ name, /** @type {Uint8Array} */ bytes) =>
      /** @type {import('./imported.js').Parsed} */ (importList(name, bytes)),
  }));
}

/** @param {import('./imported.js').StoredList[]} lists */
function renderLists(lists) {
  const list = $('#lists-list');
  list.replaceChildren(...lists.map((l) => {
    const remove = el('button', { text: msg('listsRemove'), attrs: { type: 'button', 'aria-label': msg('listsRemoveLabel', [l.name]) } });
    remove.addEventListener('click', async () => {
      renderLists(await removeList(api, l.id));
      $('#lists-status').textContent = msg('listsRemoved', [l.name]);
    });
    return el('li', { data: { list: l.name, format: l.format } },
      el('span', { className: 'list-name', text: l.name }),
      el('span', { className: 'muted', text: ` ${msg('listsSummary', [l.licence, String(l.domains), String(l.owners)])} ` }),
      remove);
  }));
  if (!lists.length) list.append(el('li', { className: 'none', text: msg('listsNone') }));
}

async function setUpLists() {
  renderLists(await loadImported(api));
  const input = /** @type {HTMLInputElement} */ ($('#list-file'));
  const status = $('#lists-status');
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    status.textContent = msg('statusLoading');
    try {
      const entry = await importFile(api, await core(), file);
      status.textContent = msg('listsImported', [entry.name, String(entry.domains)]);
      document.body.dataset.lists = 'imported';
    } catch (error) {
      status.textContent = msg('listsImportFailed', [String(/** @type {Error} */ (error)?.message ?? error)]);
      document.body.dataset.lists = 'failed';
    }
    input.value = '';
    renderLists(await loadImported(api));
  });
}

async function main() {
  localizePage();
  const [view, blockingView] = await Promise.all([api.runtime.sendMessage({ type: MESSAGE.optionsView }),
    core().then(loadView)]);
  if (typeof view !== 'string') throw new Error('the background did not answer');
  /** @type {OptionsView} */
  const options = JSON.parse(view);
  codes = options.jurisdictions;

  const home = /** @type {HTMLSelectElement} */ ($('#home'));
  fillCountries(home, codes, msg('homeNone'));
  home.value = settings.home;
  home.addEventListener('change', () => changeSettings(change('set-home', { text: home.value })));

  const groups = $('#watch-groups');
  for (const { id: g, members } of options.groups) {
    const id = `watch-${g}`;
    const box = /** @type {HTMLInputElement} */ (el('input', { id, attrs: { type: 'checkbox', value: g } }));
    box.checked = settings.watchlist.includes(g);
    box.addEventListener('change', () => changeSettings(change('list', { list: 'watchlist', text: g, on: box.checked })));
    // The members in the tooltip: "AU, CA, GB, NZ, US".
    groups.append(el('label', { attrs: { for: id }, title: members.join(', ') }, box, ' ',
      msg(`watchGroup_${g.replace(/-/g, '_')}`)));
  }

  const add = /** @type {HTMLSelectElement} */ ($('#watch-add'));
  fillCountries(add, codes);
  add.value = 'CN';
  $('#watch-add-button').addEventListener('click', async () => {
    if (!add.value || settings.watchlist.includes(add.value)) return;
    await changeSettings(change('list', { list: 'watchlist', text: add.value, on: true }));
    renderWatchCountries();
  });
  renderWatchCountries();

  const history = /** @type {HTMLInputElement} */ ($('#history'));
  history.checked = settings.history;
  history.addEventListener('change', () => changeSettings(change('set-history', { on: history.checked })));
  const retention = /** @type {HTMLSelectElement} */ ($('#retention'));
  const choices = [...new Set([...RETENTION_CHOICES, settings.retentionDays])].sort((a, b) => a - b);
  retention.replaceChildren(...choices.map((d) => el('option', { text: msg('retentionDays', [String(d)]), attrs: { value: String(d) } })));
  retention.value = String(settings.retentionDays);
  retention.addEventListener('change', () => changeSettings(change('set-retention', { number: Number(retention.value) })));
  const priv = /** @type {HTMLInputElement} */ ($('#private'));
  priv.checked = settings.privateWindows;
  priv.addEventListener('change', () => changeSettings(change('set-private-windows', { on: priv.checked })));

  // Blocking: on/off, the lists, the company search, the exports; a change of the key from any page shows here too.
  renderBlocking(blockingView);
  const enabled = /** @type {HTMLInputElement} */ ($('#blocking-enabled'));
  enabled.addEventListener('change', () => changeSettings(change('set-blocking', { on: enabled.checked })));
  $('#block-filter').addEventListener('input', applyFilter);
  const searchBox = /** @type {HTMLInputElement} */ ($('#block-search'));
  searchBox.addEventListener('input', async () => {
    search = searchBox.value;
    renderBlocking(await loadView());
  });
  /** @param {"hosts" | "adblock" | "dnr"} format @param {string} ext @param {string} type */
  const exportList = (format, ext, type) => {
    download(`whither-blocklist-${format}.${ext}`, type, exportBlockList(state.settings, format));
  };
  $('#export-hosts').addEventListener('click', () => exportList('hosts', 'txt', 'text/plain'));
  $('#export-adblock').addEventListener('click', () => exportList('adblock', 'txt', 'text/plain'));
  $('#export-dnr').addEventListener('click', () => exportList('dnr', 'json', 'application/json'));
  api.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
    if (area === 'local' && SETTINGS_KEY in changes) {
      loadView().then(renderBlocking, () => {});
    }
  });

  // Export and clear.
  const status = $('#data-status');
  /** @param {"json" | "csv"} format */
  const exportHistory = async (format) => {
    status.textContent = msg('statusLoading');
    const h = openHistory();
    const days = await h.days;
    if (!days.length) {
      status.textContent = msg('historyEmpty');
      return;
    }
    const from = days[0];
    const to = days[days.length - 1];
    const { name, text } = await h.export(format, from, to);
    download(`${name}.${format}`, format === 'json' ? 'application/json' : 'text/csv', text);
    status.textContent = '';
  };
  $('#export-history-json').addEventListener('click', () => exportHistory('json'));
  $('#export-history-csv').addEventListener('click', () => exportHistory('csv'));
  const clear = $('#clear');
  let armed = false;
  clear.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      clear.textContent = msg('clearConfirm');
      return;
    }
    armed = false;
    clear.textContent = msg('clearAll');
    const ok = await api.runtime.sendMessage({ type: MESSAGE.clearHistory });
    // All data: the list of data-access requests too (docs/requests.md).
    const requestsCleared = await api.storage.local.remove(REQUESTS_KEY).then(() => true, () => false);
    status.textContent = ok && requestsCleared ? msg('cleared') : msg('clearFailed');
  });
  clear.addEventListener('blur', () => {
    armed = false;
    clear.textContent = msg('clearAll');
  });
  await setUpLists();
  // The IP data's attribution (its licences ask for it; DB-IP for a link back) and its date and source (the background
  // loads the table if it has not yet).
  $('#ip-data-links').replaceChildren(...(options.ip_attribution ?? []).map(({ message, href }) => el('li', {},
    el('a', { text: msg(message), attrs: { href, rel: 'noopener noreferrer', target: '_blank' } }))));
  const ipData = $('#ip-data');
  api.runtime.sendMessage({ type: MESSAGE.ipData }).then((/** @type {{date?: string, source?: string} | null} */ info) => {
    ipData.dataset.date = info?.date ?? '';
    ipData.textContent = info?.date ? msg('ipDataDate', [info.date, info.source ?? '']) : msg('ipDataUnavailable');
  }, () => {
    ipData.textContent = msg('ipDataUnavailable');
  });
  document.body.dataset.state = 'ready';
}

main().catch((error) => {
  document.body.dataset.state = 'error';
  $('#saved').textContent = String(error?.message ?? error);
});
