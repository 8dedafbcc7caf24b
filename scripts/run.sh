#!/usr/bin/env bash
# `make run` after `make build`: start a browser with Whither (dist/chrome/ or dist/firefox/) on a fresh profile,
# or — where there is no display — the headless demo (scripts/demo.mjs), which prints the popup's report and saves dist/demo-popup.png.
#
#   BROWSER=chromium (default) | firefox   which browser to start when there is a display
#   DEMO_SITE=1      with a display and Chromium: also serve the local demo site and open it
#                    (its real third-party hostnames are mapped to the local server; nothing leaves the machine)
#   START_URL=URL    the page to open (default: https://www.wikipedia.org/, or the demo page with DEMO_SITE=1)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/node_modules/.bin:$PATH"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display (\$DISPLAY / \$WAYLAND_DISPLAY unset): running the headless demo instead" >&2
  exec node scripts/demo.mjs "$@"
fi

# The unpacked extensions that `make build` writes; the repository root is not one.
browser=${BROWSER:-chromium}
if [ "$browser" = firefox ]; then extension="$root/dist/firefox"; else extension="$root/dist/chrome"; fi
for f in manifest.json extension/background.js pkg/whither.js pkg/whither_bg.wasm; do
  [ -e "$extension/$f" ] || { echo "run: ${extension#"$root"/}/$f is missing; run 'make build' first" >&2; exit 2; }
done

if [ "$browser" = firefox ]; then
  firefox=${FIREFOX:-$(command -v firefox-esr || command -v firefox || true)}
  [ -n "$firefox" ] || { echo "run: Firefox not found (apt-get install firefox-esr)" >&2; exit 2; }
  # web-ext makes a fresh temporary profile and installs the extension as a temporary add-on.
  exec web-ext run --source-dir "$extension" --firefox "$firefox" --no-reload \
    --start-url "${START_URL:-https://www.wikipedia.org/}"
fi

chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
[ -n "$chromium" ] || { echo "run: Chromium not found (apt-get install chromium)" >&2; exit 2; }
profile=$(mktemp -d "${TMPDIR:-/tmp}/whither-chromium-XXXXXX")
args=(--user-data-dir="$profile" --no-first-run --no-default-browser-check
      --disable-extensions-except="$extension" --load-extension="$extension")
# Chromium refuses to run as root with its sandbox on (a container or CI machine).
[ "$(id -u)" = 0 ] && args+=(--no-sandbox)
url=${START_URL:-https://www.wikipedia.org/}
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$profile"
}
trap cleanup EXIT
if [ "${DEMO_SITE:-0}" = 1 ]; then
  http_port=${DEMO_HTTP_PORT:-18080}
  https_port=${DEMO_HTTPS_PORT:-18443}
  # The server prints one line once it listens; read it, then keep draining its request log.
  exec 3< <(exec node scripts/lib/site-server.mjs --http-port "$http_port" --https-port "$https_port")
  server_pid=$!
  read -r ready <&3 || { echo "run: the demo server did not start" >&2; exit 1; }
  echo "run: $ready" >&2
  cat <&3 >/dev/null &
  args+=("--host-resolver-rules=MAP *:80 127.0.0.1:$http_port, MAP *:443 127.0.0.1:$https_port, EXCLUDE localhost"
         --ignore-certificate-errors)
  url=${START_URL:-https://www.news.example/}
fi
"$chromium" "${args[@]}" "$url"
