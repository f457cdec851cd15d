// Shows an estimate: headline amounts, the split bar, per-visit table with the year's
// accumulation, the explanation steps with each parameter's source, the level comparison and the
// print-only summary of the inputs. Amounts are the engine's strings; only display math here.
// `levels`: the estimating pack's levels from policies() ({ id, name, rank }, by rank).
import { CATEGORY, KIND, REFERRAL, CONDITION, SCHEME, YTD, paramName, paramValue, money, zhPart } from './vocab.js';

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v == null) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

/** Decimal string → whole fen (exact: amounts are ≤ 1e8 yuan, far inside 2^53 fen). */
function fen(s) {
  const m = /^(-?)(\d+)(?:\.(\d{0,2})\d*)?$/.exec(String(s ?? '0'));
  if (!m) return 0;
  const v = Number(m[2]) * 100 + Number((m[3] || '').padEnd(2, '0'));
  return m[1] ? -v : v;
}

function yuan(f) {
  const neg = f < 0;
  const a = Math.abs(f);
  return `${neg ? '-' : ''}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** Share of part in whole, one decimal, as text ("85.3"), rounded half up on whole fen. */
function share(part, whole) {
  const w = fen(whole);
  if (w === 0) return '0';
  const permille = Math.floor((fen(part) * 1000 + Math.floor(w / 2)) / w);
  return permille % 10 === 0 ? String(permille / 10) : `${Math.floor(permille / 10)}.${permille % 10}`;
}

export function announceText(est) {
  const t = est.totals;
  return `测算完成：预计报销 ${money(t.reimbursed)} 元，个人负担 ${money(t.out_of_pocket)} 元，报销比例 ${share(t.reimbursed, t.total)}%。`;
}

/** A level's name in the pack's words; its id if the pack does not declare it. */
function levelName(levels, id) {
  return levels.find((l) => l.id === id)?.name ?? id;
}

function visitLabel(v, i, n, levels) {
  const what = `${v.date} · ${levelName(levels, v.level)} · ${KIND[v.kind] ?? v.kind}`;
  return n > 1 ? `第 ${i + 1} 次（${what}）` : what;
}

export function renderResult(est, c, levels) {
  const t = est.totals;
  $('sum-reimbursed').textContent = money(t.reimbursed);
  $('sum-oop').textContent = money(t.out_of_pocket);
  $('sum-share').textContent = share(t.reimbursed, t.total);
  $('sum-total').textContent = money(t.total);
  renderBar(t);
  renderNotes(est, c);
  renderTable(est, c, levels);
  renderYear(est, c);
  renderSteps(est, c, levels);
  renderPolicy(est);
  renderPrintInputs(c, levels);
}

function renderBar(t) {
  const parts = [
    ['basic', t.basic, 'lg-basic', '基本医保'],
    ['critical', t.critical_illness, 'lg-critical', '大病保险'],
    ['assistance', t.medical_assistance, 'lg-assistance', '医疗救助'],
    ['oop', t.out_of_pocket, 'lg-oop', '个人自付'],
  ];
  const total = fen(t.total);
  let x = 0;
  const desc = [];
  for (const [key, amt, id, name] of parts) {
    const w = total === 0 ? 0 : Math.round((fen(amt) * 100000) / total) / 100;
    const rect = document.querySelector(`#bar .seg-${key}`);
    rect.setAttribute('x', String(x));
    rect.setAttribute('width', String(w));
    x += w;
    $(id).textContent = `${money(amt)} 元（${share(amt, t.total)}%）`;
    desc.push(`${name} ${money(amt)} 元`);
  }
  $('bar-desc').textContent = desc.join('，');
}

function renderNotes(est, c) {
  const box = $('notes');
  box.replaceChildren();
  const n = c.visits.length;
  const list = est.warnings ?? [];
  for (const w of list) {
    const msg = zhPart(w.text).replace(/[。.]?$/, '。');
    const prefix = n > 1 && Number.isInteger(w.visit) && !msg.startsWith('第') ? `第 ${w.visit + 1} 次就诊：` : '';
    const p = el('p', { class: 'note' }, el('span', { class: 'note-tag', text: w.code === 'estimated_split' ? '估算' : '提示' }), `${prefix}${msg}`);
    if (w.code === 'estimated_split') p.append('（在“按结算单填写更准确”中填入医院结算单上的全自费和乙类先行自付即可。）');
    box.append(p);
  }
}

const COLS = [
  ['total', '总费用'],
  ['in_scope', '政策范围内'],
  ['basic', '基本医保'],
  ['critical_illness', '大病保险'],
  ['medical_assistance', '医疗救助'],
  ['out_of_pocket', '个人负担'],
];

function row(head, v, cls) {
  const tr = el('tr', { class: cls }, el('th', { scope: 'row', text: head }));
  for (const [k, label] of COLS) tr.append(el('td', { 'data-label': label, text: money(v[k]) }));
  return tr;
}

function renderTable(est, c, levels) {
  const n = est.visits.length;
  $('breakdown-heading').textContent = n > 1 ? '逐次明细与全年累计' : '费用明细';
  const body = $('breakdown').tBodies[0];
  body.replaceChildren(...est.visits.map((v, i) => row(visitLabel(c.visits[i], i, n, levels), v)));
  const foot = $('breakdown').tFoot;
  foot.replaceChildren();
  if (n > 1) foot.append(row('合计', est.totals, 'sum'));
}

/** Per natural year: this estimate's payments plus what was already paid before (year_to_date). */
function renderYear(est, c) {
  const box = $('ytd-summary');
  box.replaceChildren();
  const ytd = c.person.year_to_date;
  const years = new Map();
  est.visits.forEach((v, i) => {
    const y = String(c.visits[i].date).slice(0, 4);
    if (!years.has(y)) years.set(y, { basic: 0, crit: 0, ma: 0, n: 0 });
    const s = years.get(y);
    s.basic += fen(v.basic);
    s.crit += fen(v.critical_illness);
    s.ma += fen(v.medical_assistance);
    s.n += 1;
  });
  const anyYtd = ytd && Object.values(ytd).some((x) => fen(x) !== 0);
  if (years.size < 2 && !anyYtd && est.visits.length < 2) return;
  const first = [...years.keys()].sort()[0];
  const table = el('table', { class: 'breakdown year' });
  table.append(el('caption', { text: '年度累计报销（元），含本年度此前已报销的金额' }));
  table.append(
    el('thead', {}, el('tr', {}, ...['年度', '此前已报销', '本次测算报销', '全年累计报销', '其中大病保险', '其中医疗救助'].map((h) => el('th', { scope: 'col', text: h })))),
  );
  const tb = el('tbody');
  for (const y of [...years.keys()].sort()) {
    const s = years.get(y);
    let before = 0;
    let critBefore = 0;
    let maBefore = 0;
    if (anyYtd && y === first) {
      before = fen(ytd.basic_inpatient_paid) + fen(ytd.general_outpatient_paid) + fen(ytd.critical_paid) + fen(ytd.assistance_paid);
      critBefore = fen(ytd.critical_paid);
      maBefore = fen(ytd.assistance_paid);
    }
    const now = s.basic + s.crit + s.ma;
    tb.append(
      el(
        'tr',
        {},
        el('th', { scope: 'row', text: `${y} 年（${s.n} 次就诊）` }),
        el('td', { 'data-label': '此前已报销', text: money(yuan(before)) }),
        el('td', { 'data-label': '本次测算报销', text: money(yuan(now)) }),
        el('td', { 'data-label': '全年累计报销', text: money(yuan(before + now)) }),
        el('td', { 'data-label': '其中大病保险', text: money(yuan(critBefore + s.crit)) }),
        el('td', { 'data-label': '其中医疗救助', text: money(yuan(maBefore + s.ma)) }),
      ),
    );
  }
  table.append(tb);
  box.append(table);
  if (anyYtd) {
    const parts = Object.entries(YTD)
      .filter(([k]) => fen(ytd[k]) !== 0)
      .map(([k, name]) => `${name} ${money(ytd[k])} 元`);
    box.append(el('p', { class: 'hint', text: `此前已报销按填写的金额计入 ${first} 年：${parts.join('，')}。` }));
  }
}

const EFFECT = { paid: '报销', withheld: '个人负担', info: '' };

function renderSteps(est, c, levels) {
  const box = $('steps');
  box.replaceChildren();
  const n = est.visits.length;
  const params = est.parameters ?? {};
  const seen = { ptrs: new Set(), notes: new Set() };
  const names = Object.fromEntries(levels.map((l) => [l.id, l.name]));
  est.visits.forEach((v, i) => {
    const sec = el('section', { class: 'visit-steps' });
    if (n > 1) sec.append(el('h4', { text: visitLabel(c.visits[i], i, n, levels) }));
    const split = el('p', { class: 'split' });
    const cv = c.visits[i];
    const estimated = cv.out_of_catalog == null && cv.class_b_self_pay == null;
    split.textContent = `总费用 ${money(v.total)} 元 − 全自费 ${money(v.out_of_catalog)} 元 − 乙类先行自付 ${money(v.class_b_self_pay)} 元 = 政策范围内费用 ${money(v.in_scope)} 元${estimated ? '（全自费和乙类先行自付未填写，为估算）' : ''}。`;
    sec.append(split);
    const ol = el('ol', { class: 'step-list' });
    for (const s of v.steps ?? []) {
      const li = el('li', { class: `step effect-${s.effect ?? 'info'}` });
      const head = el('p', { class: 'step-head' }, el('span', { class: `tag tag-${s.scheme}`, text: SCHEME[s.scheme] ?? s.scheme }), ' ', zhPart(s.text));
      li.append(head);
      const eff = EFFECT[s.effect] ?? '';
      if (s.amount != null && (eff || fen(s.amount) !== 0)) {
        li.append(el('p', { class: 'step-amt', text: `${eff ? eff + '：' : ''}${money(s.amount)} 元` }));
      }
      const used = [...new Set(s.params ?? [])];
      if (used.length) {
        const ul = el('ul', { class: 'basis' });
        for (const ptr of used) ul.append(paramItem(ptr, params[ptr], est.sources ?? {}, seen, names));
        li.append(ul);
      }
      ol.append(li);
    }
    sec.append(ol);
    sec.append(
      el('p', { class: 'step-sum', text: `合计报销 ${money(v.reimbursed)} 元（基本医保 ${money(v.basic)} + 大病保险 ${money(v.critical_illness)} + 医疗救助 ${money(v.medical_assistance)}），个人负担 ${money(v.out_of_pocket)} 元。` }),
    );
    box.append(sec);
  });
}

/** One parameter a step used: its name and value, then its source or the 示例参数 mark. A
 *  parameter already explained above is only named again; a long note is shown once. */
function paramItem(ptr, p, sources, seen, names) {
  const li = el('li');
  const name = paramName(ptr, names);
  const value = p ? paramValue(ptr, p.value, names) : '';
  li.append(el('span', { class: 'pname', text: value ? `${name}：${value}` : name }));
  const illustrative = !p || p.basis === 'illustrative' || !p.source;
  if (illustrative) li.append(' ', el('span', { class: 'badge', text: '示例参数' }));
  if (seen.ptrs.has(ptr)) {
    li.append(el('span', { class: 'src', text: '（依据同上）' }));
    return li;
  }
  seen.ptrs.add(ptr);
  const source = p?.source ? sources[p.source] : undefined;
  if (source) {
    const ref = illustrative ? `参考 ${source.number}` : `依据 ${source.number}${p.clause ? ` ${p.clause}` : ''}`;
    li.append(' ', el('span', { class: 'src', text: ref }));
    if (p.basis === 'guidance') li.append(' ', el('span', { class: 'badge guidance', text: '按国家指导范围取值' }));
  }
  const note = p?.note && /[\u4e00-\u9fff]/.test(p.note) ? zhPart(p.note) : '';
  if (note && !seen.notes.has(note)) {
    seen.notes.add(note);
    li.append(el('span', { class: 'pnote', text: ` ${note}` }));
  }
  return li;
}

function renderPolicy(est) {
  const p = est.policy ?? {};
  const eff = p.effective ? `，${p.effective.from} 起施行${p.effective.until ? `，至 ${p.effective.until}` : ''}` : '';
  $('policy-line').textContent = `${p.name ?? p.id}（${p.region?.name ?? ''}${eff}）`;
  const ul = $('sources');
  ul.replaceChildren();
  const illustrative = Object.values(est.parameters ?? {}).some((v) => v.basis === 'illustrative' || !v.source);
  const cited = Object.values(est.sources ?? {});
  for (const s of cited) {
    ul.append(el('li', { text: `${s.number}${s.title ? `《${s.title}》` : ''}${s.issuer ? `，${s.issuer}` : ''}${s.date ? `，${s.date}` : ''}` }));
  }
  if (!cited.length) ul.append(el('li', { text: '本次结果没有用到有文件依据的参数。' }));
  $('illustrative-note').hidden = !illustrative;
}

export function fillCompareChoices(c, levels) {
  const sel = $('compare-visit');
  const n = c.visits.length;
  const keep = Math.min(Number(sel.value || 0), n - 1);
  sel.replaceChildren(...c.visits.map((v, i) => el('option', { value: String(i), text: visitLabel(v, i, n, levels) })));
  sel.value = String(Math.max(0, keep));
  $('compare-pick').hidden = n < 2;
}

// All levels but the lowest rank when there are more than four: of the five national ones 村卫生室
// admits no one; 泉州's 一级 (of four) includes 乡镇卫生院, which do.
const compared = (levels) => (levels.length > 4 ? levels.filter((l) => l.rank > levels[0].rank) : levels);

export function renderCompare(engine, c, est, i, levels) {
  const v = c.visits[i] ?? c.visits[0];
  $('compare-hint').textContent = `把${c.visits.length > 1 ? `第 ${i + 1} 次就诊` : '这次就诊'}的 ${money(v.total)} 元费用放到不同级别医院、其他条件不变时的测算：`;
  const body = $('compare-table').tBodies[0];
  body.replaceChildren();
  for (const { id: level, name } of compared(levels)) {
    const alt = JSON.parse(JSON.stringify(c));
    alt.visits[i].level = level;
    if (alt.visits[i].referral === 'upward') {
      delete alt.visits[i].referral;
      delete alt.visits[i].referred_from;
    }
    const current = level === v.level;
    const tr = el('tr', { class: current ? 'current' : null });
    tr.append(el('th', { scope: 'row', text: `${name}${current ? '（当前）' : ''}` }));
    let r;
    try {
      r = level === v.level ? est.visits[i] : engine.estimate(alt).visits[i];
    } catch (e) {
      tr.append(el('td', { colspan: '3', class: 'na', text: zhPart(e?.error?.message ?? '无法测算') }));
      body.append(tr);
      continue;
    }
    tr.append(el('td', { 'data-label': '预计报销', text: money(r.reimbursed) }));
    tr.append(el('td', { 'data-label': '个人负担', text: money(r.out_of_pocket) }));
    tr.append(el('td', { 'data-label': '报销比例', text: `${share(r.reimbursed, r.total)}%` }));
    body.append(tr);
  }
}

function renderPrintInputs(c, levels) {
  const box = $('print-inputs');
  box.replaceChildren(el('h3', { text: '填写的信息' }));
  const region = document.getElementById('region');
  const regionName = region.selectedOptions[0]?.textContent ?? c.region ?? c.policy ?? '';
  const dl = el('dl', { class: 'print-dl' });
  const add = (k, v) => dl.append(el('dt', { text: k }), el('dd', { text: v }));
  add('参保地区', regionName);
  add('人员类别', CATEGORY[c.person.category] ?? c.person.category);
  add('已认定的慢特病', c.person.conditions.length ? c.person.conditions.map((x) => CONDITION[x] ?? x).join('、') : '无');
  const ytd = c.person.year_to_date;
  if (ytd) {
    const filled = Object.entries(YTD).filter(([k]) => fen(ytd[k]) !== 0);
    add('本年度此前已报销', filled.length ? filled.map(([k, name]) => `${name} ${money(ytd[k])} 元`).join('；') : '无');
  }
  c.visits.forEach((v, i) => {
    const bits = [`${v.date}`, levelName(levels, v.level), KIND[v.kind] ?? v.kind];
    if (v.condition) bits.push(CONDITION[v.condition] ?? v.condition);
    bits.push(`费用总额 ${money(v.total)} 元`);
    if (v.out_of_catalog != null) bits.push(`全自费 ${money(v.out_of_catalog)} 元`);
    if (v.class_b_self_pay != null) bits.push(`乙类先行自付 ${money(v.class_b_self_pay)} 元`);
    if (v.out_of_catalog == null && v.class_b_self_pay == null) bits.push('全自费、乙类先行自付未填（估算）');
    if (v.tcm != null) bits.push(`中医 ${money(v.tcm)} 元`);
    if (v.referral) bits.push(REFERRAL[v.referral] + (v.referred_from ? `（自${levelName(levels, v.referred_from)}）` : ''));
    add(c.visits.length > 1 ? `第 ${i + 1} 次就诊` : '就诊', bits.join('，'));
  });
  box.append(dl);
}
