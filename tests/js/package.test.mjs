// Packaging (scripts/package.py, docs/building.md): one manifest per browser from the one source manifest, only what
// ships in dist/chrome/ and dist/firefox/, zips of exactly those folders, and the same bytes on every run.
// Packages into a temporary directory (needs pkg/: `make wasm`), never into dist/.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from './core.mjs';

/** Every file under `dir`, relative and sorted. @param {string} dir @returns {string[]} */
function files(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

/** The names of a zip's entries in their order, from its central directory. @param {Buffer} zip */
function zipNames(zip) {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names;
}

test('package.py: per-browser folders of only what ships, zips of exactly them, reproducible', () => {
  const out = ['a', 'b'].map((run) => mkdtempSync(path.join(tmpdir(), `whither-package-${run}-`)));
  try {
    for (const dir of out) {
      execFileSync('python3', [path.join(root, 'scripts/package.py'), '--out', dir], { stdio: 'pipe' });
    }
    const [a, b] = out;
    const source = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
    const chrome = JSON.parse(readFileSync(path.join(a, 'chrome/manifest.json'), 'utf8'));
    const firefox = JSON.parse(readFileSync(path.join(a, 'firefox/manifest.json'), 'utf8'));
    assert.deepEqual(chrome.background, { service_worker: source.background.service_worker, type: 'module' });
    assert.equal(chrome.browser_specific_settings, undefined);
    assert.deepEqual(firefox.background, { scripts: source.background.scripts, type: 'module' });
    assert.deepEqual(firefox.browser_specific_settings, source.browser_specific_settings);
    // Apart from the background, both are the source manifest.
    for (const m of [chrome, firefox]) {
      const { background: _b, browser_specific_settings: _s, ...rest } = m;
      const { background: _sb, browser_specific_settings: _ss, ...sourceRest } = source;
      assert.deepEqual(rest, sourceRest);
    }

    const shipped = files(path.join(a, 'chrome'));
    assert.deepEqual(files(path.join(a, 'firefox')), shipped, 'both browsers get the same files');
    for (const f of shipped) {
      assert.match(f, /^(manifest\.json|extension\/.+|_locales\/.+\.json|pkg\/[^/]+\.(js|wasm)|pkg\/snippets\/.+\.js|pkg\/whither_ip\.bin)$/,
        f);
    }
    for (const f of ['extension/background.js', 'extension/popup.html', 'extension/icons/icon-128.png',
      'pkg/whither.js', 'pkg/whither_bg.wasm', 'pkg/whither_ip.bin', '_locales/en/messages.json']) assert.ok(shipped.includes(f), f);
    const wasm = readdirSync(path.join(root, 'pkg')).filter((f) => f.endsWith('.wasm')).map((f) => `pkg/${f}`);
    for (const f of wasm) assert.ok(shipped.includes(f), `every wasm module ships: ${f}`);
    // Everything of extension/ that is of a shipped type ships (an allow-list by tree and type, not by name).
    const shippable = files(path.join(root, 'extension')).filter((f) => /\.(js|html|css|png|svg|json|txt)$/.test(f));
    for (const f of shippable) assert.ok(shipped.includes(`extension/${f}`), `extension/${f}`);

    for (const browser of ['chrome', 'firefox']) {
      const zip = readFileSync(path.join(a, `whither-${browser}.zip`));
      assert.deepEqual(zipNames(zip), shipped.map((f) => f.split(path.sep).join('/')),
        `${browser}: the folder, sorted`);
      assert.ok(zip.equals(readFileSync(path.join(b, `whither-${browser}.zip`))), `${browser}: the same bytes twice`);
      const stat = statSync(path.join(a, browser, 'manifest.json'));
      assert.equal(stat.mtimeMs, Date.UTC(2026, 0, 1), 'fixed times in the folder');
      assert.equal(stat.mode & 0o777, 0o644, 'fixed permissions in the folder');
    }
  } finally {
    for (const dir of out) rmSync(dir, { recursive: true, force: true });
  }
});
