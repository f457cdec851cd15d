#!/usr/bin/env node
// First-load cost of the page: bytes (gzipped, summed over every response of a cold load) and the
// time from navigation to the first result on screen (performance mark "yibao:first-result"),
// median of N cold runs against the same static server that `make serve` uses.
//
//   node bench/page/bench.mjs [runs=7]            (needs pkg/ from `make pkg`)
//   node bench/page/bench.mjs --mobile [runs=5]   a shared link opened on a slow phone, throttled as
//       Lighthouse's mobile run: 150 ms round trip, 1638.4 kbps down (1.6 × 1024), 750 kbps up,
//       CPU 4× slower (target: first result ≤ 1.2 s median)
//   --gzip   served without Brotli (gzip only), as by a portal whose server has no Brotli
import { startServer, launch, b64url, gzip9 } from '../../tests/e2e/helpers.mjs';

const args = process.argv.slice(2);
const MOBILE = args.includes('--mobile');
const GZIP_ONLY = args.includes('--gzip');
const RUNS = Number(args.find((a) => !a.startsWith('--')) || process.env.RUNS || (MOBILE ? 5 : 7));
// Lighthouse's mobile constants, in the units CDP takes (bytes per second).
const NETWORK = { offline: false, latency: 150, downloadThroughput: (1638.4 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };
const CPU_SLOWDOWN = 4;
const CASE = {
  region: '620000',
  person: { category: 'low_income', conditions: [] },
  visits: [{ kind: 'inpatient', level: 'county', date: '2024-03-18', total: '30000', out_of_catalog: '2000', class_b_self_pay: '1000' }],
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const kib = (n) => (n / 1024).toFixed(1);

const srv = await startServer({ brotli: !GZIP_ONLY });
const browser = await launch();
const runs = [];
let files = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 375, height: 667 } });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (MOBILE) {
      await cdp.send('Network.emulateNetworkConditions', NETWORK);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    }
    const wire = new Map();
    cdp.on('Network.loadingFinished', (e) => wire.set(e.requestId, e.encodedDataLength));
    const bodies = [];
    page.on('response', async (res) => {
      try {
        const body = await res.body();
        bodies.push({ path: res.url().replace(srv.origin, ''), raw: body.length, gz: gzip9(body) });
      } catch {
        /* no body */
      }
    });
    await page.goto(`${srv.origin}/#case=${b64url(CASE)}`);
    await page.waitForSelector('#result-body:not([hidden])', { timeout: 30000 });
    await page.waitForLoadState('networkidle');
    const t = await page.evaluate(() => {
      const mark = performance.getEntriesByName('yibao:first-result')[0];
      const nav = performance.getEntriesByType('navigation')[0];
      return { ttfr: mark ? mark.startTime : NaN, dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
    });
    runs.push({
      ...t,
      gz: bodies.reduce((n, b) => n + b.gz, 0),
      raw: bodies.reduce((n, b) => n + b.raw, 0),
      wire: [...wire.values()].reduce((n, b) => n + b, 0),
      requests: bodies.length,
    });
    if (i === 0) files = bodies;
    await context.close();
  }
} finally {
  await browser.close();
  await srv.stop();
}

console.log(`\n$ node bench/page/bench.mjs ${args.join(' ')}`.trimEnd());
const profile =
  (MOBILE ? `, throttled: ${NETWORK.latency} ms RTT, 1638.4 kbps down, 750 kbps up, CPU ${CPU_SLOWDOWN}× slower` : '') +
  (GZIP_ONLY ? ', served gzip only' : ', served with Brotli');
console.log(`First load, ${RUNS} cold runs (no cache, no service worker), 375×667${profile}, Chromium ${browser.version?.() ?? ''}\n`);
console.log('| run | requests | raw KiB | gzip -9 KiB | on the wire KiB | DOMContentLoaded ms | first result ms |');
console.log('|---:|---:|---:|---:|---:|---:|---:|');
runs.forEach((r, i) => console.log(`| ${i + 1} | ${r.requests} | ${kib(r.raw)} | ${kib(r.gz)} | ${kib(r.wire)} | ${r.dcl.toFixed(0)} | ${r.ttfr.toFixed(0)} |`));
console.log(
  `| **median** | ${median(runs.map((r) => r.requests))} | ${kib(median(runs.map((r) => r.raw)))} | **${kib(median(runs.map((r) => r.gz)))}** | ${kib(median(runs.map((r) => r.wire)))} | ${median(runs.map((r) => r.dcl)).toFixed(0)} | **${median(runs.map((r) => r.ttfr)).toFixed(0)}** |`,
);
console.log('\nPer file (first run):\n');
console.log('| file | raw KiB | gzip -9 KiB |');
console.log('|---|---:|---:|');
for (const f of files.sort((a, b) => b.gz - a.gz)) console.log(`| ${f.path.replace(/#.*/, '')} | ${kib(f.raw)} | ${kib(f.gz)} |`);
const gz = median(runs.map((r) => r.gz));
const wasm = files.filter((f) => f.path.endsWith('.wasm')).reduce((n, f) => n + f.gz, 0);
if (MOBILE) {
  const t = median(runs.map((r) => r.ttfr));
  console.log(`\nTarget: first result ${t.toFixed(0)} / 1200 ms median ${t <= 1200 ? 'OK' : 'OVER'}`);
}
console.log(`\nBudget: first load ${kib(gz)} / 150 KiB gzipped ${gz <= 150 * 1024 ? 'OK' : 'OVER'}; wasm ${kib(wasm)} / 112 KiB ${wasm <= 112 * 1024 ? 'OK' : 'OVER'}`);
