# Whither — two commands on a fresh Debian machine:
#   make run    install what is missing, build, and start a browser with Whither (headless demo without a display)
#   make test   install what is missing (browsers too) and run every test
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
WASM_TARGET := wasm32-unknown-unknown
WASM_OUT := target/$(WASM_TARGET)/release/whither.wasm
# Reproducible wasm (docs/building.md): the panic locations in the module name the source files of this crate and of
# its dependencies by their absolute paths (the checkout, ~/.cargo/registry). Rewritten to fixed prefixes, the module
# is the same whatever directory it is built in. Only the wasm target gets the flags (the CLI is not shipped); every
# wasm build (make wasm, clippy, test-wasm) gets the same ones, so that none of them rebuilds another's artifacts.
CARGO_HOME_DIR := $(or $(CARGO_HOME),$(HOME)/.cargo)
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS := --remap-path-prefix=$(CURDIR)=/whither \
  --remap-path-prefix=$(CARGO_HOME_DIR)=/cargo

.PHONY: all setup setup-test build wasm wasm-test cli vendor package run demo test lint test-rust test-wasm test-js \
  test-e2e fmt clean fuzz bench bench-history source-archive check-reproducible

# One target at a time, in the order listed, also under `make -j2`: the steps share target/ and node_modules/, the
# test suites share the machine's cores and browsers, and cargo runs its own jobs in parallel anyway.
.NOTPARALLEL:

all: build

setup:
	scripts/setup.sh build

setup-test:
	scripts/setup.sh test

# The wasm core (without the CLI-only details) and its JS glue in pkg/. The name section (function names for
# stack traces, ~53 KB gzip) is left out: the size budget is 350 KB gzip (docs/performance.md).
# The two shipped wasm modules and their JS glue in pkg/ (src/wasm/): the background's (`whither.js`, feature
# `background`: the Tracker, recording the history, the popup's view) and the pages' (`whither_pages.js`, feature
# `pages`: the dashboard's views and the history's exports, for the history worker). Each has its own target directory
# so that neither rebuild undoes the other; the request page's module (`whither_requests.js`, feature `requests`:
# data-access requests, letters, contacts, authorities; docs/requests.md) is a third. The IP table (`pkg/whither_ip.bin`,
# src/iptable.rs) is the one build.rs compiled into the CLI from the npm IP data, written out by it; the background
# fetches it on first use. The name section (function names for stack traces) is left out: the size
# budget is 350 KB gzip for the background's module (docs/performance.md).
WASM_BINDGEN := wasm-bindgen --target web --remove-name-section --remove-producers-section --out-dir pkg
wasm:
	cargo rustc --lib --release --target $(WASM_TARGET) --no-default-features --features background --crate-type cdylib
	$(WASM_BINDGEN) --out-name whither $(WASM_OUT)
	CARGO_TARGET_DIR=target/pages cargo rustc --lib --release --target $(WASM_TARGET) --no-default-features \
	  --features pages --crate-type cdylib
	$(WASM_BINDGEN) --out-name whither_pages target/pages/$(WASM_TARGET)/release/whither.wasm
	CARGO_TARGET_DIR=target/requests cargo rustc --lib --release --target $(WASM_TARGET) --no-default-features \
	  --features requests --crate-type cdylib
	$(WASM_BINDGEN) --out-name whither_requests target/requests/$(WASM_TARGET)/release/whither.wasm
	cargo run --release --quiet --bin whither -- ip --write-table pkg/whither_ip.bin

# The same core with both modules' exports and those that only tests and benchmarks call (feature `testing`), in
# pkg-test/.
wasm-test:
	CARGO_TARGET_DIR=target/testing cargo rustc --lib --release --target $(WASM_TARGET) --no-default-features \
	  --features testing --crate-type cdylib
	wasm-bindgen --target web --no-typescript --out-dir pkg-test target/testing/$(WASM_TARGET)/release/whither.wasm

cli:
	cargo build --release --bin whither

# Flags, d3 modules and the world outline from node_modules into extension/vendor/ (no remote code).
vendor:
	node scripts/vendor.mjs

# The unpacked extensions dist/chrome/ and dist/firefox/ (a manifest for each browser, extension/, pkg/, _locales/)
# and the zips made from exactly those folders (scripts/package.py, docs/building.md).
package: wasm vendor
	python3 scripts/package.py

build: setup wasm vendor cli package

run: build
	scripts/run.sh

demo: build
	node scripts/demo.mjs

fmt:
	cargo fmt

# tsc checks the JSDoc types of the JS shell (tsconfig.json), against pkg/whither.d.ts of `make wasm`.
lint: package
	cargo fmt --check
	cargo clippy --all-targets --all-features -- -D warnings
	cargo clippy --lib --target $(WASM_TARGET) --no-default-features --features background -- -D warnings
	CARGO_TARGET_DIR=target/pages cargo clippy --lib --target $(WASM_TARGET) --no-default-features --features pages \
	  -- -D warnings
	CARGO_TARGET_DIR=target/requests cargo clippy --lib --target $(WASM_TARGET) --no-default-features \
	  --features requests -- -D warnings
	CARGO_TARGET_DIR=target/testing cargo clippy --lib --target $(WASM_TARGET) --no-default-features \
	  --features testing -- -D warnings
	npx tsc -p tsconfig.json
	npx web-ext lint --output text --source-dir dist/firefox

test-rust:
	cargo test --all-features

# NODE_ARGS=--liftoff-only: with V8's optimising tier, Node 20 keeps compiling the 23 MB debug test module after the
# tests have passed, for minutes and gigabytes, before it exits; the baseline compiler finishes in seconds.
test-wasm:
	NODE_ARGS=--liftoff-only CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  CARGO_TARGET_DIR=target/testing cargo test --target $(WASM_TARGET) --no-default-features --features testing --test wasm

test-js: wasm wasm-test
	node --test tests/js/

test-e2e: build
	node --test --test-concurrency=1 tests/e2e/

test: setup-test build lint test-rust test-wasm test-js test-e2e
	@echo "make test: all suites passed"

# Fuzzing (docs/fuzzing.md; not part of `make test`): FUZZ_RUNS executions of each cargo-fuzz target (nightly).
# The release runs use FUZZ_RUNS=10000000.
FUZZ_RUNS ?= 100000
FUZZ_TARGETS := classify tracker har recovery ip settings rules imported
fuzz:
	scripts/setup.sh fuzz
	cd fuzz && cargo +nightly fuzz build -O -s none
	cd fuzz && for t in $(FUZZ_TARGETS); do mkdir -p corpus/$$t && \
	  cargo +nightly fuzz run -O -s none $$t -- -runs=$(FUZZ_RUNS) -timeout=10 -rss_limit_mb=2048 || exit 1; done

# Six months of synthetic history through the wasm core: load, dashboard queries, CSV export (times in ms).
bench-history: wasm
	node scripts/bench-history.mjs

# Benchmarks (docs/performance.md; not part of `make test`): each figure is a ratio measured side by side in one run.
bench: build
	cargo bench --bench core -- --warm-up-time 1 --measurement-time 3
	node scripts/bench/size.mjs
	node scripts/bench/classify.mjs
	node scripts/bench/events.mjs
	node scripts/bench/coldstart.mjs
	node scripts/bench/memory.mjs
	node scripts/bench/background-memory.mjs
	node scripts/bench/pageload.mjs
	PAGE_KIND=observe FIREFOX=0 node scripts/bench/pageload.mjs
	node scripts/bench/blocking.mjs
	node scripts/bench/views.mjs
	node scripts/bench/dashboard.mjs

# The source code for an add-on store's review: `git archive` of HEAD (committed files only), dist/whither-source.zip.
source-archive:
	mkdir -p dist
	git archive --format=zip --prefix=whither-source/ -o dist/whither-source.zip HEAD
	@echo "source-archive: dist/whither-source.zip ($$(git rev-parse --short HEAD))"

# Two `make build` runs from two fresh clones of HEAD in different directories: the same zips and dist/ trees.
check-reproducible:
	scripts/check-reproducible.sh

clean:
	rm -rf target pkg dist
