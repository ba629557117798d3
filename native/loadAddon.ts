// Loads the optional N-API addon (native/build/Release/octet_native.node). Missing or broken:
// returns null after one clear log line, and callers use their TypeScript kernels instead.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface NativeAddon {
  abiVersion: number;
  [fn: string]: unknown;
}

let cached: NativeAddon | null | undefined;

export function addonPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return process.env.OCTET_NATIVE_PATH ?? join(here, 'build', 'Release', 'octet_native.node');
}

/** The addon, or null when it is disabled (OCTET_NATIVE=0), not built, or fails to load. */
export function loadAddon(log: (line: string) => void = (l) => console.warn(l)): NativeAddon | null {
  if (cached !== undefined) return cached;
  if (process.env.OCTET_NATIVE === '0') return (cached = null);
  const path = addonPath();
  if (!existsSync(path)) {
    log(`octet: native addon not found at ${path} (run \`npm rebuild\` or \`node native/build.mjs\`); using the TypeScript kernels`);
    return (cached = null);
  }
  try {
    const mod = createRequire(import.meta.url)(path) as NativeAddon;
    if (mod.abiVersion !== 1) throw new Error(`unexpected abiVersion ${String(mod.abiVersion)}`);
    return (cached = mod);
  } catch (err) {
    log(`octet: native addon at ${path} failed to load (${(err as Error).message}); using the TypeScript kernels`);
    return (cached = null);
  }
}

/** For tests: forget the cached result so the next call loads again. */
export function resetAddonCacheForTests(): void {
  cached = undefined;
}
