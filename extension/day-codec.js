// How a history day is kept in storage.local (`history:<day>`): the core's day chunk (`History.exportDay`, text),
// deflate-compressed and base64-encoded, marked by a leading "z" (about a third of the text's size: six months of
// heavy browsing fit in Chrome's 10 MB storage.local quota, and the dashboard reads a third of the bytes). Chunks
// stored before (the core's text, or the first format's JSON) are read as they are. Only the bytes are transformed
// here: what a day holds is the core's business (src/history.rs). Used by the recorder (background), the history
// worker (dashboard, options) and the benchmarks.

/** Marks a compressed chunk (neither the core's text, which starts with its version digit, nor JSON starts so). */
const COMPRESSED = 'z';

/** @param {Uint8Array} bytes @returns {string} */
function toBase64(bytes) {
  // Uint8Array.prototype.toBase64 (ES2026) where the browser has it; TypeScript's lib does not know it yet.
  const native = /** @type {{toBase64?: () => string}} */ (/** @type {unknown} */ (bytes)).toBase64;
  if (typeof native === 'function') return native.call(bytes);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** @param {string} text @returns {Uint8Array<ArrayBuffer>} */
function fromBase64(text) {
  // Uint8Array.fromBase64 (ES2026) where the browser has it; TypeScript's lib does not know it yet.
  const native = /** @type {{fromBase64?: (s: string) => Uint8Array<ArrayBuffer>}} */ (/** @type {unknown} */ (Uint8Array)).fromBase64;
  if (typeof native === 'function') return native(text);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * @param {Uint8Array<ArrayBuffer>} bytes @param {CompressionStream | DecompressionStream} stream
 * @returns {Promise<Uint8Array>}
 */
async function pipe(bytes, stream) {
  // Written to the stream directly: twice as fast as through a Blob's stream.
  const writer = stream.writable.getWriter();
  writer.write(bytes).catch(() => {}); // a corrupt input rejects the read below
  writer.close().catch(() => {});
  return new Uint8Array(await new Response(stream.readable).arrayBuffer());
}

/**
 * The stored form of a day chunk.
 * @param {string} text the core's `exportDay`
 * @returns {Promise<string>}
 */
export async function encodeDay(text) {
  const bytes = await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw'));
  return COMPRESSED + toBase64(bytes);
}

/**
 * The core's day chunk as UTF-8 bytes (for `History.importDayBytes`), from any stored form.
 * @param {string} stored
 * @returns {Promise<Uint8Array>} rejects when a compressed chunk is corrupt
 */
export async function decodeDay(stored) {
  if (!stored.startsWith(COMPRESSED)) return new TextEncoder().encode(stored);
  return pipe(fromBase64(stored.slice(COMPRESSED.length)), new DecompressionStream('deflate-raw'));
}
