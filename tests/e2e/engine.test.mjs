// The page runs on the real engine (pkg/ from `make pkg`), never on a stand-in, and the loader
// offers what the page relies on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, engineCall } from './helpers.mjs';

let srv;
let browser;
before(async () => {
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('the engine is the real build and lists the bundled packs', async () => {
  const p = await openPage(browser, srv.origin);
  const { page } = p;
  await page.goto(srv.origin + '/');
  const version = await engineCall(page, 'version');
  assert.equal(typeof version, 'string');
  assert.doesNotMatch(version, /stub/i, 'tests must run on the engine built by `make pkg`');
  const policies = await engineCall(page, 'policies');
  const byId = Object.fromEntries(policies.map((x) => [x.id, x.region.code]));
  assert.deepEqual(
    Object.fromEntries(['national-baseline', 'gansu-2018', 'qujing-2022', 'guangdong-2025', 'jinan-2023', 'fengze-2021'].map((id) => [id, byId[id]])),
    { 'national-baseline': '000000', 'gansu-2018': '620000', 'qujing-2022': '530300', 'guangdong-2025': '440000', 'jinan-2023': '341502', 'fengze-2021': '350503' },
  );
  for (const x of policies) {
    assert.match(x.effective.from, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(x.name && x.region.name);
  }
  // Every region is offered in the form.
  await page.waitForSelector('#region option[value="620000"]', { state: 'attached' });
  const offered = await page.$$eval('#region option', (os) => os.map((o) => o.value).filter(Boolean));
  assert.deepEqual(new Set(offered), new Set(policies.map((x) => x.region.code)));
  p.clean();
  await p.close();
});
