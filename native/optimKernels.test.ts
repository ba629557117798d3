// A missing or broken addon must give null after exactly one clear log line, never a crash.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resetAddonCacheForTests } from './loadAddon.ts';
import { optimNative, resetOptimNativeForTests } from './optimKernels.ts';

const dir = mkdtempSync(join(tmpdir(), 'octet-native-'));
const saved = process.env.OCTET_NATIVE_PATH;
afterEach(() => {
  if (saved === undefined) delete process.env.OCTET_NATIVE_PATH;
  else process.env.OCTET_NATIVE_PATH = saved;
  resetAddonCacheForTests();
  resetOptimNativeForTests();
});

describe('optimNative facade', () => {
  it('missing addon: null and one log line that says how to build it', () => {
    process.env.OCTET_NATIVE_PATH = join(dir, 'nope.node');
    const lines: string[] = [];
    expect(optimNative((l) => lines.push(l))).toBeNull();
    expect(optimNative((l) => lines.push(l))).toBeNull(); // cached: no second line
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/not found.*native\/build\.mjs.*TypeScript kernels/);
  });

  it('broken addon file: null and one log line, no exception', () => {
    const bad = join(dir, 'broken.node');
    writeFileSync(bad, 'this is not a shared library');
    process.env.OCTET_NATIVE_PATH = bad;
    const lines: string[] = [];
    expect(optimNative((l) => lines.push(l))).toBeNull();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/failed to load/);
  });

  it('the built addon (when present) exposes the optimizer kernels', () => {
    const lines: string[] = [];
    const native = optimNative((l) => lines.push(l));
    if (!native) {
      expect(lines).toHaveLength(1); // not built here: the fallback path, already covered above
      return;
    }
    expect(native.threads()).toBeGreaterThanOrEqual(1);
    expect(native.triad(1 << 16, 1)).toBeGreaterThan(0);
  });
});

process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
