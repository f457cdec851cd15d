// 政策包编辑器: policy staff start from a bundled pack or their own file, change figures with each
// one's document and clause, see what the change does to typical cases, and export a pack that
// extends the one they started from and holds only what changed. Every check is the engine's
// (validatePolicy): the page never decides on its own what a valid pack is.
import { load } from './pkg/index.js';
import { $, el } from './js/dom.js';
import { paramName, paramValue, CATEGORY, KIND, CONDITION, money } from './js/vocab.js';
import * as T from './js/pack-tree.js';


const BASIS = { document: '文件规定', guidance: '指导范围', illustrative: '示例' };
/** The note a changed value gets until the user says where it comes from. */
const UNSOURCED = '修改后的数值，尚未填写文件依据';

const GROUPS = [
  ['/levels', '医疗机构级别'],
  ['/basic/inpatient', '基本医保 · 住院'],
  ['/basic/general_outpatient', '基本医保 · 普通门诊'],
  ['/basic/chronic_outpatient', '基本医保 · 门诊慢特病'],
  ['/basic/two_diseases', '基本医保 · “两病”门诊用药'],
  ['/critical_illness', '大病保险'],
  ['/medical_assistance', '医疗救助'],
  ['/conditions', '病种'],
  ['/estimation', '费用估算'],
  ['/settlement', '基金结算'],
];

/** Values a parameter may take, where the format names them. */
const ENUMS = [
  [/\/bands_from$/, { threshold: '从起付线起分段', zero: '从 0 起分段' }],
  [/^\/basic\/inpatient\/referral\/\w+$/, { full: '重新计起付线', difference: '补足起付线差额', waived: '免起付线' }],
  [/^\/settlement\/budget\/method$/, { per_capita: '按人头包干', history_average: '往年支付额 × 年度增长率', packaged: '筹资总额提取风险金后打包', last_year: '上年度实际结算总额' }],
  [/^\/settlement\/holdbacks\/\d+\/returned$/, { by_score: '年终按考核得分返还', pool: '计入风险调节金资金池' }],
  [/^\/settlement\/outside$/, { deducted: '年终清算时扣减', not_deducted: '不扣减' }],
  [/^\/settlement\/surplus\/method$/, { by_score: '按考核得分留用', bands: '按结余率分段留用', all: '全部留用' }],
  [/^\/settlement\/surplus\/remainder$/, { alliance_settlement: '纳入医共体总额包干决算' }],
];

const state = {
  engine: null,
  bundled: [], // the bundled packs as packs.json has them
  baseRaw: null, // the pack estimates "before" use
  extendsId: null, // the bundled pack the export extends (null: export the whole pack)
  baseMerged: null,
  edited: null, // the merged pack being edited
  cases: [],
  valid: false,
  seq: 0,
};

init();

async function init() {
  wire();
  try {
    // The full engine: it checks the packs' settlement sections too, and its packs.json has them.
    state.engine = await load({ settlement: true });
    const res = await fetch('pkg/fund/packs.json');
    state.bundled = await res.json();
  } catch {
    setStatus('start-status', '计算程序没有加载成功。请检查网络后刷新页面。', true);
    return;
  }
  $('engine-version').textContent = ` 计算程序版本 ${state.engine.version()}。`;
  const select = $('base-pack');
  for (const p of state.bundled) select.append(el('option', { value: p.id, text: `${p.name}（${p.id}）` }));
  const wanted = new URLSearchParams(location.search).get('base');
  select.value = state.bundled.some((p) => p.id === wanted) ? wanted : state.bundled[0]?.id;
  startFromBundled(select.value);
}

function wire() {
  $('base-pack').addEventListener('change', (e) => startFromBundled(e.target.value));
  $('import-file').addEventListener('change', importFile);
  for (const input of document.querySelectorAll('#meta input')) input.addEventListener('input', () => schedule());
  $('add-source').addEventListener('click', addSource);
  $('export').addEventListener('click', exportPack);
  $('copy-json').addEventListener('click', copyJson);
  $('print').addEventListener('click', () => window.print());
  window.addEventListener('beforeprint', fillPrintSheet);
  $('cases-apply').addEventListener('click', applyCases);
  $('cases-reset').addEventListener('click', () => {
    state.cases = T.sampleCases(state.baseMerged);
    showCases();
    refresh();
  });
}

function setStatus(id, text, error = false) {
  const s = $(id);
  s.textContent = text;
  s.classList.toggle('error', error);
}

const bundledById = (id) => state.bundled.find((p) => p.id === id);

function startFromBundled(id) {
  const raw = bundledById(id);
  if (!raw) return;
  begin(raw, raw.id, null);
  setStatus('start-status', `从内置政策包“${raw.name}”开始。改动的参数会以它为基础导出。`);
}

/** Starts editing: `base` is what "before" means, `extendsId` what the export extends, `pack`
 *  (optional) an imported pack whose own values are the starting edits. */
function begin(base, extendsId, pack) {
  const { engine } = state;
  state.baseRaw = base;
  state.extendsId = extendsId;
  state.baseMerged = T.withDefaults(engine.resolvePolicy(base));
  state.edited = pack ? T.withDefaults(engine.resolvePolicy(pack)) : T.clone(state.baseMerged);
  if (!state.edited.provenance) state.edited.provenance = {};
  if (!state.edited.sources) state.edited.sources = {};
  const m = pack ?? { id: `${base.id}-local`, name: `${base.name}（修改）`, region: base.region ?? state.baseMerged.region, effective: state.baseMerged.effective };
  $('meta-id').value = m.id ?? '';
  $('meta-name').value = m.name ?? '';
  $('meta-region-code').value = m.region?.code ?? '';
  $('meta-region-name').value = m.region?.name ?? '';
  $('meta-from').value = m.effective?.from ?? '';
  $('meta-until').value = m.effective?.until ?? '';
  state.cases = T.sampleCases(state.baseMerged);
  showCases();
  $('export-hint').textContent = extendsId
    ? `导出的政策包只包含改动的参数（连同它们的依据），并注明继承自“${extendsId}”（extends）。可以用 yibao validate 检查，交给门户发布。`
    : '起始政策包不继承内置政策包，导出的是完整的政策包（含全部参数和依据）。可以用 yibao validate 检查，交给门户发布。';
  renderAll();
  refresh();
}

async function importFile(e) {
  const file = e.target.files?.[0];
  if (!file) return;
  let pack;
  try {
    pack = JSON.parse(await file.text());
  } catch (err) {
    setStatus('start-status', `“${file.name}”不是有效的 JSON 文件：${err.message}`, true);
    return;
  }
  if (!pack || typeof pack !== 'object' || Array.isArray(pack)) {
    setStatus('start-status', `“${file.name}”不是政策包（应为一个 JSON 对象）。`, true);
    return;
  }
  try {
    // A child of a bundled pack (what this page exports): that pack is the base, the file's own
    // values are the edits, so importing an export restores the state it was exported from.
    const parent = typeof pack.extends === 'string' ? bundledById(pack.extends) : undefined;
    if (parent) {
      begin(parent, parent.id, pack);
      $('base-pack').value = parent.id;
      setStatus('start-status', `已导入“${file.name}”：以“${parent.name}”为基础，文件中的改动已载入。`);
    } else if (pack.extends) {
      setStatus('start-status', `“${file.name}”继承的政策包“${pack.extends}”不是内置政策包，无法载入。请导入完整的政策包，或继承内置政策包的政策包。`, true);
    } else {
      begin(pack, null, null);
      setStatus('start-status', `已导入“${file.name}”（完整政策包）。`);
    }
  } catch (err) {
    const x = err?.error ?? { message: String(err), path: '' };
    setStatus('start-status', `“${file.name}”不能作为政策包载入：${x.message}（位置 ${x.path || '/'}）`, true);
  }
  e.target.value = '';
}

// ---------------------------------------------------------------------------------------------
// The pack being edited, as the child pack to export.

function meta() {
  const v = (id) => $(id).value.trim();
  return {
    id: v('meta-id'),
    name: v('meta-name'),
    region: { code: v('meta-region-code'), name: v('meta-region-name') },
    effective: { from: v('meta-from'), until: v('meta-until') || null },
  };
}

function currentPack() {
  return T.childPack(state.baseMerged, state.edited, meta(), state.extendsId);
}

// ---------------------------------------------------------------------------------------------
// Rendering the parameters.

function renderAll() {
  const root = $('params');
  root.replaceChildren();
  const covered = new Set();
  for (const [pointer, title] of GROUPS) {
    const value = T.getAt(state.edited, pointer);
    if (value === undefined) continue;
    covered.add(pointer.split('/')[1]);
    root.append(group(pointer, title, value));
  }
  for (const [k, v] of Object.entries(state.edited)) {
    if (T.META.includes(k) || k === 'provenance' || k === 'sources' || covered.has(k)) continue;
    root.append(group('/' + k, paramName('/' + k) || k, v));
  }
  renderSources();
}

function group(pointer, title, value) {
  const d = el('details', { class: 'group ed-group', open: true, 'data-group': pointer });
  d.append(el('summary', {}, el('span', { class: 'ed-group-title', text: title })));
  const body = el('div', { class: 'ed-group-body' });
  const note = groupProvenance(pointer);
  if (note) body.append(note);
  renderNode(body, pointer, value, pointer);
  d.append(body);
  return d;
}

/** A map's heading: what its keys are. */
function mapTitle(pointer, groupPointer) {
  const own = label(pointer, groupPointer);
  if (/\/levels$/.test(pointer)) return '各级医疗机构';
  if (/\/categories$/.test(pointer)) return `${own ? own + ' · ' : ''}各类人员`;
  return own;
}

/** The provenance written on a group or map itself (it covers the parameters below it), once,
 *  instead of beside every parameter. */
function groupProvenance(pointer) {
  const entry = state.edited.provenance?.[pointer];
  if (!entry) return null;
  const src = entry.source ? state.edited.sources[entry.source] : null;
  const p = el('p', { class: 'ed-prov ed-prov-group' }, '本组参数的依据：', el('span', { class: `tag tag-${entry.basis ?? 'illustrative'}`, text: BASIS[entry.basis] ?? '示例' }));
  const words = [src?.number, entry.clause, entry.note].filter(Boolean).join('；');
  if (words) p.append(` ${words}`);
  return p;
}

function levelNames() {
  const out = {};
  for (const [id, l] of Object.entries(state.edited.levels ?? {})) if (l) out[id] = l.name || id;
  return out;
}

function entryName(mapPointer, key) {
  if (/levels$|unreferred_rate$/.test(mapPointer)) return levelNames()[key] ?? key;
  if (/categories$/.test(mapPointer)) return CATEGORY[key] ?? key;
  if (/^\/conditions$/.test(mapPointer)) return state.edited.conditions?.[key]?.name || key;
  return conditionName(key);
}

function conditionName(id) {
  return state.edited.conditions?.[id]?.name || CONDITION[id] || id;
}

/** The words for `pointer` below its group: "县级医院 · 起付线" under 住院. */
function label(pointer, groupPointer) {
  const words = paramName(pointer, levelNames()).split(' · ');
  const skip = groupPointer === '/levels' ? 0 : paramName(groupPointer, levelNames()).split(' · ').filter(Boolean).length;
  return words.slice(skip).join(' · ') || words.join(' · ');
}

function renderNode(container, pointer, value, groupPointer) {
  const map = T.idMapAt(pointer);
  const list = T.listAt(pointer);
  if (map && value && typeof value === 'object' && !Array.isArray(value)) return renderMap(container, pointer, value, map, groupPointer);
  if (list && Array.isArray(value)) return renderList(container, pointer, value, list, groupPointer);
  if (Array.isArray(value) && value.some((x) => x !== null && typeof x === 'object')) {
    value.forEach((x, i) => renderNode(container, T.child(pointer, i), x, groupPointer));
    return;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const nested = pointer !== groupPointer;
    const target = nested ? el('fieldset', { class: 'sub ed-sub', 'data-pointer': pointer }, el('legend', { text: label(pointer, groupPointer) })) : container;
    for (const [k, v] of Object.entries(value)) renderNode(target, T.child(pointer, k), v, groupPointer);
    if (nested) container.append(target);
    return;
  }
  container.append(param(pointer, value, groupPointer));
}

function renderMap(container, pointer, value, map, groupPointer) {
  const box = el('div', { class: 'ed-map', 'data-pointer': pointer });
  if (pointer !== groupPointer) box.append(el('h4', { text: mapTitle(pointer, groupPointer) }));
  const note = groupProvenance(pointer);
  if (note) box.append(note);
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue; // removed by this pack or its parents
    const p = T.child(pointer, k);
    const fs = el('fieldset', { class: 'sub ed-entry', 'data-pointer': p });
    fs.append(el('legend', { text: `${entryName(pointer, k)}（${k}）` }));
    if (v !== null && typeof v === 'object') renderNode(fs, p, v, p);
    else fs.append(param(p, v, pointer));
    const remove = el('button', { type: 'button', class: 'link', text: `删除“${entryName(pointer, k)}”` });
    remove.addEventListener('click', () => removeEntry(pointer, k, map));
    fs.append(el('p', { class: 'row-actions' }, remove));
    box.append(fs);
  }
  box.append(addControl(pointer, value, map));
  container.append(box);
}

/** Ids that may be added to a map: declared levels, categories, conditions; free for new levels. */
function candidates(map, value) {
  const present = (id) => value[id] !== undefined && value[id] !== null;
  let ids = [];
  if (map.ids === 'levels') ids = T.declaredLevels(state.edited).map((l) => l.id);
  if (map.ids === 'categories') ids = T.CATEGORIES;
  if (map.ids === 'two_diseases') ids = ['hypertension', 'diabetes'];
  if (map.ids === 'conditions') ids = [...new Set([...Object.keys(CONDITION), ...Object.keys(state.edited.conditions ?? {})])];
  return ids.filter((id) => !present(id));
}

function addControl(pointer, value, map) {
  const n = ++state.seq;
  const row = el('div', { class: 'ed-add' });
  const what = { levels: '级别', categories: '人员类别', conditions: '病种', two_diseases: '病种', free: '病种' }[map.ids] ?? '项目';
  let input;
  if (pointer === '/levels' || pointer === '/conditions') {
    input = el('input', { id: `add-${n}`, autocomplete: 'off', spellcheck: 'false', placeholder: pointer === '/levels' ? '例如 tier1' : '例如 kidney_failure' });
    row.append(el('label', { for: `add-${n}`, text: `新${what}的编号（小写字母、数字、下划线）` }), input);
  } else {
    const ids = candidates(map, value);
    if (!ids.length) return row;
    input = el('select', { id: `add-${n}` });
    for (const id of ids) input.append(el('option', { value: id, text: `${entryName(pointer, id)}（${id}）` }));
    row.append(el('label', { for: `add-${n}`, text: `选择要添加的${what}` }), input);
  }
  const button = el('button', { type: 'button', class: 'secondary', text: `添加${what}` });
  button.addEventListener('click', () => {
    const id = input.value.trim();
    if (!id) {
      input.focus();
      return;
    }
    const entry = map.shape();
    if (pointer === '/levels') {
      entry.name = id;
      entry.rank = Math.max(0, ...T.declaredLevels(state.edited).map((l) => l.rank)) + 1;
    }
    T.setAt(state.edited, T.child(pointer, id), entry);
    renderAll();
    refresh();
    focusFirst(T.child(pointer, id));
  });
  row.append(button);
  return row;
}

function removeEntry(pointer, key, map) {
  const p = T.child(pointer, key);
  if (map.removeAs === null) T.setAt(state.edited, p, null);
  else T.removeAt(state.edited, p);
  // A level no longer declared goes from every map and list that names it, as a pack that
  // grades its hospitals its own way removes them.
  if (pointer === '/levels') {
    for (const m of ['/basic/inpatient/levels', '/basic/general_outpatient/levels']) {
      const v = T.getAt(state.edited, m);
      if (v && Object.hasOwn(v, key)) v[key] = null;
    }
    const unreferred = T.getAt(state.edited, '/basic/inpatient/unreferred_rate');
    if (unreferred) delete unreferred[key];
    const tcm = T.getAt(state.edited, '/basic/inpatient/tcm_full_levels');
    if (Array.isArray(tcm)) T.setAt(state.edited, '/basic/inpatient/tcm_full_levels', tcm.filter((x) => x !== key));
  }
  dropProvenanceUnder(p);
  renderAll();
  refresh();
  document.querySelector(`[data-pointer="${CSS.escape(pointer)}"] .ed-add :is(input, select, button)`)?.focus();
}

/** Drops the provenance this edit wrote for what is gone; the base's own entries stay (a child
 *  pack cannot remove them, and a removed level is still there as null). */
function dropProvenanceUnder(p) {
  const base = state.baseMerged.provenance ?? {};
  for (const k of Object.keys(state.edited.provenance)) {
    if ((k === p || k.startsWith(p + '/')) && !Object.hasOwn(base, k)) delete state.edited.provenance[k];
  }
}

function renderList(container, pointer, items, list, groupPointer) {
  const box = el('div', { class: 'ed-map', 'data-pointer': pointer });
  box.append(el('h4', { text: label(pointer, groupPointer) || paramName(pointer) }));
  items.forEach((item, i) => {
    const p = T.child(pointer, i);
    const fs = el('fieldset', { class: 'sub ed-entry', 'data-pointer': p });
    const name = list.what === '层' ? `第 ${i + 1} 层${item.name ? `：${item.name}` : ''}` : `第 ${i + 1} 段`;
    fs.append(el('legend', { text: name }));
    for (const [k, v] of Object.entries(item)) renderNode(fs, T.child(p, k), v, p);
    const remove = el('button', { type: 'button', class: 'link', text: `删除${name}` });
    remove.addEventListener('click', () => {
      T.removeAt(state.edited, p);
      dropProvenanceUnder(p);
      renderAll();
      refresh();
    });
    fs.append(el('p', { class: 'row-actions' }, remove));
    box.append(fs);
  });
  const add = el('button', { type: 'button', class: 'secondary', text: `添加一${list.what}` });
  add.addEventListener('click', () => {
    const arr = T.getAt(state.edited, pointer);
    // A band goes before the open-ended last one; a layer at the end.
    const at = list.what === '段' ? Math.max(0, arr.length - 1) : arr.length;
    arr.splice(at, 0, list.shape(arr));
    renderAll();
    refresh();
    focusFirst(T.child(pointer, at));
  });
  box.append(el('p', { class: 'row-actions' }, add));
  container.append(box);
}

function focusFirst(pointer) {
  const box = document.querySelector(`[data-pointer="${CSS.escape(pointer)}"]`);
  const target = box?.matches('input, select') ? box : box?.querySelector('input, select');
  target?.focus();
}

/** Checkbox choices for arrays of ids. */
function choicesFor(pointer) {
  if (/\/covers$/.test(pointer)) return Object.fromEntries(T.KINDS.map((k) => [k, KIND[k]]));
  if (/\/categories$/.test(pointer)) return Object.fromEntries(T.CATEGORIES.map((k) => [k, CATEGORY[k]]));
  if (/\/tcm_full_levels$/.test(pointer)) return levelNames();
  if (/^\/basic\/chronic_outpatient\/conditions$/.test(pointer)) {
    const ids = [...new Set([...Object.keys(CONDITION), ...Object.keys(state.edited.conditions ?? {})])];
    return Object.fromEntries(ids.map((k) => [k, conditionName(k)]));
  }
  return null;
}

/** One parameter: its input, what it inherits, its provenance and an editor for it. */
function param(pointer, value, groupPointer) {
  const n = ++state.seq;
  const id = `p-${n}`;
  const row = el('div', { class: 'ed-param', 'data-param': pointer });
  const name = label(pointer, groupPointer);
  const errId = `${id}-err`;
  const provId = `${id}-prov`;
  const choices = Array.isArray(value) ? choicesFor(pointer) : null;
  const enumeration = typeof value === 'string' ? ENUMS.find(([re]) => re.test(pointer))?.[1] : null;
  if (choices) {
    const fs = el('fieldset', { class: 'ed-checks', 'data-pointer': pointer }, el('legend', { text: name }));
    const box = el('div', { class: 'checks' });
    for (const [k, words] of Object.entries(choices)) {
      const cb = el('input', { type: 'checkbox', id: `${id}-${k}`, value: k, checked: value.includes(k), 'aria-describedby': `${provId} ${errId}` });
      cb.addEventListener('change', () => {
        const picked = [...fs.querySelectorAll('input:checked')].map((x) => x.value);
        change(pointer, picked, row);
      });
      box.append(el('label', { for: `${id}-${k}` }, cb, el('span', { text: words })));
    }
    fs.append(box);
    row.append(fs);
  } else if (typeof value === 'boolean') {
    const cb = el('input', { type: 'checkbox', id, 'data-pointer': pointer, checked: value, 'aria-describedby': `${provId} ${errId}` });
    cb.addEventListener('change', () => change(pointer, cb.checked, row));
    row.append(el('label', { for: id, class: 'ed-inline' }, cb, el('span', { text: name })));
  } else if (enumeration) {
    const sel = el('select', { id, 'data-pointer': pointer, 'aria-describedby': `${provId} ${errId}` });
    for (const [k, words] of Object.entries(enumeration)) sel.append(el('option', { value: k, text: `${words}（${k}）` }));
    if (!Object.hasOwn(enumeration, value)) sel.append(el('option', { value, text: value }));
    sel.value = value;
    sel.addEventListener('change', () => change(pointer, sel.value, row));
    row.append(el('label', { for: id, text: name }), sel);
  } else {
    const isList = Array.isArray(value);
    const text = isList ? value.join(', ') : value === null ? '' : String(value);
    const hint = isList ? '多个值用逗号分隔' : /cap/.test(pointer) ? '留空表示不设限额' : undefined;
    const input = el('input', { id, 'data-pointer': pointer, value: text, autocomplete: 'off', spellcheck: 'false', inputmode: /rank|name|id$/.test(pointer) || isList ? undefined : 'decimal', placeholder: hint, 'aria-describedby': `${provId} ${errId}` });
    input.addEventListener('input', () => change(pointer, readInput(input.value, value, pointer), row));
    row.append(el('label', { for: id, text: name }), input);
  }
  row.append(el('p', { class: 'ed-prov', id: provId }), el('p', { class: 'field-error', id: errId, hidden: true }));
  row.append(provenanceEditor(pointer, n));
  describe(row, pointer);
  return row;
}

/** The text of an input as the pack's JSON: amounts and rates stay strings (exact decimals),
 *  an empty field is null ("不设"), ranks are integers, lists are split at commas. */
function readInput(text, old, pointer) {
  const t = text.trim();
  if (Array.isArray(old)) return t ? t.split(/[,，、\s]+/).filter(Boolean) : [];
  if (/\/rank$/.test(pointer)) return /^\d+$/.test(t) ? Number(t) : t;
  if (/\/(name|id)$/.test(pointer)) return t;
  return t === '' ? null : t;
}

function change(pointer, value, row) {
  T.setAt(state.edited, pointer, value);
  const base = T.getAt(state.baseMerged, pointer);
  const own = state.edited.provenance[pointer];
  const inherited = state.baseMerged.provenance?.[pointer];
  if (!T.same(base, value)) {
    // A changed value is no longer what the inherited source states: an example until the user
    // says which document states it.
    if (!own || T.same(own, inherited)) state.edited.provenance[pointer] = { basis: 'illustrative', note: UNSOURCED };
  } else if (own && own.note === UNSOURCED && !own.source) {
    if (inherited) state.edited.provenance[pointer] = T.clone(inherited);
    else delete state.edited.provenance[pointer];
  }
  describe(row, pointer);
  syncProvenanceEditor(row, pointer);
  if (/^\/levels\/[^/]+\/name$/.test(pointer) || /\/layers\/\d+\/name$/.test(pointer)) renameLater();
  schedule();
}

let renameTimer;
/** Level and layer names appear in other labels: redraw them once typing pauses. */
function renameLater() {
  clearTimeout(renameTimer);
  renameTimer = setTimeout(() => {
    for (const legend of document.querySelectorAll('fieldset.ed-entry > legend')) {
      const fs = legend.parentElement;
      const segs = T.segments(fs.dataset.pointer);
      const key = segs.at(-1);
      const mapPointer = T.pointerOf(segs.slice(0, -1));
      if (T.idMapAt(mapPointer)) legend.textContent = `${entryName(mapPointer, key)}（${key}）`;
    }
  }, 400);
}

/** A pointer in words: a group by its title, the whole pack as such. */
function pointerName(p) {
  if (p === '') return '整个政策包';
  return GROUPS.find(([g]) => g === p)?.[1] ?? (paramName(p, levelNames()) || p);
}

/** A value in words: names, ids and ranks as they are, amounts and rates as vocab.js words them. */
function shown(pointer, value) {
  if (/\/(name|id|rank)$/.test(pointer)) return String(value);
  const words = typeof value === 'string' ? ENUMS.find(([re]) => re.test(pointer))?.[1][value] : undefined;
  if (words) return words;
  return paramValue(pointer, value, levelNames()) || String(value);
}

/** "沿用 / 已修改" and the provenance line of one parameter. */
function describe(row, pointer) {
  const value = T.getAt(state.edited, pointer);
  const base = T.getAt(state.baseMerged, pointer);
  const changed = !T.same(base, value);
  row.classList.toggle('changed', changed);
  const { pointer: at, entry } = T.provenanceOf(state.edited.provenance, pointer);
  const src = entry.source ? state.edited.sources[entry.source] : null;
  const parts = [];
  if (changed) parts.push(base === undefined ? '新增' : `已修改（原值 ${shown(pointer, base)}）`);
  else parts.push(`沿用起始政策包：${shown(pointer, base)}`);
  const basis = el('span', { class: `tag tag-${entry.basis ?? 'illustrative'}`, text: BASIS[entry.basis] ?? '示例' });
  const line = row.querySelector('.ed-prov');
  line.replaceChildren(parts.join(''), ' · 依据：', basis);
  if (at && at !== pointer) {
    // Written on a group above (and shown there): name it, not its whole note again.
    if (src) line.append(` ${src.number ?? ''}`);
    line.append(el('span', { class: 'sub-label', text: `（见“${pointerName(at)}”的依据）` }));
  } else {
    if (src) line.append(` ${src.number ?? ''}${entry.clause ? ` ${entry.clause}` : ''}`);
    if (entry.note) line.append(`${src ? '；' : ' '}${entry.note}`);
  }
}

function provenanceEditor(pointer, n) {
  const d = el('details', { class: 'ed-prov-edit' });
  d.append(el('summary', { text: '填写依据' }));
  const p = (field) => T.child('/provenance', pointer) + '/' + field;
  const basis = el('select', { id: `pv-${n}-basis`, 'data-pointer': p('basis') });
  for (const [k, v] of Object.entries(BASIS)) basis.append(el('option', { value: k, text: `${v}（${k}）` }));
  const source = el('select', { id: `pv-${n}-source`, 'data-pointer': p('source') });
  const clause = el('input', { id: `pv-${n}-clause`, 'data-pointer': p('clause'), autocomplete: 'off' });
  const note = el('input', { id: `pv-${n}-note`, 'data-pointer': p('note'), autocomplete: 'off' });
  const grid = el(
    'div',
    { class: 'grid2' },
    el('div', { class: 'field' }, el('label', { for: basis.id, text: '依据类型' }), basis),
    el('div', { class: 'field' }, el('label', { for: source.id, text: '文件' }), source),
    el('div', { class: 'field' }, el('label', { for: clause.id, text: '条款（原文摘录或条款序号）' }), clause),
    el('div', { class: 'field' }, el('label', { for: note.id, text: '说明' }), note),
  );
  d.append(grid);
  const write = () => {
    // Once a document or a basis is given, the "no source yet" note no longer holds.
    if (note.value === UNSOURCED && (source.value || basis.value !== 'illustrative')) note.value = '';
    const entry = { basis: basis.value };
    if (source.value) entry.source = source.value;
    if (clause.value.trim()) entry.clause = clause.value.trim();
    if (note.value.trim()) entry.note = note.value.trim();
    state.edited.provenance[pointer] = entry;
    describe(d.closest('.ed-param'), pointer);
    schedule();
  };
  for (const x of [basis, source]) x.addEventListener('change', write);
  for (const x of [clause, note]) x.addEventListener('input', write);
  d.addEventListener('toggle', () => {
    if (d.open) syncProvenanceEditor(d.closest('.ed-param'), pointer);
  });
  return d;
}

/** Fills a parameter's provenance editor with the entry that covers it now. */
function syncProvenanceEditor(row, pointer) {
  const d = row.querySelector('.ed-prov-edit');
  const { entry } = T.provenanceOf(state.edited.provenance, pointer);
  const [basis, source, clause, note] = d.querySelectorAll('select, input');
  source.replaceChildren(el('option', { value: '', text: '（无）' }));
  for (const [id, s] of Object.entries(state.edited.sources)) source.append(el('option', { value: id, text: `${s.number || s.title || id}（${id}）` }));
  basis.value = entry.basis ?? 'illustrative';
  source.value = entry.source ?? '';
  clause.value = entry.clause ?? '';
  note.value = entry.note ?? '';
}

// ---------------------------------------------------------------------------------------------
// Sources.

const SOURCE_FIELDS = [
  ['number', '文号'],
  ['title', '文件标题'],
  ['issuer', '发文机关'],
  ['date', '发文日期'],
  ['url', '网址'],
  ['retrieved', '查阅日期'],
];

function renderSources() {
  const root = $('sources');
  root.replaceChildren();
  for (const [id, s] of Object.entries(state.edited.sources)) {
    const fs = el('fieldset', { class: 'sub ed-entry', 'data-pointer': T.child('/sources', id) }, el('legend', { text: `${s.number || s.title || '新文件'}（${id}）` }));
    const grid = el('div', { class: 'grid2' });
    for (const [field, words] of SOURCE_FIELDS) {
      const n = ++state.seq;
      const pointer = T.child(T.child('/sources', id), field);
      const input = el('input', { id: `s-${n}`, 'data-pointer': pointer, value: s[field] ?? '', autocomplete: 'off', type: field === 'date' || field === 'retrieved' ? 'date' : field === 'url' ? 'url' : 'text', 'aria-describedby': `s-${n}-err` });
      input.addEventListener('input', () => {
        const v = input.value.trim();
        if (v) state.edited.sources[id][field] = v;
        else delete state.edited.sources[id][field];
        schedule();
      });
      grid.append(el('div', { class: 'field' }, el('label', { for: input.id, text: words }), input, el('p', { class: 'field-error', id: `s-${n}-err`, hidden: true })));
    }
    fs.append(grid);
    root.append(fs);
  }
}

function addSource() {
  let i = 1;
  while (state.edited.sources[`doc-${i}`]) i++;
  const id = `doc-${i}`;
  state.edited.sources[id] = { number: '', title: '' };
  renderSources();
  for (const row of document.querySelectorAll('.ed-param')) {
    if (row.querySelector('.ed-prov-edit').open) syncProvenanceEditor(row, row.dataset.param);
  }
  focusFirst(T.child('/sources', id));
  schedule();
}

// ---------------------------------------------------------------------------------------------
// Validation by the engine, preview, export.

let timer;
function schedule() {
  clearTimeout(timer);
  // Until the engine has checked the edit (tests wait on this too).
  document.documentElement.dataset.pending = 'true';
  timer = setTimeout(refresh, 150);
}

function clearErrors() {
  for (const x of document.querySelectorAll('[aria-invalid="true"]')) x.removeAttribute('aria-invalid');
  for (const x of document.querySelectorAll('main .field-error:not(#cases-error)')) {
    x.hidden = true;
    x.textContent = '';
  }
}

/** The input a pack pointer names, or the nearest one above it. */
function fieldFor(path) {
  let segs = T.segments(path);
  // A provenance entry's pointer is one segment: /provenance/~1critical_illness~1threshold/basis.
  while (segs.length) {
    const p = T.pointerOf(segs);
    const found = document.querySelector(`[data-pointer="${CSS.escape(p)}"]`);
    if (found) return found.matches('input, select, textarea') ? found : found.querySelector('input, select') ?? found;
    segs = segs.slice(0, -1);
  }
  return null;
}

function showError(error) {
  const field = fieldFor(error.path);
  const where = field ? nameOf(field) : error.path;
  if (field) {
    field.setAttribute('aria-invalid', 'true');
    for (const d of ancestors(field, 'details')) d.open = true;
    const errId = (field.getAttribute('aria-describedby') ?? '').split(' ').find((x) => x.endsWith('-err'));
    let msg = errId && $(errId);
    if (!msg) {
      msg = el('p', { class: 'field-error', id: `${field.id || 'f' + ++state.seq}-err` });
      field.after(msg);
      field.setAttribute('aria-describedby', `${field.getAttribute('aria-describedby') ?? ''} ${msg.id}`.trim());
    }
    msg.textContent = error.message;
    msg.hidden = false;
  }
  const status = $('edit-status');
  status.replaceChildren('有 1 处需要修改（修改后再检查其余参数）：');
  if (field?.id) {
    const a = el('a', { href: `#${field.id}`, text: where });
    a.addEventListener('click', (e) => {
      e.preventDefault();
      field.focus();
    });
    status.append(a);
  } else {
    status.append(`${where}：${error.message}`);
  }
  status.classList.add('error');
}

function* ancestors(node, selector) {
  for (let x = node.parentElement; x; x = x.parentElement) if (x.matches(selector)) yield x;
}

function nameOf(field) {
  const lab = field.id ? document.querySelector(`label[for="${CSS.escape(field.id)}"]`) : null;
  const legend = field.closest('fieldset')?.querySelector('legend');
  return (lab ?? legend)?.textContent.trim() || field.dataset.pointer;
}

function refresh() {
  clearTimeout(timer);
  delete document.documentElement.dataset.pending;
  clearErrors();
  const pack = currentPack();
  state.valid = true;
  try {
    state.engine.validatePolicy(pack);
    const changes = changedCount();
    setStatus('edit-status', changes ? `已修改 ${changes} 个参数，政策包有效。` : '尚未修改参数。');
  } catch (e) {
    state.valid = false;
    showError(e?.error ?? { path: '', message: String(e) });
  }
  $('export-json').value = JSON.stringify(pack, null, 2);
  setStatus('export-status', state.valid ? '' : '政策包还有错误，改正后才能导出（见“参数和文件依据”中标红的一项）。', !state.valid);
  $('export').setAttribute('aria-disabled', String(!state.valid));
  renderPreview(state.valid ? pack : null);
}

function changedCount() {
  const base = new Map(T.leaves(state.baseMerged).map((l) => [l.pointer, l.value]));
  return T.leaves(state.edited).filter((l) => !T.same(base.get(l.pointer), l.value)).length;
}

const COLUMNS = ['basic', 'critical_illness', 'medical_assistance', 'out_of_pocket'];

function renderPreview(pack) {
  const body = $('preview').tBodies[0];
  body.replaceChildren();
  for (const { label: name, case: c } of state.cases) {
    const tr = el('tr', {}, el('th', { scope: 'row', text: name }));
    let before;
    let after;
    try {
      before = state.engine.estimate(c, { policy: state.baseRaw }).totals;
    } catch (e) {
      tr.append(el('td', { colspan: 4, class: 'ed-case-error', text: `起始政策包无法测算：${e?.error?.message ?? e}` }));
      body.append(tr);
      continue;
    }
    let afterError = null;
    if (pack) {
      try {
        after = state.engine.estimate(c, { policy: pack }).totals;
      } catch (e) {
        afterError = e?.error?.message ?? String(e);
      }
    }
    for (const k of COLUMNS) {
      const td = el('td', { class: 'num' });
      if (after && after[k] !== before[k]) {
        td.classList.add('diff');
        td.append(el('del', { text: money(before[k]) }), el('span', { class: 'visually-hidden', text: '改为' }), ' → ', el('ins', { text: money(after[k]) }));
      } else {
        td.textContent = money(before[k]);
      }
      tr.append(td);
    }
    if (afterError) tr.append(el('td', { class: 'ed-case-error', text: `修改后无法测算：${afterError}` }));
    body.append(tr);
  }
  $('preview-stale').hidden = Boolean(pack);
}

function showCases() {
  $('cases-json').value = JSON.stringify(state.cases, null, 2);
  $('cases-error').hidden = true;
  $('cases-json').removeAttribute('aria-invalid');
}

function applyCases() {
  const box = $('cases-json');
  const err = $('cases-error');
  try {
    const cases = JSON.parse(box.value);
    if (!Array.isArray(cases) || !cases.every((x) => x && typeof x.label === 'string' && x.case && typeof x.case === 'object')) {
      throw new Error('应为列表，每项为 {"label": "名称", "case": {…}} (a list of {label, case})');
    }
    state.cases = cases;
    err.hidden = true;
    box.removeAttribute('aria-invalid');
    refresh();
  } catch (e) {
    err.textContent = `案例无法读取：${e.message}`;
    err.hidden = false;
    box.setAttribute('aria-invalid', 'true');
    box.focus();
  }
}

function exportPack() {
  refresh();
  if (!state.valid) {
    document.querySelector('main [aria-invalid="true"]')?.focus();
    return;
  }
  const pack = currentPack();
  const blob = new Blob([JSON.stringify(pack, null, 2) + '\n'], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: `${pack.id}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  setStatus('export-status', `已下载 ${pack.id}.json。`);
}

async function copyJson() {
  refresh();
  const text = $('export-json').value;
  try {
    await navigator.clipboard.writeText(text);
    setStatus('export-status', state.valid ? '已复制政策包 JSON。' : '已复制 JSON，但政策包还有错误。', !state.valid);
  } catch {
    const box = $('export-json');
    box.closest('details').open = true;
    box.focus();
    box.select();
    setStatus('export-status', '浏览器不允许直接复制：JSON 已选中，请按 Ctrl+C（手机上长按）复制。');
  }
}

function fillPrintSheet() {
  const m = meta();
  $('print-title').textContent = `${m.name}（${m.id}）`;
  $('print-meta').textContent = `${m.region.name} ${m.region.code}，${m.effective.from} 起${m.effective.until ? `至 ${m.effective.until}` : ''}；${state.extendsId ? `继承 ${state.extendsId}` : '完整政策包'}`;
  const body = $('print-table').tBodies[0];
  body.replaceChildren();
  const groups = new Map(); // provenance written on a group: printed once, below the table
  const words = (entry) => {
    const src = entry.source ? state.edited.sources[entry.source] : null;
    return [src?.number, src?.title, entry.clause, entry.note].filter(Boolean).join('；');
  };
  for (const { pointer, value } of T.leaves(state.edited)) {
    const { pointer: at, entry } = T.provenanceOf(state.edited.provenance, pointer);
    let text = words(entry);
    if (at && at !== pointer) {
      const name = pointerName(at);
      groups.set(at, { name, entry });
      text = `见下方“${name}”的依据`;
    }
    body.append(
      el(
        'tr',
        {},
        el('td', { text: paramName(pointer, levelNames()) }),
        el('td', { text: shown(pointer, value) }),
        el('td', { text: BASIS[entry.basis] ?? '示例' }),
        el('td', { text }),
      ),
    );
  }
  const notes = $('print-groups');
  notes.replaceChildren();
  for (const { name, entry } of groups.values()) {
    notes.append(el('dt', { text: `${name}（${BASIS[entry.basis] ?? '示例'}）` }), el('dd', { text: words(entry) }));
  }
}
