// The three browser engines the page is tested in, behind one small interface, so that each flow
// of flows.mjs is written once. Nothing is downloaded: the browsers are Debian's (chromium,
// firefox-esr, webkit2gtk-driver), driven by puppeteer-core (Chromium over CDP, Firefox over
// WebDriver BiDi) and by selenium-webdriver (WebKitGTK's WebKitWebDriver and its MiniBrowser,
// the engine of WKWebView, which iOS WeChat shows pages in).
//
// A page: goto(url), eval(fn, ...args) (fn runs in the page, may be async), waitFor(fn, arg),
// click(css), type(css, text), select(css, value), preload(fn) (before any script of the next
// document; null where the protocol has none), screenshot(path), close().
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import puppeteer from 'puppeteer-core';
import { Builder, By } from 'selenium-webdriver';

const MINIBROWSER = ['/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser', '/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser'].find((p) => existsSync(p));

export const ENGINES = [
  { name: 'Chromium', available: () => existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium'), launch: () => viaPuppeteer('chrome', process.env.CHROMIUM_PATH || '/usr/bin/chromium') },
  { name: 'Firefox ESR', available: () => existsSync('/usr/bin/firefox-esr'), launch: () => viaPuppeteer('firefox', '/usr/bin/firefox-esr') },
  { name: 'WebKit', available: () => Boolean(MINIBROWSER) && existsSync('/usr/bin/WebKitWebDriver') && Boolean(process.env.DISPLAY), launch: viaWebKitWebDriver },
];

const TIMEOUT = 20000;

async function viaPuppeteer(browser, executablePath) {
  const b = await puppeteer.launch({
    browser,
    executablePath,
    headless: true,
    args: browser === 'chrome' ? ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] : [],
  });
  return {
    hasPreload: true,
    version: (await b.version()).replace(/^(firefox|Chrome|HeadlessChrome)\//i, ''),
    // A context of its own for each flow: no cache, storage or service worker carried over.
    async newPage({ width = 375, height = 667 } = {}) {
      const context = await b.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({ width, height });
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      return {
        errors,
        goto: (url) => page.goto(url),
        reload: () => page.reload(),
        eval: (fn, ...args) => page.evaluate(fn, ...args),
        waitFor: (fn, arg) => page.waitForFunction(fn, { timeout: TIMEOUT, polling: 100 }, arg),
        click: (css) => page.click(css),
        async type(css, text) {
          await page.$eval(css, (el) => {
            el.value = '';
          });
          await page.type(css, text);
        },
        select: (css, value) => page.select(css, value).then(() => undefined),
        preload: (fn) => page.evaluateOnNewDocument(fn),
        screenshot: (path) => page.screenshot({ path, fullPage: true }),
        close: () => context.close(),
      };
    },
    close: () => b.close(),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A WebKitWebDriver on a port of its own, once it answers. */
async function startWebKitWebDriver() {
  const port = await freePort();
  const server = spawn('/usr/bin/WebKitWebDriver', [`--port=${port}`], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`${url}/status`);
      return { server, url };
    } catch (e) {
      if (i > 50) throw new Error(`WebKitWebDriver did not start: ${e}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function viaWebKitWebDriver() {
  // WebKitWebDriver runs one MiniBrowser a session; MiniBrowser needs a display (xvfb-run).
  let { server, url } = await startWebKitWebDriver();
  const caps = { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } };
  // Now and then (about one run in three on the build machines, after Chromium and Firefox ran)
  // WebKitWebDriver never answers a new session: its MiniBrowser does not come up. Such a
  // session is given up after TIMEOUT and asked for again from a fresh WebKitWebDriver, up to
  // twice; a flow's own failures are not retried.
  const session = async () => {
    for (let attempt = 1; ; attempt++) {
      const started = new Builder().usingServer(url).withCapabilities(caps).build();
      let timer;
      const timedOut = new Promise((r) => (timer = setTimeout(() => r(null), TIMEOUT)));
      const d = await Promise.race([started, timedOut]);
      clearTimeout(timer);
      if (d) return d;
      started.then((late) => late.quit(), () => {});
      if (attempt === 3) throw new Error(`WebKitWebDriver gave no session in ${attempt} tries of ${TIMEOUT} ms`);
      server.kill('SIGKILL');
      ({ server, url } = await startWebKitWebDriver());
    }
  };
  const probe = await session();
  const version = (await probe.getCapabilities()).get('browserVersion');
  await probe.quit();
  return {
    hasPreload: false,
    version,
    // A session (a MiniBrowser) of its own for each flow.
    async newPage({ width = 375, height = 667 } = {}) {
      const d = await session();
      await d.manage().window().setRect({ width, height });
      // fn's source runs in the page; a promise it returns is awaited (executeAsyncScript).
      const run = async (fn, args) => {
        const out = await d.executeAsyncScript(
          `const done = arguments[arguments.length - 1];
           const args = Array.prototype.slice.call(arguments, 0, -1);
           Promise.resolve().then(() => (${fn}).apply(null, args)).then((v) => done({ v: v === undefined ? null : v }), (e) => done({ e: String(e && e.stack || e) }));`,
          ...args,
        );
        if (out && 'e' in out) throw new Error(out.e);
        return out.v;
      };
      return {
        errors: [],
        goto: (u) => d.get(u),
        reload: () => d.navigate().refresh(),
        eval: (fn, ...args) => run(fn, args),
        async waitFor(fn, arg) {
          const end = Date.now() + TIMEOUT;
          for (;;) {
            let ok = false;
            try {
              ok = await run(fn, [arg]);
            } catch {
              /* the document is being replaced */
            }
            if (ok) return ok;
            if (Date.now() > end) throw new Error(`timed out waiting for ${String(fn).slice(0, 120)}`);
            await new Promise((r) => setTimeout(r, 100));
          }
        },
        click: async (css) => (await d.findElement(By.css(css))).click(),
        async type(css, text) {
          const el = await d.findElement(By.css(css));
          await el.clear();
          await el.sendKeys(text);
        },
        async select(css, value) {
          await (await d.findElement(By.css(`${css} option[value="${value}"]`))).click();
        },
        // Classic WebDriver has no script before the page's own.
        preload: null,
        screenshot: async (path) => writeFileSync(path, await d.takeScreenshot(), 'base64'),
        close: () => d.quit(),
      };
    },
    close: async () => {
      server.kill();
    },
  };
}
