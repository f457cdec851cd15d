#!/usr/bin/env node
// Writes FILE.br (Brotli, quality 11) and FILE.gz (gzip -9) beside every compressible file of the
// given folders: what a server with brotli_static / gzip_static (nginx) or scripts/serve.mjs sends
// instead of compressing per request. `make site` runs it on the built site (scripts/build-site.mjs),
// which is rebuilt as a whole, so its compressed files never go stale.
//
//   node scripts/precompress.mjs DIR [DIR …]
import { readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const COMPRESSIBLE = /\.(wasm|js|json|css|html|svg|ts)$/;

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

/** Writes the .br and .gz of every compressible file under `dir`, removing stale ones first. */
export function precompress(dir) {
  for (const f of [...files(dir)]) {
    if (/\.(br|gz)$/.test(f)) rmSync(f);
  }
  for (const f of [...files(dir)]) {
    if (!COMPRESSIBLE.test(f)) continue;
    const bytes = readFileSync(f);
    const br = brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    });
    writeFileSync(`${f}.br`, br);
    writeFileSync(`${f}.gz`, gzipSync(bytes, { level: 9 }));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const dir of process.argv.slice(2)) precompress(dir);
}
