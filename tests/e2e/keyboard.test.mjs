// Everything by keyboard: Tab to move, arrows for lists, Space for boxes, Enter to submit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForResult, engineEstimate, money, openSite, closeSite } from './helpers.mjs';

let srv;
let browser;
before(async () => ({ srv, browser } = await openSite()));
after(() => closeSite({ srv, browser }));

const active = (page) => page.evaluate(() => ({ id: document.activeElement.id, path: document.activeElement.dataset?.path ?? null, tag: document.activeElement.tagName, text: document.activeElement.textContent.trim().slice(0, 40) }));

/** Presses Tab until `pred(active)` holds; fails if it is not reachable. */
async function tabTo(page, pred, what, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (pred(await active(page))) return;
  }
  assert.fail(`could not reach ${what} with Tab`);
}

async function selectByArrows(page, sel, value) {
  for (let i = 0; i < 12; i++) {
    if ((await page.locator(sel).inputValue()) === value) return;
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await page.locator(sel).inputValue(), value);
}

test('a resident can fill the form and submit it with the keyboard alone', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  await page.goto(srv.origin + '/');
  await page.waitForSelector('#region option[value="620000"]', { state: 'attached' });

  // The first Tab reaches the skip link.
  await page.keyboard.press('Tab');
  assert.equal((await active(page)).text, '跳到测算结果');

  await tabTo(page, (a) => a.id === 'region', '参保地区');
  await selectByArrows(page, '#region', '620000');
  await tabTo(page, (a) => a.id === 'category', '人员类别');
  await selectByArrows(page, '#category', 'low_income');
  await page.keyboard.press('Tab'); // first condition box
  assert.equal(await page.evaluate(() => document.activeElement.value), 'hypertension');
  await page.keyboard.press('Space');
  assert.ok(await page.locator('input[value=hypertension]').isChecked());

  await tabTo(page, (a) => a.path === 'visits[0].level', '医院级别');
  await selectByArrows(page, '[data-path="visits[0].level"]', 'municipal');
  await tabTo(page, (a) => a.path === 'visits[0].total', '费用总额');
  await page.keyboard.type('20000');
  // The settlement-slip section opens with Enter on its summary.
  await page.keyboard.press('Tab');
  assert.equal((await active(page)).tag, 'SUMMARY');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal((await active(page)).path, 'visits[0].out_of_catalog');
  await page.keyboard.type('1000');

  // Back to the total field, then Enter submits the form.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  assert.equal((await active(page)).path, 'visits[0].total');
  await page.keyboard.press('Enter');
  await waitForResult(page);
  await page.waitForFunction(() => document.activeElement.id === 'result-heading');

  const date = await page.locator('[data-path="visits[0].date"]').inputValue();
  const c = { region: '620000', person: { category: 'low_income', conditions: ['hypertension'] }, visits: [{ kind: 'inpatient', level: 'municipal', date, total: '20000', out_of_catalog: '1000' }] };
  const r = await engineEstimate(page, c);
  assert.ok(r.ok, JSON.stringify(r.err));
  assert.equal(await page.locator('#sum-reimbursed').textContent(), money(r.ok.totals.reimbursed));

  // Adding a visit with Enter moves focus into the new row; removing it with Space returns focus.
  await tabTo(page, (a) => a.id === 'add-visit', '再添加一次就诊');
  await page.keyboard.press('Enter');
  assert.equal((await active(page)).path, 'visits[1].kind');
  await tabTo(page, (a) => a.text === '删除第 2 次就诊', '删除第 2 次就诊');
  await page.keyboard.press('Space');
  assert.equal(await page.locator('fieldset.visit').count(), 1);
  assert.equal((await active(page)).path, 'visits[0].kind');

  // The large-text switch and the print/copy buttons are reachable and named.
  await tabTo(page, (a) => a.id === 'print', '打印测算单');
  await tabTo(page, (a) => a.id === 'copy-link', '复制分享链接');
  p.clean();
  await p.close();
});

test('focus is always visible', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  await page.goto(srv.origin + '/');
  await page.waitForSelector('#region option[value="620000"]', { state: 'attached' });
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement);
      return `${s.outlineStyle} ${s.outlineWidth}`;
    });
    assert.match(outline, /^solid [1-9]/, `focus ring on Tab stop ${i + 1}: ${outline}`);
  }
  p.clean();
  await p.close();
});
