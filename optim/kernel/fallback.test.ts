// Without a usable addon the optimizer falls back to fused JS with one clear log line, and still trains.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { expect, it, vi } from 'vitest';

it('a missing addon: fused-js is picked on cpu/wasm, one log line, same results', async () => {
  vi.stubEnv('OCTET_NATIVE_PATH', join(tmpdir(), 'octet-no-such-addon.node'));
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.resetModules();
  const { pickKernel, availableKernels } = await import('./registry.ts');
  const { createOptimizer } = await import('../factory.ts');
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  expect(pickKernel('cpu')).toBe('fused-js');
  expect(pickKernel('wasm')).toBe('fused-js');
  expect(availableKernels('cpu')).toEqual(['reference', 'fused-js', 'composed']);
  const w = tf.variable(tf.ones([5000]), true, 'fallback/w');
  const opt = createOptimizer('adamw8bit');
  expect(opt.kernelName).toBe('fused-js');
  opt.applyGradients({ 'fallback/w': tf.onesLike(w) });
  opt.applyGradients({ 'fallback/w': tf.onesLike(w) });
  expect(w.dataSync()[0]).toBeLessThan(1);
  const lines = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('native addon'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/not found.*using the TypeScript kernels/);
  expect(() => createOptimizer('adam8bit', { kernel: 'fused-native' }).applyGradients({ 'fallback/w': tf.onesLike(w) })).toThrow(/cannot run on the "cpu" backend here/);
  warn.mockRestore();
  vi.unstubAllEnvs();
});
