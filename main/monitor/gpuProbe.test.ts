import { describe, expect, it } from 'vitest';
import { createGpuProbe, detectGpus } from './gpuProbe.ts';

const MISSING = { command: 'nvidia-smi-definitely-not-installed' };
const gpu = { index: 0, name: 'NVIDIA GeForce RTX 3060', memoryUsedBytes: 2 ** 30, memoryTotalBytes: 12 * 2 ** 30, utilizationPercent: 37, temperatureC: 51 };

describe('GPU probe order: NVML, then nvidia-smi, then a note', () => {
  it('uses NVML when it answers', async () => {
    let calls = 0;
    const probe = createGpuProbe({ nvml: () => (calls++, { ok: true, driverVersion: '550.54', gpus: [gpu] }), nvidiaSmi: MISSING });
    expect(await probe()).toEqual({ source: 'nvml', gpus: [gpu], note: null });
    await probe();
    expect(calls).toBe(2);
  });

  it('falls back to nvidia-smi and then says why there is no GPU, without retrying every tick', async () => {
    let calls = 0;
    const probe = createGpuProbe({ nvml: () => (calls++, { ok: false, reason: 'libnvidia-ml.so.1 not found (NVIDIA driver not installed)' }), nvidiaSmi: MISSING });
    const first = await probe();
    expect(first.source).toBeNull();
    expect(first.gpus).toEqual([]);
    expect(first.note).toBe(
      'No NVIDIA GPU: nvidia-smi not found: no NVIDIA driver installed (or not on PATH) (NVML: libnvidia-ml.so.1 not found (NVIDIA driver not installed)).',
    );
    expect((await probe()).note).toBe(first.note);
    expect(calls).toBe(1);
  });

  it('detectGpus returns the GPUs or the reason', async () => {
    const none = await detectGpus({ nvml: () => ({ ok: false, reason: 'native addon not built' }), nvidiaSmi: MISSING });
    expect(none.gpus).toEqual([]);
    expect(none.note).toMatch(/^No NVIDIA GPU: nvidia-smi not found/);
    const some = await detectGpus({ nvml: () => ({ ok: true, driverVersion: null, gpus: [gpu] }) });
    expect(some).toEqual({ gpus: [gpu], note: null });
  });
});
