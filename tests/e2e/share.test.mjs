// Share links: #case=base64url(UTF-8 JSON) restores the form and shows the result; editing the
// form rewrites the link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, waitForResult, engineEstimate, assertShows, b64url, fromB64url, money, openSite, closeSite } from './helpers.mjs';

let srv;
let browser;
before(async () => ({ srv, browser } = await openSite()));
after(() => closeSite({ srv, browser }));

const CASE = {
  region: '620000',
  person: { category: 'low_income', conditions: ['hypertension', 'diabetes'] },
  visits: [
    { kind: 'inpatient', level: 'municipal', date: '2024-04-02', total: '50000', out_of_catalog: '3000', class_b_self_pay: '2000', referral: 'upward', referred_from: 'county' },
    { kind: 'two_diseases_outpatient', level: 'township', date: '2024-05-10', total: '180', condition: 'diabetes' },
  ],
};

test('a shared link restores the form and shows the result', async () => {
  const p = await openPage(browser, srv.origin, { viewport: { width: 375, height: 667 } });
  const { page } = p;
  await page.goto(`${srv.origin}/#case=${b64url(CASE)}`);
  await waitForResult(page);
  // The form holds the case.
  assert.equal(await page.getByLabel('参保地区').inputValue(), '620000');
  assert.equal(await page.getByLabel('人员类别').inputValue(), 'low_income');
  assert.ok(await page.getByLabel('高血压', { exact: true }).isChecked());
  assert.ok(await page.getByLabel('糖尿病', { exact: true }).isChecked());
  assert.ok(!(await page.getByLabel('冠心病').isChecked()));
  const rows = page.locator('fieldset.visit');
  assert.equal(await rows.count(), 2);
  const r0 = rows.nth(0);
  assert.equal(await r0.getByLabel('医院级别').inputValue(), 'municipal');
  assert.equal(await r0.getByLabel(/就诊日期/).inputValue(), '2024-04-02');
  assert.equal(await r0.getByLabel('费用总额（元）').inputValue(), '50000');
  assert.equal(await r0.getByLabel('全自费（元）').inputValue(), '3000');
  assert.equal(await r0.getByLabel('转诊情况').inputValue(), 'upward');
  assert.equal(await r0.getByLabel('从哪一级医院转来').inputValue(), 'county');
  const r1 = rows.nth(1);
  assert.equal(await r1.getByLabel('就诊类型').inputValue(), 'two_diseases_outpatient');
  assert.equal(await r1.getByLabel('就诊病种').inputValue(), 'diabetes');
  // And the result is the engine's for that case.
  const r = await engineEstimate(page, CASE);
  assert.ok(r.ok, JSON.stringify(r.err));
  await assertShows(page, r.ok);
  // The link is left as it was (nothing rewritten on load).
  assert.deepEqual(fromB64url((await page.evaluate(() => location.hash)).match(/case=([^&]+)/)[1]), CASE);
  // The link shown for sharing carries the same case.
  const shareUrl = await page.getByLabel(/分享链接/).inputValue();
  assert.deepEqual(fromB64url(shareUrl.match(/#case=([^&]+)/)[1]), CASE);
  p.clean();
  await p.close();
});

test('editing the form updates the link, and the new link reproduces the new result', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  await page.goto(`${srv.origin}/#case=${b64url(CASE)}`);
  await waitForResult(page);
  const entries = await page.evaluate(() => history.length);
  await page.locator('fieldset.visit').nth(0).getByLabel('费用总额（元）').fill('60000');
  const want = structuredClone(CASE);
  want.visits[0].total = '60000';
  await page.waitForFunction((h) => location.hash === h, `#case=${b64url(want)}`);
  await page.waitForFunction(() => document.getElementById('sum-total').textContent === '60,180.00');
  const r = await engineEstimate(page, want);
  assert.ok(r.ok, JSON.stringify(r.err));
  await assertShows(page, r.ok);
  const url = page.url();
  // The history is replaced, not pushed.
  assert.equal(await page.evaluate(() => history.length), entries);

  const q = await openPage(browser, srv.origin);
  await q.page.goto(url);
  await waitForResult(q.page);
  assert.equal(await q.page.locator('#sum-reimbursed').textContent(), money(r.ok.totals.reimbursed));
  p.clean();
  q.clean();
  await p.close();
  await q.close();
});

test('the large-text preference lives in the link only', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  await page.goto(`${srv.origin}/#case=${b64url(CASE)}&text=large`);
  await waitForResult(page);
  assert.ok(await page.evaluate(() => document.documentElement.classList.contains('large')));
  assert.equal(await page.getByRole('button', { name: '标准字号' }).getAttribute('aria-pressed'), 'true');
  await page.getByRole('button', { name: '标准字号' }).click();
  assert.ok(!(await page.evaluate(() => document.documentElement.classList.contains('large'))));
  assert.ok(!(await page.evaluate(() => location.hash)).includes('text=large'));
  await page.getByRole('button', { name: '大字模式' }).click();
  assert.ok((await page.evaluate(() => location.hash)).endsWith('&text=large'));
  // Nothing is kept in the browser.
  const stored = await page.evaluate(async () => ({
    local: localStorage.length,
    session: sessionStorage.length,
    cookie: document.cookie,
    idb: indexedDB.databases ? (await indexedDB.databases()).length : 0,
  }));
  assert.deepEqual(stored, { local: 0, session: 0, cookie: '', idb: 0 });
  p.clean();
  await p.close();
});

test('a damaged link says so in Chinese and leaves a usable form', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  await page.goto(`${srv.origin}/#case=%%%not-base64`);
  await page.waitForSelector('#link-error:not([hidden])');
  assert.match(await page.locator('#link-error').textContent(), /分享链接不完整或已损坏/);
  assert.equal(await page.locator('fieldset.visit').count(), 1);
  p.clean();
  await p.close();
});
