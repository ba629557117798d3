// The tf.Optimizer contract and the engine's plumbing: minimize/applyGradients on a real tfjs model,
// 32-bit state under min8bitSize and for overrides, per-variable lr / weight decay overrides, measured
// state bytes, getWeights/setWeights, leaks, errors.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OPTIMIZER_NAMES } from '../common/optimizers.ts';
import { createOptimizer } from './factory.ts';
import { referenceArrayKernel } from './kernel/reference.ts';
import { ALGORITHMS, stepScalars } from './algorithms.ts';
import { randn } from './testing.ts';

beforeAll(async () => {
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
});

let made: tf.Variable[] = [];
function variable(name: string, values: Float32Array, shape: number[]): tf.Variable {
  const v = tf.variable(tf.tensor(values, shape), true, name);
  made.push(v);
  return v;
}
afterEach(() => {
  tf.dispose(made);
  made = [];
});

describe('createOptimizer', () => {
  it('makes every optimizer name and trains a small regression with minimize()', () => {
    for (const name of OPTIMIZER_NAMES) {
      const x = tf.tensor2d(randn(64 * 8, 11), [64, 8]);
      const wTrue = tf.tensor2d(randn(8 * 1, 12), [8, 1]);
      const y = tf.matMul(x, wTrue);
      const w = variable(`${name}/w`, new Float32Array(8), [8, 1]);
      const opt = createOptimizer(name, { learningRate: name.startsWith('lion') ? 0.03 : name.startsWith('adagrad') ? 0.3 : name.startsWith('momentum') ? 0.05 : 0.03, min8bitSize: 0, blockSize: 64 });
      const loss = () => tf.mean(tf.square(tf.sub(tf.matMul(x, w), y))) as tf.Scalar;
      const first = tf.tidy(() => loss().dataSync()[0]);
      for (let i = 0; i < 60; i++) opt.minimize(loss);
      const last = tf.tidy(() => loss().dataSync()[0]);
      expect(last, name).toBeLessThan(first * 0.5);
      expect(opt.iterations).toBe(60);
      expect(opt.stateSummary()[0].bits).toBe(name.includes('8bit') ? 8 : 32);
      opt.dispose();
      tf.dispose([x, wTrue, y]);
    }
  });

  it('rejects bad options with a message naming the option', () => {
    expect(() => createOptimizer('adam8bit', { blockSize: 100 as never })).toThrow(/blockSize.*64, 128/);
    expect(() => createOptimizer('adam8bit', { learningRate: -1 })).toThrow(/learningRate/);
    expect(() => createOptimizer('momentum8bit', { momentum: 0 })).toThrow(/momentum must be > 0/);
    expect(() => createOptimizer('adam8bit', { kernel: 'cuda' as never })).toThrow(/kernel/);
    expect(() => createOptimizer('sgd8bit' as never)).toThrow(/unknown optimizer/);
    expect(() => createOptimizer('adam8bit', { bogus: 1 } as never)).toThrow(/bogus|unrecognized/i);
  });

  it('uses bitsandbytes defaults (AdamW decay 1e-2, Lion lr 1e-4, Adagrad eps 1e-10) and the paper block size', () => {
    const a = createOptimizer('adamw8bit');
    expect(a.blockSize).toBe(2048);
    expect(a.min8bitSize).toBe(4096);
    expect(a.hyperParameters).toMatchObject({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2 });
    expect(createOptimizer('lion8bit').hyperParameters).toMatchObject({ lr: 1e-4, beta1: 0.9, beta2: 0.99 });
    expect(createOptimizer('adagrad8bit').hyperParameters).toMatchObject({ eps: 1e-10 });
    expect(createOptimizer('rmsprop8bit', { alpha: 0.9 }).hyperParameters.beta1).toBe(0.9);
  });
});

describe('state bits', () => {
  it('keeps 32-bit state under min8bitSize (strict <, 4095 vs 4096) and 8-bit from it on', () => {
    const small = variable('bits/small', randn(4095, 1), [4095]);
    const big = variable('bits/big', randn(4096, 2), [64, 64]);
    const opt = createOptimizer('adam8bit');
    opt.applyGradients({ 'bits/small': tf.onesLike(small), 'bits/big': tf.onesLike(big) });
    expect(opt.stateSummary().map((s) => [s.variableName, s.bits])).toEqual([['bits/small', 32], ['bits/big', 8]]);
    opt.dispose();
  });

  it('honours a 32-bit override (the stable-embedding case) and 8-bit override of a small tensor', () => {
    const emb = variable('emb/weight', randn(300 * 64, 3), [300, 64]);
    const bias = variable('dense/bias', randn(100, 4), [100]);
    const opt = createOptimizer('adamw8bit', {
      overrides: [
        { variableName: 'emb/weight', stateBits: 32, reason: 'stable embedding keeps 32-bit state' },
        { variableName: 'dense/bias', stateBits: 8 },
      ],
    });
    opt.applyGradients([{ name: 'emb/weight', tensor: tf.onesLike(emb) }, { name: 'dense/bias', tensor: tf.onesLike(bias) }]);
    const bits = Object.fromEntries(opt.stateSummary().map((s) => [s.variableName, s.bits]));
    expect(bits).toEqual({ 'emb/weight': 32, 'dense/bias': 8 });
    // 32-bit Adam: two float32 states; 8-bit: two code bytes per element plus absmax
    expect(opt.stateSummary().find((s) => s.variableName === 'emb/weight')!.bytes).toBe(300 * 64 * 8);
    opt.dispose();
  });

  it('applies lr and weight-decay overrides per variable, every step (checked against the reference kernel)', () => {
    const n = 5000;
    const p0 = randn(n, 5, 0.1);
    const g = randn(n, 6, 0.01);
    const a = variable('ovr/a', p0.slice(), [n]);
    const b = variable('ovr/b', p0.slice(), [n]);
    const opt = createOptimizer('adamw8bit', { learningRate: 1e-3, blockSize: 256, overrides: [{ variableName: 'ovr/b', lr: 1e-2, weightDecay: 0 }] });
    opt.applyGradients({ 'ovr/a': tf.tensor1d(g), 'ovr/b': tf.tensor1d(g) });
    for (const [v, lr, wd] of [[a, 1e-3, 1e-2], [b, 1e-2, 0]] as const) {
      const p = p0.slice();
      const bufs = { p, g, c1: new Uint8Array(n), a1: new Float32Array(20), c2: new Uint8Array(n), a2: new Float32Array(20) };
      referenceArrayKernel.step8(stepScalars('adam', { ...ALGORITHMS.adamw.defaults, lr, weightDecay: wd }, 1), 256, bufs);
      expect(Array.from(v.dataSync())).toEqual(Array.from(p));
    }
    opt.dispose();
  });
});

describe('memory', () => {
  it('8-bit Adam state measures <= 2.01 bytes per parameter at block 2048 (tf.memory), 32-bit 8', () => {
    const n = 1 << 20;
    const v = variable('mem/w', new Float32Array(n), [1024, 1024]);
    const g = tf.zerosLike(v);
    for (const [name, limit] of [['adam8bit', 2.01], ['adam32bit', 8]] as const) {
      const opt = createOptimizer(name);
      const before = tf.memory().numBytes;
      opt.applyGradients({ 'mem/w': g });
      const perParam = (tf.memory().numBytes - before) / n;
      expect(perParam).toBeLessThanOrEqual(limit);
      expect(perParam).toBeGreaterThan(limit - 0.02);
      expect(opt.stateBytes() / n).toBeCloseTo(perParam, 10);
      opt.dispose();
    }
    g.dispose();
  });

  it('tf.memory().numTensors is stable across steps (auto kernel and composed)', () => {
    for (const kernel of ['auto', 'composed', 'reference'] as const) {
      const w = variable(`leak/${kernel}`, randn(5000, 7), [50, 100]);
      const opt = createOptimizer('adamw8bit', { kernel, blockSize: 256 });
      const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
      opt.minimize(loss);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) opt.minimize(loss);
      expect(tf.memory().numTensors, kernel).toBe(before);
      opt.dispose();
    }
  });

  it('keeps its state when stepped inside a tf.tidy', () => {
    const w = variable('tidy/w', randn(5000, 8), [5000]);
    const opt = createOptimizer('lion8bit', { blockSize: 256 });
    tf.tidy(() => opt.applyGradients({ 'tidy/w': tf.onesLike(w) }));
    tf.tidy(() => opt.applyGradients({ 'tidy/w': tf.onesLike(w) }));
    expect(opt.stateSummary()[0].step).toBe(2);
    opt.dispose();
  });
});

describe('tf.Optimizer weights contract', () => {
  it('getWeights/setWeights round-trip the state into a fresh optimizer (same next step, bit for bit)', async () => {
    const n = 6000;
    const p0 = randn(n, 9, 0.1);
    const w = variable('gw/w', p0.slice(), [n]);
    variable('gw/b', randn(10, 10), [10]);
    const grads = (s: number) => ({ 'gw/w': tf.tensor1d(randn(n, 100 + s, 0.01)), 'gw/b': tf.tensor1d(randn(10, 200 + s, 0.01)) });
    const a = createOptimizer('adam8bit', { blockSize: 512 });
    for (let s = 0; s < 3; s++) a.applyGradients(grads(s));
    const weights = await a.getWeights();
    expect(weights.map((x) => x.name)).toEqual(['iter', 'gw/w/step', 'gw/w/state1', 'gw/w/absmax1', 'gw/w/state2', 'gw/w/absmax2', 'gw/b/step', 'gw/b/state1', 'gw/b/state2']);
    const b = createOptimizer('adam8bit', { blockSize: 512 });
    await b.setWeights(weights);
    expect(b.iterations).toBe(3);
    const pAfter3 = Float32Array.from(w.dataSync());
    a.applyGradients(grads(3));
    const viaA = Float32Array.from(w.dataSync());
    w.assign(tf.tensor1d(pAfter3));
    b.applyGradients(grads(3));
    expect(Array.from(w.dataSync())).toEqual(Array.from(viaA));
    tf.dispose(weights.map((x) => x.tensor));
    a.dispose();
    b.dispose();
  });

  it('refuses weights made with another block size', async () => {
    const w = variable('gwb/w', randn(5000, 1), [5000]);
    const a = createOptimizer('adam8bit', { blockSize: 256 });
    a.applyGradients({ 'gwb/w': tf.onesLike(w) });
    const weights = await a.getWeights();
    await expect(createOptimizer('adam8bit', { blockSize: 2048 }).setWeights(weights)).rejects.toThrow(/another block size/);
    a.dispose();
  });

  it('says what is wrong with unknown variables and mismatched gradients', () => {
    const w = variable('err/w', randn(10, 1), [10]);
    const opt = createOptimizer('adam8bit');
    expect(() => opt.applyGradients({ 'err/nope': tf.ones([10]) })).toThrow(/no tf.Variable named "err\/nope"/);
    expect(() => opt.applyGradients({ 'err/w': tf.ones([11]) })).toThrow(/gradient shape \[11\].*\[10\]/);
    expect(() => createOptimizer('adam8bit', { kernel: 'fused-js' }).applyGradients({ 'err/w': tf.onesLike(w) })).not.toThrow();
    opt.dispose();
  });

  it('setLearningRate changes the step from then on', () => {
    const opt = createOptimizer('momentum8bit');
    opt.setLearningRate(0.5);
    expect(opt.learningRate).toBe(0.5);
    expect(() => opt.setLearningRate(NaN)).toThrow(/finite/);
  });
});

describe('backends', () => {
  it('keeps training when the app switches from cpu to wasm mid-run (state is moved once)', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    const w = variable('switch/w', randn(5000, 1, 0.1), [5000]);
    const opt = createOptimizer('adamw8bit', { blockSize: 256 });
    opt.applyGradients({ 'switch/w': tf.onesLike(w) });
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      tf.tidy(() => opt.applyGradients({ 'switch/w': tf.onesLike(w) }));
      expect(opt.stateSummary()[0].step).toBe(2);
      expect(w.dataSync().every((x) => Number.isFinite(x))).toBe(true);
    } finally {
      await tf.setBackend('cpu');
      opt.dispose();
    }
  });
});
