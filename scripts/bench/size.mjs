// What takes the space in the wasm core: raw and gzip size of the shipped whither_bg.wasm (dist/chrome/pkg/), its
// code and data sections, and within the data the public suffix table and the database's text tables (each
// gzip-compressed on its own, an estimate of its share of the whole). Reads the generated tables from target/ (built
// by `make wasm`).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ROOT, coreBytes } from '../lib/bench.mjs';

const target = process.env.CARGO_TARGET_DIR ?? `${ROOT}target`;
const gz = (/** @type {Uint8Array} */ b) => gzipSync(b, { level: 9 }).length;
const kb = (/** @type {number} */ n) => `${(n / 1000).toFixed(1).padStart(7)} KB`;

const wasm = coreBytes();

/** Sections of a wasm module: id → bytes. */
function sections(/** @type {Buffer} */ b) {
  /** @type {Map<number, Buffer>} */
  const out = new Map();
  let i = 8;
  const leb = () => {
    let r = 0, s = 0, x;
    do { x = b[i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80);
    return r;
  };
  while (i < b.length) {
    const id = b[i++];
    const n = leb();
    out.set(id, Buffer.concat([out.get(id) ?? Buffer.alloc(0), b.subarray(i, i + n)]));
    i += n;
  }
  return out;
}

/** The value of `static NAME: &str = "…";` in the newest generated file `file` under target/. */
function generatedString(/** @type {string} */ file, /** @type {string} */ name) {
  const base = `${target}/wasm32-unknown-unknown/release/build`;
  if (!existsSync(base)) return null;
  const candidates = readdirSync(base).filter((d) => d.startsWith('whither-'))
    .map((d) => `${base}/${d}/out/${file}`).filter(existsSync)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!candidates.length) return null;
  const src = readFileSync(candidates[0], 'utf8');
  const m = src.match(new RegExp(`static ${name}: &str = "((?:[^"\\\\]|\\\\.)*)";`));
  if (!m) return null;
  // Rust string escapes → JSON string escapes.
  const json = m[1].replace(/\\u\{([0-9a-f]+)\}/g, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/\\'/g, "'").replace(/\\0/g, '\\u0000');
  return Buffer.from(JSON.parse(`"${json}"`), 'utf8');
}

const s = sections(wasm);
const code = s.get(10) ?? Buffer.alloc(0);
const data = s.get(11) ?? Buffer.alloc(0);
const psl = generatedString('psl_generated.rs', 'PSL_TABLE');
const domains = generatedString('db_generated.rs', 'DOMAIN_TABLE');
const entities = generatedString('db_generated.rs', 'ENTITY_TEXT');
const total = gz(wasm);
console.log(`wasm size: ${kb(wasm.length)} raw, ${kb(total)} gzip (budget 415 KB gzip: tests/js/size.test.mjs says why)`);
console.log(`  code section            ${kb(code.length)} raw ${kb(gz(code))} gzip`);
console.log(`  data section            ${kb(data.length)} raw ${kb(gz(data))} gzip`);
const parts = [['public suffix table', psl], ['db: domain table', domains], ['db: entity strings', entities]];
for (const [name, bytes] of parts) {
  if (!bytes) continue;
  const inData = data.includes(bytes.subarray(0, 64));
  console.log(`    ${String(name).padEnd(22)}${kb(bytes.length)} raw ${kb(gz(bytes))} gzip alone` +
    `${inData ? '' : ' (not found in this wasm: stale target?)'} = ${(100 * gz(bytes) / total).toFixed(0)}%`);
}

// The IP table (pkg/whither_ip.bin, src/iptable.rs): fetched on first use, not part of the background's module.
const ipPath = `${ROOT}pkg/whither_ip.bin`;
if (existsSync(ipPath)) {
  const ip = readFileSync(ipPath);
  console.log(`IP table: ${kb(ip.length)} raw, ${kb(gz(ip))} gzip (budget 8,000 KB raw, 3,800 KB gzip)`);
  const names = ['meta', 'country codes', 'AS numbers', 'AS name ends', 'AS names', 'IPv4 country index',
    'IPv4 country data', 'IPv4 network index', 'IPv4 network data', 'IPv6 country index', 'IPv6 country data',
    'IPv6 network index', 'IPv6 network data'];
  const count = ip.readUInt32LE(8);
  for (let i = 0; i < count && 12 + 8 * i + 8 <= ip.length; i++) {
    const offset = ip.readUInt32LE(12 + 8 * i);
    const length = ip.readUInt32LE(16 + 8 * i);
    const part = ip.subarray(offset, offset + length);
    console.log(`  ${String(names[i] ?? `section ${i}`).padEnd(24)}${kb(part.length)} raw ${kb(gz(part))} gzip alone`);
  }
}
