// The page's main flows, written once for every engine (drivers.mjs). The expected amounts are the
// engine's own, checked by hand or with `yibao estimate` where they are written down, so the
// same numbers must appear in Chromium, Firefox and WebKit.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { b64url, shotsDir } from '../e2e/helpers.mjs';

/** 甘肃 2018, a 低保 resident's county admission (tests/e2e/engine.test.mjs checks it by hand). */
export const GANSU = {
  region: '620000',
  person: { category: 'low_income', conditions: [] },
  visits: [{ kind: 'inpatient', level: 'county', date: '2024-03-18', total: '30000', out_of_catalog: '2000', class_b_self_pay: '1000' }],
};
const GANSU_ROW = ['30,000.00', '27,000.00', '19,875.00', '3,690.00', '2,404.50', '4,030.50'];

const V = (i) => `#visits fieldset.visit:nth-of-type(${i + 1})`;

/** A date input's value as a person's picker sets it (typing into one differs by engine and locale). */
function setDate(page, css, value) {
  return page.eval(
    (css, value) => {
      const el = document.querySelector(css);
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    css,
    value,
  );
}

const text = (page, css) => page.eval((css) => document.querySelector(css).textContent.trim(), css);
const ready = (page) => page.waitFor(() => Boolean(document.querySelector('#region option[value="620000"]')));
const result = (page, total) =>
  page.waitFor((total) => !document.getElementById('result-body').hidden && document.getElementById('sum-total').textContent === total, total);

async function gansuShown(page) {
  await result(page, '30,000.00');
  assert.equal(await text(page, '#sum-reimbursed'), '25,969.50');
  assert.equal(await text(page, '#sum-oop'), '4,030.50');
  const row = await page.eval(() => [...document.querySelectorAll('#breakdown tbody td')].map((td) => td.textContent));
  assert.deepEqual(row, GANSU_ROW);
  assert.match(await text(page, '#sources'), /甘政办发〔2018〕72号/);
}

async function fillVisit(page, i, v) {
  await page.select(`${V(i)} [data-field="kind"]`, v.kind);
  if (v.condition) await page.select(`${V(i)} [data-field="condition"]`, v.condition);
  await page.select(`${V(i)} [data-field="level"]`, v.level);
  await setDate(page, `${V(i)} [data-field="date"]`, v.date);
  await page.type(`${V(i)} [data-field="total"]`, v.total);
  if (v.out_of_catalog || v.class_b_self_pay) {
    await page.click(`${V(i)} details[data-more] > summary`);
    if (v.out_of_catalog) await page.type(`${V(i)} [data-field="out_of_catalog"]`, v.out_of_catalog);
    if (v.class_b_self_pay) await page.type(`${V(i)} [data-field="class_b_self_pay"]`, v.class_b_self_pay);
  }
}

export const FLOWS = [
  {
    name: 'a resident fills one admission and sees the engine’s amounts',
    async run(page, origin) {
      await page.goto(origin + '/');
      await ready(page);
      await page.select('#region', '620000');
      await page.select('#category', 'low_income');
      await fillVisit(page, 0, GANSU.visits[0]);
      await page.click('#calc');
      await gansuShown(page);
    },
  },
  {
    name: 'a shared #case= link opens on its result',
    async run(page, origin, _srv, engine) {
      await page.goto(`${origin}/#case=${b64url(GANSU)}`);
      await gansuShown(page);
      // The form is the case again.
      assert.equal(await page.eval(() => document.getElementById('category').value), 'low_income');
      // Every engine tested has the WebAssembly features of the default build.
      assert.equal(await page.eval(async () => (await (await import('./pkg/index.js')).load()).build), 'default');
      await page.screenshot(join(shotsDir(), `engine-${engine.toLowerCase().replace(/\W+/g, '-')}-375.png`));
    },
  },
  {
    name: 'staff enter a year of visits with amounts already paid',
    async run(page, origin) {
      await page.goto(origin + '/');
      await ready(page);
      await page.select('#region', '620000');
      await page.select('#category', 'poverty_registered');
      await page.click('input[name="condition"][value="hypertension"]');
      const visits = [
        { kind: 'inpatient', level: 'county', date: '2024-03-01', total: '12000', out_of_catalog: '1000' },
        { kind: 'inpatient', level: 'municipal', date: '2024-08-01', total: '30000', out_of_catalog: '2000', class_b_self_pay: '500' },
        { kind: 'chronic_outpatient', condition: 'hypertension', level: 'township', date: '2024-09-10', total: '800', out_of_catalog: '0' },
      ];
      for (const [i, v] of visits.entries()) {
        if (i > 0) await page.click('#add-visit');
        await fillVisit(page, i, v);
      }
      await page.click('#ytd > summary');
      await page.type('#ytd-basic_inpatient_paid', '3000');
      await page.type('#ytd-critical_compliant', '1500');
      await page.type('#ytd-assistance_paid', '200');
      await page.click('#calc');
      // `yibao estimate` on the same case: 基本医保 7,875 + 17,355 + 390; 大病 1,890 + 7,442.90 +
      // 315.70; 救助 0 + 562.26 + 56.58.
      await result(page, '42,800.00');
      assert.equal(await text(page, '#sum-reimbursed'), '35,887.44');
      assert.equal(await text(page, '#sum-oop'), '6,912.56');
      const basic = await page.eval(() => [...document.querySelectorAll('#breakdown tbody tr')].map((tr) => tr.children[3].textContent));
      assert.deepEqual(basic, ['7,875.00', '17,355.00', '390.00']);
    },
  },
  {
    name: 'a negative total gets the engine’s message next to the field',
    async run(page, origin) {
      await page.goto(origin + '/');
      await ready(page);
      await page.select('#region', '620000');
      await setDate(page, `${V(0)} [data-field="date"]`, '2024-03-18');
      await page.type(`${V(0)} [data-field="total"]`, '-500');
      await page.click('#calc');
      await page.waitFor(() => Boolean(document.querySelector('.field-error[data-generated]')));
      const shown = await page.eval((css) => {
        const input = document.querySelector(css);
        const msg = document.getElementById(input.getAttribute('aria-describedby'));
        return {
          invalid: input.getAttribute('aria-invalid'),
          beside: Boolean(msg && input.closest('.field').contains(msg)),
          text: msg ? msg.textContent.trim() : '',
          focused: document.activeElement === input,
        };
      }, `${V(0)} [data-field="total"]`);
      // `yibao estimate`: "总费用不能为负数 (total must not be negative)"; the page shows the Chinese.
      assert.deepEqual(shown, { invalid: 'true', beside: true, text: '总费用不能为负数', focused: true });
    },
  },
  {
    name: 'the MVP build, where the engine lacks the default build’s features, gives the same result',
    // Only where a script can run before the page's own (not classic WebDriver).
    needs: 'preload',
    async run(page, origin) {
      // The loader's feature checks validate small modules: refusing them all is an engine
      // without reference types, multi-value, bulk memory, sign extension or saturating casts.
      await page.preload(() => {
        WebAssembly.validate = () => false;
      });
      await page.goto(`${origin}/#case=${b64url(GANSU)}`);
      await gansuShown(page);
      const build = await page.eval(async () => (await (await import('./pkg/index.js')).load()).build);
      assert.equal(build, 'mvp');
      const wasm = await page.eval(() => performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname).filter((p) => p.endsWith('.wasm')));
      assert.ok(wasm.includes('/pkg/mvp/yibao_bg.wasm'), wasm.join(', '));
    },
  },
  {
    name: 'embedded in a portal page, the calculator works and the iframe takes its height',
    viewport: { width: 1024, height: 768 },
    async run(page, origin) {
      await page.goto(origin + '/embed-example.html');
      // ?region= in the iframe's address preselects the portal's region.
      await page.waitFor(() => document.querySelector('#yibao-frame').contentDocument?.getElementById('region')?.value === '620000');
      await page.eval(() => {
        const doc = document.querySelector('#yibao-frame').contentDocument;
        const set = (css, value) => {
          const el = doc.querySelector(css);
          el.value = value;
          el.dispatchEvent(new Event('input', { bubbles: true }));
        };
        set('fieldset.visit [data-field="date"]', '2024-03-18');
        set('fieldset.visit [data-field="total"]', '30000');
      });
      await page.waitFor(() => {
        const f = document.querySelector('#yibao-frame');
        const doc = f.contentDocument;
        if (doc.getElementById('result-body').hidden) return false;
        const h = Math.ceil(doc.documentElement.getBoundingClientRect().height);
        return Math.abs(Number(f.getAttribute('height')) - h) <= 2 && h > 900;
      });
      const reimbursed = await page.eval(() => document.querySelector('#yibao-frame').contentDocument.getElementById('sum-reimbursed').textContent);
      assert.match(reimbursed, /^[\d,]+\.\d\d$/);
    },
  },
  {
    name: 'after the first visit the page works with the server gone (service worker)',
    // Its own server, stopped halfway.
    ownServer: true,
    async run(page, origin, srv) {
      const link = `${origin}/#case=${b64url(GANSU)}`;
      await page.goto(link);
      await gansuShown(page);
      await page.waitFor(() => navigator.serviceWorker?.controller != null);
      // The worker caches what the page loaded as it installs; wait until the engine is in.
      await page.waitFor(async () => {
        const keys = await (await caches.open('yibao-v1')).keys();
        return keys.some((r) => r.url.endsWith('/pkg/yibao_bg.wasm') || r.url.endsWith('/pkg/mvp/yibao_bg.wasm'));
      });
      await srv.stop();
      await page.reload();
      await gansuShown(page);
    },
  },
];
