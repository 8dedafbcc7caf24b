#!/usr/bin/env bash
# Installs everything Whither needs to build and test on a fresh Debian 12 machine. Idempotent: each step checks
# first and does nothing when its tool is already there. Usage: scripts/setup.sh [build|test|fuzz]
#   build: Rust wasm target, pinned wasm-bindgen-cli, npm packages (what `make build` / `make run` need)
#   test:  the above plus Chromium + chromedriver, Firefox ESR and geckodriver (what `make test` needs)
#   fuzz:  the build tools plus the nightly toolchain and cargo-fuzz (what `make fuzz` needs)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-build}

# Keep in sync with Cargo.toml (`wasm-bindgen = "=…"`): the CLI must match the crate exactly.
WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p; s/^wasm-bindgen = "=\([0-9.]*\)"/\1/p' Cargo.toml | head -n1)
GECKODRIVER_VERSION=0.37.1
export PATH="$HOME/.cargo/bin:$PATH"

log() { printf '[setup] %s\n' "$*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
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
