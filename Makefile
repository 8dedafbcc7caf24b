# Whither — two commands on a fresh Debian machine:
#   make run    install what is missing, build, and start a browser with Whither (headless demo without a display)
#   make test   install what is missing (browsers too) and run every test
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
WASM_TARGET := wasm32-unknown-unknown
WASM_OUT := target/$(WASM_TARGET)/release/whither.wasm

.PHONY: all setup setup-test build wasm cli vendor package run demo test lint test-rust test-wasm test-js test-e2e fmt clean

all: build

setup:
	scripts/setup.sh build

setup-test:
	scripts/setup.sh test

# The wasm core (without the CLI-only details) and its JS glue in pkg/.
wasm:
	cargo build --lib --release --target $(WASM_TARGET) --no-default-features
	wasm-bindgen --target web --no-typescript --out-dir pkg $(WASM_OUT)

cli:
	cargo build --release --bin whither

# Flags, d3 modules and the world outline from node_modules into extension/vendor/ (no remote code).
vendor:
	node scripts/vendor.mjs

package: wasm vendor
	python3 scripts/package.py

build: setup wasm vendor cli package

run: build
	scripts/run.sh

demo: build
	node scripts/demo.mjs

fmt:
	cargo fmt

lint:
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --target $(WASM_TARGET) --no-default-features -- -D warnings
	npx web-ext lint --self-hosted --output text --source-dir . \
	  --ignore-files 'target/**' 'node_modules/**' 'src/**' 'tests/**' 'data/**' 'build/**' 'docs/**' 'scripts/**' 'dist/**' 'pkg/package.json'

test-rust:
	cargo test

# NODE_ARGS=--liftoff-only: with V8's optimising tier, Node 20 keeps compiling the 23 MB debug test module after the
# tests have passed, for minutes and gigabytes, before it exits; the baseline compiler finishes in seconds.
test-wasm:
	NODE_ARGS=--liftoff-only CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  cargo test --target $(WASM_TARGET) --no-default-features --test wasm

test-js: wasm
	node --test tests/js/

test-e2e: build
	node --test --test-concurrency=1 tests/e2e/

test: setup-test build lint test-rust test-wasm test-js test-e2e
	@echo "make test: all suites passed"

clean:
	rm -rf target pkg dist
