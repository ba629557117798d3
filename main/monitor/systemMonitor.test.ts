import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SystemSample } from '../../common/runs.ts';
import { createGpuProbe } from './gpuProbe.ts';
import { defaultGpuIndex, SystemMonitor } from './systemMonitor.ts';

const MiB = 2 ** 20;
const noNvml = () => ({ ok: false as const, reason: 'libnvidia-ml.so.1 not found (NVIDIA driver not installed)' });
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** nvidia-smi stand-in whose used memory on GPU 1 grows by 100 MiB per call (a counter file). */
function growingSmi(): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'octet-smi-'));
  dirs.push(dir);
  const counter = join(dir, 'n');
  writeFileSync(counter, '0');
  writeFileSync(
    join(dir, 'nvidia-smi'),
    `#!/bin/sh\nn=$(cat "${counter}"); echo $((n+1)) > "${counter}"\n` +
      `echo "0, NVIDIA GeForce GTX 1080 Ti, 500, 11264, 0, 35"\n` +
      `echo "1, NVIDIA GeForce RTX 2060, $((300 + n * 100)), 6144, 90, 70"\n`,
  );
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  return { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` };
}

describe('SystemMonitor', () => {
  it('without a GPU says so plainly and still records RSS and tensor bytes', async () => {
    const samples: SystemSample[] = [];
    let tensors = 1000;
    const mon = new SystemMonitor({
      onSample: (s) => samples.push(s),
      tensorBytes: () => (tensors += 500),
      step: () => 7,
      probe: createGpuProbe({ nvml: noNvml, nvidiaSmi: { command: 'nvidia-smi-definitely-not-installed' } }),
    });
    await mon.sampleNow();
    await mon.sampleNow();
    expect(mon.gpuNote).toMatch(/^No NVIDIA GPU: nvidia-smi not found/);
    expect(samples).toHaveLength(2);
    for (const s of samples) {
      expect(s.gpuUsedBytes).toBeNull();
      expect(s.gpuTotalBytes).toBeNull();
      expect(s.gpuUtilPercent).toBeNull();
      expect(s.gpuTemperatureC).toBeNull();
      expect(s.step).toBe(7);
      expect(s.rssBytes).toBeGreaterThan(10 * MiB);
    }
    expect(samples.map((s) => s.tensorBytes)).toEqual([1500, 2000]);
    expect(mon.measuredPeakBytes()).toEqual({ bytes: 2000, kind: 'tensors' });
  });

  it('samples the chosen GPU through nvidia-smi and keeps the peak above the baseline', async () => {
    const samples: SystemSample[] = [];
    const mon = new SystemMonitor({
      onSample: (s) => samples.push(s),
      tensorBytes: () => 0,
      gpuIndex: 1,
      probe: createGpuProbe({ nvml: noNvml, nvidiaSmi: { env: growingSmi() } }),
    });
    for (let i = 0; i < 3; i++) await mon.sampleNow();
    expect(mon.gpuNote).toBeNull();
    expect(mon.gpuSource).toBe('nvidia-smi');
    expect(mon.gpuName).toBe('NVIDIA GeForce RTX 2060');
    expect(samples.map((s) => s.gpuUsedBytes! / MiB)).toEqual([300, 400, 500]);
    expect(samples[0]).toMatchObject({ gpuTotalBytes: 6144 * MiB, gpuUtilPercent: 90, gpuTemperatureC: 70 });
    expect(mon.peak()).toMatchObject({ gpuUsedBytes: 500 * MiB, gpuBaselineBytes: 300 * MiB });
    expect(mon.measuredPeakBytes()).toEqual({ bytes: 200 * MiB, kind: 'gpu' });
  });

  it('reports tensor bytes as the peak for a CPU backend even when a GPU is sampled', async () => {
    const mon = new SystemMonitor({
      onSample: () => {},
      tensorBytes: () => 4321,
      peakSource: 'tensors',
      probe: createGpuProbe({ nvml: noNvml, nvidiaSmi: { env: growingSmi() } }),
    });
    await mon.sampleNow();
    expect(mon.peak().gpuUsedBytes).toBe(500 * MiB);
    expect(mon.measuredPeakBytes()).toEqual({ bytes: 4321, kind: 'tensors' });
  });

  it('samples about every 500 ms until stopped, and takes the exact tensor peak when given', async () => {
    const samples: SystemSample[] = [];
    const mon = new SystemMonitor({
      onSample: (s) => samples.push(s),
      tensorBytes: () => 10,
      tensorPeakBytes: () => 99,
      probe: async () => ({ source: null, gpus: [], note: 'No NVIDIA GPU (test)' }),
    });
    expect(mon.intervalMs).toBe(500);
    const t0 = Date.now();
    mon.start();
    await new Promise((r) => setTimeout(r, 1150));
    await mon.stop();
    const n = samples.length;
    // first sample at start, ticks at ~500 and ~1000 ms, one more at stop
    expect(n).toBeGreaterThanOrEqual(3);
    expect(n).toBeLessThanOrEqual(5);
    expect(samples[n - 1].time - t0).toBeGreaterThanOrEqual(1000);
    await new Promise((r) => setTimeout(r, 600));
    expect(samples.length).toBe(n);
    expect(mon.peak().tensorBytes).toBe(99);
  });

  it('watches the first GPU of CUDA_VISIBLE_DEVICES', () => {
    expect(defaultGpuIndex({ CUDA_VISIBLE_DEVICES: '2,3' })).toBe(2);
    expect(defaultGpuIndex({})).toBe(0);
  });
});

describe('process RSS', () => {
  it.skipIf(process.platform !== 'linux')('reads another process from /proc and says null when it is gone', async () => {
    const { rssOfPid, ownRss } = await import('./processMemory.ts');
    const mine = rssOfPid(process.pid)!;
    expect(Math.abs(mine - ownRss()) / ownRss()).toBeLessThan(0.2);
    expect(rssOfPid(2 ** 22 + 12345)).toBeNull();
  });
});
