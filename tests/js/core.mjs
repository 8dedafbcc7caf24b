// The wasm core for the node tests, loaded once. Two builds (Makefile): `pkg/`, the two modules the extension ships
// (the background's `whither.js` and the pages' `whither_pages.js`; the request page's `whither_requests.js`), and
// `pkg-test/`, one module with all modules'
// exports and those that only tests and benchmarks call (cargo feature `testing`:
// classify*, entity, dbInfo, a deliberate panic, ...). WHITHER_PKG and WHITHER_PKG_TEST name other directories.
// A missing build is an error, not a skip: `make test-js` builds both first.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root, with a trailing slash. */
export const root = fileURLToPath(new URL('../../', import.meta.url));

/** @param {string | undefined} dir @param {string} fallback @returns {string} with a trailing slash */
const dirOf = (dir, fallback) => (dir ? `${dir.replace(/\/$/, '')}/` : `${root}${fallback}/`);
/** The shipped build's wasm-bindgen output directory. */
export const pkgDir = dirOf(process.env.WHITHER_PKG, 'pkg');
/** The test build's. */
export const testPkgDir = dirOf(process.env.WHITHER_PKG_TEST, 'pkg-test');
export const wasmPath = `${pkgDir}whither_bg.wasm`;

/**
 * @param {string} dir
 * @returns {Promise<any>} the initialised module
 */
async function load(dir) {
  for (const f of ['whither.js', 'whither_bg.wasm']) {
    if (!existsSync(`${dir}${f}`)) throw new Error(`${dir}${f} is missing: run \`make wasm wasm-test\` first`);
  }
  const m = await import(pathToFileURL(`${dir}whither.js`).href);
  m.initSync({ module: readFileSync(`${dir}whither_bg.wasm`) });
  return m;
}

/** @type {any} the test build (a superset of the shipped exports) */
export const core = await load(testPkgDir);
/** @type {any} the shipped background module */
export const shipped = await load(pkgDir);
/** @type {any} the shipped pages module (pkg/whither_pages.js) */
export const pages = await loadPages(pkgDir);

/** @type {any} the shipped request page's module (pkg/whither_requests.js) */
export const requests = await loadNamed(pkgDir, 'whither_requests');

/** @param {string} dir @param {string} name @returns {Promise<any>} the module `name` of `dir`, initialised */
async function loadNamed(dir, name) {
  for (const f of [`${name}.js`, `${name}_bg.wasm`]) {
    if (!existsSync(`${dir}${f}`)) throw new Error(`${dir}${f} is missing: run \`make wasm\` first`);
  }
  const m = await import(pathToFileURL(`${dir}${name}.js`).href);
  m.initSync({ module: readFileSync(`${dir}${name}_bg.wasm`) });
  return m;
}

/** @param {string} dir @returns {Promise<any>} the pages module of `dir`, initialised */
async function loadPages(dir) {
  for (const f of ['whither_pages.js', 'whither_pages_bg.wasm']) {
    if (!existsSync(`${dir}${f}`)) throw new Error(`${dir}${f} is missing: run \`make wasm\` first`);
  }
  const m = await import(pathToFileURL(`${dir}whither_pages.js`).href);
  m.initSync({ module: readFileSync(`${dir}whither_pages_bg.wasm`) });
  return m;
}
