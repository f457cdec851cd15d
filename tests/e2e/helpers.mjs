// Shared by the end-to-end tests: the static server (scripts/serve.mjs, which `make serve` runs),
// Chromium from the system (never downloaded), and the checks every page must pass: no request
// leaves the site, no console error, no CSP violation, no dialog.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { buildSite } from '../../scripts/build-site.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WWW = join(ROOT, 'www');
/** The built site (`make site`): what the tests serve. */
export const SITE = join(ROOT, 'target', 'site');
export const SHOTS = join(ROOT, 'target', 'screenshots');

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Builds the site as `make site` does (scripts/build-site.mjs): www/ with the engine in its pkg/,
 * minified, each file's Brotli and gzip beside it, in target/site/. The tests serve what a portal
 * publishes, built from the sources as they are now.
 * YIBAO_PKG may name another build of the engine (e.g. a snapshot while pkg/ is being rebuilt).
 * Without a built engine the tests fail and say how to build it; engine.test.mjs also fails on
 * anything that is not the real engine.
 */
export function prepareSite() {
  buildSite({ pkg: process.env.YIBAO_PKG || join(ROOT, 'pkg'), out: SITE });
}

/** The size of `bytes` compressed by `gzip -9`, the command the size budgets name (node's zlib at
 *  level 9 compresses wasm about 1% worse). */
export function gzip9(bytes) {
  return execFileSync('gzip', ['-9c'], { input: bytes, maxBuffer: 1 << 24 }).length;
}

/** Serves www/ as `make serve` does (scripts/serve.mjs) on a free 127.0.0.1 port; returns
 *  { origin, stop }. `{ brotli: false }`: gzip only, as a portal without Brotli serves it. A process
 *  of its own, so that the test's own work (gzip -9 of every response in bench/page) never holds up
 *  a response. */
export async function startServer({ brotli = true } = {}) {
  prepareSite();
  const args = [join(ROOT, 'scripts', 'serve.mjs'), '--host', '127.0.0.1', '--port', '0', ...(brotli ? [] : ['--no-brotli']), SITE];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  const origin = await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(http:\/\/[^/\s]+)\//);
      if (m) resolve(m[1]);
    });
    child.once('exit', () => reject(new Error('static server did not start: ' + out)));
  });
  return {
    origin,
    async stop() {
      // Once is enough: a second stop (a test that stopped it to go offline) returns at once.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    },
  };
}

/** The site and a browser for one test file: `before(async () => ({ srv, browser } = await openSite()))`. */
export async function openSite() {
  const srv = await startServer();
  return { srv, browser: await launch() };
}

/** Stops what `openSite` started, whatever of it did start. */
export async function closeSite({ srv, browser } = {}) {
  await browser?.close();
  await srv?.stop();
}

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Opens a page in a fresh context and records what must never happen. Call `clean()` at the end.
 * opts: { viewport, bypassCSP, serviceWorkers ('block' default), locale }
 */
export async function openPage(browser, origin, opts = {}) {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    bypassCSP: opts.bypassCSP ?? false,
    serviceWorkers: opts.serviceWorkers ?? 'block',
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: opts.deviceScaleFactor ?? 1,
  });
  const page = await context.newPage();
  const problems = [];
  const onRequest = (req) => {
    const u = req.url();
    if (!(u.startsWith(origin + '/') || u === origin || u.startsWith('data:') || u.startsWith('blob:'))) problems.push(`request outside the site: ${u}`);
  };
  context.on('request', onRequest);
  context.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog (${d.type()}): ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return {
    context,
    page,
    problems,
    clean() {
      assert.deepEqual(problems, [], 'the page must not make outside requests, log errors, violate its CSP or open dialogs');
    },
    async close() {
      await context.close();
    },
  };
}

/** Waits until the page shows a result (its first, or a newer one than `after`). */
export async function waitForResult(page) {
  await page.waitForSelector('#result-body:not([hidden])', { timeout: 15000 });
  // The first result's level comparison is drawn just after it (app.js), then the page is ready.
  await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 15000 });
}

/** The engine the page itself loads, run on a case in the page (with parameters, as the page
 *  asks for them). */
export async function engineEstimate(page, c) {
  return page.evaluate(async (c) => {
    const eng = await (await import('/pkg/index.js')).load();
    try {
      return { ok: eng.estimate(c, { parameters: true }) };
    } catch (e) {
      return { err: e && e.error ? e.error : String(e) };
    }
  }, c);
}

export async function engineCall(page, fn) {
  return page.evaluate(async (fn) => {
    const eng = await (await import('/pkg/index.js')).load();
    return eng[fn]();
  }, fn);
}

/** "12345.60" → "12,345.60" as the page prints amounts. */
export function money(s) {
  const [i, f = '00'] = String(s).split('.');
  return `${i.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${f.padEnd(2, '0')}`;
}

export function b64url(obj) {
  return Buffer.from(JSON.stringify(obj), 'utf8').toString('base64url');
}

export function fromB64url(s) {
  return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
}

export function shotsDir() {
  mkdirSync(SHOTS, { recursive: true });
  return SHOTS;
}

export function readJson(p) {
  return JSON.parse(readFileSync(p, 'utf8'));
}

/** Text of an element, trimmed. */
export async function text(page, sel) {
  return (await page.locator(sel).first().textContent()).trim();
}

/** What the page must show for an estimate: headline, legend, table, steps, sources. */
export async function assertShows(page, est) {
  const t = est.totals;
  assert.equal(await text(page, '#sum-reimbursed'), money(t.reimbursed), '预计报销');
  assert.equal(await text(page, '#sum-oop'), money(t.out_of_pocket), '个人负担');
  assert.equal(await text(page, '#sum-total'), money(t.total), '总费用');
  assert.match(await text(page, '#lg-basic'), new RegExp(`^${money(t.basic).replace(/\./g, '\\.')} 元`));
  assert.match(await text(page, '#lg-critical'), new RegExp(`^${money(t.critical_illness).replace(/\./g, '\\.')} 元`));
  assert.match(await text(page, '#lg-assistance'), new RegExp(`^${money(t.medical_assistance).replace(/\./g, '\\.')} 元`));
  assert.match(await text(page, '#lg-oop'), new RegExp(`^${money(t.out_of_pocket).replace(/\./g, '\\.')} 元`));
  // The bar's rects are proportional to the split and labelled in text.
  const widths = await page.$$eval('#bar rect', (rs) => rs.map((r) => Number(r.getAttribute('width'))));
  const parts = [t.basic, t.critical_illness, t.medical_assistance, t.out_of_pocket].map(Number);
  parts.forEach((v, i) => assert.ok(Math.abs(widths[i] - (Number(t.total) ? (v / Number(t.total)) * 1000 : 0)) < 0.5, `bar segment ${i}`));
  assert.match(await page.locator('#bar-desc').textContent(), /基本医保.*大病保险.*医疗救助.*个人自付/);
  // One table row per visit with the engine's amounts.
  const rows = await page.$$eval('#breakdown tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  assert.equal(rows.length, est.visits.length);
  est.visits.forEach((v, i) => {
    assert.deepEqual(rows[i], ['total', 'in_scope', 'basic', 'critical_illness', 'medical_assistance', 'out_of_pocket'].map((k) => money(v[k])), `row ${i}`);
  });
  // Every step, with every parameter's source or the 示例参数 mark.
  const steps = page.locator('#steps .step');
  assert.equal(await steps.count(), est.visits.reduce((n, v) => n + v.steps.length, 0), 'one item per explanation step');
  let k = 0;
  const explained = new Set();
  for (const v of est.visits) {
    for (const s of v.steps) {
      const li = steps.nth(k++);
      const shown = await li.textContent();
      const firstLine = s.text.split(' (')[0].slice(0, 12);
      assert.ok(shown.includes(firstLine), `step text “${s.text}” shown`);
      const items = li.locator('.basis li');
      const ptrs = [...new Set(s.params ?? [])];
      assert.equal(await items.count(), ptrs.length, `a basis line per parameter of ${s.rule}`);
      for (let j = 0; j < ptrs.length; j++) {
        const p = est.parameters[ptrs[j]];
        assert.ok(p, `parameters has ${ptrs[j]}`);
        const line = await items.nth(j).textContent();
        if (p.basis === 'illustrative' || !p.source) assert.ok(line.includes('示例参数'), `${ptrs[j]} marked 示例参数`);
        if (explained.has(ptrs[j])) {
          assert.ok(line.includes('依据同上'), `${ptrs[j]} refers to its source above`);
        } else if (p.source) {
          // The first time a parameter appears: its document number, and the clause when it is
          // the basis of the number.
          const { number } = est.sources[p.source];
          assert.ok(line.includes(number), `${ptrs[j]} shows ${number}`);
          if (p.clause && p.basis !== 'illustrative') assert.ok(line.includes(p.clause), `${ptrs[j]} shows its clause`);
        }
        explained.add(ptrs[j]);
      }
    }
  }
  assert.ok((await text(page, '#policy-line')).includes(est.policy.name), 'policy named');
  assert.match(await page.locator('.disclaimer').textContent(), /本结果为测算，不作为结算依据/);
}

/** axe-core's serious and critical violations on the page as it is now (the page must have been
 *  opened with `bypassCSP: true`: axe is injected as a script). */
export async function axeViolations(page) {
  const { createRequire } = await import('node:module');
  const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axe });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
}
