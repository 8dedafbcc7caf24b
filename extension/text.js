// Localised phrases shared by the background (badge tooltip) and the extension pages. Pure functions of
// `getMessage` and a locale: no DOM, no browser API.

/** @type {Map<string | undefined, {rules: Intl.PluralRules, numbers: Intl.NumberFormat}>} */
const cache = new Map();

/**
 * The plural rules and number format of a locale, made once: making them costs ~1 ms each, and the badge tooltip
 * needs them after every burst of requests (docs/performance.md).
 * @param {string} [locale]
 */
function formatters(locale) {
  let f = cache.get(locale);
  if (!f) {
    try {
      f = { rules: new Intl.PluralRules(locale), numbers: new Intl.NumberFormat(locale) };
    } catch {
      f = { rules: new Intl.PluralRules('en'), numbers: new Intl.NumberFormat('en') };
    }
    cache.set(locale, f);
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
  const { rules, numbers } = formatters(locale);
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
