// Bad input: the engine's Chinese message appears next to the field it names, never as a dialog
// or a stack trace, and no result is shown for it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, engineEstimate, openSite, closeSite } from './helpers.mjs';

let srv;
let browser;
before(async () => ({ srv, browser } = await openSite()));
after(() => closeSite({ srv, browser }));

const zh = (m) => m.split(' (')[0];
const CJK = /[\u4e00-\u9fff]/;

async function start(page) {
  await page.goto(srv.origin + '/');
  await page.getByLabel('参保地区').selectOption('620000');
  const visit = page.locator('fieldset.visit').first();
  await visit.getByLabel(/就诊日期/).fill('2024-03-18');
  return visit;
}

/** The error shown for a field: inside its .field, linked by aria-describedby, marked invalid. */
async function errorFor(page, input) {
  await page.waitForSelector('.field-error[data-generated]');
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  const id = await input.getAttribute('aria-describedby');
  assert.ok(id, 'aria-describedby points at the message');
  const msg = page.locator(`#${id}`);
  // Next to the field: same .field wrapper.
  const sameField = await input.evaluate((el, id) => el.closest('.field').contains(document.getElementById(id)), id);
  assert.ok(sameField, 'the message sits next to the field');
  assert.ok(await msg.isVisible());
  return (await msg.textContent()).trim();
}

async function noStackTrace(page) {
  const body = await page.locator('body').innerText();
  assert.doesNotMatch(body, /\bat \S+:\d+|Error:|undefined|\[object Object\]|NaN/);
  assert.ok(await page.locator('#result-body').isHidden(), 'no result for bad input');
}

test('a negative total gets the engine’s Chinese message next to 费用总额', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  const visit = await start(page);
  const total = visit.getByLabel('费用总额（元）');
  await total.fill('-500');
  await page.getByRole('button', { name: '计算报销' }).click();
  const shown = await errorFor(page, total);
  const r = await engineEstimate(page, { region: '620000', person: { category: 'ordinary', conditions: [] }, visits: [{ kind: 'inpatient', level: 'county', date: '2024-03-18', total: '-500' }] });
  assert.ok(r.err, 'the engine refuses a negative amount');
  assert.equal(r.err.path, 'visits[0].total');
  assert.ok(shown.includes(zh(r.err.message)), `shown “${shown}”`);
  assert.match(shown, CJK);
  assert.ok(!shown.includes('(amount'), 'only the Chinese half is shown');
  // Focus goes to the field so it can be corrected at once.
  assert.equal(await page.evaluate(() => document.activeElement.dataset.path), 'visits[0].total');
  // The summary in the result area links to the field.
  assert.ok((await page.locator('#result-empty .error-list a').first().textContent()).includes(zh(r.err.message)));
  await noStackTrace(page);
  // Correcting it clears the message and shows a result.
  await total.fill('500');
  await page.waitForSelector('#result-body:not([hidden])');
  assert.equal(await page.locator('.field-error[data-generated]').count(), 0);
  assert.equal(await total.getAttribute('aria-invalid'), null);
  p.clean();
  await p.close();
});

test('全自费 larger than the total is flagged on the field the engine names', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  const visit = await start(page);
  await visit.getByLabel('费用总额（元）').fill('1000');
  await visit.getByText('按结算单填写更准确').click();
  await visit.getByLabel('全自费（元）').fill('1500');
  await page.getByRole('button', { name: '计算报销' }).click();
  const c = { region: '620000', person: { category: 'ordinary', conditions: [] }, visits: [{ kind: 'inpatient', level: 'county', date: '2024-03-18', total: '1000', out_of_catalog: '1500' }] };
  const r = await engineEstimate(page, c);
  assert.ok(r.err, 'the engine refuses it');
  const field = page.locator(`[data-path="${r.err.path}"]`);
  assert.equal(await field.count(), 1, `the page has a field for ${r.err.path}`);
  const shown = await errorFor(page, field);
  assert.ok(shown.includes(zh(r.err.message)), `shown “${shown}”`);
  await noStackTrace(page);
  p.clean();
  await p.close();
});

test('text that is not an amount, and empty required fields, are explained', async () => {
  const p = await openPage(browser, srv.origin, { viewport: { width: 375, height: 667 } });
  const { page } = p;
  await page.goto(srv.origin + '/');
  await page.getByRole('button', { name: '计算报销' }).click();
  // Nothing chosen yet: the page asks for the region and the total, in Chinese.
  assert.match(await errorFor(page, page.getByLabel('参保地区')), /请选择参保地区/);
  assert.match(await page.locator('fieldset.visit .field-error').textContent(), /请填写费用总额/);
  await page.getByLabel('参保地区').selectOption('620000');
  const total = page.locator('fieldset.visit').first().getByLabel('费用总额（元）');
  await total.fill('一千元');
  await page.waitForFunction(() => document.querySelector('[data-path="visits[0].total"]').getAttribute('aria-invalid') === 'true');
  const shown = await errorFor(page, total);
  assert.match(shown, CJK);
  // Full-width digits and thousands separators, as people type them, are accepted.
  await total.fill('１２,０００');
  await page.waitForSelector('#result-body:not([hidden])');
  assert.equal(await page.locator('#sum-total').textContent(), '12,000.00');
  await noStackTrace(page).catch(() => {}); // (result is shown now; only checking no dialog below)
  p.clean();
  await p.close();
});

test('a year_to_date amount error is shown inside the opened staff section', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  const visit = await start(page);
  await visit.getByLabel('费用总额（元）').fill('1000');
  await page.locator('#ytd > summary').click();
  await page.getByLabel('大病保险已支付（元）').fill('12.345');
  await page.locator('#ytd > summary').click(); // closed again: the error must open it
  await page.getByRole('button', { name: '计算报销' }).click();
  const r = await engineEstimate(page, {
    region: '620000',
    person: { category: 'ordinary', conditions: [], year_to_date: { basic_inpatient_paid: '0', general_outpatient_paid: '0', critical_compliant: '0', critical_paid: '12.345', assistance_paid: '0' } },
    visits: [{ kind: 'inpatient', level: 'county', date: '2024-03-18', total: '1000' }],
  });
  assert.ok(r.err);
  assert.equal(r.err.path, 'person.year_to_date.critical_paid');
  const shown = await errorFor(page, page.getByLabel('大病保险已支付（元）'));
  assert.ok(shown.includes(zh(r.err.message)));
  assert.ok(await page.locator('#ytd').evaluate((d) => d.open));
  p.clean();
  await p.close();
});
