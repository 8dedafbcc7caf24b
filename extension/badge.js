// The toolbar badge and tooltip of each tab: updated at most once per BADGE_DELAY_MS per tab, and only with the
// browser calls whose value changed (a call into the browser costs more than comparing strings).

import { createCoalescer } from './queue.js';

/** How long a tab's changes gather before its badge and tooltip are updated (a few updates a second at most). */
export const BADGE_DELAY_MS = 100;

/**
 * @typedef {object} BadgeLook what a tab's badge shows
 * @property {string} text
 * @property {string} title the tooltip
 * @property {string} [color] the badge's background colour (none: the default)
 */

/**
 * @typedef {object} ActionLike the part of `browser.action` the badge uses
 * @property {(details: {tabId: number, text: string}) => Promise<void>} setBadgeText
 * @property {(details: {tabId: number, title: string}) => Promise<void>} setTitle
 * @property {(details: {tabId: number, color: string}) => Promise<void>} [setBadgeBackgroundColor]
 */

/**
 * @param {object} options
 * @param {ActionLike | undefined} options.action the browser's `action` namespace (absent: nothing is shown)
 * @param {(tabId: number) => BadgeLook | null} options.look what the tab's badge should show now (null: nothing)
 * @param {{error: (...args: unknown[]) => void, debug?: (...args: unknown[]) => void}} options.log
 * @param {number} [options.delayMs]
 */
export function createBadge({ action, look, log, delayMs = BADGE_DELAY_MS }) {
  /** What each tab's badge shows now. @type {Map<number, {text: string, title: string, color: string | undefined}>} */
  const shown = new Map();
  const update = createCoalescer(/** @param {number} tabId */ async (tabId) => {
    if (!action) return;
    const want = look(tabId) ?? { text: '', title: '' };
    const color = action.setBadgeBackgroundColor ? want.color : undefined;
    const before = shown.get(tabId);
    shown.set(tabId, { text: want.text, title: want.title, color });
    try {
      await Promise.all([
        before?.text === want.text ? undefined : action.setBadgeText({ tabId, text: want.text }),
        before?.title === want.title ? undefined : action.setTitle({ tabId, title: want.title }),
        color === undefined || before?.color === color ? undefined
          : action.setBadgeBackgroundColor?.({ tabId, color }),
      ]);
    } catch (error) {
      // The tab may be gone already (closed, or a prerender that was discarded).
      shown.delete(tabId);
      log.debug?.('whither: badge', tabId, error);
    }
  }, (error) => log.error('whither:', error), delayMs);

  return {
    /** @param {number} tabId the tab changed: update its badge after the delay */
    schedule: (/** @type {number} */ tabId) => update.schedule(tabId),
    /** @param {number} tabId the browser may have reset the badge (Firefox, on navigation): set it again */
    refresh(tabId) {
      shown.delete(tabId);
      return update.schedule(tabId);
    },
    /** @param {number} tabId the tab is gone */
    forget: (/** @type {number} */ tabId) => { shown.delete(tabId); },
    idle: () => update.idle(),
    get size() {
      return update.size;
    },
  };
}
