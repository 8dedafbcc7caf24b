// The background's state: a Tracker of the wasm core holding every tab's visit, fed in order through one serial
// queue; each tab's state persisted to storage.session in coalesced writes (and restored before any event is applied,
// so that a stopped service worker or suspended event page loses nothing it had written); recovery from a failure of
// the core; and the one dispatcher that answers every message of the protocol (extension/protocol.js) inside the
// queue, from whatever Tracker is current. It touches the browser only through the `api` object it is given (the
// `browser`/`chrome` namespace, or a fake in the Node tests). It never parses URLs and never holds lists.

import { createBadge, BADGE_DELAY_MS } from './badge.js';
import { eventFromDetails } from './events.js';
import { MESSAGE, isTrustedSender, parseMessage, tabIdOfKey, tabStateKey, toPlain } from './protocol.js';
import { createCoalescer, createSerialQueue } from './queue.js';
import { activityKey, mergeRecords, tabsToReconcile } from './reconcile.js';

/** @typedef {import('./events.js').RequestEvent} RequestEvent */
/** @typedef {import('./events.js').Stage} Stage */
/** @typedef {import('./protocol.js').Request} Request */
/** @typedef {import('./badge.js').BadgeLook} BadgeLook */

/**
 * @typedef {object} Summary
 * @property {number} requests
 * @property {number} companies
 * @property {number} jurisdictions
 * @property {number} third_party_requests
 * @property {number} [data_requests]
 * @property {number} [blocked_requests] requests the browser blocked (never sent)
 */

/**
 * The part of the wasm `Tracker` (docs/wasm-api.md) that the shell uses.
 * @typedef {object} TrackerLike
 * @property {(tabId: number, event: RequestEvent) => boolean} event
 * @property {(tabId: number) => object | null | undefined} report
 * @property {(tabId: number) => Summary | null | undefined} summary
 * @property {(tabId: number) => string | null | undefined} exportTab
 * @property {(tabId: number, data: string) => void} importTab
 * @property {(tabId: number) => void} removeTab
 * @property {(tabId: number, event: RequestEvent) => boolean} [eventUnclassified] counts the event's request as
 *   unclassified without classifying it (the fallback after the core failed on that event)
 * @property {(tabId: number, watchlist: string[]) => string | null | undefined} [popupView] the popup's view of the
 *   tab as one JSON string (docs/report-format.md, "Popup view")
 * @property {(tabId: number, watchlist: string[]) => string[]} [watched] the tab's watched jurisdictions
 * @property {(tabId: number) => string | null | undefined} [reportCsv]
 * @property {(tabId: number) => string | null | undefined} [reportJson]
 * @property {(stored: string[]) => number} [setImported] loads the person's own lists (extension/imported.js)
 * @property {(tabId: number, record: string) => number} [reconcile] counts what the page's own record of its loads
 *   lists beyond the tab's visit (src/tracker/recovery.rs); returns the requests recovered
 */

/**
 * What the shell needs of the browser API (a subset of `browser`/`chrome`).
 * @typedef {object} BrowserLike
 * @property {{ session: { get(keys: null | string | string[]): Promise<Record<string, unknown>>,
 *   set(items: Record<string, unknown>): Promise<void>, remove(keys: string | string[]): Promise<void> } }} storage
 * @property {{ id: string, getURL(path: string): string }} runtime
 * @property {import('./badge.js').ActionLike} [action]
 */

/**
 * @typedef {object} Logger
 * @property {(...args: unknown[]) => void} error
 * @property {(...args: unknown[]) => void} [debug]
 */

/**
 * How long a tab's changes gather before its state is exported and written to storage.session: a page load's
 * hundreds of requests cost a few writes, not one each (docs/performance.md). Far below the browsers' idle timeouts
 * (Chrome stops an idle worker after 30 s, Firefox suspends an idle event page after 30 s), so a stopped
 * background has written everything first.
 */
export const PERSIST_DELAY_MS = 250;

/** Events remembered per tab since its last export, for replay after a core failure; beyond this, export now. */
export const MAX_UNSAVED_EVENTS = 2_000;

/**
 * Is this error a failure of the wasm core (a trap: a Rust panic aborts the instance) rather than a rejected input?
 * After a trap, calls on the same Tracker throw wasm-bindgen's "recursive use of an object" error.
 * @param {unknown} error
 * @returns {boolean}
 */
export function isCoreFailure(error) {
  if (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) return true;
  const message = String(/** @type {{message?: unknown}} */ (error)?.message ?? '');
  return /recursive use of an object|unreachable/i.test(message);
}

/**
 * Is this a storage quota error (Chrome: "Session storage quota bytes exceeded", Firefox: "QuotaExceededError")?
 * @param {unknown} error
 * @returns {boolean}
 */
export function isQuotaError(error) {
  const e = /** @type {{name?: unknown, message?: unknown}} */ (error);
  return /quota/i.test(String(e?.name ?? '')) || /quota/i.test(String(e?.message ?? error ?? ''));
}

/**
 * An answer to one message type: from the current Tracker and the well-formed request.
 * @template {TrackerLike} [T=TrackerLike]
 * @typedef {(tracker: T, request: Request) => unknown} Answer
 */

/**
 * @template {TrackerLike} [T=TrackerLike]
 * @typedef {object} WhitherOptions
 * @property {BrowserLike} api the browser namespace (or a fake)
 * @property {Promise<T> | T} ready the core's Tracker once the wasm is initialised
 * @property {Logger} [log]
 * @property {(summary: Summary) => string} [title] the badge tooltip for a tab with a report
 * @property {string} [defaultTitle] the tooltip for a tab without one
 * @property {() => T | Promise<T>} [createTracker] a fresh Tracker, to recover from a failure of
 *   the core: it is restored from the last exported state of every tab plus the events applied since, and the
 *   event the core failed on is counted as unclassified
 * @property {(tracker: T, tabId: number, details: Record<string, unknown>) => void} [onTabChanged] called
 *   after an event changed a tab (the history recorder)
 * @property {(tracker: T, tabId: number) => void} [onTabClosed] called when a tab is removed (before the
 *   tracker forgets it)
 * @property {(tracker: T, from: number, to: number) => void} [onTabMoved] called when Chrome replaces a
 *   tab (prerendering) and its visit moves to the new id
 * @property {(tracker: T, tabId: number, summary: Summary) => {text: string, color: string} | null}
 *   [badgeView] the badge's text and colour for a tab with a report (default: its number of jurisdictions)
 * @property {number} [persistDelayMs] how long a tab's changes gather before they are written (PERSIST_DELAY_MS)
 * @property {number} [badgeDelayMs] how long a tab's changes gather before its badge is updated (BADGE_DELAY_MS)
 * @property {Partial<Record<import('./protocol.js').MessageType, Answer<T>>>} [answers] answers to message types
 *   beyond (or instead of) the built-in ones (report, popup without watchlist, CSV, JSON, health)
 * @property {(tabId: number) => Promise<{frameId?: number, result?: unknown}[]>} [readPage] every frame's record of
 *   its loads (extension/reconcile.js `collect` through scripting.executeScript), for reconciliation at the start
 * @property {() => Promise<{id?: number, url?: string}[]>} [queryTabs] every open tab (a fresh start reconciles them)
 * @property {() => number} [now] the time (ms since the epoch)
 */

/**
 * The background's state machine. Every input (webRequest event, tab removal, message) goes through one serial queue
 * whose first job waits for the wasm core and restores every `tab:*` key from `storage.session`, so events are applied
 * in order and only after the restore, and every answer comes from the Tracker that is current when it runs.
 * @template {TrackerLike} T
 * @param {WhitherOptions<T>} options
 */
export function createWhither({
  api, ready, log = console, title, defaultTitle = '', onTabChanged, onTabClosed, onTabMoved, badgeView, createTracker,
  persistDelayMs = PERSIST_DELAY_MS, badgeDelayMs = BADGE_DELAY_MS, answers = {}, readPage, queryTabs,
  now = Date.now,
}) {
  /** @param {unknown} error */
  const logError = (error) => log.error('whither:', error);
  const queue = createSerialQueue(logError);

  /** @type {T | null} */
  let tracker = null;

  // For recovery from a failure of the core: every tab's last exported state (least recently written first) and the
  // events applied to it since (`unclassified`: applied with eventUnclassified).
  /** @type {Map<number, string>} */
  const saved = new Map();
  /** Tabs whose state is in storage.session, least recently written first (the order in which quota errors evict). */
  /** @type {Set<number>} */
  const written = new Set();
  /** @type {Map<number, {event: RequestEvent, unclassified: boolean}[]>} */
  const unsaved = new Map();
  /** Figures for the tests and the logs. */
  const health = {
    coreFailures: 0, quotaErrors: 0, evictedTabs: 0, unstoredTabs: 0,
    // Start-up, in ms since the background started (performance.now(): a worker's time origin is its start): the
    // core ready and the stored state restored; the first webRequest event received; the first one applied.
    startup: { ready: -1, firstEvent: -1, firstApplied: -1 },
    /**
     * Per tab, the requests its report counted when its state was last written to storage.session: what a
     * background restarted now would start from (tests compare it with the requests a page made).
     * @type {Record<string, number>}
     */
    storedRequests: {},
    /** Requests recovered from the pages' own records at start-up (extension/reconcile.js), and tabs read. */
    recovered: 0,
    reconciledTabs: 0,
  };
  /**
   * Writes a tab's state. On a quota error, drops the stored state of other tabs (least recently written first; they
   * stay in memory and are written again on their next change) until the current tab's state fits: the current tab's
   * report is never the one dropped. Reported on the log.
   * @param {number} tabId
   * @param {string} data
   * @returns {Promise<boolean>} whether it was written
   */
  const write = async (tabId, data) => {
    const key = tabStateKey(tabId);
    for (;;) {
      try {
        // The time of the tab's last stored change, read at the next start (extension/reconcile.js).
        await api.storage.session.set({ [key]: data, [activityKey(tabId)]: now() });
        return true;
      } catch (error) {
        if (!isQuotaError(error)) throw error;
        health.quotaErrors += 1;
        const victim = [...written].find((id) => id !== tabId);
        if (victim === undefined) {
          health.unstoredTabs += 1;
          log.error(`whither: storage quota exceeded: the state of tab ${tabId} (${data.length} characters) is kept `
            + 'in memory only', error);
          return false;
        }
        written.delete(victim);
        delete health.storedRequests[victim];
        health.evictedTabs += 1;
        log.error(`whither: storage quota exceeded: dropped the stored state of tab ${victim} to keep tab ${tabId}'s`);
        await api.storage.session.remove([tabStateKey(victim), activityKey(victim)]);
      }
    }
  };

  // A burst of requests (a page load: hundreds in a second) is exported and written once per PERSIST_DELAY_MS.
  const persist = createCoalescer(/** @param {number} tabId */ async (tabId) => {
    if (!tracker) return;
    const key = tabStateKey(tabId);
    const data = tracker.exportTab(tabId);
    const requests = tracker.summary(tabId)?.requests ?? 0;
    unsaved.delete(tabId);
    written.delete(tabId);
    if (data === null || data === undefined) {
      saved.delete(tabId);
      delete health.storedRequests[tabId];
      await api.storage.session.remove([key, activityKey(tabId)]);
    } else {
      saved.set(tabId, data);
      written.add(tabId); // most recently written last
      if (await write(tabId, data)) health.storedRequests[tabId] = requests;
    }
  }, logError, persistDelayMs);

  /**
   * Replaces a failed core's Tracker with a fresh one holding the same state.
   * @param {unknown} error
   */
  const recover = async (error) => {
    health.coreFailures += 1;
    log.error('whither: the core failed; restarting it from the saved state', error);
    if (!createTracker) throw error;
    const t = await createTracker();
    for (const [tabId, data] of saved) {
      try {
        t.importTab(tabId, data);
      } catch (e) {
        logError(e);
      }
    }
    for (const [tabId, events] of unsaved) {
      for (const { event, unclassified } of events) {
        try {
          if (unclassified) t.eventUnclassified?.(tabId, event);
          else t.event(tabId, event);
        } catch (e) {
          logError(e);
        }
      }
    }
    tracker = t;
  };

  /**
   * @param {number} tabId
   * @param {RequestEvent} event
   * @param {boolean} unclassified
   */
  const remember = (tabId, event, unclassified) => {
    let events = unsaved.get(tabId);
    if (!events) unsaved.set(tabId, (events = []));
    events.push({ event, unclassified });
    if (events.length > MAX_UNSAVED_EVENTS) persist.schedule(tabId, true);
  };

  const badge = createBadge({
    action: api.action,
    log,
    delayMs: badgeDelayMs,
    look: (tabId) => {
      if (!tracker) return null;
      const summary = tracker.summary(tabId);
      if (!summary) return { text: '', title: defaultTitle };
      const view = badgeView ? badgeView(tracker, tabId, summary) : null;
      return {
        text: view ? view.text : String(summary.jurisdictions),
        title: title ? title(summary) : defaultTitle,
        color: view?.color,
      };
    },
  });

  /** @param {number} tabId */
  const changed = (tabId) => {
    persist.schedule(tabId);
    badge.schedule(tabId);
  };

  /**
   * Reads the pages of the tabs that may have lost events and counts what they loaded beyond their visits.
   * @param {number[]} tabIds
   */
  const reconcile = async (tabIds) => {
    if (!readPage) return;
    for (const tabId of tabIds) {
      let record;
      try {
        record = mergeRecords(await readPage(tabId));
      } catch (error) {
        log.debug?.('whither: reading tab', tabId, error); // closed, or not a web page
        continue;
      }
      queue.push(() => {
        if (!tracker?.reconcile) return;
        const n = tracker.reconcile(tabId, JSON.stringify(record));
        health.reconciledTabs += 1;
        health.recovered += n;
        if (n > 0) changed(tabId);
      });
    }
  };

  /** @param {T} t @returns {Promise<number[]>} the tabs to reconcile */
  const restore = async (t) => {
    /** @type {Record<string, unknown>} */
    let items = {};
    try {
      items = (await api.storage.session.get(null)) ?? {};
    } catch (error) {
      logError(error);
    }
    /** @type {number[]} */
    const stored = [];
    for (const [key, value] of Object.entries(items)) {
      const tabId = tabIdOfKey(key);
      if (tabId === null) continue;
      stored.push(tabId);
      try {
        if (typeof value !== 'string') throw new Error(`stored state of tab ${tabId} is not a string`);
        t.importTab(tabId, value);
        saved.set(tabId, value);
        written.add(tabId);
        health.storedRequests[tabId] = t.summary(tabId)?.requests ?? 0;
      } catch (error) {
        // Malformed state: the core keeps the tab empty; rewriting it drops the bad key.
        logError(error);
        persist.schedule(tabId);
      }
    }
    return tabsToReconcile(items, stored, queryTabs ?? (async () => []), now());
  };

  /**
   * The answer to each message type: the built-in ones, then the caller's.
   * @type {Partial<Record<import('./protocol.js').MessageType, Answer<T>>>}
   */
  const answer = {
    [MESSAGE.report]: (t, { tabId }) => toPlain(t.report(tabId)) ?? null,
    [MESSAGE.popup]: (t, { tabId }) => t.popupView?.(tabId, []) ?? null,
    [MESSAGE.reportCsv]: (t, { tabId }) => t.reportCsv?.(tabId) ?? null,
    [MESSAGE.reportJson]: (t, { tabId }) => t.reportJson?.(tabId) ?? null,
    [MESSAGE.health]: () => ({ ...health, storedRequests: { ...health.storedRequests }, writesPending: persist.size }),
    ...answers,
  };

  /** @type {() => void} */
  let reconciledNow = () => {};
  /** Settles when the start-up reconciliation's last count is made (at once when there is nothing to read). */
  const reconciled = new Promise((resolve) => { reconciledNow = () => resolve(undefined); });
  const started = queue.push(async () => {
    const t = await ready;
    tracker = t; // no other job runs before this one finishes: events still wait for the restore
    const toReconcile = await restore(t);
    health.startup.ready = performance.now();
    if (!toReconcile.length || !readPage) return true;
    // After the first events: reading pages is not on the way to the first classified request.
    setTimeout(() => {
      reconcile(toReconcile).catch(logError).finally(() => queue.push(reconciledNow));
    }, 0);
    return false;
  }).then((done) => { if (done !== false) reconciledNow(); });

  return {
    /** Resolves once the core is ready and the stored state restored (or failed to). */
    started,

    /** Resolves once the pages of the tabs that may have lost events were read and counted (tests await it). */
    reconciled,

    /** Failures of the core, storage quota errors, tabs whose stored state was dropped or could not be stored. */
    health,

    /**
     * A webRequest event (`stage` from STAGES in extension/events.js).
     * @param {Stage} stage
     * @param {Record<string, unknown>} details
     */
    onRequest(stage, details) {
      const tabId = /** @type {number} */ (details.tabId);
      if (!Number.isInteger(tabId) || tabId < 0) return;
      const event = eventFromDetails(stage, details);
      if (health.startup.firstEvent < 0) health.startup.firstEvent = performance.now();
      queue.push(async () => {
        if (!tracker) return;
        let unclassified = false;
        let didChange;
        try {
          didChange = tracker.event(tabId, event);
        } catch (error) {
          if (!isCoreFailure(error)) throw error; // a rejected event: logged, nothing changed
          // The core failed on this event: restart it with every other event kept, and count this one unclassified.
          await recover(error);
          unclassified = true;
          didChange = tracker?.eventUnclassified?.(tabId, event) ?? false;
        }
        remember(tabId, event, unclassified);
        if (health.startup.firstApplied < 0) health.startup.firstApplied = performance.now();
        if (didChange && tracker) {
          changed(tabId);
          onTabChanged?.(tracker, tabId, details);
        }
      });
    },

    /** @param {number} tabId */
    onTabRemoved(tabId) {
      queue.push(() => {
        if (!tracker) return;
        onTabClosed?.(tracker, tabId); // before the removal: the recorder takes the visit's last growth
        tracker.removeTab(tabId);
        saved.delete(tabId);
        unsaved.delete(tabId);
        written.delete(tabId);
        badge.forget(tabId);
        persist.schedule(tabId, true); // exportTab is null now: removes the key, after any write in flight
      });
    },

    /**
     * Chrome swaps tab ids (prerendering): the state moves to the new id.
     * @param {number} addedTabId
     * @param {number} removedTabId
     */
    onTabReplaced(addedTabId, removedTabId) {
      queue.push(() => {
        if (!tracker) return;
        const data = tracker.exportTab(removedTabId);
        onTabMoved?.(tracker, removedTabId, addedTabId);
        tracker.removeTab(removedTabId);
        badge.forget(removedTabId);
        persist.schedule(removedTabId, true);
        if (data !== null && data !== undefined) {
          tracker.importTab(addedTabId, data);
          changed(addedTabId);
        }
      });
    },

    /**
     * Re-applies the badge of a tab (Firefox resets tab-specific badges on navigation).
     * @param {number} tabId
     */
    refreshBadge(tabId) {
      queue.push(() => {
        if (tracker) badge.refresh(tabId);
      });
    },

    /**
     * The `runtime.onMessage` listener, the only one: a well-formed message of the protocol from one of the
     * extension's own pages is answered inside the queue (after every input that came before it) by the current
     * Tracker, restarting the core once if it fails; anything else gets no answer.
     * @param {unknown} message
     * @param {unknown} sender
     * @param {(response: unknown) => void} sendResponse
     * @returns {boolean | undefined} true when the answer comes asynchronously
     */
    onMessage(message, sender, sendResponse) {
      const request = parseMessage(message);
      const reply = request && answer[request.type];
      if (!request || !reply || !isTrustedSender(sender, api.runtime)) return undefined;
      queue
        .push(async () => {
          if (!tracker) return null;
          try {
            return await reply(tracker, request);
          } catch (error) {
            if (!isCoreFailure(error)) throw error;
            await recover(error);
            return tracker ? reply(tracker, request) : null;
          }
        })
        .then((response) => {
          try {
            sendResponse(response ?? null);
          } catch (error) {
            log.debug?.('whither: response', error); // the page went away
          }
        });
      return true;
    },

    /** Tabs whose state is waiting to be written (in its PERSIST_DELAY_MS) or being written. */
    get writesPending() {
      return persist.size;
    },

    /** Resolves when every queued input has been applied and every write and badge update has finished. */
    async idle() {
      do {
        await queue.idle();
        await Promise.all([persist.idle(), badge.idle()]);
      } while (persist.size > 0 || badge.size > 0);
    },
  };
}
