// 医保报销测算 engine loader. Picks the default build where the browser has the WebAssembly
// features it uses (reference types, multi-value, bulk memory, sign extension, non-trapping
// float-to-int), and the MVP build otherwise (older WeChat / Android WebViews, iOS < 15).
import { bulkMemory, multiValue, referenceTypes, saturatedFloatToInt, signExtensions } from './feature-detect.js';

let ready;

// In Node (and Deno, Bun) this module is a file: URL, which fetch cannot read: the files beside it
// are read from disk instead. node:fs is imported only then, and by a name in a variable, so
// browser bundlers neither resolve it nor fail on it.
const onDisk = import.meta.url.startsWith('file:');
const NODE_FS = 'node:fs/promises';

/** The bytes of a file beside this module. Callers write `new URL('./file', import.meta.url)` out
 *  in full: that is the form bundlers find and copy as an asset. */
async function readBeside(url) {
  if (onDisk) {
    const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_FS);
    return fs.readFile(url);
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url.pathname.split('/').pop()}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** Whether this browser runs the default build. */
export async function supportsDefaultBuild() {
  if (typeof WebAssembly !== 'object') return false;
  const checks = await Promise.all([bulkMemory(), multiValue(), referenceTypes(), saturatedFloatToInt(), signExtensions()]);
  return checks.every(Boolean);
}

/**
 * Loads the engine and its bundled policy packs (packs.json) once, and resolves to its API:
 * { estimate(case, options?), validatePolicy(pack), resolvePolicy(pack), policies(), version(), build }.
 * Rejects with { error: { code: 'no_webassembly', ... } } where WebAssembly is missing, and
 * { error: { code: 'packs_unavailable', ... } } when packs.json cannot be fetched (or read, in
 * Node).
 */
export function load() {
  if (!ready) {
    ready = (async () => {
      if (typeof WebAssembly !== 'object') {
        throw { error: { code: 'no_webassembly', path: '', message: '此浏览器不支持 WebAssembly，请升级浏览器或微信后再试 (this browser has no WebAssembly)' } };
      }
      // The bundled policy packs are data beside the module, read while it compiles.
      const packs = readBeside(new URL('./packs.json', import.meta.url)).then((bytes) => JSON.parse(new TextDecoder().decode(bytes)));
      packs.catch(() => {}); // handled below, once the module is ready
      const modern = await supportsDefaultBuild();
      const engine = modern ? await import('./yibao.js') : await import('./mvp/yibao.js');
      const wasm = modern ? new URL('./yibao_bg.wasm', import.meta.url) : new URL('./mvp/yibao_bg.wasm', import.meta.url);
      // In a browser wasm-bindgen fetches the URL itself (and compiles as it streams).
      await engine.default({ module_or_path: onDisk ? await readBeside(wasm) : wasm });
      let list;
      try {
        list = await packs;
      } catch (e) {
        throw { error: { code: 'packs_unavailable', path: '', message: `无法载入内置政策包，请检查网络后刷新页面 (cannot load the bundled policy packs: ${e && e.message})` } };
      }
      engine.registerPacks(list);
      return {
        estimate: (c, options) => engine.estimate(c, options),
        validatePolicy: (pack) => engine.validatePolicy(pack),
        resolvePolicy: (pack) => engine.resolvePolicy(pack),
        policies: () => engine.policies(),
        version: () => engine.version(),
        build: modern ? 'default' : 'mvp',
      };
    })();
    // A failed load (the network dropped while fetching) may be retried by calling load() again.
    ready.catch(() => {
      ready = undefined;
    });
  }
  return ready;
}
