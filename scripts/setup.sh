#!/usr/bin/env bash
# Installs everything Whither needs to build and test on a fresh Debian 12 machine. Idempotent: each step checks
# first and does nothing when its tool is already there. Usage: scripts/setup.sh [build|test|fuzz]
#   build: the pinned Rust toolchain (rust-toolchain.toml) with its wasm target, the pinned wasm-bindgen-cli, the npm
#          packages (what `make build` / `make run` need)
#   test:  the above plus Chromium + chromedriver, Firefox ESR and geckodriver (what `make test` needs)
#   fuzz:  the build tools plus the nightly toolchain and cargo-fuzz (what `make fuzz` needs)
#
# It expects these to be present already, and stops at once, saying what is missing, when one is not
# (docs/building.md):
#   rustup and cargo (https://rustup.rs)      it installs the toolchain of rust-toolchain.toml through rustup
#   Node.js 20 or newer, with npm             package.json "engines"
#   python3 3.9 or newer                      scripts/package.py
#   for `test`: apt-get, run as root          only when Chromium, chromium-driver or Firefox ESR is missing
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-build}
case "$what" in build|test|fuzz) ;; *) echo "usage: scripts/setup.sh [build|test|fuzz]" >&2; exit 2 ;; esac

# Keep in sync with Cargo.toml (`wasm-bindgen = "=…"`): the CLI must match the crate exactly.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml | head -n1)
GECKODRIVER_VERSION=0.37.1
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }
fail() {
  printf '[setup] cannot continue: %s\n' "$*" >&2
  printf '[setup] (what it expects to be present already: the head of scripts/setup.sh; docs/building.md)\n' >&2
  exit 1
}

# What must be there before anything is installed.
command -v rustup >/dev/null && command -v cargo >/dev/null || fail "rustup and cargo are missing. Install them with" \
  "rustup: curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal"
command -v node >/dev/null \
  || fail "Node.js is missing: Whither needs Node.js 20 or newer with npm (Debian 12: see docs/building.md)"
node_version=$(node -p 'process.versions.node')
[ "${node_version%%.*}" -ge 20 ] \
  || fail "Node.js $node_version is too old: Whither needs Node.js 20 or newer (package.json \"engines\")"
command -v npm >/dev/null || fail "npm is missing (it comes with Node.js; Debian: apt-get install npm)"
command -v python3 >/dev/null || fail "python3 is missing (Debian: apt-get install python3)"
python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' \
  || fail "$(python3 -V 2>&1) is too old: scripts/package.py needs Python 3.9 or newer"

# The toolchain of rust-toolchain.toml. rustup installs it on first use only where RUSTUP_AUTO_INSTALL allows it (on
# this project's CI machines it does not): install it here, once, explicitly. (RUSTUP_TOOLCHAIN overrides the file.)
RUST_CHANNEL=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if [ -z "${RUSTUP_TOOLCHAIN:-}" ] && ! rustup toolchain list | grep -q "^$RUST_CHANNEL-"; then
  log "installing the Rust toolchain $RUST_CHANNEL of rust-toolchain.toml (about 1 minute, ~700 MB, once per machine)"
  rustup toolchain install "$RUST_CHANNEL" --profile minimal --component rustfmt,clippy --target wasm32-unknown-unknown
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
rustc_version=$(rustc --version | awk '{print $2}')
if [ "$rustc_version" != "$RUST_CHANNEL" ]; then
  log "note: building with rustc $rustc_version, not $RUST_CHANNEL (rust-toolchain.toml; RUSTUP_TOOLCHAIN set?):"
  log "      the wasm core will differ from the released one (docs/building.md)"
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2.5 minutes)"
  # Not --locked: its lock file pins a webpki-roots release that crates.io no longer serves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$what" = test ]; then
  apt_needed=()
  command -v chromium >/dev/null || apt_needed+=(chromium)
  command -v chromedriver >/dev/null || apt_needed+=(chromium-driver)
  command -v firefox-esr >/dev/null || apt_needed+=(firefox-esr)
  if [ ${#apt_needed[@]} -gt 0 ]; then
    command -v apt-get >/dev/null \
      || fail "${apt_needed[*]} missing and there is no apt-get to install them (install them by hand)"
    [ "$(id -u)" = 0 ] || fail "${apt_needed[*]} missing: run as root (or: sudo apt-get install ${apt_needed[*]})"
    log "installing ${apt_needed[*]} from apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${apt_needed[@]}" >/dev/null
  fi
  if [ "$(geckodriver --version 2>/dev/null | awk 'NR==1{print $2}')" != "$GECKODRIVER_VERSION" ]; then
    log "installing geckodriver $GECKODRIVER_VERSION (about 2 minutes)"
    cargo install --locked geckodriver --version "$GECKODRIVER_VERSION"
  fi
fi
if [ "$what" = fuzz ]; then
  # `make fuzz`: the nightly toolchain and cargo-fuzz (docs/fuzzing.md).
  rustup toolchain list | grep -q '^nightly' || { log "installing the nightly toolchain"; rustup toolchain install nightly --profile minimal; }
  if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    log "installing cargo-fuzz (about 1 minute)"
    cargo install --locked cargo-fuzz
  fi
fi
log "ready ($what)"
