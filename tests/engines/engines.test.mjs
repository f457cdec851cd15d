// The page's main flows (flows.mjs) in Chromium, Firefox ESR and WebKit (`make test-engines`,
// part of `make test`). Each engine's run says its name, version and counts. An engine that is
// not installed fails its run: `scripts/install-tools.sh --browser` installs all three, and
// WebKit's MiniBrowser needs a display (the Makefile runs this under xvfb-run).
import { describe, it, before, after } from 'node:test';
import { startServer } from '../e2e/helpers.mjs';
import { ENGINES } from './drivers.mjs';
import { FLOWS } from './flows.mjs';

// YIBAO_ENGINES=Firefox runs one engine (names by their start), while fixing what it found.
const only = process.env.YIBAO_ENGINES?.split(',').map((s) => s.trim().toLowerCase());
for (const engine of ENGINES.filter((e) => !only || only.some((o) => e.name.toLowerCase().startsWith(o)))) {
  describe(engine.name, () => {
    let driver;
    let srv;
    const counts = { passed: 0, failed: 0 };
    before(async () => {
      if (!engine.available()) {
        throw new Error(`${engine.name} 未安装或没有显示器：请运行 scripts/install-tools.sh --browser，并在 xvfb-run 下运行 (not installed, or no display)`);
      }
      srv = await startServer();
      driver = await engine.launch();
    });
    after(async () => {
      await driver?.close();
      await srv?.stop();
      console.log(`${engine.name} ${driver?.version ?? '(not started)'} — ${counts.passed} passed, ${counts.failed} failed`);
    });
    for (const flow of FLOWS) {
      it(flow.name, async (t) => {
        if (flow.needs === 'preload' && driver && !driver.hasPreload) {
          t.skip('no script can run before the page’s own over classic WebDriver');
          return;
        }
        const own = flow.ownServer ? await startServer() : null;
        const page = await driver.newPage(flow.viewport);
        try {
          await flow.run(page, (own ?? srv).origin, own, engine.name);
          if (page.errors.length) throw new Error(`errors in the page: ${page.errors.join('\n')}`);
          counts.passed++;
        } catch (e) {
          counts.failed++;
          throw e;
        } finally {
          await page.close().catch(() => {});
          await own?.stop();
        }
      });
    }
  });
}
