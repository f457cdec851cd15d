#!/usr/bin/env bash
# Builds pkg/: the npm package of the engine for browsers (wasm-pack --target web), completed from
# pkg-template/, plus an MVP fallback build for engines without the post-MVP WebAssembly features
# Rust enables by default. Offline: wasm-bindgen-cli must match the pinned crate (see Makefile)
# and wasm-opt is binaryen's from npm, because wasm-pack's own download fails here.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_OPT=node_modules/.bin/wasm-opt
OUT=pkg
# Size over speed for the browser; keep the target_features section for wasm-bindgen (it decides
# on externref from it) — wasm-opt strips names and custom sections afterwards.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_STRIP=false

# The features rustc's default wasm32 target uses, named one by one: --all-features would also
# allow proposals no browser ships (binaryen 132 then writes compact imports, which Chromium
# refuses to compile), and memory64, which the memory.copy lowering below refuses.
FEATURES=(--enable-bulk-memory --enable-bulk-memory-opt --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-call-indirect-overlong)

rm -rf "$OUT"
# The residents' engine: estimates only, without the fund side (the `settlement` feature), which
# the calculator page never uses and which would add about a fifth to its first load.
wasm-pack build --target web --release --out-dir "$OUT" --out-name yibao --no-pack -- --no-default-features
"$WASM_OPT" -Oz --converge "${FEATURES[@]}" --strip-debug --strip-producers --strip-target-features \
  "$OUT/yibao_bg.wasm" -o "$OUT/yibao_bg.wasm"

# The full engine, with the fund side (`settle`, the packs' settlement sections), in fund/: what
# `load({ settlement: true })` loads, for the 基金结算测算 page and the pack editor.
cargo build --lib --release --target wasm32-unknown-unknown --target-dir target/fund
wasm-bindgen --target web --out-dir "$OUT/fund" --out-name yibao target/fund/wasm32-unknown-unknown/release/yibao.wasm
"$WASM_OPT" -Oz --converge "${FEATURES[@]}" --strip-debug --strip-producers --strip-target-features \
  "$OUT/fund/yibao_bg.wasm" -o "$OUT/fund/yibao_bg.wasm"
rm -f "$OUT/fund/yibao.d.ts" "$OUT/fund/yibao_bg.wasm.d.ts" "$OUT/fund/.gitignore"

# The fallback: our code for the MVP CPU, the precompiled std's bulk-memory, sign-ext and
# non-trapping conversions lowered by binaryen, and wasm-bindgen told (by removing the
# target_features section) that reference types are not there.
RUSTFLAGS="-C target-cpu=mvp" cargo build --lib --release --target wasm32-unknown-unknown --target-dir target/mvp --no-default-features
mkdir -p target/mvp/lowered
"$WASM_OPT" target/mvp/wasm32-unknown-unknown/release/yibao.wasm "${FEATURES[@]}" \
  --llvm-memory-copy-fill-lowering --llvm-nontrapping-fptoint-lowering --signext-lowering \
  --strip-target-features -o target/mvp/lowered/yibao.wasm
wasm-bindgen --target web --out-dir "$OUT/mvp" --out-name yibao target/mvp/lowered/yibao.wasm
# --mvp-features makes wasm-opt refuse (fail the build) if any post-MVP feature is left.
"$WASM_OPT" -Oz --converge --mvp-features --strip-debug --strip-producers "$OUT/mvp/yibao_bg.wasm" -o "$OUT/mvp/yibao_bg.wasm"
rm -f "$OUT/mvp/yibao.d.ts" "$OUT/mvp/yibao_bg.wasm.d.ts" "$OUT/mvp/.gitignore" "$OUT/.gitignore"

# The bundled packs ship beside the module (see src/policy/bundled.rs), minified, in the order the
# command line embeds them: the include_str! list of src/policy/bundled.rs is the one list of them.
# Without each pack's `description`: it is for people reading packs/*.json, and neither the engine
# nor the page reads it (half a kilobyte of every page's first load).
mapfile -t packs < <(sed -n 's|.*include_str!("\.\./\.\./\(packs/[^"]*\.json\)").*|\1|p' src/policy/bundled.rs)
[ "${#packs[@]}" -gt 0 ] || { echo "no packs listed in src/policy/bundled.rs" >&2; exit 1; }
# The full engine's copy (fund/packs.json) has every section; the residents' copy leaves out the
# settlement sections and their provenance, which its engine does not read (2 KB of the page's
# first load).
node -e 'const fs = require("fs"); const [out, full, ...files] = process.argv.slice(1);
  const packs = files.map((f) => { const { description, ...pack } = JSON.parse(fs.readFileSync(f, "utf8")); return pack; });
  fs.writeFileSync(full, JSON.stringify(packs));
  const residents = packs.map(({ settlement, ...pack }) => ({ ...pack, provenance: Object.fromEntries(Object.entries(pack.provenance || {}).filter(([p]) => !/^\/settlement(\/|$)/.test(p))) }));
  fs.writeFileSync(out, JSON.stringify(residents));' "$OUT/packs.json" "$OUT/fund/packs.json" "${packs[@]}"

cp pkg-template/package.json pkg-template/README.md pkg-template/index.js pkg-template/index.d.ts "$OUT/"
cp node_modules/wasm-feature-detect/dist/esm/index.js "$OUT/feature-detect.js"
# The package's version is the crate's.
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
sed -i "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" "$OUT/package.json"

printf 'pkg/packs.json         %7d bytes, %6d gzipped (-9)\n' "$(wc -c < "$OUT/packs.json")" "$(gzip -9c "$OUT/packs.json" | wc -c)"
printf 'pkg/yibao_bg.wasm      %7d bytes, %6d gzipped (-9)\n' "$(wc -c < "$OUT/yibao_bg.wasm")" "$(gzip -9c "$OUT/yibao_bg.wasm" | wc -c)"
printf 'pkg/mvp/yibao_bg.wasm  %7d bytes, %6d gzipped (-9)\n' "$(wc -c < "$OUT/mvp/yibao_bg.wasm")" "$(gzip -9c "$OUT/mvp/yibao_bg.wasm" | wc -c)"
printf 'pkg/fund/yibao_bg.wasm %7d bytes, %6d gzipped (-9)\n' "$(wc -c < "$OUT/fund/yibao_bg.wasm")" "$(gzip -9c "$OUT/fund/yibao_bg.wasm" | wc -c)"
