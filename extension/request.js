// Whither's request page (docs/requests.md): data-access requests to the companies that received a page's requests
// (opened from the popup: `?tabId=N`, one company alone with `&company=ID`), or a period's (from the dashboard:
// `?from=D&to=D`), and the person's list of requests made, with deadlines, "answered" / "overdue" marks and, when a
// deadline has passed, the supervisory authority to complain to and a ready complaint. The request module of the
// core (pkg/whither_requests.js, loaded only here) builds every letter, `mailto:` link and deadline and owns the
// stored list (extension/requests.js passes JSON in and out); this page only draws what it returns, with
// createElement/textContent (names, addresses and page URLs are data, never markup). Whither sends nothing: the
// person sends each letter from their mail program, a web form (copy) or by post (print / save as PDF); doing so
// records the request in their list.
//
// Hooks for tests: body[data-state] (loading | ready | error), #requests article.request[data-key] (with
// .contact-email, .contact-address, .services li[data-service], .letter, a.mail, button.copy, button.print,
// .recorded), #without-list li[data-id], #sent-list li.sent-request[data-id][data-status][data-company]
// [data-deadline] (.complaint[data-authority]), #law, #california, body[data-listed] (requests in the list).

import init, {
  requestView, requestsConfigure, requestsExport, requestsRecord, requestsUpdate, requestsView,
} from '../pkg/whither_requests.js';
import { REQUESTS_KEY, createRequests, loadSources, localDate, parseTarget } from './requests.js';
import { MESSAGE } from './protocol.js';
import { $, api, countryLabel, download, el, externalLink, lang, localizePage, msg, openHistory } from './views.js';

/**
 * @typedef {{url: string, title?: string | null}} Source
 * @typedef {{name: string, address?: string | null, email?: string | null, web_form?: string | null}} Representative
 * @typedef {{entity: string, controller: string, company: string, country: string, email?: string | null, address?: string | null,
 *   web_form?: string | null, phone?: string | null, dpo_email?: string | null, dpo_address?: string | null,
 *   eu_representative?: Representative | null, uk_representative?: Representative | null,
 *   privacy_policy?: string | null, as_of: string, sources: Source[]}} Contact
 * @typedef {{id: string, name: string, hosts: string[]}} Service
 * @typedef {{cookies: boolean, cookie_domains: string[], ip: boolean, account: boolean, values: string}} Identifiers
 * @typedef {{subject: string, body: string}} Letter
 * @typedef {{key: string, contact: Contact, services: Service[], identifiers: Identifiers, letter: Letter,
 *   to: string | null, mailto: string | null, deadline: string, entry: string}} Prepared
 * @typedef {{id: string, name: string, country: string, privacy_policy: string | null, services: Service[]}} NoContact
 * @typedef {{id: string, name: string, title: string, right: string, deadline_basis: string,
 *   extension_basis: string | null, sources: Source[]}} LawView
 * @typedef {{kind: 'page', url: string, date: string} | {kind: 'period', from: string, to: string} |
 *   {kind: 'company'}} Seen
 * @typedef {{law: LawView, home_law: string, laws: string[], home: string, needs_california: boolean, lang: string,
 *   today: string, seen: Seen, requests: Prepared[], without_contact: NoContact[]}} RequestView
 * @typedef {{id: string, name: string, country: string, region: string | null, address: string | null,
 *   email: string | null, web_form: string | null, phone: string | null, website: string | null}} Authority
 * @typedef {{authority: Authority | null, letter: Letter | null, mailto: string | null}} Complaint
 * @typedef {{id: string, company: string, controller: string, law: string, law_name: string, sent: string,
 *   deadline: string, extended: boolean, answered: string | null, channel: string, to: string | null,
 *   status: 'open' | 'overdue' | 'answered', days_left: number, days_overdue: number, can_extend: boolean,
 *   complaint: Complaint | null}} SentRequest
 * @typedef {{today: string, home: string, california: boolean | null, requester: {name: string, contact: string},
 *   counts: {open: number, overdue: number, answered: number}, authorities: Authority[], authority: string | null,
 *   requests: SentRequest[]}} ListView
 */

const target = parseTarget(location.search);
const requests = createRequests({
  api,
  core: { requestView, requestsRecord, requestsUpdate, requestsConfigure, requestsView, requestsExport },
  today: target.today ?? localDate(),
});

const state = {
  home: '',
  /** @type {string | null} the law the person chose (null: their home's) */
  law: /** @type {string | null} */ (null),
  /** @type {boolean | null} */
  california: /** @type {boolean | null} */ (null),
  requester: { name: '', contact: '' },
  /** Identifier values typed in, by request key. @type {Record<string, string>} */
  values: {},
  sources: '',
  compose: false,
};

/** @param {string} text */
function setStatus(text) {
  $('#status').textContent = text;
  $('#status').hidden = !text;
}

/**
 * A definition list of a contact's ways to reach it (only those the data has).
 * @param {[string, string | null | undefined, 'text' | 'mail' | 'link', string][]} rows label, value, kind, class
 * @returns {HTMLElement}
 */
function contactList(rows) {
  const dl = el('dl', { className: 'contact' });
  for (const [label, value, kind, className] of rows) {
    if (!value) continue;
    const dd = el('dd', { className });
    if (kind === 'link') dd.append(externalLink(value, value));
    else if (kind === 'mail') dd.append(el('span', { text: value }));
    else dd.textContent = value;
    dl.append(el('dt', { text: label }), dd);
  }
  return dl;
}

/** @param {Representative | null | undefined} r @returns {string} */
const representative = (r) => (r ? [r.name, r.address, r.email, r.web_form].filter(Boolean).join('\n') : '');

/**
 * The three ways to send a letter; any of them records the request (`record`). The mail program gets the core's
 * `mailto:` URL; copying puts subject and text on the clipboard; printing prints this letter alone.
 * @param {Letter} letter
 * @param {string | null} mailto
 * @param {(via: 'email' | 'copy' | 'print') => void} [record]
 * @returns {HTMLElement}
 */
function letterActions(letter, mailto, record) {
  const row = el('div', { className: 'row actions' });
  if (mailto) {
    const a = el('a', { className: 'button mail', text: msg('requestMail'), attrs: { href: mailto } });
    a.addEventListener('click', () => record?.('email'));
    row.append(a);
  }
  const copy = el('button', { className: 'copy', text: msg('requestCopy'), attrs: { type: 'button' } });
  const copied = el('span', { className: 'copied muted', attrs: { role: 'status' } });
  copy.addEventListener('click', async () => {
    record?.('copy');
    try {
      await navigator.clipboard.writeText(`${letter.subject}\n\n${letter.body}`);
      copied.textContent = msg('requestCopied');
    } catch {
      copied.textContent = msg('requestCopyFailed');
    }
  });
  const print = el('button', { className: 'print', text: msg('requestPrint'), attrs: { type: 'button' } });
  print.addEventListener('click', () => {
    record?.('print');
    const sheet = $('#print-letter');
    sheet.textContent = `${letter.subject}\n\n${letter.body}`;
    document.body.classList.add('printing');
    const done = () => document.body.classList.remove('printing');
    window.addEventListener('afterprint', done, { once: true });
    window.print();
  });
  row.append(copy, print, copied);
  if (mailto) row.append(el('p', { className: 'muted', text: msg('requestMailNote') }));
  return row;
}

/**
 * One prepared request: the contact, the services seen, the identifiers, the letter and the ways to send it.
 * @param {Prepared} r
 * @param {RequestView} view
 * @returns {HTMLElement}
 */
function requestCard(r, view) {
  const c = r.contact;
  const card = el('article', { className: 'request', data: { key: r.key } },
    el('h3', { text: c.company === c.controller ? `${c.controller} (${countryLabel(c.country)})` : c.controller }),
    c.company === c.controller ? null
      : el('p', { className: 'muted', text: msg('requestContactFor', [c.company, countryLabel(c.country)]) }));
  card.append(contactList([
    [msg('requestAddress'), c.address, 'text', 'contact-address'],
    [msg('requestEmail'), c.email, 'mail', 'contact-email'],
    [msg('requestWebForm'), c.web_form, 'link', 'contact-form'],
    [msg('requestPhone'), c.phone, 'text', 'contact-phone'],
    [msg('requestDpo'), [c.dpo_email, c.dpo_address].filter(Boolean).join('\n'), 'text', 'contact-dpo'],
    [msg('requestEuRepresentative'), representative(c.eu_representative), 'text', 'contact-eu-rep'],
    [msg('requestUkRepresentative'), representative(c.uk_representative), 'text', 'contact-uk-rep'],
    [msg('requestPrivacyPolicy'), c.privacy_policy, 'link', 'contact-policy'],
  ]));
  const sources = el('p', { className: 'muted sources' }, msg('requestContactSource', [c.as_of]), ' ');
  c.sources.slice(0, 3).forEach((s, i) => sources.append(i ? ', ' : '', externalLink(s.url, s.title || s.url)));
  card.append(sources);

  if (r.services.length) {
    card.append(el('h4', { text: msg('requestServicesHeading') }),
      el('ul', { className: 'services' }, ...r.services.map((s) => el('li', { data: { service: s.id } },
        el('strong', { text: s.name }), s.hosts.length ? `: ${s.hosts.join(', ')}` : ''))));
  }

  // What the company needs to find the data, and how the person finds it.
  const ids = r.identifiers;
  const idList = el('ul', { className: 'identifiers' });
  if (ids.cookies) {
    idList.append(el('li', {},
      ids.cookie_domains.length ? msg('requestIdCookiesOn', [ids.cookie_domains.join(', ')]) : msg('requestIdCookies'),
      el('div', { className: 'how', text: msg('requestIdCookiesHow') })));
  }
  if (ids.ip) idList.append(el('li', {}, msg('requestIdIp'), el('div', { className: 'how', text: msg('requestIdIpHow') })));
  if (ids.account) idList.append(el('li', {}, msg('requestIdAccount')));
  const values = /** @type {HTMLTextAreaElement} */ (el('textarea', {
    className: 'values', attrs: { rows: '2', maxlength: '4000', 'aria-label': msg('requestIdValuesLabel') } }));
  values.value = state.values[r.key] ?? '';
  values.addEventListener('change', () => {
    state.values[r.key] = values.value;
    renderCompose();
  });
  card.append(el('h4', { text: msg('requestIdHeading') }), idList,
    el('label', { className: 'muted', text: msg('requestIdValuesLabel') }), values);

  // The letter: shown at once for one request; for several, each opens on demand (the page stays short).
  const letter = /** @type {HTMLDetailsElement} */ (el('details', { className: 'letter-box' },
    el('summary', { text: msg('requestLetterHeading') }),
    el('p', { className: 'subject', text: r.letter.subject }),
    el('div', { className: 'letter', text: r.letter.body })));
  letter.open = view.requests.length === 1;
  card.append(letter,
    el('p', { className: 'muted', text: msg('requestDeadline', [r.deadline, view.law.deadline_basis]) }));
  if (!r.to && c.web_form) card.append(el('p', { className: 'muted', text: msg('requestUseForm') }));
  const recorded = el('p', { className: 'recorded', attrs: { role: 'status' } });
  card.append(letterActions(r.letter, r.mailto, (via) => {
    requests.record(r.entry, via).then(() => {
      recorded.textContent = msg('requestRecorded', [r.deadline]);
      card.dataset.recorded = via;
    }, (error) => {
      recorded.textContent = msg('requestError', [String(error?.message ?? error)]);
    });
  }), recorded);
  return card;
}

/** Draws the prepared requests anew (after any change of law, answers or values). */
function renderCompose() {
  if (!state.compose) return;
  /** @type {RequestView} */
  const view = requests.view(state.sources, {
    home: state.home, california: state.california, lang, company: target.company, law: state.law,
    requester: state.requester, values: state.values,
  });
  const law = /** @type {HTMLSelectElement} */ ($('#law'));
  law.replaceChildren(...view.laws.map((id) => el('option', {
    text: id === view.home_law ? msg('requestLawHome', [msg(`law_${id.replace('-', '_')}`)]) : msg(`law_${id.replace('-', '_')}`),
    attrs: { value: id },
  })));
  law.value = view.law.id;
  $('#law-basis').textContent = `${view.law.right} · ${view.law.title}`;
  $('#california').hidden = !(view.home === 'US');
  for (const input of /** @type {NodeListOf<HTMLInputElement>} */ (document.querySelectorAll('#california input'))) {
    input.checked = state.california === (input.value === 'yes');
  }
  const homeNote = $('#home-note');
  homeNote.hidden = !!view.home;
  homeNote.textContent = view.home ? '' : msg('requestNoHome');

  const seen = view.seen;
  $('#seen').textContent = seen.kind === 'page' ? msg('requestSeenPage', [seen.url])
    : seen.kind === 'period' ? msg('requestSeenPeriod', [seen.from, seen.to]) : '';
  $('#compose-heading').textContent = view.requests.length === 1 && target.company
    ? msg('requestHeadingOne', [view.requests[0].contact.controller])
    : msg('requestHeadingAll', [String(view.requests.length)]);

  // Focus and typed text survive a redraw only in the person's own fields (name, answer address, law), which are
  // not redrawn; the cards are.
  $('#requests').replaceChildren(...view.requests.map((r) => requestCard(r, view)));
  if (!view.requests.length) {
    $('#requests').append(el('p', { className: 'none', text: msg('requestNoneWithContact') }));
  }
  $('#without').hidden = view.without_contact.length === 0;
  $('#without-list').replaceChildren(...view.without_contact.map((n) => el('li', { data: { id: n.id } },
    el('strong', { text: `${n.name} (${countryLabel(n.country)})` }),
    n.services.length ? ` — ${n.services.map((s) => s.hosts.join(', ') || s.name).join('; ')}` : '',
    ' ', n.privacy_policy ? externalLink(n.privacy_policy, msg('requestPrivacyPolicy')) : el('span', {
      className: 'muted', text: msg('requestNoPolicy') }))));
}

/**
 * One request made, with its marks and, when overdue, the complaint.
 * @param {SentRequest} r
 * @param {ListView} list
 * @returns {HTMLElement}
 */
function sentItem(r, list) {
  const label = r.status === 'overdue' ? msg('requestStatusOverdue', [String(r.days_overdue)])
    : r.status === 'answered' ? msg('requestStatusAnswered', [r.answered ?? ''])
      : msg('requestStatusOpen', [String(r.days_left)]);
  const li = el('li', { className: 'sent-request', data: { id: r.id, status: r.status, company: r.company,
    deadline: r.deadline } },
    el('div', { className: 'row' },
      el('strong', { text: r.controller }),
      el('span', { className: 'status-tag', text: label })),
    el('p', { className: 'muted', text: msg('requestSentLine', [r.law_name, r.sent, r.deadline]) }));
  /** @param {string} text @param {string} action @param {string} className */
  const button = (text, action, className) => {
    const b = el('button', { className, text, attrs: { type: 'button' } });
    b.addEventListener('click', () => requests.update(r.id, action).then(renderList, showListError));
    return b;
  };
  li.append(el('div', { className: 'row' },
    r.status === 'answered' ? button(msg('requestMarkOpen'), 'open', 'mark-open')
      : button(msg('requestMarkAnswered'), 'answered', 'mark-answered'),
    r.can_extend ? button(msg('requestMarkExtended'), 'extended', 'mark-extended') : null,
    button(msg('requestRemove'), 'remove', 'remove')));
  const c = r.complaint;
  if (c) {
    const box = el('div', { className: 'complaint', data: { authority: c.authority?.id ?? '' } },
      el('h4', { text: msg('requestComplaintHeading') }));
    if (c.authority) {
      const a = c.authority;
      box.append(el('p', { text: a.name }), contactList([
        [msg('requestAddress'), a.address, 'text', 'authority-address'],
        [msg('requestEmail'), a.email, 'mail', 'authority-email'],
        [msg('requestWebForm'), a.web_form, 'link', 'authority-form'],
        [msg('requestPhone'), a.phone, 'text', 'authority-phone'],
        [msg('requestWebsite'), a.website, 'link', 'authority-website'],
      ]));
    } else {
      box.append(el('p', { className: 'muted', text: list.authorities.length ? msg('requestPickAuthority')
        : msg('requestNoAuthority') }));
    }
    if (c.letter) {
      box.append(el('p', { className: 'subject', text: c.letter.subject }),
        el('div', { className: 'letter', text: c.letter.body }), letterActions(c.letter, c.mailto));
    }
    li.append(box);
  }
  return li;
}

/** @param {unknown} error */
function showListError(error) {
  $('#sent-status').textContent = msg('requestError', [String(/** @type {Error} */ (error)?.message ?? error)]);
}

/** Draws the list of requests made. */
async function renderList() {
  /** @type {ListView} */
  const list = await requests.list({ home: state.home, lang });
  $('#sent-counts').textContent = list.requests.length
    ? msg('requestCounts', [String(list.counts.open), String(list.counts.overdue), String(list.counts.answered)])
    : msg('requestsNone');
  const choice = $('#authority-choice');
  const needed = list.counts.overdue > 0 && list.authorities.length > 1;
  choice.hidden = !needed;
  if (needed) {
    const select = /** @type {HTMLSelectElement} */ ($('#authority'));
    select.replaceChildren(el('option', { text: msg('requestChooseAuthority'), attrs: { value: '' } }),
      ...list.authorities.map((a) => el('option', { text: a.name, attrs: { value: a.id } })));
    select.value = list.authority ?? '';
  }
  $('#sent-list').replaceChildren(...list.requests.map((r) => sentItem(r, list)));
  document.body.dataset.listed = String(list.requests.length);
}

async function main() {
  localizePage();
  /** What the status line says once the page is ready (the tab it was opened for is gone). */
  let note = '';
  // The settings in force, as the background's core reads them (docs/settings.md): only `home` is used here.
  const settingsLoaded = api.runtime.sendMessage({ type: MESSAGE.settingsState });
  await init({ module_or_path: new URL('../pkg/whither_requests_bg.wasm', import.meta.url) });
  /** @type {{settings?: string} | null} */
  const answer = await settingsLoaded.catch(() => null);
  /** @type {{home?: unknown}} */
  const settings = JSON.parse(answer?.settings ?? '{}');
  state.home = typeof settings.home === 'string' ? settings.home : '';
  /** @type {ListView} */
  const stored = await requests.list({ home: state.home, lang });
  state.california = stored.california;
  state.requester = { ...stored.requester };
  /** @type {HTMLInputElement} */ ($('#name')).value = state.requester.name;
  /** @type {HTMLTextAreaElement} */ ($('#reply')).value = state.requester.contact;

  state.compose = target.tabId !== null || target.company !== null || target.from !== null;
  $('#compose').hidden = !state.compose;
  if (state.compose) {
    const history = target.from !== null ? openHistory() : null;
    const { sources, tabGone } = await loadSources(target, api, history);
    state.sources = sources;
    note = tabGone ? msg('requestTabGone') : '';
    renderCompose();
  }
  await renderList();

  // The person's answers: saved with the list (storage.local `requests`), and the letters drawn anew.
  $('#law').addEventListener('change', () => {
    state.law = /** @type {HTMLSelectElement} */ ($('#law')).value || null;
    renderCompose();
  });
  $('#california').addEventListener('change', (event) => {
    state.california = /** @type {HTMLInputElement} */ (event.target).value === 'yes';
    requests.configure({ california: state.california }).then(renderList, showListError);
    renderCompose();
  });
  const saveRequester = () => {
    state.requester = {
      name: /** @type {HTMLInputElement} */ ($('#name')).value,
      contact: /** @type {HTMLTextAreaElement} */ ($('#reply')).value,
    };
    requests.configure({ requester: state.requester }).then(renderList, showListError);
    renderCompose();
  };
  $('#name').addEventListener('change', saveRequester);
  $('#reply').addEventListener('change', saveRequester);
  $('#authority').addEventListener('change', () => {
    const id = /** @type {HTMLSelectElement} */ ($('#authority')).value;
    requests.configure({ authority: id || null }).then(renderList, showListError);
  });
  $('#export-requests-json').addEventListener('click', async () =>
    download(`whither-requests-${requests.today}.json`, 'application/json', await requests.exportText('json')));
  $('#export-requests-csv').addEventListener('click', async () =>
    download(`whither-requests-${requests.today}.csv`, 'text/csv', await requests.exportText('csv')));
  let armed = false;
  $('#clear-requests').addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      $('#sent-status').textContent = msg('requestsClearConfirm');
      return;
    }
    armed = false;
    await requests.clear();
    $('#sent-status').textContent = msg('requestsCleared');
    await renderList();
  });
  // Another request page (or the options page's "clear all data") changed the list.
  api.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
    if (area === 'local' && REQUESTS_KEY in changes) renderList().catch(showListError);
  });

  setStatus(note);
  $('#content').hidden = false;
  document.body.dataset.state = 'ready';
}

main().catch((error) => {
  setStatus(msg('requestError', [String(error?.message ?? error)]));
  document.body.dataset.state = 'error';
});
