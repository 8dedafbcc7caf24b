// Static security checks of the JS shell: no HTML sinks fed with data, no inline scripts or handlers, no remote code
// or requests, a strict CSP, and no unused permissions. (The end-to-end tests check the same at run time:
// tests/e2e/privacy.test.mjs.) Run from the repository root: node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('../../', import.meta.url));
const extDir = path.join(root, 'extension');
/** The shell's own sources (extension/vendor holds third-party files copied from node_modules at build time). */
const own = (/** @type {string} */ ext) => readdirSync(extDir).filter((f) => f.endsWith(ext))
  .map((f) => ({ file: `extension/${f}`, text: readFileSync(path.join(extDir, f), 'utf8') }));
/** Source without comments, so that the rules in comments do not match. */
const code = (/** @type {string} */ text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

test('no HTML parsing sinks in the extension\'s scripts', () => {
  const sinks = /\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|createContextualFragment|setHTMLUnsafe|parseFromString|srcdoc|\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*['"`]/;
  const scripts = own('.js');
  assert.ok(scripts.length >= 3);
  for (const { file, text } of scripts) {
    const lines = code(text).split('\n');
    lines.forEach((line, i) => assert.doesNotMatch(line, sinks, `${file}:${i + 1}`));
  }
});

test('no inline scripts, inline handlers or remote resources in the extension\'s pages', () => {
  const pages = own('.html');
  assert.ok(pages.length >= 1);
  for (const { file, text } of pages) {
    for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      assert.match(m[1], /\bsrc=/, `${file}: inline script`);
      assert.equal(m[2].trim(), '', `${file}: inline script`);
    }
    assert.doesNotMatch(text, /\son[a-z]+\s*=/i, `${file}: inline event handler`);
    assert.doesNotMatch(text, /\b(src|href)\s*=\s*["']?(https?:)?\/\//i, `${file}: remote resource`);
  }
});

test('no network requests in the extension\'s scripts: no remote URLs, fetch only of packaged files', () => {
  for (const { file, text } of own('.js')) {
    const lines = code(text).split('\n');
    lines.forEach((line, i) => {
      // XML namespaces are names, not requests.
      const urls = [...line.matchAll(/https?:\/\/[^\s'"`)]+/g)].map((m) => m[0])
        .filter((u) => !u.startsWith('http://www.w3.org/'));
      assert.deepEqual(urls, [], `${file}:${i + 1}: remote URL`);
      assert.doesNotMatch(line, /XMLHttpRequest|WebSocket|EventSource|sendBeacon|importScripts/,
        `${file}:${i + 1}: network API`);
      for (const m of line.matchAll(/\bimport\s*\(\s*([^)]*)/g)) {
        assert.match(m[1], /^['"`]\.\.?\//, `${file}:${i + 1}: import of a non-packaged module`);
      }
      for (const m of line.matchAll(/\bfetch\s*\(\s*([^)]*)/g)) {
        assert.match(m[1], /^['"`][^'"`:]+['"`]|^new URL\(/, `${file}:${i + 1}: fetch of a non-packaged URL`);
      }
    });
  }
});

test('the manifest: strict CSP, no remote sources, only used permissions', () => {
  const manifest = JSON.parse(readFileSync(path.join(root, 'manifest.json'), 'utf8'));
  const csp = manifest.content_security_policy.extension_pages;
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'|https?:|\*|data:|blob:/);
  assert.deepEqual([...manifest.permissions].sort(),
    ['declarativeNetRequest', 'scripting', 'storage', 'unlimitedStorage', 'webRequest']);
  assert.deepEqual(manifest.host_permissions, ['<all_urls>']);
  // One content script: the note of the page's own loads (extension/resources.js), in the isolated world.
  assert.deepEqual(manifest.content_scripts, [{ matches: ['<all_urls>'], js: ['extension/resources.js'],
    run_at: 'document_start', all_frames: true }]);
  assert.equal(manifest.content_scripts[0].world, undefined, 'never in the page\'s own world');
  assert.equal(manifest.externally_connectable, undefined, 'no messages from web pages or other extensions');
  assert.deepEqual(manifest.browser_specific_settings.gecko.data_collection_permissions.required, ['none']);
  // Every permission is documented.
  const doc = readFileSync(path.join(root, 'docs/permissions.md'), 'utf8');
  for (const p of [...manifest.permissions, ...manifest.host_permissions]) assert.ok(doc.includes(`\`${p}\``), p);
});

// That the background answers only the extension's own pages is tested by behaviour, with the real background
// module: tests/js/background.test.mjs.
