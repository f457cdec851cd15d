// The site as a portal serves it: headers, CSP in the page, no inline script or style, nothing
// stored, nothing fetched from elsewhere, the first-load budget, offline use and embedding.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { openPage, waitForResult, engineEstimate, money, b64url, WWW, SITE, shotsDir, openSite, closeSite, gzip9 } from './helpers.mjs';

let srv;
let browser;
before(async () => ({ srv, browser } = await openSite()));
after(() => closeSite({ srv, browser }));

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'";
const CASE = { region: '620000', person: { category: 'low_income', conditions: [] }, visits: [{ kind: 'inpatient', level: 'county', date: '2024-03-18', total: '30000', out_of_catalog: '2000', class_b_self_pay: '1000' }] };

function files(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

test('the server sends the CSP (with frame-ancestors), nosniff, and application/wasm', async () => {
  const res = await fetch(srv.origin + '/');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-security-policy'), `${CSP}; frame-ancestors *`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('content-type'), /^text\/html/);
  const wasm = files(join(SITE, 'pkg')).filter((f) => f.endsWith('.wasm'));
  assert.equal(wasm.length, 3, 'the residents’ default and MVP builds, and the full one');
  for (const f of wasm) {
    const r = await fetch(`${srv.origin}/${relative(SITE, f)}`);
    assert.equal(r.headers.get('content-type'), 'application/wasm', f);
  }
  const sw = await fetch(srv.origin + '/sw.js');
  assert.match(sw.headers.get('content-type'), /javascript/);
});

// Issue 9: the engine is 90% of the first load; served as Brotli it is about 19 KiB smaller than
// gzipped, which is what brings a slow phone's first result under 1.2 s. The files are compressed
// once by `make www` (scripts/precompress.mjs); the page's own files per request.
test('the server sends Brotli where the browser takes it, gzip otherwise, and each decodes to the file', async () => {
  const raw = (path, encoding) => new Promise((resolve, reject) => {
    http.get(`${srv.origin}${path}`, { headers: { 'accept-encoding': encoding } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
  for (const path of ['/pkg/yibao_bg.wasm', '/pkg/mvp/yibao_bg.wasm', '/pkg/packs.json', '/pkg/yibao.js', '/app.js', '/index.html']) {
    const file = readFileSync(join(SITE, path));
    const br = await raw(path, 'gzip, deflate, br, zstd');
    assert.equal(br.headers['content-encoding'], 'br', path);
    assert.match(br.headers.vary ?? '', /accept-encoding/i, path);
    assert.ok(brotliDecompressSync(br.body).equals(file), `${path}: the Brotli response is the file`);
    const gz = await raw(path, 'gzip, deflate');
    assert.equal(gz.headers['content-encoding'], 'gzip', path);
    assert.ok(gunzipSync(gz.body).equals(file), `${path}: the gzip response is the file`);
    if (path.endsWith('.wasm')) {
      assert.equal(br.headers['content-type'], 'application/wasm');
      // At quality 11 the engine is well under its gzip -9 size.
      assert.ok(br.body.length < gzip9(file) * 0.9, `${path}: Brotli ${br.body.length} B vs gzip -9 ${gzip9(file)} B`);
    }
  }
});

// Issue 9: the site a portal publishes (`make site`) is www/ with the engine, its scripts and
// stylesheet minified (about 9 KiB less on a slow phone's wire), the HTML as written.
test('the published site is the page minified, with the engine beside it and nothing else', () => {
  const rel = (dir) => files(dir).map((f) => relative(dir, f)).filter((f) => !/\.(br|gz)$/.test(f)).sort();
  const pkg = rel(join(SITE, 'pkg'));
  assert.ok(pkg.includes('yibao_bg.wasm') && pkg.includes('packs.json') && pkg.includes('mvp/yibao_bg.wasm'), pkg.join(', '));
  assert.deepEqual(rel(SITE).filter((f) => !f.startsWith('pkg/')), rel(WWW).filter((f) => f !== 'README.md' && !f.startsWith('pkg/')));
  for (const f of rel(WWW).filter((x) => /^(app|js\/\w+)\.(js|css)$/.test(x))) {
    const source = readFileSync(join(WWW, f), 'utf8');
    const built = readFileSync(join(SITE, f), 'utf8');
    assert.ok(built.length < source.length, `${f}: ${built.length} B built vs ${source.length} B source`);
    assert.doesNotMatch(built, /\n\s*\/\/ /, `${f}: comments left in`);
  }
  assert.equal(readFileSync(join(SITE, 'index.html'), 'utf8'), readFileSync(join(WWW, 'index.html'), 'utf8'));
});

test('the page carries the same CSP as a meta tag, and no inline script or style', () => {
  const html = files(WWW).filter((f) => f.endsWith('.html'));
  const index = readFileSync(join(WWW, 'index.html'), 'utf8');
  assert.ok(index.includes(`<meta http-equiv="Content-Security-Policy" content="${CSP}">`), 'meta CSP (frame-ancestors only works as a header)');
  for (const f of html) {
    const s = readFileSync(f, 'utf8');
    assert.doesNotMatch(s, /\sstyle\s*=/i, `${f}: style attribute`);
    assert.doesNotMatch(s, /<style[\s>]/i, `${f}: <style> element`);
    for (const m of s.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
      assert.match(m[1], /\bsrc=/, `${f}: inline <script>`);
      assert.equal(m[2].trim(), '', `${f}: inline script body`);
    }
    assert.doesNotMatch(s, /\son[a-z]+\s*=/i, `${f}: inline event handler`);
  }
  for (const f of files(WWW).filter((x) => /\.(m?js)$/.test(x))) {
    const s = readFileSync(f, 'utf8');
    assert.doesNotMatch(s, /\.style\s*(\.|\[|=)|cssText|setProperty\(|insertRule/, `${f}: writes inline styles`);
    assert.doesNotMatch(s, /\beval\(|new Function\(/, `${f}: eval`);
    assert.doesNotMatch(s, /\balert\(|\bconfirm\(|\bprompt\(/, `${f}: dialogs`);
  }
});

test('nothing about the person is stored, and nothing is fetched from elsewhere', () => {
  for (const f of files(WWW).filter((x) => /\.(m?js|html|css)$/.test(x))) {
    const s = readFileSync(f, 'utf8');
    assert.doesNotMatch(s, /localStorage|sessionStorage|document\.cookie|indexedDB|openDatabase/, `${f}: browser storage`);
    const urls = [...s.matchAll(/https?:\/\/[^\s'"`)<>]+/g)].map((m) => m[0]).filter((u) => !/^https?:\/\/(www\.w3\.org|127\.0\.0\.1|localhost)/.test(u));
    assert.deepEqual(urls, [], `${f}: outside URLs`);
  }
});

/** Every response of a cold load of a shared case, gzip -9 sized. */
async function coldLoad() {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  const sizes = [];
  const wasmBodies = [];
  page.on('response', async (res) => {
    try {
      const body = await res.body();
      if (res.url().endsWith('.wasm')) wasmBodies.push(body);
      sizes.push({ url: res.url(), gz: gzip9(body) });
    } catch {
      /* redirects have no body */
    }
  });
  await page.goto(`${srv.origin}/#case=${b64url(CASE)}`);
  await waitForResult(page);
  await page.waitForLoadState('networkidle');
  p.clean();
  await p.close();
  const table = sizes.map((s) => `${(s.gz / 1024).toFixed(1).padStart(7)} KiB  ${s.url.replace(srv.origin, '')}`).join('\n');
  const sum = (pred) => sizes.filter((s) => pred(s.url)).reduce((n, s) => n + s.gz, 0);
  return { table, total: sum(() => true), wasmBodies, page: sum((u) => !u.includes('/pkg/')) };
}

test('first load stays within budget: ≤ 150 KiB gzipped in all, the page itself ≤ 40 KiB', async () => {
  const { table, total, page } = await coldLoad();
  assert.ok(total <= 150 * 1024, `first load ${(total / 1024).toFixed(1)} KiB gzipped > 150 KiB\n${table}`);
  assert.ok(page <= 40 * 1024, `page HTML/CSS/JS ${(page / 1024).toFixed(1)} KiB gzipped; keep it lean\n${table}`);
});

// Issue 9 (which withdrew issue 4's 64 KiB for the engine on its named libraries): each build of the
// engine's .wasm is at most 112 KiB by `gzip -9`, measured on the module the page actually loaded
// and on both builds the package ships.
const WASM_BUDGET = 112 * 1024;
test('the engine’s wasm is at most 112 KiB gzipped (gzip -9), default and MVP builds', async () => {
  const { wasmBodies, table } = await coldLoad();
  assert.equal(wasmBodies.length, 1, `one .wasm loaded\n${table}`);
  const shipped = [wasmBodies[0], readFileSync(join(SITE, 'pkg', 'yibao_bg.wasm')), readFileSync(join(SITE, 'pkg', 'mvp', 'yibao_bg.wasm'))];
  for (const [i, bytes] of shipped.entries()) {
    const size = gzip9(bytes);
    assert.ok(size <= WASM_BUDGET, `${['loaded', 'pkg/yibao_bg.wasm', 'pkg/mvp/yibao_bg.wasm'][i]}: ${size} bytes gzip -9 > ${WASM_BUDGET}`);
  }
  // The full engine (fund/, with settlement) is for fund staff and the pack editor, never part of
  // the calculator's first load; it has a budget of its own.
  const fund = gzip9(readFileSync(join(SITE, 'pkg', 'fund', 'yibao_bg.wasm')));
  assert.ok(fund <= 140 * 1024, `pkg/fund/yibao_bg.wasm: ${fund} bytes gzip -9 > 140 KiB`);
});

// Issue 9: nothing waits on a chain of imports. index.html preloads every module and fetch of the
// first result, and each preload is the response the page uses: no file is requested twice (a
// preload whose mode or credentials differ from the loader's fetch would be fetched again).
test('the first load is preloaded from index.html, and each file is requested once', async () => {
  const p = await openPage(browser, srv.origin, { viewport: { width: 375, height: 667 } });
  const { page, context } = p;
  const requested = [];
  context.on('request', (r) => requested.push(r.url()));
  const warnings = [];
  page.on('console', (m) => m.type() === 'warning' && /preload/i.test(m.text()) && warnings.push(m.text()));
  await page.goto(`${srv.origin}/#case=${b64url(CASE)}`);
  await waitForResult(page);
  await page.waitForLoadState('networkidle');
  const twice = requested.filter((u, i) => requested.indexOf(u) !== i);
  assert.deepEqual(twice, [], `requested more than once:\n${requested.join('\n')}`);
  assert.deepEqual(warnings, [], 'Chromium used every preload');
  const preloaded = await page.$$eval('link[rel=preload], link[rel=modulepreload]', (ls) => ls.map((l) => l.href));
  const needed = requested.filter((u) => /\.(js|wasm|json)$/.test(u) && !u.endsWith('/app.js'));
  assert.deepEqual(needed.filter((u) => !preloaded.includes(u)), [], 'every module, the .wasm and packs.json are preloaded');
  assert.deepEqual(preloaded.filter((u) => !requested.includes(u)), [], 'every preload is of a file the page uses');
  p.clean();
  await p.close();
});

test('after the first visit the page works offline (service worker)', async () => {
  const p = await openPage(browser, srv.origin, { serviceWorkers: 'allow' });
  const { page, context } = p;
  await page.goto(`${srv.origin}/#case=${b64url(CASE)}`);
  await waitForResult(page);
  const shown = await page.locator('#sum-reimbursed').textContent();
  // Every file the first load used ends up in the cache.
  const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.startsWith(location.origin)));
  assert.ok(loaded.some((u) => u.includes('/pkg/')), 'the engine was loaded');
  await page.waitForFunction(
    async (want) => {
      const c = await caches.open('yibao-v1');
      const have = new Set((await c.keys()).map((r) => r.url));
      return want.every((u) => have.has(u));
    },
    loaded,
    { timeout: 15000, polling: 200 },
  );
  // The cache fills during install; the worker controls the page only once activated (claim), and
  // a reload before that goes to the network.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
  await context.setOffline(true);
  await page.reload();
  await waitForResult(page);
  assert.equal(await page.locator('#sum-reimbursed').textContent(), shown, 'same result offline');
  // A different bill is computed offline too.
  await page.locator('fieldset.visit').first().getByLabel('费用总额（元）').fill('40000');
  await page.waitForFunction(() => document.getElementById('sum-total').textContent === '40,000.00');
  const c2 = structuredClone(CASE);
  c2.visits[0].total = '40000';
  const r = await engineEstimate(page, c2);
  assert.ok(r.ok, JSON.stringify(r.err));
  assert.equal(await page.locator('#sum-reimbursed').textContent(), money(r.ok.totals.reimbursed));
  await context.setOffline(false);
  p.problems.splice(0, p.problems.length, ...p.problems.filter((x) => !/ERR_INTERNET_DISCONNECTED/.test(x)));
  p.clean();
  await p.close();
});

test('embedded in a portal page, the iframe is sized to the calculator', async () => {
  const p = await openPage(browser, srv.origin, { viewport: { width: 1024, height: 768 } });
  const { page } = p;
  await page.goto(srv.origin + '/embed-example.html');
  const frameEl = page.locator('#yibao-frame');
  const frame = page.frameLocator('#yibao-frame');
  // ?region= preselects the portal's region.
  await frame.locator('#region option[value="620000"]').waitFor({ state: 'attached' });
  await page.waitForFunction(() => document.querySelector('#yibao-frame').contentDocument?.getElementById('region')?.value === '620000');
  await frame.locator('fieldset.visit').first().getByLabel(/就诊日期/).fill('2024-03-18');
  await frame.locator('fieldset.visit').first().getByLabel('费用总额（元）').fill('30000');
  await frame.locator('#result-body:not([hidden])').waitFor();
  await page.waitForFunction(() => {
    const f = document.querySelector('#yibao-frame');
    const h = Math.ceil(f.contentDocument.documentElement.getBoundingClientRect().height);
    return Math.abs(Number(f.getAttribute('height')) - h) <= 2 && h > 900;
  });
  // No scrollbar inside the frame.
  const inner = await frameEl.evaluate((f) => [f.contentDocument.documentElement.scrollHeight, f.clientHeight]);
  assert.ok(inner[0] <= inner[1] + 2, `frame content ${inner[0]} fits frame ${inner[1]}`);
  await page.screenshot({ path: join(shotsDir(), 'embedded-1024.png'), fullPage: true });
  p.clean();
  await p.close();
});
