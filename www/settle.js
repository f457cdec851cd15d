// 基金结算测算: fund staff and alliance finance offices enter a year's budget inputs, spending and
// assessment, and see the settlement under a pack's `settlement` rules (settlement.md), each step
// with its document and clause. Every number comes from the engine (`settle`); this page only
// asks for what the chosen pack's rules need and shows what comes back.
import { load } from './pkg/index.js';
import { $, el } from './js/dom.js';
import { money, zhPart } from './js/vocab.js';


const BASIS = { document: '文件规定', guidance: '指导范围', illustrative: '示例' };

/** Every input the rules may need: where it goes in the case, and how people call it. */
const FIELDS = {
  persons: { box: 'st-budget', path: 'budget.persons', label: '年初核定人数（人）', kind: 'count' },
  start: { box: 'st-budget', kind: 'choice' },
  history0: { box: 'st-budget', path: 'budget.history[0]', label: '前第三年度统筹基金支付额（元）' },
  history1: { box: 'st-budget', path: 'budget.history[1]', label: '前第二年度统筹基金支付额（元）' },
  history2: { box: 'st-budget', path: 'budget.history[2]', label: '上一年度统筹基金支付额（元）' },
  previous: { box: 'st-budget', path: 'budget.previous', label: '上年度付费总额（元）' },
  growth: { box: 'st-budget', path: 'budget.growth', label: '设定的年度增长率（%）', kind: 'percent' },
  area_fund_growth: { box: 'st-budget', path: 'budget.area_fund_growth', label: '统筹区医保统筹基金年度支出增长率（%）', kind: 'percent' },
  raised: { box: 'st-budget', path: 'budget.raised', label: '年度筹资总额（元）' },
  last_year_settled: { box: 'st-budget', path: 'budget.last_year_settled', label: '上年度实际结算总额（元）' },
  fund_paid: { box: 'st-actual', path: 'actual.fund_paid', label: '统筹基金支出（元）' },
  fund_paid_outside: { box: 'st-actual', path: 'actual.fund_paid_outside', label: '医共体外就医的统筹基金支出（元）' },
  emergency_overspend: { box: 'st-actual', path: 'actual.emergency_overspend', label: '其中因突发公共卫生事件产生的合理超支（元）' },
  score: { box: 'st-assessment', path: 'assessment.score', label: '年度考核得分（0–100 分）', kind: 'decimal' },
  rank: { box: 'st-assessment', path: 'assessment.rank', label: '年度考核名次（1 为第一名）', kind: 'count' },
  risk_pool_before: { box: 'st-assessment', path: 'risk_pool_before', label: '风险调节金资金池年初余额（元）' },
};

/** Example inputs by budget method: shown as examples, never as any area's figures. */
const EXAMPLES = {
  per_capita: { persons: '1200', fund_paid: '3300000', score: '92.5', rank: '4' },
  history_average: { start: 'first', history0: '9000000', history1: '9500000', history2: '10000000', growth: '6', area_fund_growth: '5', fund_paid: '9000000', fund_paid_outside: '700000', emergency_overspend: '50000', score: '90', risk_pool_before: '2400000' },
  packaged: { raised: '50000000', fund_paid: '42000000', score: '95' },
  last_year: { last_year_settled: '20000000', fund_paid: '11000000', score: '80' },
};

const state = { engine: null, packs: [], rules: null, submitted: false, example: false };

init();

async function init() {
  try {
    state.engine = await load({ settlement: true });
  } catch (e) {
    status(e?.error?.code === 'no_webassembly' ? zhPart(e.error.message) : '计算程序没有加载成功。请检查网络后刷新页面。', true);
    return;
  }
  $('engine-version').textContent = ` 计算程序版本 ${state.engine.version()}。`;
  // The bundled packs with settlement rules, merged (a pack may inherit them).
  for (const p of state.engine.policies()) {
    const merged = state.engine.resolvePolicy({ format: 'yibao-policy/2', id: 'probe', extends: p.id });
    if (merged.settlement) state.packs.push({ id: p.id, name: p.name, settlement: merged.settlement, provenance: merged.provenance });
  }
  const select = $('st-policy');
  for (const p of state.packs) select.append(el('option', { value: p.id, text: p.name }));
  const wanted = new URLSearchParams(location.search).get('policy');
  if (state.packs.some((p) => p.id === wanted)) select.value = wanted;
  select.addEventListener('change', () => {
    buildForm();
    if (state.submitted) compute();
  });
  $('st-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.submitted = true;
    compute({ focus: true });
  });
  $('st-form').addEventListener('input', (e) => {
    if (e.target.closest('#st-budget, #st-actual, #st-assessment')) state.example = false;
    if (state.submitted) compute();
  });
  $('st-example').addEventListener('click', fillExample);
  $('st-print').addEventListener('click', () => window.print());
  status('');
  buildForm();
}

function status(text, error = false) {
  const s = $('st-status');
  s.textContent = text;
  s.hidden = !text;
  s.classList.toggle('error', error);
}

const pack = () => state.packs.find((p) => p.id === $('st-policy').value);

/** What the chosen pack's rules need, each with why. */
function needs(rules) {
  const out = [];
  const method = rules.budget.method;
  if (method === 'per_capita') out.push(['persons', '预算按人头包干：人均标准 × 年初核定人数']);
  if (method === 'history_average') out.push(['start', ''], ['history0', ''], ['history1', ''], ['history2', ''], ['previous', ''], ['growth', '年度增长率不得高于统筹区医保统筹基金年度支出增长率'], ['area_fund_growth', '']);
  if (method === 'packaged') out.push(['raised', '先从筹资总额中提取风险金，其余打包']);
  if (method === 'last_year') out.push(['last_year_settled', '预算按上年度实际结算总额确定']);
  out.push(['fund_paid', rules.outside === 'deducted' ? '医共体内的统筹基金支出' : '计入预算的统筹基金支出']);
  if (rules.outside === 'deducted') out.push(['fund_paid_outside', '年终清算时从预算中扣减']);
  if (rules.overspend?.emergency_from_risk_pool) out.push(['emergency_overspend', '这部分超支先由风险调节金分担；没有填 0']);
  const byScore = (rules.holdbacks ?? []).some((h) => h.returned === 'by_score') || rules.surplus?.method === 'by_score';
  if (byScore) out.push(['score', '按得分返还预留资金或分配结余']);
  if (rules.overspend?.absorbed_if_rank_at_most != null) out.push(['rank', `超支时，前 ${rules.overspend.absorbed_if_rank_at_most} 名纳入医共体总额包干决算，其余按比例分担`]);
  if ((rules.holdbacks ?? []).some((h) => h.returned === 'pool') || rules.overspend?.emergency_from_risk_pool) out.push(['risk_pool_before', '风险调节金累计达到上限后不再提取']);
  return out;
}

/** The pack's rules in a sentence, under the select. */
function describeRules(rules) {
  const words = { per_capita: '按人头包干', history_average: '往年支付额 × 年度增长率', packaged: '筹资总额提取风险金后打包', last_year: '按上年度实际结算总额' };
  const parts = [`预算：${words[rules.budget.method] ?? rules.budget.method}`];
  for (const h of rules.holdbacks ?? []) parts.push(`${h.name} ${pctOf(h.share)}${h.returned === 'pool' ? `（资金池上限 ${h.pool_cap_months} 个月）` : '（按考核返还）'}`);
  if (rules.outside === 'deducted') parts.push('医共体外就医费用年终扣减');
  if (rules.surplus) parts.push(`结余：${{ by_score: '按考核得分留用并按比例分配', bands: '按结余率分段留用，其余结转', all: '全部留用' }[rules.surplus.method]}`);
  if (rules.overspend) parts.push('超支：按规则分担');
  return parts.join('；') + '。';
}

function pctOf(rate) {
  return `${Number((Number(rate) * 100).toFixed(4))}%`;
}

function buildForm() {
  const p = pack();
  if (!p) return;
  const rules = p.settlement;
  $('st-policy-rules').textContent = describeRules(rules);
  const keep = {};
  for (const input of document.querySelectorAll('[data-key]')) keep[input.dataset.key] = input.type === 'radio' ? (input.checked ? input.value : keep[input.dataset.key]) : input.value;
  for (const box of ['st-budget', 'st-actual', 'st-assessment']) $(box).replaceChildren();
  for (const [key, why] of needs(rules)) {
    const f = FIELDS[key];
    if (f.kind === 'choice') {
      const fs = el('fieldset', { class: 'sub st-start' }, el('legend', { text: '哪一年' }));
      for (const [value, text] of [['first', '改革首年（按前三年度平均）'], ['later', '以后各年（按上年度付费总额）']]) {
        const r = el('input', { type: 'radio', name: 'st-start', id: `st-start-${value}`, value, 'data-key': 'start', checked: (keep.start ?? 'first') === value });
        r.addEventListener('change', showStart);
        fs.append(el('label', { for: r.id, class: 'st-radio' }, r, el('span', { text })));
      }
      $(f.box).append(fs);
      continue;
    }
    const id = `st-${key}`;
    const input = el('input', { id, 'data-key': key, 'data-path': f.path, inputmode: f.kind === 'count' ? 'numeric' : 'decimal', autocomplete: 'off', value: keep[key] ?? '', 'aria-describedby': `${id}-why ${id}-err` });
    $(f.box).append(el('div', { class: 'field', 'data-field': key }, el('label', { for: id, text: f.label }), input, el('p', { class: 'hint', id: `${id}-why`, text: why }), el('p', { class: 'field-error', id: `${id}-err`, hidden: true })));
  }
  $('st-assessment-group').hidden = !$('st-assessment').children.length;
  showStart();
}

function showStart() {
  const later = document.querySelector('input[name="st-start"]:checked')?.value === 'later';
  for (const key of ['history0', 'history1', 'history2']) {
    const f = document.querySelector(`[data-field="${key}"]`);
    if (f) f.hidden = later;
  }
  const prev = document.querySelector('[data-field="previous"]');
  if (prev) prev.hidden = !later;
}

function fillExample() {
  const p = pack();
  const ex = EXAMPLES[p.settlement.budget.method] ?? {};
  for (const input of document.querySelectorAll('#st-budget input, #st-actual input, #st-assessment input')) {
    const key = input.dataset.key;
    if (input.type === 'radio') input.checked = input.value === (ex.start ?? 'first');
    else input.value = ex[key] ?? '';
  }
  showStart();
  state.example = true;
  state.submitted = true;
  compute({ focus: true });
}

/** A percentage as typed ("5", "5.5") as the exact rate string ("0.05", "0.055"): the decimal
 *  point moved two places, no floating point; null when it is not a percentage from 0 to 100. */
function percentToRate(text) {
  const m = /^(\d{1,3})(?:\.(\d+))?$/.exec(text);
  if (!m) return null;
  const [int, frac] = [m[1], m[2] ?? ''];
  if (Number(int) > 100 || (Number(int) === 100 && /[1-9]/.test(frac))) return null;
  const digits = int.padStart(3, '0') + frac;
  const point = digits.length - frac.length - 2;
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/, '');
  const decimals = digits.slice(point).replace(/0+$/, '');
  return decimals ? `${whole}.${decimals}` : whole;
}

/** The settlement case from the form; local errors (a percentage that is not one) by path. */
function readCase() {
  const c = { policy: $('st-policy').value, budget: {}, actual: {} };
  const errors = [];
  const val = (key) => document.querySelector(`[data-key="${key}"]:not([type=radio])`);
  const alliance = $('st-alliance').value.trim();
  if (alliance) c.alliance = alliance;
  const year = $('st-year').value.trim();
  if (year) c.year = /^\d{4}$/.test(year) ? Number(year) : year;
  const later = document.querySelector('input[name="st-start"]:checked')?.value === 'later';
  for (const [key] of needs(pack().settlement)) {
    const f = FIELDS[key];
    if (f.kind === 'choice') continue;
    if ((later && key.startsWith('history')) || (!later && key === 'previous')) continue;
    const text = val(key)?.value.trim() ?? '';
    if (text === '') continue; // the engine says it is missing, naming it
    let value = text;
    if (f.kind === 'percent') {
      value = percentToRate(text);
      if (value === null) {
        errors.push({ path: f.path, message: `${f.label.replace(/（%）$/, '')}请填写 0 到 100 之间的百分数，例如 5 表示 5% (a percentage from 0 to 100)` });
        continue;
      }
    }
    if (f.kind === 'count' && /^\d+$/.test(text)) value = Number(text);
    setPath(c, f.path, value);
  }
  return { c, errors };
}

function setPath(obj, path, value) {
  const parts = path.replace(/\[(\d+)\]/g, '.$1').split('.');
  let o = obj;
  parts.slice(0, -1).forEach((k, i) => {
    if (o[k] === undefined) o[k] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    o = o[k];
  });
  o[parts.at(-1)] = value;
}

function clearErrors() {
  for (const x of document.querySelectorAll('#st-form [aria-invalid="true"]')) x.removeAttribute('aria-invalid');
  for (const x of document.querySelectorAll('#st-form .field-error')) {
    x.hidden = true;
    x.textContent = '';
  }
  $('st-errors').hidden = true;
}

function showErrors(errors, focus) {
  const summary = $('st-errors');
  summary.replaceChildren(el('p', { text: `有 ${errors.length} 处需要修改：` }));
  const list = el('ul', { class: 'error-list' });
  let first = null;
  for (const e of errors) {
    const input = document.querySelector(`[data-path="${CSS.escape(e.path)}"]`) ?? $('st-policy');
    input.setAttribute('aria-invalid', 'true');
    const msg = $(`${input.id}-err`);
    if (msg) {
      msg.textContent = e.message;
      msg.hidden = false;
    }
    const label = document.querySelector(`label[for="${input.id}"]`)?.textContent ?? e.path;
    const a = el('a', { href: `#${input.id}`, text: `${label}：${zhPart(e.message)}` });
    a.addEventListener('click', (ev) => {
      ev.preventDefault();
      input.focus();
    });
    list.append(el('li', {}, a));
    first ??= input;
  }
  summary.append(list);
  summary.hidden = false;
  if (focus) first?.focus();
}

function compute({ focus = false } = {}) {
  clearErrors();
  const { c, errors } = readCase();
  if (errors.length) {
    showErrors(errors, focus);
    hideResult();
    return;
  }
  let st;
  try {
    st = state.engine.settle(c, { parameters: true });
  } catch (e) {
    showErrors([e?.error ?? { path: '', message: String(e) }], focus);
    hideResult();
    return;
  }
  render(st);
  if (focus) $('st-result-heading').focus();
}

function hideResult() {
  $('st-body').hidden = true;
  $('st-empty').hidden = false;
  $('st-empty').textContent = '请先改正左侧标出的内容。';
}

function yuan(s) {
  return `${money(s)} 元`;
}

function render(st) {
  $('st-empty').hidden = true;
  $('st-body').hidden = false;
  $('st-example-note').hidden = !state.example;
  $('st-print-title').textContent = `${st.alliance ?? ''}${st.year ? ` ${st.year} 年度` : ''} 基金结算测算（${st.policy.name}）`;
  const over = st.overspend !== '0.00';
  const head = $('st-headline');
  head.replaceChildren(
    el('div', { class: `big ${over ? 'self' : 'paid'}` }, el('dt', { text: over ? '超支' : '结余' }), el('dd', { text: yuan(over ? st.overspend : st.surplus) })),
    el('div', { class: 'big paid' }, el('dt', { text: '年度预算' }), el('dd', { text: yuan(st.budget) })),
  );
  const rows = [['年度预算', st.budget]];
  for (const h of st.holdbacks) {
    rows.push([`${h.name}：${h.to_pool !== undefined ? '计入风险调节金' : '年度内预留'}`, h.taken]);
    if (h.returned !== undefined) rows.push([`${h.name}：年终按考核返还`, h.returned]);
  }
  rows.push(['年度内拨付', st.paid_during_year], ['计入预算的支出', st.spending_counted], [over ? '超支' : '结余', over ? st.overspend : st.surplus]);
  const optional = [
    ['结余留用', st.kept],
    ['结转下年度预算', st.carried_over],
    ['纳入医共体总额包干决算', st.to_alliance_settlement],
    ['风险调节金分担', st.from_risk_pool],
    ['统筹区医保基金分担', st.from_fund],
  ];
  for (const [label, v] of optional) if (v !== undefined) rows.push([label, v]);
  const UNIT = { district: '区（县）级', township: '乡（镇）级', village: '村级' };
  for (const [unit, v] of Object.entries(st.shares ?? {})) rows.push([`${over ? '分担' : '分配'}：${UNIT[unit] ?? unit}`, v]);
  if (st.risk_pool_after !== undefined) rows.push(['风险调节金资金池年末余额', st.risk_pool_after]);
  const body = $('st-table').tBodies[0];
  body.replaceChildren(...rows.map(([label, v]) => el('tr', {}, el('th', { scope: 'row', text: label }), el('td', { text: money(v) }))));

  const steps = $('st-steps');
  steps.replaceChildren();
  const cited = new Map(); // a clause quoted once; later steps point back to it
  for (const [n, s] of st.steps.entries()) {
    const li = el('li', {}, el('p', { text: s.text }));
    const seen = new Set();
    for (const p of s.params) {
      const param = st.parameters?.[p];
      if (!param) continue;
      const src = param.source ? st.sources?.[param.source] : null;
      const key = `${param.basis}|${src?.number}|${param.clause}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const cite = el('p', { class: 'cite' }, '依据：', el('span', { class: `tag tag-${param.basis}`, text: BASIS[param.basis] ?? param.basis }));
      const first = cited.get(key);
      if (first !== undefined) {
        cite.append(` ${src?.number ?? ''}（条款见第 ${first + 1} 步）`);
      } else {
        cited.set(key, n);
        const words = [src?.number, param.clause].filter(Boolean).join(' ');
        if (words) cite.append(` ${words}`);
        if (param.note) cite.append(el('span', { class: 'sub-label', text: `（${param.note}）` }));
      }
      li.append(cite);
    }
    steps.append(li);
  }
}
