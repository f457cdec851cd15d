// 医保报销测算 engine loader. Picks the default build where the browser has the WebAssembly
// features it uses (reference types, multi-value, bulk memory, sign extension, non-trapping
// float-to-int), and the MVP build otherwise (older WeChat / Android WebViews, iOS < 15).
import { bulkMemory, multiValue, referenceTypes, saturatedFloatToInt, signExtensions } from './feature-detect.js';

let ready;

/** Whether this browser runs the default build. */
export async function supportsDefaultBuild() {
  if (typeof WebAssembly !== 'object') return false;
  const checks = await Promise.all([bulkMemory(), multiValue(), referenceTypes(), saturatedFloatToInt(), signExtensions()]);
  return checks.every(Boolean);
}

/**
 * Loads the engine once and resolves to its API:
 * { estimate(case, options?), validatePolicy(pack), policies(), version(), build }.
 * Rejects with { error: { code: 'no_webassembly', ... } } where WebAssembly is missing.
 */
export function load() {
  if (!ready) {
    ready = (async () => {
      if (typeof WebAssembly !== 'object') {
        throw { error: { code: 'no_webassembly', path: '', message: '此浏览器不支持 WebAssembly，请升级浏览器或微信后再试 (this browser has no WebAssembly)' } };
      }
      const modern = await supportsDefaultBuild();
      const engine = modern ? await import('./yibao.js') : await import('./mvp/yibao.js');
      const wasm = new URL(modern ? './yibao_bg.wasm' : './mvp/yibao_bg.wasm', import.meta.url);
      await engine.default({ module_or_path: wasm });
      return {
        estimate: (c, options) => engine.estimate(c, options),
        validatePolicy: (pack) => engine.validatePolicy(pack),
        policies: () => engine.policies(),
        version: () => engine.version(),
        build: modern ? 'default' : 'mvp',
      };
    })();
  }
  return ready;
}
