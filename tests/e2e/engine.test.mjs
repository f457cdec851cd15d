// The page runs on the real engine (pkg/ from `make pkg`), never on a stand-in, and the loader
// offers what the page relies on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, engineCall, waitForResult, b64url, openSite, closeSite } from './helpers.mjs';

let srv;
let browser;
before(async () => ({ srv, browser } = await openSite()));
after(() => closeSite({ srv, browser }));

test('the engine is the real build and lists the bundled packs', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  await page.goto(srv.origin + '/');
  const version = await engineCall(page, 'version');
  assert.equal(typeof version, 'string');
  assert.doesNotMatch(version, /stub/i, 'tests must run on the engine built by `make pkg`');
  const policies = await engineCall(page, 'policies');
  const byId = Object.fromEntries(policies.map((x) => [x.id, x.region.code]));
  assert.deepEqual(
    Object.fromEntries(['national-baseline', 'gansu-2018', 'qujing-2022', 'guangdong-2025', 'jinan-2023', 'fengze-2021'].map((id) => [id, byId[id]])),
    { 'national-baseline': '000000', 'gansu-2018': '620000', 'qujing-2022': '530300', 'guangdong-2025': '440000', 'jinan-2023': '341502', 'fengze-2021': '350503' },
  );
  for (const x of policies) {
    assert.match(x.effective.from, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(x.name && x.region.name);
  }
  // Every region is offered in the form.
  await page.waitForSelector('#region option[value="620000"]', { state: 'attached' });
  const offered = await page.$$eval('#region option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(new Set(offered), new Set(policies.map((x) => x.region.code)));
  p.clean();
  await p.close();
});

test('without packs.json the page says so in words, and a later load() succeeds', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  await page.route('**/pkg/packs.json', (route) => route.fulfill({ status: 503, body: 'busy' }));
  await page.goto(srv.origin + '/');
  const status = page.locator('#engine-status');
  await status.filter({ hasText: '计算程序没有加载成功' }).waitFor();
  const failed = await page.evaluate(async () => {
    try {
      await (await import('/pkg/index.js')).load();
      return null;
    } catch (e) {
      return e.error;
    }
  });
  assert.equal(failed.code, 'packs_unavailable');
  assert.match(failed.message, /^无法载入内置政策包/);
  // The network is back: the loader tries again instead of keeping the failure.
  await page.unroute('**/pkg/packs.json');
  const ids = await page.evaluate(async () => (await (await import('/pkg/index.js')).load()).policies().map((x) => x.id));
  assert.ok(ids.includes('gansu-2018'));
  // The only problem seen is the refused packs.json itself: no page error, no CSP violation.
  assert.deepEqual(p.problems.filter((x) => !x.includes('packs.json') && !x.includes('503')), []);
  await p.close();
});

// Worked by hand from rules.md and the bundled 甘肃 pack (county 起付线 500 and 75% are the
// baseline's illustrative values; 困难群体 大病 threshold 2,000 at 72% up to 1万 from 甘政办发〔2018〕72号;
// 低保 assistance 70%):
//   E = 30,000 − 2,000 − 1,000 = 27,000; basic = (27,000 − 500) × 75% = 19,875.00
//   P = 27,000 − 19,875 = 7,125; 大病 = (7,125 − 2,000) × 72% = 3,690.00
//   B = 27,000 − 19,875 − 3,690 = 3,435; 救助 = 3,435 × 70% = 2,404.50
//   reimbursed 25,969.50; out of pocket 30,000 − 25,969.50 = 4,030.50
test('the page shows the hand-checked 甘肃 低保 admission to the fen', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  const c = {
    region: '620000',
    person: { category: 'low_income', conditions: [] },
    visits: [{ kind: 'inpatient', level: 'county', date: '2024-03-18', total: '30000', out_of_catalog: '2000', class_b_self_pay: '1000' }],
  };
  await page.goto(`${srv.origin}/#case=${b64url(c)}`);
  await waitForResult(page);
  assert.equal(await page.locator('#sum-reimbursed').textContent(), '25,969.50');
  assert.equal(await page.locator('#sum-oop').textContent(), '4,030.50');
  assert.equal(await page.locator('#sum-share').textContent(), '86.6');
  const row = await page.$$eval('#breakdown tbody td', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(row, ['30,000.00', '27,000.00', '19,875.00', '3,690.00', '2,404.50', '4,030.50']);
  assert.match(await page.locator('#policy-line').textContent(), /甘肃省城乡居民医保（2018年版）/);
  assert.match(await page.locator('#sources').textContent(), /甘政办发〔2018〕72号/);
  p.clean();
  await p.close();
});

// Old engines get pkg/mvp/ (no reference types, multi-value, bulk memory, sign extension or
// non-trapping conversions). Chromium has all of those, so the loader would never pick it here:
// load it directly and check it gives exactly the default build's estimate and errors.
test('the MVP fallback build gives the same estimates and errors as the default build', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  await page.goto(srv.origin + '/');
  const out = await page.evaluate(async () => {
    const c = {
      policy: 'gansu-2018',
      person: { category: 'low_income', conditions: ['hypertension'] },
      visits: [
        { kind: 'inpatient', level: 'county', date: '2024-03-18', total: '30000', out_of_catalog: '2000', class_b_self_pay: '1000' },
        { kind: 'chronic_outpatient', condition: 'hypertension', level: 'township', date: '2024-05-02', total: 1234.5 },
      ],
    };
    const bad = { ...c, visits: [{ ...c.visits[0], total: '-1' }] };
    const packs = await (await fetch('/pkg/packs.json')).json();
    const run = async (path) => {
      const m = await import(path);
      await m.default({ module_or_path: new URL(path.replace('yibao.js', 'yibao_bg.wasm'), location.href) });
      // The bundled packs, as the loader gives them (the default build's module has them already).
      try {
        m.registerPacks(packs);
      } catch (e) {
        if (e?.error?.code !== 'packs_registered') throw e;
      }
      let error;
      try { m.estimate(bad); } catch (e) { error = e; }
      return { estimate: m.estimate(c), error };
    };
    const modern = await (await import('/pkg/index.js')).load();
    return { build: modern.build, mvp: await run('/pkg/mvp/yibao.js'), modern: await run('/pkg/yibao.js') };
  });
  assert.equal(out.build, 'default', 'Chromium gets the default build');
  assert.deepEqual(out.mvp.estimate, out.modern.estimate);
  assert.equal(out.mvp.estimate.visits[0].reimbursed, '25969.50'); // worked by hand above
  assert.deepEqual(out.mvp.error, { error: { code: 'invalid_amount', path: 'visits[0].total', message: out.modern.error.error.message } });
  p.clean();
  await p.close();
});
