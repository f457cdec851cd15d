// axe-core on the page in its main states: no serious or critical violations.
// axe is injected as a script, so this test alone runs with bypassCSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { openPage, waitForResult, b64url, openSite, closeSite } from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let srv;
let browser;
before(async () => ({ srv, browser } = await openSite()));
after(() => closeSite({ srv, browser }));

async function axe(page) {
  await page.addScriptTag({ content: AXE });
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  });
  return res;
}

function assertNoSerious(violations, where) {
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${where}: ${JSON.stringify(bad, null, 1)}`);
}

const CASE = {
  region: '620000',
  person: { category: 'low_income', conditions: ['hypertension'] },
  visits: [
    { kind: 'inpatient', level: 'county', date: '2024-03-18', total: '30000', out_of_catalog: '2000', class_b_self_pay: '1000' },
    { kind: 'inpatient', level: 'municipal', date: '2024-08-01', total: '12000' },
  ],
};

for (const [name, url, viewport] of [
  ['empty form', '/', { width: 1280, height: 800 }],
  ['result, two visits', `/#case=${b64url(CASE)}`, { width: 1280, height: 800 }],
  ['result, phone, large text', `/#case=${b64url(CASE)}&text=large`, { width: 375, height: 667 }],
]) {
  test(`axe: ${name}`, async () => {
    const p = await openPage(browser, srv.origin, { viewport, bypassCSP: true });
    const { page } = p;
    await page.goto(srv.origin + url);
    if (url.includes('case=')) await waitForResult(page);
    else await page.waitForSelector('#region option[value="620000"]', { state: 'attached' });
    // Open every disclosure so their content is checked too.
    await page.$$eval('details', (ds) => ds.forEach((d) => (d.open = true)));
    const v = await axe(page);
    assertNoSerious(v, name);
    p.clean();
    await p.close();
  });
}

test('axe: errors shown next to fields', async () => {
  const p = await openPage(browser, srv.origin, { bypassCSP: true });
  const { page } = p;
  await page.goto(srv.origin + '/');
  await page.waitForSelector('#region option[value="620000"]', { state: 'attached' });
  await page.getByRole('button', { name: '计算报销' }).click();
  await page.waitForSelector('.field-error[data-generated]');
  assertNoSerious(await axe(page), 'errors');
  p.clean();
  await p.close();
});
