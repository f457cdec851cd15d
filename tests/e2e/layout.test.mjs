// How the page looks: phone, desktop, 320 px, large text, print. Screenshots go to
// target/screenshots/ for people to look at; the assertions catch sideways scrolling, clipped
// controls and a print layout that lost its parts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSite, closeSite, openPage, waitForResult, b64url, shotsDir } from './helpers.mjs';

let srv;
let browser;
let dir;
before(async () => {
  ({ srv, browser } = await openSite());
  dir = shotsDir();
});
after(() => closeSite({ srv, browser }));

const ONE = {
  region: '620000',
  person: { category: 'low_income', conditions: ['hypertension'] },
  visits: [{ kind: 'inpatient', level: 'county', date: '2024-03-18', total: '30000', out_of_catalog: '2000', class_b_self_pay: '1000' }],
};
const YEAR = {
  region: '620000',
  person: {
    category: 'poverty_registered',
    conditions: ['hypertension'],
    year_to_date: { basic_inpatient_paid: '3000', general_outpatient_paid: '0', critical_compliant: '1500', critical_paid: '0', assistance_paid: '200' },
  },
  visits: [
    { kind: 'inpatient', level: 'county', date: '2024-03-01', total: '12000', out_of_catalog: '1000' },
    { kind: 'inpatient', level: 'municipal', date: '2024-08-01', total: '30000', out_of_catalog: '2000', class_b_self_pay: '500' },
    { kind: 'inpatient', level: 'provincial', date: '2024-11-20', total: '86000' },
  ],
};

/** No sideways scroll, and no control wider than the viewport. */
async function assertFits(page, where) {
  const r = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const over = [...document.querySelectorAll('body *')]
      .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > w + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`);
    // Text sticking out of its own box (a long amount in a narrow card).
    const spill = [...document.querySelectorAll('dd, dt, td, th, p, li, label, legend, h1, h2, h3, h4, button, summary')]
      .filter((e) => e.getClientRects().length && e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== 'inline')
      .filter((e) => {
        // visually hidden (1 px clipped) text is for screen readers only
        for (let a = e; a; a = a.parentElement) if (a.getBoundingClientRect().width <= 1) return false;
        return true;
      })
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} “${e.textContent.trim().slice(0, 20)}” ${e.scrollWidth}>${e.clientWidth}`);
    return { scroll: document.documentElement.scrollWidth, w, over, spill };
  });
  assert.deepEqual(r.spill, [], `${where}: text wider than its box`);
  assert.ok(r.scroll <= r.w, `${where}: page scrolls sideways (${r.scroll} > ${r.w}): ${r.over.join(', ')}`);
  assert.deepEqual(r.over, [], `${where}: elements beyond the right edge`);
}

async function shoot(page, name) {
  // The phone amounts bar is fixed to the viewport; in a full-page picture it would float mid-page.
  await page.evaluate(() => (document.getElementById('peek').hidden = true));
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  await page.evaluate(() => (document.getElementById('peek').hidden = false));
}

const VIEWS = [
  ['phone-375x667', { width: 375, height: 667 }, '', ONE],
  ['desktop-1280x800', { width: 1280, height: 800 }, '', ONE],
  ['narrow-320', { width: 320, height: 640 }, '', YEAR],
  ['phone-375-large-text', { width: 375, height: 667 }, '&text=large', ONE],
  ['narrow-320-large-text', { width: 320, height: 640 }, '&text=large', YEAR],
  ['desktop-1280-year', { width: 1280, height: 800 }, '', YEAR],
  ['desktop-1280-large-text', { width: 1280, height: 800 }, '&text=large', YEAR],
];

for (const [name, viewport, extra, c] of VIEWS) {
  test(`layout ${name}`, async () => {
    const p = await openPage(browser, srv.origin, { viewport });
    const { page } = p;
    await page.goto(`${srv.origin}/#case=${b64url(c)}${extra}`);
    await waitForResult(page);
    await page.$$eval('details', (ds) => ds.forEach((d) => (d.open = true)));
    await assertFits(page, name);
    await shoot(page, name);
    p.clean();
    await p.close();
  });
}

test('the empty form at 375 × 667 fits and shows the first fields', async () => {
  const p = await openPage(browser, srv.origin, { viewport: { width: 375, height: 667 } });
  const { page } = p;
  await page.goto(srv.origin + '/');
  await page.waitForSelector('#region option[value="620000"]', { state: 'attached' });
  await assertFits(page, 'empty form');
  await page.screenshot({ path: join(dir, 'phone-375x667-empty.png') });
  // The region choice is on the first screen.
  const box = await page.getByLabel('参保地区').boundingBox();
  assert.ok(box.y + box.height < 667, 'region select is on the first screen');
  p.clean();
  await p.close();
});

test('on a phone, the two key amounts stay in view while the form is being filled', async () => {
  const p = await openPage(browser, srv.origin, { viewport: { width: 375, height: 667 } });
  const { page } = p;
  await page.goto(srv.origin + '/');
  await page.getByLabel('参保地区').selectOption('620000');
  const total = page.locator('fieldset.visit').first().getByLabel('费用总额（元）');
  await total.fill('30000');
  await page.waitForSelector('#peek.on', { state: 'visible' });
  assert.equal(await page.locator('#peek-r').textContent(), await page.locator('#sum-reimbursed').textContent());
  // The bar never hides the field being typed in.
  const bar = await page.locator('#peek').boundingBox();
  const field = await total.boundingBox();
  assert.ok(field.y + field.height <= bar.y, 'the focused field is above the bar');
  await page.screenshot({ path: join(dir, 'phone-375x667-typing.png') });
  // Once the result itself is in view, the bar goes away.
  await page.locator('#result-heading').scrollIntoViewIfNeeded();
  await page.waitForSelector('#peek.on', { state: 'detached' });
  p.clean();
  await p.close();
});

test('200% text zoom at 640 px still fits (same as 320 px at 100%)', async () => {
  // bypassCSP only so that the test can add its own stylesheet, as a browser's text-size setting would.
  const p = await openPage(browser, srv.origin, { viewport: { width: 640, height: 800 }, bypassCSP: true });
  const { page } = p;
  await page.goto(`${srv.origin}/#case=${b64url(YEAR)}`);
  await waitForResult(page);
  // Double the root size on top of the large-text mode, as a browser text-size setting would.
  await page.evaluate(() => document.documentElement.classList.toggle('large', false));
  await page.addStyleTag({ content: 'html { font-size: 200% !important; }' });
  await page.evaluate(() => new Promise(requestAnimationFrame));
  assert.equal(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize), '32px');
  await assertFits(page, '200% text');
  await shoot(page, 'text-200pct-640');
  await p.close();
});

test('print: A4 summary with inputs, breakdown, explanation, sources, date and disclaimer', async () => {
  const p = await openPage(browser, srv.origin, { viewport: { width: 794, height: 1123 } });
  const { page } = p;
  await page.goto(`${srv.origin}/#case=${b64url(YEAR)}`);
  await waitForResult(page);
  await page.emulateMedia({ media: 'print' });
  await shoot(page, 'print-a4');
  const vis = await page.evaluate(() => {
    const seen = (sel) => {
      const e = document.querySelector(sel);
      return !!e && getComputedStyle(e).display !== 'none' && e.getClientRects().length > 0;
    };
    return {
      form: seen('#case-form'),
      inputs: seen('#print-inputs'),
      date: seen('#print-date') && document.getElementById('print-date').textContent.length > 0,
      breakdown: seen('#breakdown'),
      steps: seen('#steps'),
      policy: seen('#policy-line') && seen('#sources'),
      disclaimer: seen('.disclaimer'),
      buttons: seen('#print') || seen('#copy-link'),
      header: seen('.top'),
    };
  });
  assert.deepEqual(vis, { form: false, inputs: true, date: true, breakdown: true, steps: true, policy: true, disclaimer: true, buttons: false, header: false });
  const inputs = await page.locator('#print-inputs').innerText();
  assert.match(inputs, /参保地区\s*甘肃省/);
  assert.match(inputs, /第 3 次就诊/);
  assert.match(await page.locator('.disclaimer').innerText(), /本结果为测算，不作为结算依据/);
  // A real A4 PDF as well, for people to check the page breaks.
  await page.pdf({ path: join(dir, 'print-a4.pdf'), format: 'A4', printBackground: true, preferCSSPageSize: true });
  p.clean();
  await p.close();
});
