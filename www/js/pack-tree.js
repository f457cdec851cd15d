// A policy pack as a tree of JSON Pointers, for the pack editor: reading and writing a value at a
// pointer, what a parameter's provenance is, and the child pack that holds only what changed.
// No DOM here (tests/node runs these functions as they are).
import { CATEGORY } from './vocab.js';

/** "/basic/inpatient" → ["basic", "inpatient"] (RFC 6901 unescaping). */
export function segments(pointer) {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** ["basic", "a/b"] → "/basic/a~1b". */
export function pointerOf(segs) {
  return segs.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function child(pointer, key) {
  return pointer + pointerOf([key]);
}

/** The value at `pointer`, or undefined. */
export function getAt(doc, pointer) {
  let v = doc;
  for (const s of segments(pointer)) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, s)) return undefined;
    v = v[s];
  }
  return v;
}

/** Sets the value at `pointer`, making the objects on the way. */
export function setAt(doc, pointer, value) {
  const segs = segments(pointer);
  let v = doc;
  for (const s of segs.slice(0, -1)) {
    if (v[s] === null || typeof v[s] !== 'object') v[s] = {};
    v = v[s];
  }
  v[segs.at(-1)] = value;
}

/** Removes the member or array element at `pointer`. */
export function removeAt(doc, pointer) {
  const segs = segments(pointer);
  const parent = getAt(doc, pointerOf(segs.slice(0, -1)));
  if (Array.isArray(parent)) parent.splice(Number(segs.at(-1)), 1);
  else if (parent && typeof parent === 'object') delete parent[segs.at(-1)];
}

export function clone(v) {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

export function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A parameter's provenance as the engine reads it (policy-format.md): the entry of the deepest
 * pointer at or above it; none means illustrative. Returns { pointer, entry } (pointer null when
 * none covers it).
 */
export function provenanceOf(provenance, pointer) {
  const segs = segments(pointer);
  for (let n = segs.length; n >= 0; n--) {
    const p = pointerOf(segs.slice(0, n));
    if (provenance && Object.hasOwn(provenance, p) && provenance[p]) return { pointer: p, entry: provenance[p] };
  }
  return { pointer: null, entry: { basis: 'illustrative' } };
}

/** The members that say which pack this is, not what it pays: never diffed, written whole. */
export const META = ['format', 'id', 'name', 'region', 'effective', 'extends', 'description'];

/**
 * What `edited` changes of `base`, as a child pack's members (policy-format.md's merge: objects
 * merge key by key, anything else replaces): changed scalars and arrays whole, a member the edit
 * removed as null (the format's way for a child to remove an inherited level). Undefined when
 * nothing changed.
 */
export function diff(base, edited) {
  if (same(base, edited)) return undefined;
  const plain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!plain(base) || !plain(edited)) return clone(edited);
  const out = {};
  // The base's member order, then new members: the same child whatever order the edit has (an
  // imported pack comes back in its parent's order).
  for (const k of orderedKeys(base, edited)) {
    if (!Object.hasOwn(edited, k)) {
      if (base[k] !== null) out[k] = null;
      continue;
    }
    const d = Object.hasOwn(base, k) ? diff(base[k], edited[k]) : clone(edited[k]);
    if (d !== undefined) out[k] = d;
  }
  return Object.keys(out).length ? out : undefined;
}

function orderedKeys(base, edited) {
  return [...Object.keys(base), ...Object.keys(edited).filter((k) => !Object.hasOwn(base, k))];
}

/**
 * The pack to export: a child that `extends` the base and holds only what changed (each changed
 * value with its provenance entries and the sources they cite), or, for a base that no bundled
 * pack can be found for (`extendsId` null), the whole edited pack.
 */
export function childPack(baseMerged, edited, meta, extendsId) {
  const pack = { format: 'yibao-policy/2', id: meta.id, name: meta.name, region: clone(meta.region), effective: clone(meta.effective) };
  if (extendsId == null) {
    for (const [k, v] of Object.entries(edited)) if (!META.includes(k)) pack[k] = clone(v);
    return pack;
  }
  pack.extends = extendsId;
  const body = {};
  for (const k of orderedKeys(baseMerged, edited)) {
    if (META.includes(k) || k === 'provenance' || k === 'sources' || !Object.hasOwn(edited, k)) continue;
    const v = edited[k];
    const d = Object.hasOwn(baseMerged, k) ? diff(baseMerged[k], v) : clone(v);
    if (d !== undefined) body[k] = d;
  }
  // Provenance and sources: the entries that are new or differ (a map the child merges over).
  const prov = diff(baseMerged.provenance ?? {}, edited.provenance ?? {});
  const sources = diff(baseMerged.sources ?? {}, edited.sources ?? {});
  if (sources) pack.sources = sources;
  Object.assign(pack, body);
  if (prov) pack.provenance = prov;
  return pack;
}

/**
 * Every leaf parameter of a merged pack (its scalars, and arrays of scalars as one parameter),
 * with its pointer, outside the META members, `provenance` and `sources`. Removed (null) members
 * of a level map are left out.
 */
export function leaves(pack) {
  const out = [];
  const walk = (v, p) => {
    if (Array.isArray(v)) {
      if (v.every((x) => x === null || typeof x !== 'object')) out.push({ pointer: p, value: v });
      else v.forEach((x, i) => walk(x, child(p, i)));
    } else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (x === null && isIdMap(child(p, k))) continue;
        walk(x, child(p, k));
      }
    } else {
      out.push({ pointer: p, value: v });
    }
  };
  for (const [k, v] of Object.entries(pack)) if (!META.includes(k) && k !== 'provenance' && k !== 'sources') walk(v, '/' + k);
  return out;
}

/**
 * Optional members of format /2 with the value their absence means (policy-format.md): shown in
 * the editor so that they can be set, and added to the base as well as to the edit, so that
 * showing them changes nothing in the export.
 */
const DEFAULTS = [
  ['/basic/inpatient/repeat_deductible_factors', ['1']],
  ['/basic/chronic_outpatient/condition_rules', {}],
  ['/conditions', {}],
];

/** `pack` with the absent optional members of DEFAULTS (where their parent object is there). */
export function withDefaults(pack) {
  for (const [p, v] of DEFAULTS) {
    const parent = getAt(pack, pointerOf(segments(p).slice(0, -1)));
    if (getAt(pack, p) === undefined && parent && typeof parent === 'object') setAt(pack, p, clone(v));
  }
  return pack;
}

/** Maps keyed by an id the pack or rules.md declares, whose members can be added and removed. */
const ID_MAPS = [
  { re: /^\/levels$/, ids: 'levels', removeAs: null, shape: () => ({ name: '', rank: 1 }) },
  { re: /^\/conditions$/, ids: 'free', removeAs: 'delete', shape: () => ({ name: '' }) },
  { re: /^\/basic\/inpatient\/levels$/, ids: 'levels', removeAs: null, shape: () => ({ deductible: '0', rate: '0' }) },
  { re: /^\/basic\/general_outpatient\/levels$/, ids: 'levels', removeAs: null, shape: () => ({ rate: '0' }) },
  { re: /^\/basic\/inpatient\/unreferred_rate$/, ids: 'levels', removeAs: 'delete', shape: () => '0' },
  { re: /^\/basic\/chronic_outpatient\/condition_caps$/, ids: 'conditions', removeAs: 'delete', shape: () => '0' },
  { re: /^\/basic\/chronic_outpatient\/condition_rules$/, ids: 'conditions', removeAs: 'delete', shape: () => ({ annual_deductible: '0', annual_cap: null }) },
  { re: /^\/basic\/two_diseases\/annual_caps$/, ids: 'two_diseases', removeAs: 'delete', shape: () => '0' },
  { re: /^\/medical_assistance\/layers\/\d+\/categories$/, ids: 'categories', removeAs: 'delete', shape: () => ({ annual_deductible: '0', rate: '0', annual_cap: null }) },
  { re: /^\/medical_assistance\/categories$/, ids: 'categories', removeAs: 'delete', shape: () => ({ annual_deductible: '0', rate: '0', annual_cap: null }) },
];

/** The id map at `pointer` ({ ids, removeAs, shape }), or undefined. */
export function idMapAt(pointer) {
  return ID_MAPS.find((m) => m.re.test(pointer));
}

function isIdMap(memberPointer) {
  return Boolean(idMapAt(pointerOf(segments(memberPointer).slice(0, -1))));
}

/** Arrays of objects whose elements can be added and removed: bands of a scale, assistance layers. */
export function listAt(pointer) {
  if (/\/bands$/.test(pointer)) return { what: '段', shape: (items) => ({ up_to: '0', rate: items.at(-1)?.rate ?? '0' }) };
  if (/^\/medical_assistance\/layers$/.test(pointer)) return { what: '层', shape: (items) => ({ id: `layer${items.length + 1}`, name: '', categories: {} }) };
  return undefined;
}

/** The ids a person category may be (rules.md). */
export const CATEGORIES = ['ordinary', 'low_income', 'extreme_poverty', 'poverty_registered', 'marginal_low_income'];
/** The visit kinds (rules.md). */
export const KINDS = ['inpatient', 'day_surgery', 'accident_inpatient', 'general_outpatient', 'chronic_outpatient', 'two_diseases_outpatient'];

/** The declared levels of a merged pack, lowest rank first: [{ id, name, rank }]. */
export function declaredLevels(pack) {
  return Object.entries(pack.levels ?? {})
    .filter(([, l]) => l)
    .map(([id, l]) => ({ id, name: l.name, rank: Number(l.rank) }))
    .sort((a, b) => a.rank - b.rank);
}

/**
 * Sample cases that reach every scheme, category and level of a merged pack: an admission at each
 * level its 住院 pays for; 普通门诊, 门诊慢特病 and 两病 visits; a large admission for each category
 * (大病保险, 医疗救助). Dated on the first day the pack is in force.
 */
export function sampleCases(pack) {
  const date = pack.effective?.from ?? '2024-01-01';
  const levels = declaredLevels(pack);
  const inpatient = levels.filter((l) => pack.basic?.inpatient?.levels?.[l.id]);
  const outpatient = levels.filter((l) => pack.basic?.general_outpatient?.levels?.[l.id]);
  const middle = inpatient[Math.floor((inpatient.length - 1) / 2)] ?? levels[0];
  const chronic = pack.basic?.chronic_outpatient?.conditions?.[0];
  const cases = [];
  const add = (label, category, visit, conditions = []) =>
    cases.push({ label, case: { person: { category, conditions }, visits: [{ date, ...visit }] } });
  for (const l of inpatient) add(`住院 · ${l.name} · 2 万元`, 'ordinary', { kind: 'inpatient', level: l.id, total: '20000' });
  if (outpatient[0]) add(`普通门诊 · ${outpatient[0].name} · 300 元`, 'ordinary', { kind: 'general_outpatient', level: outpatient[0].id, total: '300' });
  if (chronic && middle) add(`门诊慢特病 · 5,000 元`, 'ordinary', { kind: 'chronic_outpatient', condition: chronic, level: middle.id, total: '5000' }, [chronic]);
  if (middle) add('“两病”门诊用药 · 800 元', 'ordinary', { kind: 'two_diseases_outpatient', condition: 'hypertension', level: (outpatient[0] ?? middle).id, total: '800' }, ['hypertension']);
  if (middle) {
    for (const category of CATEGORIES) add(`${CATEGORY[category]} · 住院 · ${middle.name} · 15 万元`, category, { kind: 'inpatient', level: middle.id, total: '150000' });
  }
  return cases;
}
