// Whither's note of what a page loaded, kept in every frame (a content script, run at document_start in the
// extension's isolated world): the page's own Resource Timing entries, as they come (a PerformanceObserver sees every
// entry, also beyond the page's timing buffer of 250). Nothing is sent anywhere and nothing of the page is changed or
// read besides these entries; the page cannot see it. The background reads it only after it was stopped or started
// late (extension/reconcile.js), to count what it missed (src/tracker/recovery.rs).
//
// Entries that reached no server are left out: loads served by the page's service worker (`workerStart` > 0) and
// from the browser's cache (`deliveryType` "cache", or nothing transferred for a body that has bytes).

(() => {
  /** At most this many loads per frame are noted. */
  const MAX_ENTRIES = 20_000;
  /** @type {[string, string][]} (URL, initiator type) */
  const entries = [];

  /** @param {PerformanceEntry} entry */
  const note = (entry) => {
    const e = /** @type {PerformanceResourceTiming & {deliveryType?: string}} */ (entry);
    if (entries.length >= MAX_ENTRIES || e.workerStart > 0) return;
    if (e.deliveryType === 'cache' || (e.transferSize === 0 && e.decodedBodySize > 0)) return;
    if (!/^https?:/.test(e.name)) return;
    entries.push([e.name, e.initiatorType]);
  };

  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) note(e); })
      .observe({ type: 'resource', buffered: true });
  } catch {
    // No Resource Timing here: nothing to note.
  }

  /** What the background reads (extension/reconcile.js `collect`). */
  Object.defineProperty(globalThis, '__whitherRecord', {
    value: () => ({
      document: window === window.top ? location.href : null,
      entries: entries.slice(),
    }),
  });
})();
