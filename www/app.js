// 城乡居民医保报销测算 — the page. Plain ES modules, no framework; all amounts are computed by the
// engine (www/pkg, built from the Rust crate) and only displayed here.
import { CONDITION_KINDS, zhPart } from './js/vocab.js';
import { readHash, buildHash } from './js/share.js';
import { renderResult, renderCompare, fillCompareChoices, announceText } from './js/render.js';

const $ = (id) => document.getElementById(id);
const form = $('case-form');
const visitsBox = $('visits');
const tpl = $('visit-tpl');

const state = {
  engine: null,
  policies: [],
  policyId: null, // a share link naming a pack id keeps using it until the region is changed
  submitted: false, // after the first submit, empty required fields are flagged too
  timer: 0,
  seq: 0,
  large: false,
  lastAnnounce: '',
  firstResult: true,
  est: null,
  case: null,
  levels: [], // of the pack that computed `est`
};

init();

async function init() {
  // The engine first: it loads while the form is set up.
  const engine = import('./pkg/index.js').then((mod) => mod.load());
  engine.catch(() => {}); // handled below
  const h = readHash();
  setLarge(h.large, false);
  addVisit(null);
  wire();
  embedHeight();
  watchResultVisibility();

  try {
    state.engine = await engine;
    state.policies = state.engine.policies();
  } catch {
    const s = $('engine-status');
    s.textContent = '计算程序没有加载成功。请检查网络后刷新页面；如果仍然不行，请换用系统自带浏览器打开。';
    s.classList.add('error');
    return;
  }
  fillRegions();
  try {
    $('engine-version').textContent = `计算程序版本 ${state.engine.version()}。`;
  } catch {
    /* version is informative only */
  }
  const preset = new URLSearchParams(location.search).get('region');
  if (preset && [...$('region').options].some((o) => o.value === preset)) $('region').value = preset;
  updateRegionHint();
  refreshLevels();

  if (h.case) {
    fillForm(h.case);
    state.submitted = true;
  } else if (h.caseError) {
    $('link-error').textContent = '分享链接不完整或已损坏，无法还原。请重新填写，或向分享人重新索取链接。';
    $('link-error').hidden = false;
  }
  $('engine-status').textContent = '';
  $('engine-status').hidden = true;
  compute({ announce: Boolean(h.case), updateLink: false });
  // Only now: the worker's install fetches the app shell, which on a slow first visit would take
  // bandwidth from the engine the result waits for.
  registerServiceWorker();
}

/* ---------- form wiring ---------- */

function wire() {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    state.submitted = true;
    clearTimeout(state.timer);
    compute({ focus: true });
  });
  // A result arriving between press and release would move the button away from the pointer.
  $('calc').addEventListener('mousedown', () => clearTimeout(state.timer));
  form.addEventListener('input', (e) => {
    if (e.target.matches('input[inputmode], input[type=date]')) schedule(350);
    else schedule(0);
  });
  form.addEventListener('change', (e) => {
    const t = e.target;
    if (t.id === 'region') {
      state.policyId = null;
      updateRegionHint();
      refreshLevels();
    }
    if (t.dataset.field === 'kind') kindChanged(t.closest('.visit'));
    // (drops a flagged level from a link once another is chosen)
    if (t.dataset.field === 'level') fillLevels(t.closest('.visit'));
    if (t.dataset.field === 'referral') referralChanged(t.closest('.visit'));
    // Typed fields were already handled on input; recomputing on blur would move the layout
    // under a pointer that is on its way to a button.
    if (!t.matches('input[inputmode], input[type=date]')) schedule(0);
  });
  $('add-visit').addEventListener('click', () => {
    const row = addVisit(null);
    row.querySelector('[data-field=kind]').focus();
    schedule(0);
  });
  visitsBox.addEventListener('click', (e) => {
    const btn = e.target.closest('.remove-visit');
    if (!btn) return;
    const row = btn.closest('.visit');
    const rows = [...visitsBox.querySelectorAll('.visit')];
    const i = rows.indexOf(row);
    row.remove();
    renumber();
    const left = [...visitsBox.querySelectorAll('.visit')];
    (left[Math.max(0, i - 1)]?.querySelector('[data-field=kind]') ?? $('add-visit')).focus();
    schedule(0);
  });
  $('large-toggle').addEventListener('click', () => {
    setLarge(!state.large, true);
  });
  $('print').addEventListener('click', () => window.print());
  $('copy-link').addEventListener('click', copyLink);
  $('compare-visit').addEventListener('change', () => {
    if (state.est) renderCompare(state.engine, state.case, state.est, Number($('compare-visit').value), state.levels);
    postHeight();
  });
  window.addEventListener('beforeprint', setPrintDate);
  window.addEventListener('hashchange', () => {
    const h = readHash();
    if (h.large !== state.large) setLarge(h.large, false);
    if (h.case && state.engine) {
      fillForm(h.case);
      state.submitted = true;
      compute({ updateLink: false });
    }
  });
}

function schedule(ms) {
  $('link-error').hidden = true;
  clearTimeout(state.timer);
  state.timer = setTimeout(() => compute(), ms);
}

function setLarge(on, updateLink) {
  state.large = on;
  document.documentElement.classList.toggle('large', on);
  $('large-toggle').setAttribute('aria-pressed', String(on));
  $('large-toggle').textContent = on ? '标准字号' : '大字模式';
  if (updateLink) writeLink(state.case ?? (state.engine ? readCase() : null));
  postHeight();
}

/* ---------- regions ---------- */

function fillRegions() {
  const sel = $('region');
  const groups = new Map();
  for (const p of state.policies) {
    const key = p.region.code;
    if (!groups.has(key)) groups.set(key, { region: p.region, packs: [] });
    groups.get(key).packs.push(p);
  }
  // The national baseline is for comparison only: list it last.
  const list = [...groups.values()].sort((a, b) => isBaseline(a) - isBaseline(b));
  for (const g of list) {
    const o = document.createElement('option');
    o.value = g.region.code;
    o.textContent = g.region.name;
    sel.append(o);
  }
}

function isBaseline(g) {
  return g.packs.some((p) => p.id === 'national-baseline') ? 1 : 0;
}

function updateRegionHint() {
  const code = $('region').value;
  const packs = state.policies.filter((p) => p.region.code === code);
  const hint = $('region-hint');
  if (!packs.length) {
    hint.textContent = '按就诊日期自动使用当时有效的政策。';
    return;
  }
  hint.textContent =
    '按就诊日期自动使用当时有效的政策：' +
    packs.map((p) => `${p.name}（${p.effective.from} 起${p.effective.until ? `，至 ${p.effective.until}` : ''}）`).join('；') +
    '。';
}

/* ---------- hospital levels ---------- */

// Each pack declares its levels ({ id, name, rank } in policies(), lowest rank first).

/** A region's packs over time: the union of their levels (the newest pack's entry for a shared
 *  id), by rank; the visit's date picks the pack and the engine refuses a level it lacks. */
function levelChoices(packs) {
  const byId = new Map();
  for (const p of [...packs].sort((a, b) => (a.effective.from < b.effective.from ? 1 : -1))) {
    for (const l of p.levels ?? []) if (!byId.has(l.id)) byId.set(l.id, l);
  }
  return [...byId.values()].sort((a, b) => a.rank - b.rank);
}

/** A linked pack's levels, else the chosen region's, else (no region yet) the national baseline's. */
function offeredLevels() {
  const code = $('region').value;
  const packs = state.policies.filter((p) => (state.policyId ? p.id === state.policyId : code ? p.region.code === code : p.id === 'national-baseline'));
  return levelChoices(packs.length ? packs : state.policies);
}

function packLevels(policyId) {
  const p = state.policies.find((x) => x.id === policyId);
  return p ? levelChoices([p]) : offeredLevels();
}

/** Fills `sel` with `choices`, choosing `want` if offered, else `fallback`. With `keep`, a `want`
 *  not offered (a shared link's) stays, flagged, so the engine's message shows at the field
 *  instead of another level being estimated silently. */
function setLevelOptions(sel, choices, want, fallback, keep, none) {
  const opts = choices.map((l) => new Option(l.name, l.id));
  let value = choices.some((l) => l.id === want) ? want : fallback;
  if (keep && want && value !== want) {
    const offered = offeredLevels().some((l) => l.id === want);
    const name = state.policies.flatMap((p) => p.levels ?? []).find((l) => l.id === want)?.name ?? want;
    opts.push(new Option(`${name}（${offered ? '须低于本次就诊的医院级别' : '所选地区的政策没有这一级别'}）`, want));
    value = want;
  }
  if (!opts.length && none) opts.push(new Option(none, ''));
  sel.replaceChildren(...opts);
  sel.value = value ?? '';
}

/** A visit's level (kept if offered, else rank 3, else the middle one) and referred_from. */
function fillLevels(row, want, wantFrom, fromLink = false) {
  const sel = row.querySelector('[data-field=level]');
  const levels = offeredLevels();
  const dflt = (levels.find((l) => l.rank === 3) ?? levels[(levels.length - 1) >> 1])?.id;
  setLevelOptions(sel, levels, want ?? sel.value, dflt, fromLink);
  // An upward referral comes from a lower rank; the nearest one by default.
  const at = levels.find((l) => l.id === sel.value);
  const below = at ? levels.filter((l) => l.rank < at.rank) : [];
  const from = row.querySelector('[data-field=referred_from]');
  setLevelOptions(from, below, wantFrom ?? from.value, below.at(-1)?.id, fromLink, '（没有更低级别的医院）');
}

function refreshLevels() {
  for (const row of visitsBox.querySelectorAll('.visit')) fillLevels(row);
}

/* ---------- visits ---------- */

function addVisit(data) {
  const frag = tpl.content.cloneNode(true);
  const row = frag.querySelector('.visit');
  const n = ++state.seq;
  row.dataset.seq = String(n);
  for (const el of row.querySelectorAll('[data-field]')) el.id = `v${n}-${el.dataset.field}`;
  for (const lab of row.querySelectorAll('label[data-for]')) lab.htmlFor = `v${n}-${lab.dataset.for}`;
  const date = row.querySelector('[data-field=date]');
  date.value = data?.date ?? today();
  visitsBox.append(row);
  const str = (x) => (x == null ? undefined : String(x));
  fillLevels(row, str(data?.level), str(data?.referred_from), Boolean(data));
  if (data) setVisit(row, data);
  renumber();
  kindChanged(row);
  referralChanged(row);
  return row;
}

function renumber() {
  const rows = [...visitsBox.querySelectorAll('.visit')];
  rows.forEach((row, i) => {
    row.dataset.path = `visits[${i}]`;
    row.querySelector('.visit-title').textContent = rows.length > 1 ? `第 ${i + 1} 次就诊` : '就诊信息';
    for (const el of row.querySelectorAll('[data-field]')) el.dataset.path = `visits[${i}].${el.dataset.field}`;
    const rm = row.querySelector('.remove-visit');
    rm.hidden = rows.length < 2;
    rm.textContent = `删除第 ${i + 1} 次就诊`;
  });
}

function kindChanged(row) {
  const kind = row.querySelector('[data-field=kind]').value;
  const wrap = row.querySelector('[data-show=condition]');
  const needs = CONDITION_KINDS.has(kind);
  wrap.hidden = !needs;
  if (needs) {
    const sel = row.querySelector('[data-field=condition]');
    const held = checkedConditions();
    const allowed = kind === 'two_diseases_outpatient' ? ['hypertension', 'diabetes'] : null;
    for (const o of sel.options) o.hidden = allowed ? !allowed.includes(o.value) : false;
    if (allowed && !allowed.includes(sel.value)) sel.value = held.find((c) => allowed.includes(c)) ?? 'hypertension';
    else if (!held.includes(sel.value)) {
      const pick = held.find((c) => !allowed || allowed.includes(c));
      if (pick) sel.value = pick;
    }
  }
}

function referralChanged(row) {
  const ref = row.querySelector('[data-field=referral]').value;
  row.querySelector('[data-show=referred_from]').hidden = ref !== 'upward';
}

function checkedConditions() {
  return [...form.querySelectorAll('input[name=condition]:checked')].map((c) => c.value);
}

/* ---------- form ⇄ case ---------- */

/** Cleans what people type: full-width digits, commas, spaces, a trailing 元. */
function amount(raw) {
  return raw
    .replace(/[０-９．]/g, (ch) => (ch === '．' ? '.' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)))
    .replace(/[,，\s]|元$|^[¥￥]/g, '');
}

function readCase() {
  const c = {};
  const region = $('region').value;
  if (state.policyId) c.policy = state.policyId;
  else if (region) c.region = region;
  c.person = { category: $('category').value, conditions: checkedConditions() };
  const ytd = {};
  let anyYtd = false;
  for (const el of form.querySelectorAll('[data-ytd]')) {
    const v = amount(el.value);
    if (v !== '') anyYtd = true;
    ytd[el.dataset.ytd] = v === '' ? '0' : v;
  }
  if (anyYtd) c.person.year_to_date = ytd;
  c.visits = [...visitsBox.querySelectorAll('.visit')].map((row) => {
    const get = (f) => row.querySelector(`[data-field=${f}]`).value;
    const v = { kind: get('kind'), level: get('level'), date: get('date'), total: amount(get('total')) };
    if (CONDITION_KINDS.has(v.kind)) v.condition = get('condition');
    for (const f of ['out_of_catalog', 'class_b_self_pay', 'tcm']) {
      const a = amount(get(f));
      if (a !== '') v[f] = a;
    }
    const ref = get('referral');
    if (ref !== 'none') v.referral = ref;
    // (none when no level is below: the engine asks for one)
    if (ref === 'upward' && get('referred_from')) v.referred_from = get('referred_from');
    return v;
  });
  return c;
}

function fillForm(c) {
  state.policyId = null;
  let region = typeof c.region === 'string' ? c.region : '';
  if (typeof c.policy === 'string') {
    const p = state.policies.find((x) => x.id === c.policy);
    if (p) {
      region = p.region.code;
      state.policyId = p.id;
    }
  }
  $('region').value = [...$('region').options].some((o) => o.value === region) ? region : '';
  updateRegionHint();
  const person = c.person ?? {};
  if (person.category && [...$('category').options].some((o) => o.value === person.category)) $('category').value = person.category;
  const conds = Array.isArray(person.conditions) ? person.conditions : [];
  for (const cb of form.querySelectorAll('input[name=condition]')) cb.checked = conds.includes(cb.value);
  const ytd = person.year_to_date ?? {};
  let anyYtd = false;
  for (const el of form.querySelectorAll('[data-ytd]')) {
    const v = ytd[el.dataset.ytd];
    el.value = v == null || v === '0' ? '' : String(v);
    if (el.value) anyYtd = true;
  }
  $('ytd').open = anyYtd;
  visitsBox.replaceChildren();
  const visits = Array.isArray(c.visits) && c.visits.length ? c.visits : [{}];
  for (const v of visits) addVisit(v ?? {});
}

function setVisit(row, v) {
  const set = (f, val) => {
    const el = row.querySelector(`[data-field=${f}]`);
    if (val == null) return;
    if (el.tagName === 'SELECT' && ![...el.options].some((o) => o.value === String(val))) return;
    el.value = String(val);
  };
  for (const f of ['kind', 'date', 'total', 'condition', 'out_of_catalog', 'class_b_self_pay', 'tcm', 'referral']) set(f, v[f]);
  if (v.out_of_catalog != null || v.class_b_self_pay != null || v.tcm != null || (v.referral && v.referral !== 'none')) row.querySelector('[data-more]').open = true;
}

function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/* ---------- computing ---------- */

function missingFields(c) {
  const out = [];
  if (!c.policy && !c.region) out.push({ path: 'region', message: '请选择参保地区' });
  c.visits.forEach((v, i) => {
    if (!v.date) out.push({ path: `visits[${i}].date`, message: '请选择就诊日期' });
    if (v.total === '') out.push({ path: `visits[${i}].total`, message: '请填写费用总额（元）' });
  });
  return out;
}

function compute({ focus = false, announce = true, updateLink = true } = {}) {
  if (!state.engine) return;
  clearErrors();
  const c = readCase();
  if (updateLink) writeLink(c);
  const missing = missingFields(c);
  if (missing.length) {
    if (state.submitted) {
      missing.forEach((m) => showError(m.path, m.message));
      showInvalid(missing, focus, announce);
    } else {
      showPlaceholder('选择参保地区并填写费用总额后，这里会显示结果。');
    }
    return;
  }
  let est;
  try {
    // The explanation shows each parameter's value and document: ask for them.
    est = state.engine.estimate(c, { parameters: true });
  } catch (e) {
    const err = e && e.error ? e.error : { path: '', message: '计算时出现问题，请检查填写的内容后重试。' };
    const m = { path: err.path ?? '', message: zhPart(err.message) };
    showError(m.path, m.message);
    showInvalid([m], focus, announce);
    return;
  }
  state.est = est;
  state.case = c;
  state.levels = packLevels(est.policy?.id);
  renderResult(est, c, state.levels);
  // The level comparison estimates the visit at every level: on the first result (a shared link
  // on a slow phone) it is drawn just after the result is on screen, not before.
  const comparison = () => {
    fillCompareChoices(c, state.levels);
    renderCompare(state.engine, c, est, Number($('compare-visit').value || 0), state.levels);
  };
  if (!state.firstResult) comparison();
  setPrintDate();
  $('share-url').value = shareUrl(c);
  $('result-empty').hidden = true;
  $('result-body').hidden = false;
  $('peek-r').textContent = $('sum-reimbursed').textContent;
  $('peek-o').textContent = $('sum-oop').textContent;
  togglePeek();
  if (announce) say(announceText(est));
  if (focus) {
    $('result-heading').focus();
    $('result-heading').scrollIntoView({ block: 'start' });
  }
  if (state.firstResult) {
    state.firstResult = false;
    performance.mark('yibao:first-result');
    setTimeout(() => {
      if (state.est === est) comparison();
      document.documentElement.dataset.ready = 'true';
      postHeight();
    }, 0);
    cacheLoadedResources();
  }
  postHeight();
}

function showPlaceholder(text) {
  $('result-body').hidden = true;
  state.est = null;
  togglePeek();
  const p = $('result-empty');
  p.replaceChildren(text);
  p.hidden = false;
  postHeight();
}

function showInvalid(list, focus, announce) {
  $('result-body').hidden = true;
  state.est = null;
  togglePeek();
  const p = $('result-empty');
  p.hidden = false;
  p.replaceChildren('请先修改以下内容：');
  const ul = document.createElement('ul');
  ul.className = 'error-list';
  for (const m of list) {
    const li = document.createElement('li');
    const target = findTarget(m.path);
    const a = document.createElement('a');
    a.href = '#' + (focusable(target)?.id || 'case-form');
    a.textContent = m.message;
    a.addEventListener('click', (e) => {
      e.preventDefault();
      focusable(target)?.focus();
    });
    li.append(a);
    ul.append(li);
  }
  p.append(ul);
  if (announce) say('有输入需要修改：' + list.map((m) => m.message).join('；'));
  if (focus) focusable(findTarget(list[0].path))?.focus();
  postHeight();
}

/* ---------- errors next to the field ---------- */

function findTarget(path) {
  let p = String(path || '');
  while (p) {
    const el = form.querySelector(`[data-path="${CSS.escape(p)}"]`);
    if (el) return el;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  if (/^(policy|region)/.test(String(path))) return $('region');
  return null;
}

function focusable(el) {
  if (!el) return null;
  if (el.matches('input, select, textarea, button')) return el;
  return el.querySelector('input, select') ?? el;
}

function showError(path, message) {
  const target = findTarget(path);
  if (!target) {
    showFormError(message);
    return;
  }
  for (let d = target.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
  const wrap = target.matches('fieldset') ? target : target.closest('.field') ?? target.parentElement;
  const id = `err-${(target.id || target.dataset.path || 'x').replace(/[^\w-]/g, '_')}`;
  const p = document.createElement('p');
  p.className = 'field-error';
  p.id = id;
  p.dataset.generated = '1';
  p.textContent = message;
  if (target.matches('fieldset')) target.querySelector('legend').after(p);
  else wrap.append(p);
  const ctl = target.matches('input, select') ? target : null;
  if (ctl) {
    ctl.setAttribute('aria-invalid', 'true');
    ctl.setAttribute('aria-describedby', id);
  }
}

function showFormError(message) {
  const p = $('form-error');
  p.textContent = message;
  p.hidden = false;
}

function clearErrors() {
  for (const p of form.querySelectorAll('.field-error[data-generated]')) p.remove();
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  $('form-error').hidden = true;
  $('form-error').textContent = '';
}

function say(text) {
  if (text === state.lastAnnounce) return;
  state.lastAnnounce = text;
  $('announce').textContent = text;
}

/* ---------- the result bar on phones ---------- */

function watchResultVisibility() {
  state.resultInView = true;
  if (!('IntersectionObserver' in window) || window.parent !== window) return;
  new IntersectionObserver((entries) => {
    state.resultInView = entries.some((e) => e.isIntersecting);
    togglePeek();
  }).observe($('result'));
  $('peek').querySelector('a').addEventListener('click', (e) => {
    e.preventDefault();
    $('result-heading').scrollIntoView({ block: 'start' });
    $('result-heading').focus();
  });
}

function togglePeek() {
  const on = Boolean(state.est) && !state.resultInView;
  if (on === $('peek').classList.contains('on')) return;
  $('peek').classList.toggle('on', on);
  document.documentElement.classList.toggle('peeking', on);
  // Never cover the field being typed in.
  const f = document.activeElement;
  if (on && f && f !== document.body) {
    const over = f.getBoundingClientRect().bottom - $('peek').getBoundingClientRect().top;
    if (over > 0) window.scrollBy(0, over + 8);
  }
}

/* ---------- links, print, embedding, offline ---------- */

function shareUrl(c) {
  return location.origin + location.pathname + location.search + buildHash(c, false);
}

function writeLink(c) {
  const hash = buildHash(c, state.large);
  if (hash !== location.hash && !(hash === '' && location.hash === '')) {
    history.replaceState(null, '', location.pathname + location.search + (hash || ''));
  }
  if (c) $('share-url').value = shareUrl(c);
}

async function copyLink() {
  const input = $('share-url');
  const status = $('copy-status');
  try {
    await navigator.clipboard.writeText(input.value);
    status.textContent = '链接已复制，可以粘贴发送给他人。';
  } catch {
    input.focus();
    input.select();
    status.textContent = '无法自动复制，链接已选中，请长按或按 Ctrl+C 复制。';
  }
}

function setPrintDate() {
  const d = new Date();
  $('print-date').textContent = `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
}

function embedHeight() {
  if (window.parent === window) return;
  document.documentElement.classList.add('embedded');
  if ('ResizeObserver' in window) new ResizeObserver(() => postHeight()).observe(document.body);
  window.addEventListener('resize', postHeight);
  postHeight();
}

function postHeight() {
  if (window.parent === window) return;
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  // The height is not private; the host page checks event.origin itself.
  window.parent.postMessage({ type: 'yibao:height', height }, '*');
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('sw.js').catch(() => {
    /* offline use is a bonus; the page works without it */
  });
}

function cacheLoadedResources() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const urls = performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((u) => u.startsWith(location.origin));
  navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage({ type: 'yibao:cache', urls })).catch(() => {});
}

