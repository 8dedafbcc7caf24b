// The wasm core for the node tests, loaded once: pkg/ of the repository, or the wasm-bindgen output directory
// named by WHITHER_PKG. Tests skip (with `noWasm` as the reason) when it is not built yet.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root, with a trailing slash. */
export const root = fileURLToPath(new URL('../../', import.meta.url));
/** The wasm-bindgen output directory, with a trailing slash. */
export const pkgDir = process.env.WHITHER_PKG ? `${process.env.WHITHER_PKG.replace(/\/$/, '')}/` : `${root}pkg/`;
export const wasmPath = `${pkgDir}whither_bg.wasm`;
const gluePath = `${pkgDir}whither.js`;
const haveWasm = existsSync(wasmPath) && existsSync(gluePath);
/** false when the core is built, else the reason to skip. */
export const noWasm = haveWasm ? false : 'pkg/ is not built yet (run `make wasm`)';

/** @type {any} the initialised wasm module (null when not built) */
export const core = haveWasm ? await import(pathToFileURL(gluePath).href) : null;
if (core) core.initSync({ module: readFileSync(wasmPath) });
