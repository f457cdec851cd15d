// Browser benchmark of the engine's JS API in headless Chromium (Debian's, never downloaded):
// the time from page start to the module being ready, and the median time of one `estimate`
// call for a 1-visit and a 20-visit case, plus the gzipped size of what the loader fetches.
// Run: `make bench` (or `node bench/wasm/bench.mjs` after `make www`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startServer, launch, gzip9 } from '../../tests/e2e/helpers.mjs';

const RUNS = Number(process.env.RUNS || 5);

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

// What is timed: `estimate(case)` as the contract has it, and with `{ parameters: true }` as the
// page asks for it (each parameter's value and document added).
const person = { category: 'low_income', conditions: ['hypertension', 'diabetes'] };
const SCENARIOS = [
  { name: 'estimate, 1 visit', c: { policy: 'gansu-2018', person, visits: visits(1) } },
  { name: 'estimate, 20 visits', c: { policy: 'gansu-2018', person, visits: visits(20) } },
  { name: '1 visit, with parameters', c: { policy: 'gansu-2018', person, visits: visits(1) }, options: { parameters: true } },
  { name: '20 visits, with parameters', c: { policy: 'gansu-2018', person, visits: visits(20) }, options: { parameters: true } },
];

const server = await startServer();
const browser = await launch();
try {
  const ready = [];
  const perCall = SCENARIOS.map(() => []);
  const firstCall = [];
  let build = '';
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    // A blank same-origin document, so only the engine's own loading is timed.
    await page.goto(server.origin + '/sw.js');
    const r = await page.evaluate(async (scenarios) => {
      const t0 = performance.now();
      const { load } = await import('/pkg/index.js');
      const yibao = await load();
      const readyMs = performance.now() - t0;
      // The first call runs on V8's baseline WebAssembly code (Liftoff), and reads the bundled
      // packs; it is reported as it is. Optimised code (TurboFan) replaces the baseline code in
      // the background within a second or so: the per-call figures are the steady state, after
      // a second of warm-up, the median of seven timed batches of at least 200 ms each.
      const f = performance.now();
      yibao.estimate(scenarios[0].c);
      const firstMs = performance.now() - f;
      const perCall = scenarios.map(({ c, options }) => {
        for (const end = performance.now() + 1000; performance.now() < end; ) yibao.estimate(c, options);
        const batches = [];
        for (let b = 0; b < 7; b++) {
          let iters = 0;
          const s = performance.now();
          while (performance.now() - s < 200) {
            for (let i = 0; i < 10; i++) yibao.estimate(c, options);
            iters += 10;
          }
          batches.push(((performance.now() - s) / iters) * 1000); // µs
        }
        batches.sort((a, b) => a - b);
        return batches[3];
      });
      return { readyMs, perCall, firstMs, build: yibao.build };
    }, SCENARIOS);
    ready.push(r.readyMs);
    r.perCall.forEach((t, i) => perCall[i].push(t));
    firstCall.push(r.firstMs);
    build = r.build;
    await context.close();
  }
  const gz = (f) => gzip9(readFileSync(join(ROOT, 'pkg', f)));
  const loaded = ['index.js', 'feature-detect.js', 'yibao.js', 'yibao_bg.wasm', 'packs.json'];
  const bytes = loaded.reduce((s, f) => s + gz(f), 0);
  const row = (label, value) => console.log(`  ${label.padEnd(34)}${value}`);
  console.log(`engine in headless Chromium (${build} build), median of ${RUNS} page loads`);
  row('page start → module ready', `${median(ready).toFixed(1)} ms`);
  row('first call (1 visit)', `${median(firstCall).toFixed(2)} ms`);
  SCENARIOS.forEach((sc, i) => row(sc.name, `${median(perCall[i]).toFixed(1)} µs`));
  row('yibao_bg.wasm gzip -9', `${gz('yibao_bg.wasm')} bytes`);
  row('loader+glue+wasm+packs, gzip -9', `${bytes} bytes`);
} finally {
  await browser.close();
  await server.stop();
}
