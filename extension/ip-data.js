// The IP table (pkg/whither_ip.bin: server address → country and network, src/iptable.rs) is not in the background's
// start: it is fetched from the extension's own package on first use (the first request with a server address, or a
// page asking for a view), once, and handed to the core as bytes (one copy). A damaged or missing table is logged:
// the product goes on without server locations.

/**
 * @typedef {object} IpDataInfo the installed table's figures (src/iptable.rs `Info`)
 * @property {number} version
 * @property {string} date
 * @property {string} source
 * @property {number} bytes
 */

/**
 * @param {object} options
 * @param {() => Promise<Uint8Array>} options.fetchBytes the table's bytes
 * @param {(bytes: Uint8Array) => string | Promise<string>} options.install hands them to the core (`setIpTable`):
 *   the table's figures as JSON, or throws on a damaged table
 * @param {{error: (...a: unknown[]) => void}} [options.log]
 */
export function createIpData({ fetchBytes, install, log = console }) {
  /** @type {Promise<IpDataInfo | null> | null} */
  let loading = null;
  /** @type {IpDataInfo | null} */
  let info = null;
  return {
    /**
     * Starts loading the table unless it has been started, and resolves with its figures, or null when it could
     * not be loaded (never rejects).
     * @returns {Promise<IpDataInfo | null>}
     */
    load() {
      loading ??= (async () => {
        try {
          info = /** @type {IpDataInfo} */ (JSON.parse(await install(await fetchBytes())));
          return info;
        } catch (error) {
          log.error('whither: the IP table could not be loaded; servers stay unlocated', error);
          return null;
        }
      })();
      return loading;
    },
    /** Whether loading has been started. */
    get started() {
      return loading !== null;
    },
    /** The installed table's figures, or null before (or without) one. */
    get info() {
      return info;
    },
  };
}
