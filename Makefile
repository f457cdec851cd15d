# make serve   build everything and serve the page on http://127.0.0.1:8080
# make test    install what the tests need and run them all (what .ci/run runs)
# make bench   native and browser benchmarks
# make size    the wasm's gzipped size and its largest contributors (twiggy)
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: serve test tools browser pkg www bench size test-rust test-wasm test-types test-node test-e2e clean

tools:
	scripts/install-tools.sh

browser:
	scripts/install-tools.sh --browser

pkg: tools
	scripts/build-pkg.sh

# The page serves its own copy of the package.
www: pkg
	rm -rf www/pkg && cp -r pkg www/pkg

serve: www
	serve www -l tcp://127.0.0.1:8080 --no-clipboard

test: browser test-rust www test-wasm test-types test-node test-e2e

test-rust:
	cargo test --all-targets

# The engine compiled to wasm, through its JS API: in Node, then in headless Chromium. The tests
# register the bundled packs from the package's own pkg/packs.json, as its loader does.
test-wasm: pkg
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  cargo test --target wasm32-unknown-unknown --test wasm
	WASM_BINDGEN_USE_BROWSER=1 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
	  WASM_BINDGEN_TEST_TIMEOUT=120 cargo test --target wasm32-unknown-unknown --test wasm

# The package's TypeScript declarations, used as a consumer would.
test-types: pkg
	tsc --noEmit -p tests/types

# The package as a consumer installs it (npm pack → npm install of the tarball), used from Node.
test-node: pkg
	node --test tests/node/

test-e2e: www
	node --test tests/e2e/

bench: www
	cargo bench --bench estimate
	node bench/page/bench.mjs
	node bench/page/bench.mjs --mobile
	node bench/wasm/bench.mjs

# twiggy needs the function names that the shipped build strips: analyse the same code, optimised
# the same way, with names kept.
size: pkg
	command -v twiggy >/dev/null || cargo install twiggy
	wasm-bindgen --target web --out-dir target/size target/wasm32-unknown-unknown/release/yibao.wasm
	wasm-opt -Oz --enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int \
	  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
	  --enable-call-indirect-overlong --debuginfo target/size/yibao_bg.wasm -o target/size/named.wasm
	twiggy top -n 25 target/size/named.wasm
	@echo "shipped: pkg/yibao_bg.wasm $$(gzip -9c pkg/yibao_bg.wasm | wc -c) bytes gzip -9"

clean:
	rm -rf target pkg www/pkg
