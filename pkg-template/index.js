// 医保报销测算 engine loader. Picks the default build where the browser has the WebAssembly
// features it uses (reference types, multi-value, bulk memory, sign extension, non-trapping
// float-to-int), and the MVP build otherwise (older WeChat / Android WebViews, iOS < 15).
import { bulkMemory, multiValue, referenceTypes, saturatedFloatToInt, signExtensions } from './feature-detect.js';


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

/** The settle() of the residents' engine, which does not carry the fund side. */
function noSettlement() {
  throw {
    error: {
      code: 'settlement_not_loaded',
      path: '',
      message: '基金结算测算需要完整版计算程序：请用 load({ settlement: true }) 载入 (settle() needs the engine loaded with load({ settlement: true }))',
    },
  };
}

/** Each build's engine, loaded once: 'residents' (default, or MVP on older engines) and 'full'. */
const loading = {};

/**
 * Loads the engine and its bundled policy packs (packs.json) once, and resolves to its API:
 * { estimate(case, options?), settle(case, options?), validatePolicy(pack), resolvePolicy(pack),
 *   policies(), version(), build }.
 * `load()` is the residents' engine (estimates; about 108 KiB gzipped). `load({ settlement: true })`
 * is the full engine in fund/ (estimates and 医共体 / 包干 settlement, and the packs' settlement
 * sections checked; about 130 KiB), for fund staff and the pack editor; it needs the default
 * build's WebAssembly features (build 'full').
 * Rejects with { error: { code: 'no_webassembly', ... } } where WebAssembly is missing, and
 * { error: { code: 'packs_unavailable', ... } } when packs.json cannot be fetched (or read, in
 * Node).
 */
export function load(options = {}) {
  const full = Boolean(options && options.settlement);
  const key = full ? 'full' : 'residents';
  if (!loading[key]) {
    const ready = (async () => {
      if (typeof WebAssembly !== 'object') {
        throw { error: { code: 'no_webassembly', path: '', message: '此浏览器不支持 WebAssembly，请升级浏览器或微信后再试 (this browser has no WebAssembly)' } };
      }
      // The bundled policy packs are data beside the module, read while it compiles.
      const packsUrl = full ? new URL('./fund/packs.json', import.meta.url) : new URL('./packs.json', import.meta.url);
      const packs = readBeside(packsUrl).then((bytes) => JSON.parse(new TextDecoder().decode(bytes)));
      packs.catch(() => {}); // handled below, once the module is ready
      const modern = await supportsDefaultBuild();
      if (full && !modern) {
        throw { error: { code: 'no_webassembly', path: '', message: '基金结算测算需要较新的浏览器（Chrome 96、Firefox 79、Safari 15 或以上）(the settlement engine needs a newer browser)' } };
      }
      let engine;
      let wasm;
      if (full) {
        engine = await import('./fund/yibao.js');
        wasm = new URL('./fund/yibao_bg.wasm', import.meta.url);
      } else {
        engine = modern ? await import('./yibao.js') : await import('./mvp/yibao.js');
        wasm = modern ? new URL('./yibao_bg.wasm', import.meta.url) : new URL('./mvp/yibao_bg.wasm', import.meta.url);
      }
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
        settle: full ? (c, options) => engine.settle(c, options) : noSettlement,
        validatePolicy: (pack) => engine.validatePolicy(pack),
        resolvePolicy: (pack) => engine.resolvePolicy(pack),
        policies: () => engine.policies(),
        version: () => engine.version(),
        build: full ? 'full' : modern ? 'default' : 'mvp',
      };
    })();
    loading[key] = ready;
    // A failed load (the network dropped while fetching) may be retried by calling load() again.
    ready.catch(() => {
      delete loading[key];
    });
  }
  return loading[key];
}
