// Counter staff: several visits of a year, amounts already paid this year, the year's totals,
// adding and removing rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForResult, engineEstimate, money, assertShows, b64url, fromB64url, openSite, closeSite } from './helpers.mjs';

let srv;
let browser;
before(async () => ({ srv, browser } = await openSite()));
after(() => closeSite({ srv, browser }));

async function fillVisit(page, i, v) {
  const row = page.locator('fieldset.visit').nth(i);
  await row.getByLabel('就诊类型').selectOption(v.kind);
  if (v.condition) await row.getByLabel('就诊病种').selectOption(v.condition);
  await row.getByLabel('医院级别').selectOption(v.level);
  await row.getByLabel(/就诊日期/).fill(v.date);
  await row.getByLabel('费用总额（元）').fill(v.total);
  if (v.out_of_catalog || v.class_b_self_pay) {
    await row.getByText('按结算单填写更准确').click();
    if (v.out_of_catalog) await row.getByLabel('全自费（元）').fill(v.out_of_catalog);
    if (v.class_b_self_pay) await row.getByLabel('乙类先行自付（元）').fill(v.class_b_self_pay);
  }
}

test('staff enter a year of visits with amounts already paid and see the year’s accumulation', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  await page.goto(srv.origin + '/');
  await page.getByLabel('参保地区').selectOption('620000');
  await page.getByLabel('人员类别').selectOption('poverty_registered');
  await page.getByLabel('高血压', { exact: true }).check();

  const visits = [
    { kind: 'inpatient', level: 'county', date: '2024-03-01', total: '12000', out_of_catalog: '1000' },
    { kind: 'inpatient', level: 'provincial', date: '2024-05-20', total: '9000' }, // removed below
    { kind: 'inpatient', level: 'municipal', date: '2024-08-01', total: '30000', out_of_catalog: '2000', class_b_self_pay: '500' },
    { kind: 'chronic_outpatient', condition: 'hypertension', level: 'township', date: '2024-09-10', total: '800', out_of_catalog: '0' },
  ];
  await fillVisit(page, 0, visits[0]);
  for (let i = 1; i < visits.length; i++) {
    await page.getByRole('button', { name: '再添加一次就诊' }).click();
    assert.equal(await page.locator('fieldset.visit').count(), i + 1);
    await fillVisit(page, i, visits[i]);
  }
  // Rows are numbered for people and for error paths.
  assert.equal((await page.locator('fieldset.visit legend').nth(2).textContent()).trim(), '第 3 次就诊');
  await page.getByRole('button', { name: '删除第 2 次就诊' }).click();
  visits.splice(1, 1);
  assert.equal(await page.locator('fieldset.visit').count(), 3);
  assert.equal((await page.locator('fieldset.visit legend').nth(1).textContent()).trim(), '第 2 次就诊');
  assert.equal(await page.locator('fieldset.visit').nth(1).getByLabel('费用总额（元）').inputValue(), '30000');

  await page.locator('#ytd > summary').click();
  await page.getByLabel('住院基本医保已支付（元）').fill('3000');
  await page.getByLabel('大病保险合规自付累计（元）').fill('1500');
  await page.getByLabel('医疗救助已支付（元）').fill('200');
  await page.getByRole('button', { name: '计算报销' }).click();
  await waitForResult(page);

  const c = {
    region: '620000',
    person: {
      category: 'poverty_registered',
      conditions: ['hypertension'],
      year_to_date: {
        basic_inpatient_paid: '3000', general_outpatient_paid: '0', critical_compliant: '1500', critical_paid: '0', assistance_paid: '200',
        general_outpatient_deductible_paid: '0', chronic_deductible_paid: '0', assistance_deductible_paid: '0',
      },
    },
    visits: visits.map((v) => {
      const o = { kind: v.kind, level: v.level, date: v.date, total: v.total };
      if (v.condition) o.condition = v.condition;
      if (v.out_of_catalog) o.out_of_catalog = v.out_of_catalog;
      if (v.class_b_self_pay) o.class_b_self_pay = v.class_b_self_pay;
      return o;
    }),
  };
  await page.waitForFunction((h) => location.hash.includes(h), 'case=');
  const hash = await page.evaluate(() => location.hash);
  assert.deepEqual(fromB64url(hash.match(/case=([^&]+)/)[1]), c, 'the form reads as the intended case');

  const r = await engineEstimate(page, c);
  assert.ok(r.ok, JSON.stringify(r.err));
  const est = r.ok;
  await assertShows(page, est);
  // Totals row of the per-visit table.
  const foot = await page.$$eval('#breakdown tfoot td', (tds) => tds.map((td) => td.textContent.trim()));
  assert.deepEqual(foot, ['total', 'in_scope', 'basic', 'critical_illness', 'medical_assistance', 'out_of_pocket'].map((k) => money(est.totals[k])));
  // The year's accumulation: paid before + paid by these visits.
  const fen = (s) => Math.round(Number(s) * 100);
  const yuan = (f) => money((f / 100).toFixed(2));
  const now = fen(est.totals.reimbursed);
  const before = fen('3000') + fen('200');
  const yr = await page.$$eval('#ytd-summary tbody tr td', (tds) => tds.map((td) => td.textContent.trim()));
  assert.deepEqual(yr, [
    yuan(before),
    yuan(now),
    yuan(before + now),
    yuan(fen(est.totals.critical_illness)),
    yuan(fen('200') + fen(est.totals.medical_assistance)),
  ]);
  // The comparison offers each visit.
  assert.equal(await page.locator('#compare-visit option').count(), 3);
  await page.getByLabel('比较哪一次就诊').selectOption('1');
  const alt = structuredClone(c);
  alt.visits[1].level = 'township';
  const a = await engineEstimate(page, alt);
  const firstRow = await page.locator('#compare-table tbody tr').first().textContent();
  if (a.ok) assert.ok(firstRow.includes(money(a.ok.visits[1].reimbursed)), firstRow);

  // Part of the 救助 threshold was already met earlier this year: the form sends it and the page
  // shows the engine's (larger) assistance.
  await page.getByLabel('医疗救助起付线已付（元）').fill('1000');
  await page.getByRole('button', { name: '计算报销' }).click();
  await page.waitForFunction(() => location.hash.includes('case='));
  const met = { ...c, person: { ...c.person, year_to_date: { ...c.person.year_to_date, assistance_deductible_paid: '1000' } } };
  await page.waitForFunction((want) => {
    const h = location.hash.match(/case=([^&]+)/);
    return h && h[1] === want;
  }, b64url(met));
  const m = await engineEstimate(page, met);
  assert.ok(m.ok, JSON.stringify(m.err));
  assert.ok(Number(m.ok.totals.medical_assistance) > Number(est.totals.medical_assistance), 'less threshold left, more assistance');
  await waitForResult(page);
  await assertShows(page, m.ok);
  p.clean();
  await p.close();
});

test('visits in two years are accumulated per year', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  const c = {
    region: '620000',
    person: { category: 'ordinary', conditions: [] },
    visits: [
      { kind: 'inpatient', level: 'county', date: '2024-03-01', total: '12000', out_of_catalog: '1000' },
      { kind: 'inpatient', level: 'municipal', date: '2025-01-05', total: '30000', out_of_catalog: '2000' },
    ],
  };
  await page.goto(`${srv.origin}/#case=${Buffer.from(JSON.stringify(c)).toString('base64url')}`);
  await waitForResult(page);
  const r = await engineEstimate(page, c);
  assert.ok(r.ok, JSON.stringify(r.err));
  await assertShows(page, r.ok);
  const years = await page.$$eval('#ytd-summary tbody th', (ths) => ths.map((th) => th.textContent.trim()));
  assert.deepEqual(years, ['2024 年（1 次就诊）', '2025 年（1 次就诊）']);
  p.clean();
  await p.close();
});
