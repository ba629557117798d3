// tfjs-core registers its gradients only from its ESM files (dist/*.js), which import siblings without
// a file extension. Node's ESM loader refuses those, so outside a bundler (the CLI under tsx, scripts)
// a resolve hook retries such imports with ".js" / "/index.js". Installed once per process.
import { register } from 'node:module';

const HOOK_SOURCE = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const parent = context.parentURL || '';
    if (parent.includes('/node_modules/@tensorflow/') && /^\\.\\.?\\//.test(specifier) && !/\\.[cm]?js$/.test(specifier)) {
      for (const suffix of ['.js', '/index.js']) {
        try { return await next(specifier + suffix, context); } catch { /* try the next form */ }
      }
    }
    throw err;
  }
}
`;

const FLAG = Symbol.for('octet.tfjsEsmHook');

export function installTfjsEsmHook(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[FLAG]) return;
  g[FLAG] = true;
  register(`data:text/javascript,${encodeURIComponent(HOOK_SOURCE)}`);
}
