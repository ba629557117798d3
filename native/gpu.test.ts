import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNvmlReply, queryNvml } from './gpu.ts';
import { addonPath } from './loadAddon.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const built = existsSync(addonPath());
const hasCc = spawnSync('cc', ['--version']).status === 0;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs nvmlQuery() of the built addon in a fresh node whose dlopen finds libDir first. */
function queryWith(libDir: string | null, env: NodeJS.ProcessEnv = {}): unknown {
  const script = `const a = require(${JSON.stringify(addonPath())}); process.stdout.write(JSON.stringify(a.nvmlQuery()));`;
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { ...process.env, ...env, LD_LIBRARY_PATH: libDir ?? '' },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('NVML probe (native addon)', () => {
  it.skipIf(!built)('answers {ok:false} with a reason instead of crashing when NVML is absent', () => {
    const r = parseNvmlReply(queryWith(mkdtempSync(join(tmpdir(), 'octet-nonvml-'))));
    if (!r.ok) expect(r.reason).toMatch(/libnvidia-ml|NVML|driver/);
    else expect(Array.isArray(r.gpus)).toBe(true); // a machine with a real driver
  });

  it.skipIf(!built || !hasCc || process.platform !== 'linux')('reads every GPU from a stand-in libnvidia-ml.so.1 loaded with dlopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'octet-fakenvml-'));
    dirs.push(dir);
    execFileSync('cc', ['-shared', '-fPIC', '-o', join(dir, 'libnvidia-ml.so.1'), join(root, 'testdata', 'planner', 'fake_nvml.c')]);
    expect(parseNvmlReply(queryWith(dir))).toEqual({
      ok: true,
      driverVersion: '550.54.14',
      gpus: [
        { index: 0, name: 'NVIDIA GeForce RTX 3060', memoryTotalBytes: 12 * 2 ** 30, memoryUsedBytes: 2 ** 30, utilizationPercent: 37, temperatureC: 51 },
        { index: 1, name: 'Tesla T4', memoryTotalBytes: 15 * 2 ** 30, memoryUsedBytes: 0, utilizationPercent: null, temperatureC: null },
      ],
    });
    expect(parseNvmlReply(queryWith(dir, { FAKE_NVML_MODE: 'initfail' }))).toEqual({
      ok: false,
      reason: 'nvmlInit failed: RM has detected an NVML/RM version mismatch.',
    });
  });

  it('facade: a missing addon or function is a reason, not an exception', () => {
    expect(queryNvml(null)).toEqual({ ok: false, reason: 'native addon not built (run `node native/build.mjs`)' });
    expect(queryNvml({ abiVersion: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/no nvmlQuery/) });
    expect(queryNvml({ abiVersion: 1, nvmlQuery: () => { throw new Error('boom'); } })).toEqual({ ok: false, reason: 'NVML probe failed: boom' });
    expect(parseNvmlReply({ ok: true, gpus: [{ index: 0, memoryTotalBytes: 1, memoryUsedBytes: 0 }, { bad: 1 }, 3] })).toEqual({
      ok: true,
      driverVersion: null,
      gpus: [{ index: 0, name: 'GPU 0', memoryTotalBytes: 1, memoryUsedBytes: 0, utilizationPercent: null, temperatureC: null }],
    });
  });
});
