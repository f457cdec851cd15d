// The pack editor's tree functions (www/js/pack-tree.js), on their own: a child pack holds exactly
// what changed, removals as null, provenance found as the engine finds it, and the same child
// whatever order an edit's members come in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as T from '../../www/js/pack-tree.js';

const base = {
  format: 'yibao-policy/2',
  id: 'base',
  levels: { village: { name: '村', rank: 1 }, county: { name: '县', rank: 3 } },
  basic: { inpatient: { levels: { county: { deductible: '500', rate: '0.75' } }, annual_cap: '150000', tcm_full_levels: ['village'] } },
  provenance: { '/basic/inpatient': { basis: 'illustrative', note: '示例' }, '/basic/inpatient/annual_cap': { source: 's', clause: '一', basis: 'document' } },
  sources: { s: { number: '某发〔2024〕1号' } },
};
const meta = { id: 'child', name: '子包', region: { code: '350500', name: '泉州市' }, effective: { from: '2024-01-01', until: null } };

test('pointers read and write as RFC 6901 says', () => {
  const doc = T.clone(base);
  assert.equal(T.getAt(doc, '/basic/inpatient/levels/county/rate'), '0.75');
  assert.equal(T.getAt(doc, '/basic/nowhere/x'), undefined);
  assert.deepEqual(T.segments(T.child('/provenance', '/basic/inpatient')), ['provenance', '/basic/inpatient']);
  T.setAt(doc, '/basic/inpatient/levels/tier1/rate', '0.9');
  assert.deepEqual(doc.basic.inpatient.levels.tier1, { rate: '0.9' });
  T.removeAt(doc, '/basic/inpatient/tcm_full_levels/0');
  assert.deepEqual(doc.basic.inpatient.tcm_full_levels, []);
});

test('the child holds only what changed, a removed level as null, with its provenance and sources', () => {
  const edited = T.clone(base);
  edited.levels.village = null;
  edited.levels.tier1 = { name: '一级', rank: 1 };
  edited.basic.inpatient.levels.county.rate = '0.8';
  edited.basic.inpatient.tcm_full_levels = [];
  edited.provenance['/basic/inpatient/levels/county/rate'] = { basis: 'document', source: 'n', clause: '二' };
  edited.sources.n = { number: '新文件' };
  const child = T.childPack(base, edited, meta, 'base');
  assert.deepEqual(child, {
    format: 'yibao-policy/2',
    id: 'child',
    name: '子包',
    region: meta.region,
    effective: meta.effective,
    extends: 'base',
    sources: { n: { number: '新文件' } },
    levels: { village: null, tier1: { name: '一级', rank: 1 } },
    basic: { inpatient: { levels: { county: { rate: '0.8' } }, tcm_full_levels: [] } },
    provenance: { '/basic/inpatient/levels/county/rate': { basis: 'document', source: 'n', clause: '二' } },
  });
  assert.deepEqual(Object.keys(T.childPack(base, T.clone(base), meta, 'base')), ['format', 'id', 'name', 'region', 'effective', 'extends'], 'nothing changed: nothing but the pack’s own name');
  // Without a bundled parent, the whole pack.
  const whole = T.childPack(base, edited, meta, null);
  assert.equal(whole.extends, undefined);
  assert.equal(whole.basic.inpatient.annual_cap, '150000');
});

test('a changed provenance entry nulls what it no longer says; member order does not change the child', () => {
  const edited = T.clone(base);
  edited.provenance['/basic/inpatient/annual_cap'] = { note: '改了', basis: 'illustrative' };
  const a = T.childPack(base, edited, meta, 'base');
  assert.deepEqual(a.provenance['/basic/inpatient/annual_cap'], { source: null, clause: null, basis: 'illustrative', note: '改了' });
  assert.deepEqual(Object.keys(a.provenance['/basic/inpatient/annual_cap']), ['source', 'clause', 'basis', 'note']);
  const reordered = T.clone(edited);
  reordered.basic = { inpatient: { tcm_full_levels: ['village'], annual_cap: '150000', levels: reordered.basic.inpatient.levels } };
  assert.equal(JSON.stringify(T.childPack(base, reordered, meta, 'base')), JSON.stringify(a));
});

test('provenance: the deepest pointer at or above a parameter; none is illustrative', () => {
  assert.deepEqual(T.provenanceOf(base.provenance, '/basic/inpatient/annual_cap'), { pointer: '/basic/inpatient/annual_cap', entry: base.provenance['/basic/inpatient/annual_cap'] });
  assert.equal(T.provenanceOf(base.provenance, '/basic/inpatient/levels/county/rate').pointer, '/basic/inpatient');
  assert.deepEqual(T.provenanceOf(base.provenance, '/levels/county/name'), { pointer: null, entry: { basis: 'illustrative' } });
});

test('leaves and sample cases cover the pack’s levels', () => {
  const pointers = T.leaves(base).map((l) => l.pointer);
  assert.ok(pointers.includes('/basic/inpatient/levels/county/rate'));
  assert.ok(pointers.includes('/basic/inpatient/tcm_full_levels'), 'a list of ids is one parameter');
  assert.ok(!pointers.some((p) => p.startsWith('/provenance') || p === '/id'));
  const cases = T.sampleCases({ ...base, effective: { from: '2024-01-01' } });
  assert.deepEqual(cases[0].case.visits[0], { date: '2024-01-01', kind: 'inpatient', level: 'county', total: '20000' });
  assert.equal(new Set(cases.map((c) => c.case.person.category)).size, 5, 'every category');
});
