// Localised phrases shared by the background (badge tooltip) and the extension pages. Pure functions of
// `getMessage` and a locale: no DOM, no browser API.

/** @type {Map<string, {rules: Intl.PluralRules, numbers: Intl.NumberFormat}>} */
const formatters = new Map();

/**
 * The plural rules and number format of a locale, created once per locale (creating them costs ~1 ms, far more than
 * using them: the popup formats a count per company and per host, the badge tooltip after every burst of requests).
 * @param {string | undefined} locale
 * @returns {{rules: Intl.PluralRules, numbers: Intl.NumberFormat}}
 */
function formattersOf(locale) {
  const key = locale ?? '';
  let f = formatters.get(key);
  if (!f) {
    try {
      f = { rules: new Intl.PluralRules(locale), numbers: new Intl.NumberFormat(locale) };
    } catch {
      f = { rules: new Intl.PluralRules('en'), numbers: new Intl.NumberFormat('en') };
    }
    formatters.set(key, f);
  }
  return f;
}

/**
 * A plural-aware count ("12 requests"): messages `NAME_one`, `NAME_other`, … chosen by `Intl.PluralRules`.
 * @param {(name: string, substitutions?: string | string[]) => string} getMessage
 * @param {string} name
 * @param {number} n
 * @param {string} [locale]
 * @returns {string}
 */
export function countPhrase(getMessage, name, n, locale) {
  const { rules, numbers } = formattersOf(locale);
  const text = numbers.format(n);
  return getMessage(`${name}_${rules.select(n)}`, [text]) || getMessage(`${name}_other`, [text]) || text;
}

/**
 * "; 3 requests carried data" (the second half of the summary sentence), or "" when none did.
 * @param {(name: string, substitutions?: string | string[]) => string} getMessage
 * @param {number} dataRequests
 * @param {string} [locale]
 * @returns {string}
 */
export function dataPhrase(getMessage, dataRequests, locale) {
  if (!dataRequests) return getMessage('summaryNoData') || '';
  return getMessage('summaryData', [countPhrase(getMessage, 'countRequests', dataRequests, locale)]);
}

/**
 * " 4 requests were blocked." (after the summary sentence), or "" when none was.
 * @param {(name: string, substitutions?: string | string[]) => string} getMessage
 * @param {number} blocked
 * @param {string} [locale]
 * @returns {string}
 */
export function blockedPhrase(getMessage, blocked, locale) {
  if (!blocked) return '';
  return getMessage('summaryBlocked', [countPhrase(getMessage, 'countRequests', blocked, locale)]);
}

/**
 * "N requests to M companies under K jurisdictions", localised with `getMessage` (plural forms from
 * `Intl.PluralRules`: messages `countRequests_one`, `countRequests_other`, …).
 * @param {(name: string, substitutions?: string | string[]) => string} getMessage
 * @param {{requests: number, companies: number, jurisdictions: number}} summary
 * @param {string} [locale]
 * @returns {string}
 */
export function summarySentence(getMessage, summary, locale) {
  return getMessage('summary', [
    countPhrase(getMessage, 'countRequests', summary.requests, locale),
    countPhrase(getMessage, 'countCompanies', summary.companies, locale),
    countPhrase(getMessage, 'countJurisdictions', summary.jurisdictions, locale),
  ]);
}

/**
 * The first line for the person's home (src/view.rs `HomeLine`): "41 of 60 third-party requests went to companies
 * controlled from outside the EU/EEA; 12 of them to countries without an EU adequacy decision."
 * @param {(name: string, substitutions?: string | string[]) => string} getMessage
 * @param {{kind: string, home: string, third_party_requests: number, outside: number, further?: number | null}} line
 * @param {string} homeLabel the home's name
 * @param {string} [locale]
 * @returns {string}
 */
export function homeLineText(getMessage, line, homeLabel, locale) {
  const { numbers } = formattersOf(locale);
  const kind = line.kind.replace(/-/g, '_');
  const first = getMessage(`homeLine_${kind}`, [numbers.format(line.outside), numbers.format(line.third_party_requests),
    homeLabel]);
  const further = line.further !== null && line.further !== undefined
    ? getMessage(`homeLineFurther_${kind}`, [numbers.format(line.further)]) : '';
  return first + further;
}
