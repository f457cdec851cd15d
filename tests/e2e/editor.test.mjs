// The pack editor (www/editor.html), used as a 医保局 operator would: a pack like 泉州's built from
// the national baseline through the form (levels added and removed, values and sources entered),
// exported, checked by `yibao validate` and used by `yibao estimate`; an invalid value refused
// next to its field; the export imported back; the preview following a changed value; keyboard
// use and axe; screenshots at 375 and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openPage, openSite, closeSite, shotsDir, ROOT, axeViolations } from './helpers.mjs';

const OUT = join(ROOT, 'target', 'editor-test');

let srv;
let browser;
before(async () => ({ srv, browser } = await openSite()));
after(() => closeSite({ srv, browser }));

/** The command line, as an operator runs it on the exported file. */
function yibao(...args) {
  let bin = join(ROOT, 'target', 'debug', 'yibao');
  if (!existsSync(bin)) {
    execFileSync('cargo', ['build', '-q', '--bin', 'yibao'], { cwd: ROOT, stdio: 'inherit' });
  }
  try {
    return { status: 0, out: execFileSync(bin, args, { encoding: 'utf8' }) };
  } catch (e) {
    return { status: e.status, out: e.stdout, err: e.stderr };
  }
}

const field = (page, pointer) => page.locator(`[data-pointer="${pointer}"]`);

async function open(opts = {}) {
  const p = await openPage(browser, srv.origin, opts);
  await p.page.goto(`${srv.origin}/editor.html`);
  await p.page.waitForFunction(() => document.querySelectorAll('.ed-param').length > 10 && /参数/.test(document.getElementById('edit-status').textContent));
  return p;
}

/** Waits until the engine has checked the edit (the page validates 150 ms after typing stops). */
async function settled(page, valid = true) {
  await page.waitForFunction((v) => {
    if (document.documentElement.dataset.pending) return false;
    const s = document.getElementById('edit-status');
    return v ? /政策包有效|尚未修改/.test(s.textContent) : s.classList.contains('error');
  }, valid);
}

/** The export button, pressed from the keyboard (it stays focusable while an error stands). */
async function pressExport(page) {
  await page.locator('#export').focus();
  await page.keyboard.press('Enter');
}

async function addToMap(page, mapPointer, id) {
  const add = page.locator(`[data-pointer="${mapPointer}"] > .ed-add`);
  const control = add.locator('input, select').first();
  if (await control.evaluate((x) => x.tagName === 'SELECT')) await control.selectOption(id);
  else await control.fill(id);
  await add.getByRole('button').click();
}

async function download(page, trigger) {
  const [d] = await Promise.all([page.waitForEvent('download'), trigger()]);
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, d.suggestedFilename());
  await d.saveAs(path);
  return path;
}

test('a pack like 泉州’s, built from the national baseline through the form, validates and estimates in the CLI', async () => {
  const p = await open();
  const { page } = p;
  assert.equal(await page.locator('#base-pack').inputValue(), 'national-baseline');
  await page.getByLabel('政策包编号 id').fill('quanzhou-ui');
  await page.getByLabel('政策包名称').fill('泉州市城乡居民医保（编辑器录入）');
  await page.getByLabel('地区代码').fill('350500');
  await page.getByLabel('地区名称').fill('泉州市');
  await page.getByLabel('起始日期').fill('2023-10-18');

  // The document the figures come from.
  await page.getByRole('button', { name: '新增文件来源' }).click();
  await field(page, '/sources/doc-1/number').fill('南安市人民政府网站互动知识库');
  await field(page, '/sources/doc-1/title').fill('医疗保障问答');
  await field(page, '/sources/doc-1/date').fill('2023-10-18');
  await field(page, '/sources/doc-1/url').fill('http://nanan.gov.cn/wsbs/hdzsk/ylbzj/202310/t20231018_2953647.htm');

  // 泉州 grades its hospitals in four tiers instead of the baseline's five levels.
  const tiers = [
    ['tier1', '一级及以下', 1, '50', '0.92'],
    ['tier2', '二级', 2, '300', '0.82'],
    ['tier3', '三级（市属）', 3, '700', '0.65'],
    ['out_of_city', '市域外医院', 4, '700', '0.45'],
  ];
  for (const [id, name, rank] of tiers) {
    await addToMap(page, '/levels', id);
    await field(page, `/levels/${id}/name`).fill(name);
    await field(page, `/levels/${id}/rank`).fill(String(rank));
  }
  for (const id of ['village', 'township', 'county', 'municipal', 'provincial']) {
    await page.locator(`[data-pointer="/levels/${id}"]`).getByRole('button', { name: /^删除/ }).click();
  }
  assert.equal(await page.locator('[data-pointer="/levels/county"]').count(), 0, 'a removed level is gone from the form');
  assert.equal(await page.locator('[data-pointer="/basic/inpatient/levels/county"]').count(), 0, 'and from the 住院 levels that named it');
  for (const [id, , , deductible, rate] of tiers) {
    await addToMap(page, '/basic/inpatient/levels', id);
    await field(page, `/basic/inpatient/levels/${id}/deductible`).fill(deductible);
    await field(page, `/basic/inpatient/levels/${id}/rate`).fill(rate);
  }
  await field(page, '/basic/inpatient/repeat_deductible_factors').fill('1, 0.5, 0');
  await field(page, '/basic/inpatient/referral/alliance').selectOption('waived');
  await addToMap(page, '/basic/general_outpatient/levels', 'tier1');
  await field(page, '/basic/general_outpatient/levels/tier1/rate').fill('0.70');
  await field(page, '/basic/general_outpatient/annual_cap').fill('600');
  await field(page, '/critical_illness/annual_cap').fill('250000');

  // Where 三级's deductible comes from.
  const row = page.locator('[data-param="/basic/inpatient/levels/tier3/deductible"]');
  await row.getByText('填写依据').click();
  await row.getByLabel('依据类型').selectOption('document');
  await row.getByLabel('文件').selectOption('doc-1');
  await row.getByLabel('条款（原文摘录或条款序号）').fill('三级医院（市域内）：起付线700元，报销比例65%');
  await settled(page);
  assert.match(await row.locator('.ed-prov').textContent(), /文件规定 南安市人民政府网站互动知识库 三级医院/);
  // A changed value without a source is shown as an example, not as the baseline's document.
  assert.match(await page.locator('[data-param="/critical_illness/annual_cap"] .ed-prov').textContent(), /已修改（原值 不设限额）.*示例.*尚未填写文件依据/);

  const file = await download(page, () => pressExport(page));
  assert.ok(file.endsWith('quanzhou-ui.json'));
  const pack = JSON.parse(readFileSync(file, 'utf8'));
  // A child of the baseline holding only what changed, each change with its provenance.
  assert.equal(pack.extends, 'national-baseline');
  assert.equal(pack.format, 'yibao-policy/2');
  assert.deepEqual(pack.levels.village, null);
  assert.deepEqual(pack.levels.tier3, { name: '三级（市属）', rank: 3 });
  assert.deepEqual(pack.basic.inpatient.repeat_deductible_factors, ['1', '0.5', '0']);
  assert.equal(pack.basic.inpatient.annual_cap, undefined, 'an unchanged value is inherited, not copied');
  assert.equal(pack.basic.two_diseases, undefined);
  assert.deepEqual(pack.provenance['/basic/inpatient/levels/tier3/deductible'], { basis: 'document', source: 'doc-1', clause: '三级医院（市域内）：起付线700元，报销比例65%' });
  assert.equal(pack.provenance['/critical_illness/annual_cap'].basis, 'illustrative');
  assert.equal(pack.sources['doc-1'].url, 'http://nanan.gov.cn/wsbs/hdzsk/ylbzj/202310/t20231018_2953647.htm');

  const validated = yibao('validate', file);
  assert.equal(validated.status, 0, validated.err);
  // Two admissions at 三级 in 2024: 20,000 each, 85% in scope (the baseline's estimate) = 17,000.
  // 1st: (17,000 − 700) × 65% = 10,595.00; 2nd: deductible × 0.5 = 350 → 16,650 × 65% = 10,822.50.
  const c = { person: { category: 'ordinary', conditions: [] }, visits: ['2024-03-01', '2024-05-01'].map((date) => ({ kind: 'inpatient', level: 'tier3', date, total: '20000' })) };
  const caseFile = join(OUT, 'case.json');
  writeFileSync(caseFile, JSON.stringify(c));
  const est = yibao('estimate', '--policy', file, caseFile);
  assert.equal(est.status, 0, est.err);
  const out = JSON.parse(est.out);
  assert.deepEqual(out.visits.map((v) => v.basic), ['10595.00', '10822.50']);
  // The same as the bundled 泉州 pack for this case.
  writeFileSync(caseFile, JSON.stringify({ ...c, policy: 'quanzhou-2023' }));
  const bundled = JSON.parse(yibao('estimate', caseFile).out);
  assert.deepEqual(out.visits.map((v) => v.basic), bundled.visits.map((v) => v.basic));
  p.clean();
  await p.close();
});

test('an invalid value is refused next to its field, in Chinese and English, and export waits for it', async () => {
  const p = await open();
  const { page } = p;
  const threshold = field(page, '/critical_illness/threshold');
  await threshold.fill('-1');
  await settled(page, false);
  assert.equal(await threshold.getAttribute('aria-invalid'), 'true');
  const errId = (await threshold.getAttribute('aria-describedby')).split(' ').find((x) => x.endsWith('-err'));
  const message = await page.locator(`#${errId}`).textContent();
  assert.match(message, /大病保险起付线/);
  assert.match(message, /critical-illness threshold/);
  assert.match(await page.locator('#edit-status').textContent(), /有 1 处需要修改.*起付线/);
  let downloaded = false;
  page.on('download', () => (downloaded = true));
  await pressExport(page);
  assert.match(await page.locator('#export-status').textContent(), /政策包还有错误/);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.pointer), '/critical_illness/threshold', 'export takes the user to the error');
  await page.waitForTimeout(300);
  assert.equal(downloaded, false, 'nothing is exported while an error stands');
  await threshold.fill('12000');
  await settled(page);
  assert.equal(await threshold.getAttribute('aria-invalid'), null);
  assert.equal(await page.locator(`#${errId}`).isHidden(), true);
  p.clean();
  await p.close();
});

test('an exported pack imported back restores the same state', async () => {
  const p = await open();
  const { page } = p;
  await page.locator('#base-pack').selectOption('gansu-2018');
  await page.waitForFunction(() => /gansu-2018/.test(document.getElementById('meta-id').value));
  await page.getByLabel('政策包编号 id').fill('gansu-reform');
  await field(page, '/critical_illness/threshold').fill('4000');
  const layer = '/medical_assistance/layers';
  await page.locator(`[data-pointer="${layer}"]`).getByRole('button', { name: '添加一层' }).click();
  const n = await page.locator(`[data-pointer="${layer}"] > fieldset.ed-entry`).count();
  await field(page, `${layer}/${n - 1}/name`).fill('倾斜救助');
  await addToMap(page, `${layer}/${n - 1}/categories`, 'low_income');
  await field(page, `${layer}/${n - 1}/categories/low_income/rate`).fill('0.5');
  await settled(page);
  const before = await page.locator('#export-json').inputValue();
  const file = await download(page, () => pressExport(page));
  assert.equal(readFileSync(file, 'utf8').trim(), before.trim());

  // A fresh page, another base: importing the file brings back the base, the values and the export.
  await page.reload();
  await page.waitForFunction(() => document.querySelectorAll('.ed-param').length > 10);
  await page.locator('#import-file').setInputFiles(file);
  await page.waitForFunction(() => document.getElementById('meta-id').value === 'gansu-reform');
  await settled(page);
  assert.equal(await page.locator('#base-pack').inputValue(), 'gansu-2018');
  assert.equal(await field(page, '/critical_illness/threshold').inputValue(), '4000');
  assert.equal(await field(page, `${layer}/${n - 1}/name`).inputValue(), '倾斜救助');
  assert.equal(await page.locator('#export-json').inputValue(), before);
  assert.match(await page.locator('#start-status').textContent(), /已导入/);
  p.clean();
  await p.close();
});

test('the preview estimates the sample cases under both packs and marks what a change moves', async () => {
  const p = await open();
  const { page } = p;
  const rows = page.locator('#preview tbody tr');
  assert.ok((await rows.count()) >= 10, 'cases for each level, outpatient kinds and every category');
  const county = rows.filter({ hasText: '住院 · 县级医院 · 2 万元' });
  // Baseline: (20,000 × 85% − 500) × 75% = 12,375.00.
  assert.equal((await county.locator('td').first().textContent()).trim(), '12,375.00');
  assert.equal(await page.locator('#preview td.diff').count(), 0);
  await field(page, '/basic/inpatient/levels/county/rate').fill('0.8');
  await settled(page);
  // (17,000 − 500) × 80% = 13,200.00; 个人负担 falls by the same 825.00 (7,625.00 → 6,800.00).
  const cell = county.locator('td').first();
  await page.waitForFunction(() => document.querySelectorAll('#preview td.diff').length > 0);
  assert.equal(await cell.locator('del').textContent(), '12,375.00');
  assert.equal(await cell.locator('ins').textContent(), '13,200.00');
  assert.equal(await county.locator('td').nth(3).locator('ins').textContent(), '6,800.00');
  // Other levels' rows do not move.
  assert.equal(await rows.filter({ hasText: '住院 · 市级医院 · 2 万元' }).locator('td.diff').count(), 0);
  p.clean();
  await p.close();
});

test('keyboard only: a value changed and its source chosen without a mouse', async () => {
  const p = await open();
  const { page } = p;
  await field(page, '/basic/general_outpatient/annual_cap').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('500');
  await page.keyboard.press('Tab'); // → 填写依据
  assert.equal(await page.evaluate(() => document.activeElement.textContent), '填写依据');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab'); // → 依据类型
  await page.keyboard.press('ArrowDown'); // document → guidance? options: document, guidance, illustrative
  await settled(page);
  const entry = await page.evaluate(() => JSON.parse(document.getElementById('export-json').value).provenance['/basic/general_outpatient/annual_cap']);
  assert.ok(entry, 'the change carries a provenance entry');
  assert.equal(JSON.parse(await page.locator('#export-json').inputValue()).basic.general_outpatient.annual_cap, '500');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(ring, 'none', 'the focus is visible');
  p.clean();
  await p.close();
});

test('axe finds nothing serious, and the page fits 375 and 1280 px (screenshots)', async () => {
  for (const viewport of [{ width: 375, height: 667 }, { width: 1280, height: 800 }]) {
    const p = await open({ viewport, bypassCSP: true });
    const { page } = p;
    await field(page, '/critical_illness/threshold').fill('abc');
    await settled(page, false);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], JSON.stringify(violations, null, 1));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `no sideways scroll at ${viewport.width} px`);
    await page.screenshot({ path: join(shotsDir(), `editor-${viewport.width}.png`) });
    await field(page, '/critical_illness/threshold').evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(shotsDir(), `editor-${viewport.width}-error.png`) });
    if (viewport.width === 1280) {
      await page.emulateMedia({ media: 'print' });
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
      const printed = await page.locator('#print-table tbody tr').count();
      assert.ok(printed > 40, `the print view lists every parameter (${printed})`);
      assert.match(await page.locator('#print-table').textContent(), /大病保险 · 起付线/);
      await page.pdf({ path: join(shotsDir(), 'editor-print.pdf'), format: 'A4' });
    }
    p.clean();
    await p.close();
  }
});
