// The npm package as a consumer gets it: `npm pack` of the built pkg/, installed from that tarball
// into a fresh project (offline: no other dependency), imported as `yibao` through its package.json
// `exports`, in Node, with no browser and no fetch of file: URLs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PKG = process.env.YIBAO_PKG || join(ROOT, 'pkg');

const README_CASE = {
  policy: 'gansu-2018',
  person: { category: 'low_income' },
  visits: [{ kind: 'inpatient', level: 'municipal', date: '2024-05-10', total: '50000', out_of_catalog: '3000', class_b_self_pay: '2000' }],
};

// The consumer's script: what it prints is what the tests check.
const CONSUMER = `
import { load } from 'yibao';
const c = JSON.parse(process.argv[2]);
const out = {};
const yibao = await load();
out.same = (await load()) === yibao;
out.build = yibao.build;
out.version = yibao.version();
out.policies = yibao.policies().map((p) => p.id);
out.totals = yibao.estimate(c).totals;
try {
  yibao.estimate({ ...c, visits: [{ ...c.visits[0], total: '-1' }] });
  out.bad = 'no error';
} catch (e) {
  out.bad = e;
  out.badIsError = e instanceof Error;
}
try {
  yibao.settle({ policy: 'jinan-2023', budget: { persons: 1 }, actual: { fund_paid: '1' } });
} catch (e) {
  out.settleResidents = e.error.code;
}
const full = await load({ settlement: true });
out.fullBuild = full.build;
out.fullSame = (await load({ settlement: true })) === full && full !== yibao;
out.settled = full.settle({ policy: 'jinan-2023', budget: { persons: 1200 }, actual: { fund_paid: '3300000.00' }, assessment: { score: '92.5', rank: 4 } });
out.fullTotals = full.estimate(c).totals;
console.log(JSON.stringify(out));
`;

let dir;
let project;
let out;
before(() => {
  assert.ok(existsSync(join(PKG, 'package.json')), `${PKG}/package.json 不存在：请先运行 \`make pkg\` (build the package first)`);
  dir = mkdtempSync(join(tmpdir(), 'yibao-consumer-'));
  const npm = (args, cwd) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });
  const tarball = npm(['pack', PKG, '--pack-destination', dir], dir).trim().split('\n').pop();
  project = join(dir, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  npm(['install', '--offline', join(dir, tarball)], project);
  writeFileSync(join(project, 'consumer.mjs'), CONSUMER);
  out = JSON.parse(execFileSync(process.execPath, ['consumer.mjs', JSON.stringify(README_CASE)], { cwd: project, encoding: 'utf8' }));
});
after(() => dir && rmSync(dir, { recursive: true, force: true }));

test('load() works in Node from the installed package, once', () => {
  assert.equal(out.same, true, 'load() resolves to the same engine every time');
  assert.equal(out.build, 'default');
  assert.match(out.version, /^\d+\.\d+\.\d+/);
  assert.ok(out.policies.includes('gansu-2018'), `bundled packs registered from packs.json: ${out.policies}`);
});

test('load({ settlement: true }) is the full engine: settle() as settlement.md works it, the same estimates', () => {
  assert.equal(out.settleResidents, 'settlement_not_loaded', 'the residents’ engine says how to get settle()');
  assert.equal(out.fullBuild, 'full');
  assert.equal(out.fullSame, true);
  // 1,200 × 3,070 − 3,300,000 = 384,000; 92.5% kept = 355,200, 2:6:2.
  assert.equal(out.settled.surplus, '384000.00');
  assert.equal(out.settled.kept, '355200.00');
  assert.deepEqual(out.settled.shares, { district: '71040.00', township: '213120.00', village: '71040.00' });
  assert.deepEqual(out.fullTotals, out.totals);
});

test('the README case gives the README numbers', () => {
  assert.equal(out.totals.total, '50000.00');
  assert.equal(out.totals.basic, '28730.00');
  assert.equal(out.totals.critical_illness, '10487.90');
  assert.equal(out.totals.medical_assistance, '4047.47');
  assert.equal(out.totals.reimbursed, '43265.37');
  assert.equal(out.totals.out_of_pocket, '6734.63');
});

test('bad input throws the clean error object', () => {
  assert.equal(out.badIsError, false, 'a plain object, not an Error with a stack');
  assert.deepEqual(Object.keys(out.bad), ['error']);
  const { code, path, message } = out.bad.error;
  assert.equal(code, 'invalid_amount');
  assert.equal(path, 'visits[0].total');
  assert.equal(typeof message, 'string');
  assert.match(message, /[\u4e00-\u9fff]/, 'the message is Chinese first');
  assert.deepEqual(Object.keys(out.bad.error).sort(), ['code', 'message', 'path']);
});

// The Node path must cost a browser bundle nothing: a static (or literal dynamic) import of
// node:fs would fail a browser build (esbuild: "Could not resolve"; webpack 5: UnhandledSchemeError).
test('a browser bundler builds the package without node:fs', async () => {
  writeFileSync(join(project, 'page.mjs'), "import { load } from 'yibao';\nload().then((y) => document.title = y.version());\n");
  const res = await build({
    absWorkingDir: project,
    entryPoints: ['page.mjs'],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    splitting: true,
    outdir: join(dir, 'bundle'),
    write: false,
    logLevel: 'silent',
  });
  assert.deepEqual(res.errors, []);
  const code = res.outputFiles.map((f) => f.text).join('\n');
  assert.doesNotMatch(code, /\bfrom\s*["']node:|\bimport\s*\(\s*["']node:|require\(\s*["']node:/, 'no node: module imported by name');
});
