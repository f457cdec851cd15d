// A resident enters one visit and sees the engine's own numbers, with sources and the level
// comparison.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForResult, engineEstimate, engineCall, money, fromB64url, assertShows, openSite, closeSite } from './helpers.mjs';

let srv;
let browser;
before(async () => ({ srv, browser } = await openSite()));
after(() => closeSite({ srv, browser }));

test('a resident fills one admission and sees what the engine computes', async () => {
  const p = await openPage(browser, srv.origin, { viewport: { width: 375, height: 667 } });
  const { page } = p;
  await page.goto(srv.origin + '/');
  await page.getByLabel('参保地区').selectOption('620000');
  await page.getByLabel('人员类别').selectOption('low_income');
  const visit = page.locator('fieldset.visit').first();
  await visit.getByLabel('就诊类型').selectOption('inpatient');
  await visit.getByLabel('医院级别').selectOption('county');
  await visit.getByLabel(/就诊日期/).fill('2024-03-18');
  await visit.getByLabel('费用总额（元）').fill('30000');
  await visit.getByText('按结算单填写更准确').click();
  await visit.getByLabel('全自费（元）').fill('2000');
  await visit.getByLabel('乙类先行自付（元）').fill('1000');
  await page.getByRole('button', { name: '计算报销' }).click();
  await waitForResult(page);
  await page.waitForFunction(() => document.getElementById('sum-total').textContent === '30,000.00');

  const c = {
    region: '620000',
    person: { category: 'low_income', conditions: [] },
    visits: [{ kind: 'inpatient', level: 'county', date: '2024-03-18', total: '30000', out_of_catalog: '2000', class_b_self_pay: '1000' }],
  };
  const r = await engineEstimate(page, c);
  assert.ok(r.ok, JSON.stringify(r.err));
  const est = r.ok;
  await assertShows(page, est, c);
  assert.equal(est.warnings.filter((w) => w.code === 'estimated_split').length, 0);
  assert.equal(await page.locator('#notes .note').count(), est.warnings.length);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'result-heading', 'focus moves to the result');
  assert.match(await page.locator('#announce').textContent(), new RegExp(`预计报销 ${money(est.totals.reimbursed).replace(/\./g, '\\.')} 元`));

  // The link is the case.
  const hash = await page.evaluate(() => location.hash);
  assert.deepEqual(fromB64url(hash.match(/case=([^&]+)/)[1]), c);

  // The comparison: the same bill at each of the pack's levels but the lowest (村卫生室), by the
  // pack's names, as the engine computes it.
  const cmp = await page.$$eval('#compare-table tbody tr', (trs) => trs.map((tr) => tr.textContent.replace(/\s+/g, ' ').trim()));
  const declared = (await engineCall(page, 'policies')).find((x) => x.id === est.policy.id).levels;
  const levels = declared.filter((l) => l.rank > Math.min(...declared.map((x) => x.rank)));
  assert.deepEqual(levels.map((l) => l.id), ['township', 'county', 'municipal', 'provincial']);
  assert.equal(cmp.length, levels.length);
  for (let i = 0; i < levels.length; i++) {
    const alt = structuredClone(c);
    alt.visits[0].level = levels[i].id;
    const a = await engineEstimate(page, alt);
    assert.ok(cmp[i].startsWith(levels[i].name), cmp[i]);
    if (a.ok) {
      assert.ok(cmp[i].includes(money(a.ok.visits[0].reimbursed)), `${levels[i].id} reimbursed in “${cmp[i]}”`);
      assert.ok(cmp[i].includes(money(a.ok.visits[0].out_of_pocket)), `${levels[i].id} out of pocket`);
    } else {
      assert.ok(cmp[i].includes(a.err.message.split(' (')[0].slice(0, 8)), `${levels[i].id} error shown`);
    }
  }
  assert.ok(cmp[levels.findIndex((l) => l.id === 'county')].includes('（当前）'));
  p.clean();
  await p.close();
});

test('without the settlement slip the page says the split is estimated, and how', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  await page.goto(srv.origin + '/');
  await page.getByLabel('参保地区').selectOption('530300');
  const visit = page.locator('fieldset.visit').first();
  await visit.getByLabel('医院级别').selectOption('municipal');
  await visit.getByLabel(/就诊日期/).fill('2024-06-01');
  await visit.getByLabel('费用总额（元）').fill('8000');
  await waitForResult(page); // no submit needed: the result follows the form
  await page.waitForFunction(() => document.getElementById('sum-total').textContent === '8,000.00');
  const c = { region: '530300', person: { category: 'ordinary', conditions: [] }, visits: [{ kind: 'inpatient', level: 'municipal', date: '2024-06-01', total: '8000' }] };
  const r = await engineEstimate(page, c);
  assert.ok(r.ok, JSON.stringify(r.err));
  await assertShows(page, r.ok, c);
  const w = r.ok.warnings.find((x) => x.code === 'estimated_split');
  assert.ok(w, 'the engine warns about the estimated split');
  const notes = await page.locator('#notes').textContent();
  assert.ok(notes.includes(w.text.split(' (')[0].slice(0, 10)), 'the engine’s explanation of the estimate is shown');
  assert.match(notes, /估算/);
  assert.match(await page.locator('#steps .split').first().textContent(), /估算/);
  p.clean();
  await p.close();
});
