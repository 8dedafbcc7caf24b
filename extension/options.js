// Whither options: home jurisdiction, watchlist (groups and countries), history on/off and retention, recording in
// private windows; export and clearing of the history. Every change is saved at once (storage.local `settings`);
// the background picks it up through storage.onChanged.

import { MESSAGE } from './protocol.js';
import { RETENTION_CHOICES, loadSettings, saveSettings } from './settings.js';
import { $, api, countryLabel, countryName, download, el, flag, lang, localizePage, msg, openHistory }
  from './views.js';

/**
 * What the background's core offers the options page (src/view.rs `OptionsView`).
 * @typedef {{jurisdictions: string[], groups: {id: string, members: string[]}[],
 *   ip_attribution?: {message: string, href: string}[]}} OptionsView
 */

/** @type {import('./settings.js').Settings} */
let settings;
/** @type {string[]} */
let codes = [];

/** Saves the settings and says so. */
async function save() {
  await saveSettings(api, settings);
  $('#saved').textContent = msg('saved');
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
      settings.watchlist = settings.watchlist.filter((w) => w !== c);
      renderWatchCountries();
      await save();
      /** @type {HTMLElement} */ ($('#watch-add')).focus();
    });
    return el('li', { data: { country: c } }, flag(c), el('span', { text: countryLabel(c) }), remove);
  }));
  if (!countries.length) list.append(el('li', { className: 'none', text: msg('watchNone') }));
}

async function main() {
  localizePage();
  const [view, loaded] = await Promise.all([api.runtime.sendMessage({ type: MESSAGE.optionsView }), loadSettings(api)]);
  settings = loaded;
  if (typeof view !== 'string') throw new Error('the background did not answer');
  /** @type {OptionsView} */
  const options = JSON.parse(view);
  codes = options.jurisdictions;

  const home = /** @type {HTMLSelectElement} */ ($('#home'));
  fillCountries(home, codes, msg('homeNone'));
  home.value = settings.home;
  home.addEventListener('change', async () => {
    settings.home = home.value;
    await save();
  });

  const groups = $('#watch-groups');
  for (const { id: g, members } of options.groups) {
    const id = `watch-${g}`;
    const box = /** @type {HTMLInputElement} */ (el('input', { id, attrs: { type: 'checkbox', value: g } }));
    box.checked = settings.watchlist.includes(g);
    box.addEventListener('change', async () => {
      settings.watchlist = box.checked ? [...settings.watchlist, g] : settings.watchlist.filter((w) => w !== g);
      await save();
    });
    // The members in the tooltip: "AU, CA, GB, NZ, US".
    groups.append(el('label', { attrs: { for: id }, title: members.join(', ') }, box, ' ',
      msg(`watchGroup_${g.replace(/-/g, '_')}`)));
  }

  const add = /** @type {HTMLSelectElement} */ ($('#watch-add'));
  fillCountries(add, codes);
  add.value = 'CN';
  $('#watch-add-button').addEventListener('click', async () => {
    if (!add.value || settings.watchlist.includes(add.value)) return;
    settings.watchlist = [...settings.watchlist, add.value];
    renderWatchCountries();
    await save();
  });
  renderWatchCountries();

  const history = /** @type {HTMLInputElement} */ ($('#history'));
  history.checked = settings.history;
  history.addEventListener('change', async () => {
    settings.history = history.checked;
    await save();
  });
  const retention = /** @type {HTMLSelectElement} */ ($('#retention'));
  const choices = [...new Set([...RETENTION_CHOICES, settings.retentionDays])].sort((a, b) => a - b);
  retention.replaceChildren(...choices.map((d) => el('option', { text: msg('retentionDays', [String(d)]), attrs: { value: String(d) } })));
  retention.value = String(settings.retentionDays);
  retention.addEventListener('change', async () => {
    settings.retentionDays = Number(retention.value);
    await save();
  });
  const priv = /** @type {HTMLInputElement} */ ($('#private'));
  priv.checked = settings.privateWindows;
  priv.addEventListener('change', async () => {
    settings.privateWindows = priv.checked;
    await save();
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
    status.textContent = ok ? msg('cleared') : msg('clearFailed');
  });
  clear.addEventListener('blur', () => {
    armed = false;
    clear.textContent = msg('clearAll');
  });
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
