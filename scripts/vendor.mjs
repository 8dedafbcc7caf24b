// Copies the third-party assets the extension pages use from node_modules (installed from package-lock.json) into
// extension/vendor/: extensions may not load remote code, and there is no bundler. Only what the views need:
//   flags/XX.svg        flag-icons (MIT): 4:3 SVG flags, one per ISO 3166-1 alpha-2 code (emoji flags do not render
//                       on Windows)
//   d3-array.min.js, d3-geo.min.js   d3 modules (ISC), UMD builds that define globalThis.d3 (map projection)
//   topojson-client.min.js           topojson-client (ISC), UMD, globalThis.topojson
//   countries-110m.json              world-atlas (ISC) country outlines, ids rewritten from ISO 3166-1 numeric to
//                                    alpha-2 with i18n-iso-countries' code table (MIT)
// Usage: node scripts/vendor.mjs   (idempotent; run by `make vendor`, a prerequisite of `make build`)

import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const NM = path.join(ROOT, 'node_modules');
const OUT = path.join(ROOT, 'extension/vendor');

rmSync(OUT, { recursive: true, force: true });
mkdirSync(path.join(OUT, 'flags'), { recursive: true });

const flagDir = path.join(NM, 'flag-icons/flags/4x3');
let flags = 0;
for (const file of readdirSync(flagDir)) {
  if (!/^[a-z]{2}\.svg$/.test(file)) continue; // country codes only (no "eu", "un", subdivisions)
  copyFileSync(path.join(flagDir, file), path.join(OUT, 'flags', file.toUpperCase().replace('.SVG', '.svg')));
  flags++;
}

for (const [pkg, file] of [['d3-array', 'dist/d3-array.min.js'], ['d3-geo', 'dist/d3-geo.min.js'],
  ['topojson-client', 'dist/topojson-client.min.js']]) {
  copyFileSync(path.join(NM, pkg, file), path.join(OUT, path.basename(file)));
}

/** @type {string[][]} */
const codes = JSON.parse(readFileSync(path.join(NM, 'i18n-iso-countries/codes.json'), 'utf8'));
const alpha2 = new Map(codes.map(([a2, , num]) => [num, a2]));
const world = JSON.parse(readFileSync(path.join(NM, 'world-atlas/countries-110m.json'), 'utf8'));
for (const g of world.objects.countries.geometries) {
  g.id = alpha2.get(g.id) ?? null;
  delete g.properties;
}
writeFileSync(path.join(OUT, 'countries-110m.json'), JSON.stringify(world));

const licences = ['flag-icons', 'd3-array', 'd3-geo', 'topojson-client', 'world-atlas', 'i18n-iso-countries']
  .map((pkg) => `== ${pkg} ${JSON.parse(readFileSync(path.join(NM, pkg, 'package.json'), 'utf8')).version} ==\n`
    + readFileSync(path.join(NM, pkg, 'LICENSE'), 'utf8'));
writeFileSync(path.join(OUT, 'LICENSES.txt'), licences.join('\n'));
console.log(`vendor: ${flags} flags, d3-array, d3-geo, topojson-client, world outline → extension/vendor/`);
