// What the end-to-end tests use to drive the browsers: the drivers shared with the demo and the benchmarks
// (scripts/lib/browsers.mjs: Chromium loads dist/chrome/, Firefox installs dist/firefox/), and what only the tests
// need: whether a test can run here.

import { chromiumPath, firefoxPath, geckodriverPath } from '../../scripts/lib/browsers.mjs';

export * from '../../scripts/lib/browsers.mjs';

/**
 * Why an end-to-end test in `browser` cannot run here ('' when it can), and node:test's `skip` value: missing
 * prerequisites fail the test, unless WHITHER_E2E_ALLOW_SKIP=1 turns them into a skip.
 * @param {'chromium' | 'firefox'} browser
 * @param {string[]} missing files of the build that are missing (`missingBuild()`)
 * @returns {{unmet: string, skip: string | false}}
 */
export function prerequisites(browser, missing) {
  const noBrowser = browser === 'chromium'
    ? (!chromiumPath() ? 'Chromium is not installed (apt-get install chromium)' : '')
    : !firefoxPath() ? 'Firefox is not installed (apt-get install firefox-esr)'
      : !geckodriverPath() ? 'geckodriver is not installed (cargo install geckodriver)' : '';
  const unmet = noBrowser
    || (missing.length ? `the extension is not built (missing ${missing.join(', ')}; run make build)` : '');
  return { unmet, skip: unmet && process.env.WHITHER_E2E_ALLOW_SKIP === '1' ? unmet : false };
}
