# make serve   build everything and serve the page on http://127.0.0.1:8080
# make test    install what the tests need and run them all (what .ci/run runs)
# make bench   native and browser benchmarks, and the batch benchmark (bench/batch/run.py)
# make size    the wasm's gzipped size and its largest contributors (twiggy)
# make compare BASE=REV   the CLI's output byte for byte against the build of REV, over a generated corpus
# make wheel   the Python package (python/) as a wheel in target/wheels/
# make test-python   that wheel installed into a fresh virtualenv, with python/tests/ run
# make fuzz    300,000 mutated cases and packs through the readers: no panic, every error in the contract
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: serve test tools browser pkg site bench size test-rust test-wasm test-types test-node test-e2e test-engines test-python wheel clean corpus compare fuzz

tools:
	scripts/install-tools.sh

browser:
	scripts/install-tools.sh --browser

pkg: tools
	scripts/build-pkg.sh

# The site a portal publishes, in target/site/: the page (www/) with the engine in its pkg/, scripts
# and stylesheet minified, each file's Brotli and gzip beside it (scripts/build-site.mjs,
# docs/deploy.md §1, §4).
site: pkg
	node scripts/build-site.mjs

serve: site
	node scripts/serve.mjs --port 8080 target/site

test: browser test-rust site test-wasm test-types test-node test-e2e test-engines test-python

# The `batch` feature (yibao batch) is on by default for native builds; its dependencies are
# native-only, so the wasm builds below never have them.
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

test-e2e: site
	node --test tests/e2e/

# The page's main flows in Chromium, Firefox ESR and WebKit (tests/engines/); WebKit's MiniBrowser
# needs a display, so under a virtual one.
test-engines: site
	xvfb-run -a node --test tests/engines/

# The Python package (python/, issue 13): PyO3 and maturin in a crate of its own, so neither the
# core nor the wasm build ever compiles them; built in its own target directory (target/python),
# so the root build is untouched. maturin comes from PyPI into a virtualenv of ours (nothing
# global); the wheel is abi3 (one wheel for CPython 3.10 and later).
PY_VENV := target/py-venv
PY_TEST_VENV := target/py-test-venv
MATURIN_VERSION := 1.16.0

$(PY_VENV)/bin/maturin:
	python3 -m venv $(PY_VENV)
	$(PY_VENV)/bin/pip install -q --disable-pip-version-check "maturin==$(MATURIN_VERSION)"

wheel: $(PY_VENV)/bin/maturin
	rm -f target/wheels/yibao-*.whl
	cd python && CARGO_TARGET_DIR=$(CURDIR)/target/python $(CURDIR)/$(PY_VENV)/bin/maturin build --release --locked --out $(CURDIR)/target/wheels

# The wheel as a user installs it, into a fresh virtualenv with pytest, pyarrow, Polars, DuckDB, and
# PySpark with pandas (its Arrow functions import pandas; below 3, which PySpark 4.3 does not yet
# support), run from outside python/ so that the installed package, not the source folder, is the
# one imported. Binary wheels where PyPI has them (PySpark is a pure-Python source archive).
# The Spark tests run on local[2] (Java 17).
test-python: wheel
	rm -rf $(PY_TEST_VENV)
	python3 -m venv $(PY_TEST_VENV)
	$(PY_TEST_VENV)/bin/pip install -q --disable-pip-version-check --prefer-binary pytest pyarrow polars duckdb "pyspark>=3.4" "pandas<3" target/wheels/yibao-*.whl
	cargo build -q --bin yibao
	YIBAO_BIN=$(CURDIR)/target/debug/yibao $(PY_TEST_VENV)/bin/python -m pytest -q -p no:cacheprovider python/tests

bench: site
	cargo bench --bench estimate
	bench/batch/run.py
	node bench/page/bench.mjs
	node bench/page/bench.mjs --mobile
	node bench/page/bench.mjs --mobile --gzip
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

# A corpus of about 2,000 cases and 35 packs (every worked example, random valid cases over every
# bundled pack, invalid ones of every kind), the same every time (tests/corpus/gen.py).
corpus:
	python3 tests/corpus/gen.py

# For a change that must not change results: every run of estimate (JSON, --parameters, text,
# stdin), validate and policies compared byte for byte with the CLI built from BASE.
BASE ?= HEAD
compare: corpus
	cargo build --release --bin yibao
	rm -rf target/compare-base && git worktree prune
	git worktree add --detach target/compare-base $(BASE)
	cd target/compare-base && CARGO_TARGET_DIR=$(CURDIR)/target/compare-base-build cargo build --release --bin yibao
	git worktree remove --force target/compare-base
	tests/corpus/compare.sh target/compare-base-build/release/yibao target/release/yibao

fuzz: corpus
	cd fuzz && CARGO_TARGET_DIR=$(CURDIR)/target/fuzz cargo build --release
	target/fuzz/release/yibao-fuzz 101 150000 & a=$$!; target/fuzz/release/yibao-fuzz 202 150000; b=$$?; wait $$a && [ $$b -eq 0 ]

clean:
	rm -rf target pkg www/pkg
