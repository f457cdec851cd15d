// 基金结算测算 (www/settle.html), as fund staff use it: the chosen pack's rules decide which inputs
// are asked for; the statement equals the engine's settle(); each step cites its document; bad
// input is refused next to its field; axe and screenshots at 375 and 1280 px, and print.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openPage, openSite, closeSite, shotsDir, axeViolations } from './helpers.mjs';


let srv;
let browser;
before(async () => ({ srv, browser } = await openSite()));
after(() => closeSite({ srv, browser }));

async function open(opts = {}) {
  const p = await openPage(browser, srv.origin, opts);
  await p.page.goto(`${srv.origin}/settle.html`);
  await p.page.waitForSelector('#st-policy option[value="jinan-2023"]', { state: 'attached' });
  return p;
}

const row = (page, label) => page.locator('#st-table tr', { has: page.locator(`th:text-is("${label}")`) }).locator('td');

test('金安: the form asks what per-capita rules need, and shows settlement.md’s numbers with their sources', async () => {
  const p = await open();
  const { page } = p;
  await page.getByLabel('结算规则（政策包）').selectOption('jinan-2023');
  // Per-capita budget, score and rank; no pool, no outside spending.
  assert.equal(await page.locator('#st-persons').count(), 1);
  assert.equal(await page.locator('#st-risk_pool_before').count(), 0);
  assert.equal(await page.locator('#st-fund_paid_outside').count(), 0);
  await page.getByLabel('年初核定人数（人）').fill('1200');
  await page.getByLabel('统筹基金支出（元）').fill('3300000');
  await page.getByLabel('年度考核得分（0–100 分）').fill('92.5');
  await page.getByLabel('年度考核名次（1 为第一名）').fill('4');
  await page.getByRole('button', { name: '测算', exact: true }).click();
  await page.waitForSelector('#st-body:not([hidden])');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'st-result-heading');
  assert.equal(await row(page, '年度预算').textContent(), '3,684,000.00');
  assert.equal(await row(page, '结余').textContent(), '384,000.00');
  assert.equal(await row(page, '结余留用').textContent(), '355,200.00');
  assert.equal(await row(page, '纳入医共体总额包干决算').textContent(), '28,800.00');
  assert.equal(await row(page, '分配：乡（镇）级').textContent(), '213,120.00');
  // The page shows what the engine computes, step by step, each with its document.
  const st = await page.evaluate(async () => (await (await import('/pkg/index.js')).load({ settlement: true })).settle({ policy: 'jinan-2023', budget: { persons: 1200 }, actual: { fund_paid: '3300000' }, assessment: { score: '92.5', rank: 4 } }));
  const shown = await page.locator('#st-steps > li > p:first-child').allTextContents();
  assert.deepEqual(shown, st.steps.map((s) => s.text));
  const cites = await page.locator('#st-steps .cite').allTextContents();
  assert.ok(cites.some((c) => /文件规定 金医保发〔2023〕19号 六、（一）/.test(c)), cites.join('\n'));
  assert.ok(cites.some((c) => /条款见第 \d+ 步/.test(c)), 'a clause is quoted once');
  assert.equal(await page.locator('#st-example-note').isHidden(), true, 'typed figures are not called examples');
  p.clean();
  await p.close();
});

test('广东: percentages typed as people write them, the growth limited, the pool and the outside spending', async () => {
  const p = await open();
  const { page } = p;
  await page.getByLabel('结算规则（政策包）').selectOption('guangdong-2025');
  await page.getByLabel('前第三年度统筹基金支付额（元）').fill('9000000');
  await page.getByLabel('前第二年度统筹基金支付额（元）').fill('9500000');
  await page.getByLabel('上一年度统筹基金支付额（元）').fill('10000000');
  await page.getByLabel('设定的年度增长率（%）').fill('6');
  await page.getByLabel('统筹区医保统筹基金年度支出增长率（%）').fill('5');
  await page.getByLabel('统筹基金支出（元）', { exact: true }).fill('9000000');
  await page.getByLabel('医共体外就医的统筹基金支出（元）').fill('700000');
  await page.getByLabel('其中因突发公共卫生事件产生的合理超支（元）').fill('50000');
  await page.getByLabel('年度考核得分（0–100 分）').fill('90');
  await page.getByLabel('风险调节金资金池年初余额（元）').fill('2400000');
  await page.getByRole('button', { name: '测算', exact: true }).click();
  await page.waitForSelector('#st-body:not([hidden])');
  // (9.0 + 9.5 + 10.0 million) ÷ 3 × 1.05 (6% limited to 5%) = 9,975,000; overspend 118,000.
  assert.equal(await row(page, '年度预算').textContent(), '9,975,000.00');
  assert.equal(await row(page, '超支').textContent(), '118,000.00');
  assert.equal(await row(page, '风险调节金分担').textContent(), '50,000.00');
  assert.equal(await row(page, '风险调节金资金池年末余额').textContent(), '2,443,750.00');
  assert.match(await page.locator('#st-steps').textContent(), /年度增长率 6% 高于统筹区医保统筹基金年度支出增长率 5%/);
  // Later years: the previous total instead of three years.
  await page.getByLabel('以后各年（按上年度付费总额）').check();
  assert.equal(await page.getByLabel('前第三年度统筹基金支付额（元）').isHidden(), true);
  await page.getByLabel('上年度付费总额（元）').fill('10000000');
  await page.waitForFunction(() => /10,500,000\.00/.test(document.getElementById('st-table').textContent));
  p.clean();
  await p.close();
});

test('bad input is refused next to its field, in Chinese and English, and nothing is shown as a result', async () => {
  const p = await open();
  const { page } = p;
  await page.getByLabel('结算规则（政策包）').selectOption('jinan-2023');
  await page.getByLabel('年初核定人数（人）').fill('1200');
  await page.getByLabel('统筹基金支出（元）').fill('3300000');
  await page.getByLabel('年度考核得分（0–100 分）').fill('120');
  await page.getByLabel('年度考核名次（1 为第一名）').fill('4');
  await page.getByRole('button', { name: '测算', exact: true }).click();
  const score = page.locator('#st-score');
  await page.waitForFunction(() => document.getElementById('st-score').getAttribute('aria-invalid') === 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'st-score');
  const message = await page.locator('#st-score-err').textContent();
  assert.match(message, /考核得分.*0 到 100/);
  assert.match(message, /assessment\.score must be a number from 0 to 100/);
  assert.ok((await score.getAttribute('aria-describedby')).includes('st-score-err'));
  assert.equal(await page.locator('#st-body').isHidden(), true);
  // Fixed: the result comes back; a missing field is named.
  await score.fill('92.5');
  await page.waitForSelector('#st-body:not([hidden])');
  await page.getByLabel('年初核定人数（人）').fill('');
  await page.waitForFunction(() => document.getElementById('st-persons').getAttribute('aria-invalid') === 'true');
  assert.match(await page.locator('#st-persons-err').textContent(), /缺少核定人数（budget\.persons）/);
  // A growth rate that is not a percentage, on 广东's form.
  await page.getByLabel('结算规则（政策包）').selectOption('guangdong-2025');
  await page.getByLabel('设定的年度增长率（%）').fill('6%%');
  await page.waitForFunction(() => document.getElementById('st-growth').getAttribute('aria-invalid') === 'true');
  assert.match(await page.locator('#st-growth-err').textContent(), /0 到 100 之间的百分数/);
  p.clean();
  await p.close();
});

test('axe finds nothing serious; it fits 375 and 1280 px; example data is marked; print (screenshots)', async () => {
  for (const viewport of [{ width: 375, height: 667 }, { width: 1280, height: 800 }]) {
    const p = await open({ viewport, bypassCSP: true });
    const { page } = p;
    await page.getByLabel('结算规则（政策包）').selectOption('qujing-2022');
    await page.getByRole('button', { name: '填入示例数据' }).click();
    await page.waitForSelector('#st-body:not([hidden])');
    assert.equal(await page.locator('#st-example-note').isVisible(), true, 'example figures are said to be examples');
    // 曲靖 example: 50,000,000 raised → 49,500,000; kept 4,527,000 of a 12.15% surplus.
    assert.equal(await row(page, '结余留用').textContent(), '4,527,000.00');
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0, `no sideways scroll at ${viewport.width} px`);
    await page.screenshot({ path: join(shotsDir(), `settle-${viewport.width}.png`), fullPage: true });
    if (viewport.width === 1280) {
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('#st-form').isHidden(), true, 'print shows the statement, not the form');
      assert.equal(await page.locator('#st-print-title').isVisible(), true);
      await page.pdf({ path: join(shotsDir(), 'settle-print.pdf'), format: 'A4' });
    }
    p.clean();
    await p.close();
  }
});
