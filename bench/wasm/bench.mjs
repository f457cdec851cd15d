// Browser benchmark of the engine's JS API in headless Chromium (Debian's, never downloaded):
// the time from page start to the module being ready, and the median time of one `estimate`
// call for a 1-visit and a 20-visit case, plus the gzipped size of what the loader fetches.
// Run: `make bench` (or `node bench/wasm/bench.mjs` after `make www`).
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer, launch } from '../../tests/e2e/helpers.mjs';

const RUNS = Number(process.env.RUNS || 7);

function visits(n) {
  const kinds = [
    { kind: 'inpatient', level: 'municipal', total: '50000', out_of_catalog: '3000', class_b_self_pay: '2000' },
    { kind: 'general_outpatient', level: 'township', total: '180' },
    { kind: 'chronic_outpatient', condition: 'hypertension', level: 'county', total: '900', out_of_catalog: '0' },
    { kind: 'two_diseases_outpatient', condition: 'diabetes', level: 'township', total: '120', out_of_catalog: '0' },
    { kind: 'day_surgery', level: 'county', total: '8000', out_of_catalog: '500', referral: 'upward', referred_from: 'township' },
  ];
  return Array.from({ length: n }, (_, i) => ({
    ...kinds[i % kinds.length],
    date: `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
  }));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServer();
const browser = await launch();
try {
  const ready = [];
  const calls = { 1: [], 20: [] };
  let build = '';
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    // A blank same-origin document, so only the engine's own loading is timed.
    await page.goto(server.origin + '/sw.js');
    const r = await page.evaluate(async (cases) => {
      const t0 = performance.now();
      const { load } = await import('/pkg/index.js');
      const yibao = await load();
      const readyMs = performance.now() - t0;
      const perCall = {};
      for (const [n, c] of Object.entries(cases)) {
        for (let i = 0; i < 50; i++) yibao.estimate(c); // warm up
        const iters = n === '1' ? 2000 : 200;
        const s = performance.now();
        for (let i = 0; i < iters; i++) yibao.estimate(c);
        perCall[n] = ((performance.now() - s) / iters) * 1000; // µs
      }
      return { readyMs, perCall, build: yibao.build };
    }, {
      1: { policy: 'gansu-2018', person: { category: 'low_income', conditions: ['hypertension', 'diabetes'] }, visits: visits(1) },
      20: { policy: 'gansu-2018', person: { category: 'low_income', conditions: ['hypertension', 'diabetes'] }, visits: visits(20) },
    });
    ready.push(r.readyMs);
    calls[1].push(r.perCall[1]);
    calls[20].push(r.perCall[20]);
    build = r.build;
    await context.close();
  }
  const gz = (f) => gzipSync(readFileSync(join(ROOT, 'pkg', f)), { level: 9 }).length;
  const loaded = ['index.js', 'feature-detect.js', 'yibao.js', 'yibao_bg.wasm'];
  const bytes = loaded.reduce((s, f) => s + gz(f), 0);
  console.log(`engine in headless Chromium (${build} build), median of ${RUNS} page loads`);
  console.log(`  page start → module ready      ${median(ready).toFixed(1)} ms`);
  console.log(`  estimate, 1 visit              ${median(calls[1]).toFixed(1)} µs`);
  console.log(`  estimate, 20 visits            ${median(calls[20]).toFixed(1)} µs`);
  console.log(`  yibao_bg.wasm gzip -9          ${gz('yibao_bg.wasm')} bytes`);
  console.log(`  loader + glue + wasm, gzip -9  ${bytes} bytes`);
} finally {
  await browser.close();
  await server.stop();
}
