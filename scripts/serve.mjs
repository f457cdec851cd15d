#!/usr/bin/env node
// The static server of `make serve`, the end-to-end tests and bench/page: the built site
// (target/site/, `make site`) with the headers a portal must send (docs/deploy.md §2, §4), and
// compressed as a well-configured portal does: each file from the Brotli and gzip files
// `make site` writes beside it (scripts/precompress.mjs), as nginx's brotli_static / gzip_static
// serve them, maximum compression at no cost per request; anything without them (www/ served
// as it is, while editing) compressed per request.
// sirv serves files (and the precompressed ones), compression compresses the rest; neither is
// this project's code.
//
//   node scripts/serve.mjs [--port 8080] [--host 127.0.0.1] [--no-brotli] [dir=target/site]
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { constants } from 'node:zlib';
import compression from 'compression';
import sirv from 'sirv';

/** The Content-Security-Policy of index.html's meta tag, plus frame-ancestors (header only). */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors *";

/** Every response. */
const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  // Revalidate every file (ETag): the file names carry no version (docs/deploy.md §4).
  'Cache-Control': 'no-cache',
};

/** Documents and the service worker only: a browser applies a CSP and a referrer policy to the
 *  document (or worker) it comes with, and ignores them on scripts, styles and data, where they
 *  would add 200 bytes to each response on a slow phone's critical path. */
const DOCUMENT_HEADERS = {
  'Content-Security-Policy': CSP,
  'Referrer-Policy': 'no-referrer',
};

const isDocument = (pathname) => pathname.endsWith('/') || pathname.endsWith('.html') || pathname.endsWith('/sw.js');

/** Starts serving `dir`; resolves to the node:http server once it listens. `brotli: false` serves
 *  as a portal without Brotli does (gzip only), to measure what Brotli is worth. */
export function serve({ dir = 'target/site', host = '127.0.0.1', port = 8080, brotli = true } = {}) {
  // dev: look files up per request, so an edited page file is served as it is now.
  const files = sirv(dir, {
    dev: true,
    etag: true,
    brotli: true,
    gzip: true,
    setHeaders: (res, pathname) => {
      for (const [k, v] of Object.entries(HEADERS)) res.setHeader(k, v);
      if (isDocument(pathname)) for (const [k, v] of Object.entries(DOCUMENT_HEADERS)) res.setHeader(k, v);
    },
  });
  // Files without precompressed forms: gzip -9; Brotli at quality 5, about 3 ms for all of the
  // page's files (quality 9 takes ten times as long for 3% less).
  const compress = compression({ level: 9, brotli: { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } } });
  const server = createServer((req, res) => {
    if (!brotli) req.headers['accept-encoding'] = (req.headers['accept-encoding'] || '').replace(/\bbr\b/g, '');
    compress(req, res, () => {
      files(req, res, () => {
        res.statusCode = 404;
        for (const [k, v] of Object.entries({ ...HEADERS, ...DOCUMENT_HEADERS })) res.setHeader(k, v);
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end('404 未找到 (not found)\n');
      });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(name);
    return i < 0 ? fallback : args.splice(i, 2)[1];
  };
  const port = Number(opt('--port', 8080));
  const host = opt('--host', '127.0.0.1');
  const brotli = !args.includes('--no-brotli');
  const dir = args.filter((a) => !a.startsWith('--'))[0] || 'target/site';
  const server = await serve({ dir, host, port, brotli });
  // The first line is the address (tests start this with --port 0 and read it).
  console.log(`http://${host}:${server.address().port}/`);
  console.log(`医保报销测算: serving ${dir}/${brotli ? '' : ' (gzip only)'}; Ctrl-C to stop`);
}
