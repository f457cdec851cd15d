#!/usr/bin/env bash
# Installs what the build and the tests need, once; later runs only check. Everything comes from
# crates.io, npm and Debian (the only registries these machines reach).
#   scripts/install-tools.sh           Rust wasm target, wasm-bindgen-cli, wasm-pack, npm packages
#   scripts/install-tools.sh --browser also Debian's Chromium and ChromeDriver, Firefox ESR and
#                                      WebKitGTK's WebDriver (with Xvfb) for the browser tests, and
#                                      CJK fonts so that screenshots show the page's Chinese text
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# wasm-bindgen-cli must be exactly the wasm-bindgen crate's version (pinned in Cargo.toml).
want=$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $want"; then
  # Not --locked: its lock file pins a webpki-roots release the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$want"
fi
command -v wasm-pack >/dev/null || cargo install wasm-pack

# npm: binaryen (wasm-opt), typescript, sirv and compression (scripts/serve.mjs), playwright-core,
# axe-core, wasm-feature-detect, esbuild (tests/node: the package in a browser bundle).
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--browser" ]; then
  need=()
  command -v chromium >/dev/null || need+=(chromium)
  command -v chromedriver >/dev/null || need+=(chromium-driver)
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
  # The other two engines of tests/engines/: Firefox ESR (driven over WebDriver BiDi) and WebKit
  # (WebKitWebDriver with its MiniBrowser, under a virtual display).
  command -v firefox-esr >/dev/null || need+=(firefox-esr)
  command -v WebKitWebDriver >/dev/null || need+=(webkit2gtk-driver)
  command -v xvfb-run >/dev/null || need+=(xvfb xauth)
  if [ "${#need[@]}" -gt 0 ]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
  fi
fi

# The Python package's tests (make test-python): python3 with venv (maturin, pytest, pyarrow,
# Polars and PySpark come from PyPI into virtualenvs under target/), and a Java runtime for
# PySpark's local[2] (Java 17 on these machines; Debian's headless runtime otherwise).
if ! command -v java >/dev/null; then
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless
fi
