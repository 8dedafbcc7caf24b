// Browser-independent logic of Whither's background: the serial event queue, restoring and persisting per-tab state
// with coalesced writes, the badge, and validation of the message API. It touches the browser only through the
// `api` object it is given (the `browser`/`chrome` namespace, or a fake one in the Node tests) and all classification
// through a Tracker from the wasm core. It never parses URLs and never holds lists.

import { countPhrase } from './text.js';

/**
 * @typedef {object} Summary
 * @property {number} requests
 * @property {number} companies
 * @property {number} jurisdictions
 * @property {number} third_party_requests
 */

/**
 * The part of the wasm `Tracker` (docs/wasm-api.md) that the shell uses.
 * @typedef {object} TrackerLike
 * @property {(tabId: number, event: RequestEvent) => boolean} event
 * @property {(tabId: number) => object | null} report
 * @property {(tabId: number) => Summary | null} summary
 * @property {(tabId: number) => string | null | undefined} exportTab
 * @property {(tabId: number, data: string) => void} importTab
 * @property {(tabId: number) => void} removeTab
 * @property {(tabId: number, event: RequestEvent) => boolean} [eventUnclassified] counts the event's request as
 *   unclassified without classifying it (the fallback after the core failed on that event)
 * @property {(tabId: number, watchlist: string[]) => string | null | undefined} [popupView] the popup's view of the
 *   tab as one JSON string (docs/report-format.md, "Popup view")
 */

/**
 * One webRequest event as the core wants it. Absent fields are left out.
 * @typedef {object} RequestEvent
 * @property {Stage} stage
 * @property {string} [requestId]
 * @property {string} [url]
 * @property {string} [type]
 * @property {string} [method]
 * @property {string} [ip]
 * @property {string} [redirectUrl]
 * @property {string} [documentUrl]
 * @property {number} [frameId]
 * @property {number} [timeStamp]
 */

/** @typedef {"before" | "redirect" | "response" | "completed" | "error"} Stage */

/**
 * What the shell needs of the browser API (a subset of `browser`/`chrome`).
 * @typedef {object} BrowserLike
 * @property {{ session: { get(keys: null | string | string[]): Promise<Record<string, unknown>>,
 *   set(items: Record<string, unknown>): Promise<void>, remove(keys: string | string[]): Promise<void> } }} storage
 * @property {{ id: string, getURL(path: string): string }} runtime
 * @property {{ setBadgeText(details: {tabId: number, text: string}): Promise<void>,
 *   setTitle(details: {tabId: number, title: string}): Promise<void> }} [action]
 */

/**
 * @typedef {object} Logger
 * @property {(...args: unknown[]) => void} error
 * @property {(...args: unknown[]) => void} [debug]
 */

/** Key prefix of per-tab state in `storage.session`. */
export const STORAGE_PREFIX = 'tab:';

/**
 * How long a tab's changes gather before its state is exported and written to storage.session: a page load's
 * hundreds of requests cost a few writes, not one each (docs/performance.md). Far below the browsers' idle timeouts
 * (Chrome stops an idle worker after 30 s, Firefox suspends an idle event page after 30 s), so a stopped
 * background has written everything first.
 */
export const PERSIST_DELAY_MS = 250;

/** How long a tab's changes gather before its badge and tooltip are updated (a few updates a second at most). */
export const BADGE_DELAY_MS = 100;

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

/** The message type of the report request. */
export const REPORT_MESSAGE = 'whither:report';

/**
 * The message type of the popup's request: answered with the popup view (the report, the laws of its jurisdictions
 * and the watched ones) as one JSON string, which crosses runtime messaging far faster than the report's objects.
 */
export const POPUP_MESSAGE = 'whither:popup';

/**
 * webRequest event name → stage name of the core: the events the background listens to. Every event costs the
 * browser a message to the background, so only those that add something: the start of each hop (what is counted),
 * its end (the server's IP; the hop is finished), redirects and errors (rare). `onResponseStarted` (stage
 * `response`, accepted by the core) would only repeat the IP of `onCompleted`: a third of all events for nothing
 * (docs/performance.md).
 * @type {Readonly<Record<string, Stage>>}
 */
export const STAGES = Object.freeze({
  onBeforeRequest: 'before',
  onBeforeRedirect: 'redirect',
  onCompleted: 'completed',
  onErrorOccurred: 'error',
});

/** Fields of webRequest details that the core reads (docs/wasm-api.md). */
const EVENT_FIELDS = /** @type {const} */ ([
  'requestId', 'url', 'type', 'method', 'ip', 'redirectUrl', 'documentUrl', 'frameId', 'timeStamp',
]);

/**
 * @param {number} tabId
 * @returns {string}
 */
export function storageKey(tabId) {
  return STORAGE_PREFIX + tabId;
}

/**
 * The tab id of a storage key, or null when the key is not one of ours.
 * @param {string} key
 * @returns {number | null}
 */
export function tabIdOfKey(key) {
  if (typeof key !== 'string' || !key.startsWith(STORAGE_PREFIX)) return null;
  const rest = key.slice(STORAGE_PREFIX.length);
  if (!/^\d+$/.test(rest)) return null;
  const id = Number(rest);
  return Number.isSafeInteger(id) ? id : null;
}

/**
 * Copies the fields the core reads from webRequest details (Chrome's or Firefox's), leaving out absent ones.
 * @param {Stage} stage
 * @param {Record<string, unknown>} details
 * @returns {RequestEvent}
 */
export function eventFromDetails(stage, details) {
  /** @type {Record<string, unknown>} */
  const event = { stage };
  for (const field of EVENT_FIELDS) {
    const value = details[field];
    if (value !== undefined && value !== null) event[field] = value;
  }
  return /** @type {RequestEvent} */ (event);
}

/**
 * Is this a well-formed report request?
 * @param {unknown} message
 * @returns {message is {type: string, tabId: number}}
 */
export function isReportRequest(message) {
  return isTabRequest(message, REPORT_MESSAGE);
}

/**
 * Is this a well-formed popup view request?
 * @param {unknown} message
 * @returns {message is {type: string, tabId: number}}
 */
export function isPopupRequest(message) {
  return isTabRequest(message, POPUP_MESSAGE);
}

/**
 * @param {unknown} message
 * @param {string} type
 * @returns {message is {type: string, tabId: number}}
 */
function isTabRequest(message, type) {
  if (message === null || typeof message !== 'object') return false;
  const m = /** @type {{type?: unknown, tabId?: unknown}} */ (message);
  return m.type === type && Number.isSafeInteger(m.tabId) && /** @type {number} */ (m.tabId) >= 0;
}

/**
 * Accepts only messages from this extension's own pages: same extension id, and, when the sender has a URL, a URL
 * inside the extension (content scripts and other extensions are refused).
 * @param {unknown} sender a `runtime.MessageSender`
 * @param {{ id: string, getURL(path: string): string }} runtime
 * @returns {boolean}
 */
export function isTrustedSender(sender, runtime) {
  if (sender === null || typeof sender !== 'object') return false;
  const s = /** @type {{id?: unknown, url?: unknown}} */ (sender);
  if (typeof runtime.id !== 'string' || s.id !== runtime.id) return false;
  if (s.url !== undefined && s.url !== null) {
    const base = runtime.getURL('');
    if (typeof s.url !== 'string' || !base || !s.url.startsWith(base)) return false;
  }
  return true;
}

/**
 * Turns what the wasm bindings return into plain JSON-able data: ES `Map`s (serde-wasm-bindgen's default for maps)
 * become objects, so that the value survives `runtime.sendMessage` in every browser.
 * @param {unknown} value
 * @returns {unknown}
 */
export function toPlain(value) {
  if (value instanceof Map) {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, v] of value) out[String(k)] = toPlain(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  if (typeof value === 'bigint') return Number(value);
  return value;
}

/**
 * A queue that runs jobs one after the other, in the order they were pushed. A failing job is logged and does not
 * stop the queue.
 * @param {(error: unknown) => void} onError
 */
export function createSerialQueue(onError) {
  /** @type {Promise<unknown>} */
  let tail = Promise.resolve();
  return {
    /**
     * @template T
     * @param {() => T | Promise<T>} job
     * @returns {Promise<T | undefined>} the job's result, or undefined when it threw
     */
    push(job) {
      const result = tail.then(job).catch((error) => {
        onError(error);
        return undefined;
      });
      tail = result;
      return result;
    },
    /** @returns {Promise<void>} resolves when every job pushed so far has run */
    async idle() {
      let seen;
      do {
        seen = tail;
        await seen;
      } while (seen !== tail);
    },
  };
}

/**
 * Runs `run(key)` at most once at a time per key; a `schedule` while a run is in flight makes exactly one more run
 * afterwards (which then sees the latest state). With `delayMs`, a run starts that long after the first `schedule`
 * of a burst, so that a burst of changes costs one run (`schedule(key, true)` starts it at once). Errors are logged.
 * @template K
 * @param {(key: K) => Promise<void> | void} run
 * @param {(error: unknown) => void} onError
 * @param {number} [delayMs]
 */
export function createCoalescer(run, onError, delayMs = 0) {
  /** @type {Map<K, {dirty: boolean, done: Promise<void>, now: () => void}>} */
  const pending = new Map();
  return {
    /**
     * @param {K} key
     * @param {boolean} [now] start the run without waiting for the delay
     * @returns {Promise<void>} resolves when the state of `key` as of now has been handled
     */
    schedule(key, now = false) {
      const existing = pending.get(key);
      if (existing) {
        existing.dirty = true;
        if (now) existing.now();
        return existing.done;
      }
      const entry = { dirty: true, done: Promise.resolve(), now: () => {} };
      pending.set(key, entry);
      entry.done = (async () => {
        try {
          if (delayMs > 0 && !now) {
            await new Promise((resolve) => {
              const timer = setTimeout(resolve, delayMs);
              entry.now = () => { clearTimeout(timer); resolve(undefined); };
            });
          }
          while (entry.dirty) {
            entry.dirty = false;
            try {
              await run(key);
            } catch (error) {
              onError(error);
            }
          }
        } finally {
          pending.delete(key);
        }
      })();
      return entry.done;
    },
    /** @returns {Promise<void>} resolves when nothing is in flight */
    async idle() {
      while (pending.size > 0) await Promise.all([...pending.values()].map((e) => e.done));
    },
    /** @returns {number} keys with a run in flight */
    get size() {
      return pending.size;
    },
  };
}

/**
 * "N requests to M companies under K jurisdictions", localised with `getMessage` (plural forms from
 * `Intl.PluralRules`: messages `countRequests_one`, `countRequests_other`, …).
 * @param {(name: string, substitutions?: string | string[]) => string} getMessage
 * @param {Pick<Summary, "requests" | "companies" | "jurisdictions">} summary
 * @param {string} [locale]
 * @returns {string}
 */
export function summarySentence(getMessage, summary, locale) {
  return getMessage('summary', [
    countPhrase(getMessage, 'countRequests', summary.requests, locale),
    countPhrase(getMessage, 'countCompanies', summary.companies, locale),
    countPhrase(getMessage, 'countJurisdictions', summary.jurisdictions, locale),
  ]);
}

/**
 * @typedef {object} WhitherOptions
 * @property {BrowserLike} api the browser namespace (or a fake)
 * @property {Promise<TrackerLike> | TrackerLike} ready the core's Tracker once the wasm is initialised
 * @property {Logger} [log]
 * @property {(summary: Summary) => string} [title] the badge tooltip for a tab with a report
 * @property {string} [defaultTitle] the tooltip for a tab without one
 * @property {() => TrackerLike | Promise<TrackerLike>} [createTracker] a fresh Tracker, to recover from a failure of
 *   the core: it is restored from the last exported state of every tab plus the events applied since, and the
 *   event the core failed on is counted as unclassified
 * @property {(tracker: TrackerLike, tabId: number, details: Record<string, unknown>) => void} [onTabChanged] called
 *   after an event changed a tab (the history recorder)
 * @property {(tracker: TrackerLike, tabId: number) => void} [onTabClosed] called when a tab is removed (before the
 *   tracker forgets it)
 * @property {(tracker: TrackerLike, from: number, to: number) => void} [onTabMoved] called when Chrome replaces a
 *   tab (prerendering) and its visit moves to the new id
 * @property {(tracker: TrackerLike, tabId: number, summary: Summary) => {text: string, color: string} | null}
 *   [badgeView] the badge's text and colour for a tab with a report (default: its number of jurisdictions)
 * @property {number} [persistDelayMs] how long a tab's changes gather before they are written (PERSIST_DELAY_MS)
 * @property {number} [badgeDelayMs] how long a tab's changes gather before its badge is updated (BADGE_DELAY_MS)
 * @property {(tracker: TrackerLike, tabId: number) => string | null | undefined | Promise<string | null | undefined>}
 *   [popupView] the answer to the popup's request (default: the core's popup view without a watchlist)
 */

/**
 * The background's state machine. Every input (webRequest event, tab removal, report request) goes through one
 * serial queue whose first job waits for the wasm core and restores every `tab:*` key from `storage.session`, so
 * events are applied in order and only after the restore.
 * @param {WhitherOptions} options
 */
export function createWhither({
  api, ready, log = console, title, defaultTitle = '', onTabChanged, onTabClosed, onTabMoved, badgeView, createTracker,
  persistDelayMs = PERSIST_DELAY_MS, badgeDelayMs = BADGE_DELAY_MS,
  popupView = (tracker, tabId) => tracker.popupView?.(tabId, []) ?? null,
}) {
  /** @param {unknown} error */
  const logError = (error) => log.error('whither:', error);
  const queue = createSerialQueue(logError);

  /** @type {TrackerLike | null} */
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
    // Per tab id, the number of requests in its last state written to storage.session (or restored from it): what a
    // restarted background would restore. The end-to-end tests wait for it instead of decoding the stored format.
    /** @type {Record<number, number>} */
    storedRequests: {},
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
    const key = storageKey(tabId);
    for (;;) {
      try {
        await api.storage.session.set({ [key]: data });
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
        await api.storage.session.remove(storageKey(victim));
      }
    }
  };

  // A burst of requests (a page load: hundreds in a second) is exported and written once per PERSIST_DELAY_MS.
  const persist = createCoalescer(/** @param {number} tabId */ async (tabId) => {
    if (!tracker) return;
    const key = storageKey(tabId);
    const data = tracker.exportTab(tabId);
    const requests = tracker.summary(tabId)?.requests ?? 0; // of the state just exported (health.storedRequests)
    unsaved.delete(tabId);
    written.delete(tabId);
    if (data === null || data === undefined) {
      saved.delete(tabId);
      await api.storage.session.remove(key);
      delete health.storedRequests[tabId];
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

  /** What each tab's badge shows now, so that an update that changes nothing costs no call into the browser. */
  /** @type {Map<number, {text: string, title: string, color: string | undefined}>} */
  const shown = new Map();
  const badge = createCoalescer(/** @param {number} tabId */ async (tabId) => {
    if (!tracker || !api.action) return;
    const summary = tracker.summary(tabId);
    const view = summary && badgeView ? badgeView(tracker, tabId, summary) : null;
    const text = view ? view.text : summary ? String(summary.jurisdictions) : '';
    const tooltip = summary && title ? title(summary) : defaultTitle;
    const color = view && api.action.setBadgeBackgroundColor ? view.color : undefined;
    const before = shown.get(tabId);
    shown.set(tabId, { text, title: tooltip, color });
    try {
      await Promise.all([
        before?.text === text ? undefined : api.action.setBadgeText({ tabId, text }),
        before?.title === tooltip ? undefined : api.action.setTitle({ tabId, title: tooltip }),
        color === undefined || before?.color === color ? undefined
          : api.action.setBadgeBackgroundColor({ tabId, color }),
      ]);
    } catch (error) {
      // The tab may be gone already (closed, or a prerender that was discarded).
      shown.delete(tabId);
      log.debug?.('whither: badge', tabId, error);
    }
  }, logError, badgeDelayMs);

  /** @param {number} tabId */
  const changed = (tabId) => {
    persist.schedule(tabId);
    badge.schedule(tabId);
  };

  /** @param {TrackerLike} t */
  const restore = async (t) => {
    let items = {};
    try {
      items = (await api.storage.session.get(null)) ?? {};
    } catch (error) {
      logError(error);
    }
    for (const [key, value] of Object.entries(items)) {
      const tabId = tabIdOfKey(key);
      if (tabId === null) continue;
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
  };

  const started = queue.push(async () => {
    const t = await ready;
    tracker = t; // no other job runs before this one finishes: events still wait for the restore
    await restore(t);
    health.startup.ready = performance.now();
  });

  return {
    /** Resolves once the core is ready and the stored state restored (or failed to). */
    started,

    /** Failures of the core, storage quota errors, tabs whose stored state was dropped or could not be stored. */
    health,

    /**
     * A webRequest event (`stage` from {@link STAGES}).
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
        shown.delete(tabId);
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
        shown.delete(removedTabId);
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
        if (!tracker) return;
        shown.delete(tabId); // the browser may have reset it: set it again
        badge.schedule(tabId);
      });
    },

    /**
     * `runtime.onMessage` listener: answers `{type: "whither:report", tabId}` from the extension's own pages with the
     * tab's report, and `{type: "whither:popup", tabId}` with the popup view as a JSON string (null when the tab has
     * no visit); ignores everything else.
     * @param {unknown} message
     * @param {unknown} sender
     * @param {(response: unknown) => void} sendResponse
     * @returns {boolean | undefined} true when the answer comes asynchronously
     */
    onMessage(message, sender, sendResponse) {
      const popup = isPopupRequest(message);
      if (!(popup || isReportRequest(message)) || !isTrustedSender(sender, api.runtime)) return undefined;
      const { tabId } = message;
      /** @param {TrackerLike} t */
      const answer = async (t) => (popup ? (await popupView(t, tabId)) ?? null : toPlain(t.report(tabId)));
      queue
        .push(async () => {
          if (!tracker) return null;
          try {
            return await answer(tracker);
          } catch (error) {
            if (!isCoreFailure(error)) throw error;
            await recover(error);
            return tracker ? answer(tracker) : null;
          }
        })
        .then((report) => {
          try {
            sendResponse(report ?? null);
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
