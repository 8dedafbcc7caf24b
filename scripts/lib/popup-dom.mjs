// What the popup shows, read from its DOM: scripts run in the popup page by the end-to-end tests
// (tests/e2e/assertions.mjs) and the headless demo (scripts/demo.mjs). They depend on the popup's markup
// (extension/popup.html, extension/popup.js): change them with it.

/**
 * The body of an async function, run in the popup page, that opens every company and every list of laws with a click
 * (the popup builds their content when first expanded) and resolves with the number of companies; it fails when one
 * of them does not show its content right after the click. The popup must be complete (body[data-complete="true"]: every company line is there).
 * (Chromium: `page.evaluate(\`(async () => { ${POPUP_EXPAND_ALL} })()\`)`; WebDriver: `executeAsync(POPUP_EXPAND_ALL)`.)
 */
export const POPUP_EXPAND_ALL = `
  if (document.body.dataset.complete !== 'true') throw new Error('the popup is not complete');
  const companies = Array.from(document.querySelectorAll('.company > details'));
  const laws = Array.from(document.querySelectorAll('.laws'));
  for (const d of [...companies, ...laws]) if (!d.open) d.querySelector(':scope > summary').click();
  // A click opens a <details> at once, and the popup fills it before (on the click itself).
  const empty = [...companies.filter((d) => !d.open || !d.querySelector(':scope > .company-body')),
    ...laws.filter((d) => !d.open || !d.querySelector(':scope > ul'))];
  if (empty.length) throw new Error(empty.length + ' companies or lists of laws without content after a click');
  return companies.length;`;

/**
 * An expression, evaluated in the popup page, that returns what the popup shows as plain data (hosts only of opened
 * companies: run POPUP_EXPAND_ALL first).
 * (Chromium: `page.evaluate(POPUP_EXTRACT)`; WebDriver: `execute('return ' + POPUP_EXTRACT)`.)
 */
export const POPUP_EXTRACT = `(() => {
  const all = (sel, root) => Array.from((root || document).querySelectorAll(sel));
  const one = (sel, root) => (root || document).querySelector(sel);
  const attr = (el, name) => (el ? el.getAttribute(name) : null);
  const text = (el) => (el ? el.textContent.replace(/\\s+/g, ' ').trim() : null);
  const host = (h) => ({ host: attr(h, 'data-host'), requests: Number(attr(h, 'data-requests')),
    party: attr(h, 'data-party') });
  const company = (c) => ({
    id: attr(c, 'data-company'), party: attr(c, 'data-party'), requests: Number(attr(c, 'data-requests')),
    controller: attr(c, 'data-controller'), name: text(one('.company-name', c)),
    chain: (attr(one('.chain', c), 'data-chain') || '').split(' ').filter(Boolean), chainText: text(one('.chain', c)),
    hosts: all('.host', c).map(host),
  });
  const summary = one('#summary');
  return {
    state: attr(document.body, 'data-state'),
    site: text(one('#site')), siteOwner: text(one('#site-owner')), siteJurisdiction: text(one('#site-jurisdiction')),
    controller: attr(one('#site-owner'), 'data-controller') || null,
    summary: text(summary), summaryDetail: text(one('#summary-detail')),
    totals: { requests: Number(attr(summary, 'data-requests')), companies: Number(attr(summary, 'data-companies')),
      jurisdictions: Number(attr(summary, 'data-jurisdictions')) },
    own: all('#own-companies .company').map(company),
    jurisdictions: all('#jurisdictions .jurisdiction').map((j) => ({
      country: attr(j, 'data-jurisdiction'), name: text(one('.jurisdiction-name', j)),
      requests: Number(attr(j, 'data-requests')), companies: all('.company', j).map(company) })),
    unattributed: all('#unattributed-hosts .host').map(host),
  };
})()`;
