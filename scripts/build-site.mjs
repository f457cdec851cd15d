#!/usr/bin/env node
// Builds the site a portal publishes (`make site`): the page (www/) with the engine (pkg/) in its
// pkg/ folder, every script and stylesheet minified, and each file's Brotli and gzip written
// beside it (scripts/precompress.mjs).
//
// Why a build at all, for a page written as plain modules: on a slow phone the bytes are the
// first result's critical path (about 5 ms a KiB at 1.6 Mbps), and the page's own scripts are
// written for their readers, with comments that say why. Minified by esbuild and compressed at
// Brotli's quality 11 they are about 9 KiB smaller on the wire (issue 9). The sources in www/ stay
// what is read and edited; only the built site is published, and it is what the tests and
// benchmarks serve. The HTML is copied as it is: a portal's staff read it when they embed the page.
//
//   node scripts/build-site.mjs [--pkg pkg] [--out target/site]
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { precompress } from './precompress.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Not published: the page folder's own notes, and a stale engine copy from older builds. */
const SKIP = new Set(['README.md', 'pkg']);

function* files(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else yield p;
  }
}

/** `code` minified, or as it is where esbuild cannot make it smaller (feature-detect.js comes
 *  minified already). Scripts are ES modules; esbuild keeps their imports, exports and
 *  `import.meta.url`, and drops comments other than legal ones. */
function minify(code, loader) {
  // charset utf8: the page's Chinese stays as it is; esbuild's default escapes each character as
  // \uXXXX, twice its UTF-8 bytes.
  const out = transformSync(code, { loader, minify: true, charset: 'utf8', format: loader === 'js' ? 'esm' : undefined, target: 'es2020', legalComments: 'inline' }).code;
  return out.length < code.length ? out : code;
}

/** Builds the site into `out` from `www` and the engine package `pkg`; returns `out`. */
export function buildSite({ www = join(ROOT, 'www'), pkg = join(ROOT, 'pkg'), out = join(ROOT, 'target', 'site') } = {}) {
  if (!existsSync(join(pkg, 'index.js'))) {
    throw new Error(`${pkg}/index.js 不存在：请先运行 \`make pkg\` 构建计算引擎 (the engine is missing: run \`make pkg\` first)`);
  }
  rmSync(out, { recursive: true, force: true });
  cpSync(www, out, { recursive: true, filter: (src) => src === www || !SKIP.has(src.slice(www.length + 1)) });
  cpSync(pkg, join(out, 'pkg'), { recursive: true });
  for (const f of files(out)) {
    const loader = f.endsWith('.js') ? 'js' : f.endsWith('.css') ? 'css' : null;
    if (!loader) continue;
    const code = readFileSync(f, 'utf8');
    writeFileSync(f, minify(code, loader));
  }
  precompress(out);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args[i + 1];
  };
  const out = buildSite({ pkg: opt('--pkg'), out: opt('--out') });
  console.log(`医保报销测算: the site is in ${out} (publish this folder; docs/deploy.md)`);
}
