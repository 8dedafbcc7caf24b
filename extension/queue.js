// Scheduling helpers of the background: a serial queue (every input is applied in order, one at a time) and a
// coalescer (a burst of changes to one key costs one run: one storage write, one badge update).

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
