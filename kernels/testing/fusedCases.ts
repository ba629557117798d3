// Cases of the models' fused ops (common/fusedKernels.ts). Their "stock kernel" is the composition of
// stock TensorFlow.js ops that models/ runs when the fused kernel is not registered: each case computes
// the fused op when the backend has it and that composition when it does not (as models/layers do), so
// the suite compares the two, forward and gradient. Dropout is compared with tf.dropout itself.
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, projectionsKernel, type AttentionAttrs, type DropoutAttrs, type GeluAttrs, type NormAttrs } from '../../common/fusedKernels.ts';
import type { KernelCase } from './cases.ts';
import { uniform, valueAndGrads } from './random.ts';

/** torch.finfo(float32).min, the masks' value (models/layers/masks.ts; kernels/ may not import models/). */
const FLOAT32_MIN = -3.4028234663852886e38;

const has = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;
const run = (name: string, inputs: tf.NamedTensorMap, attrs: object) => {
  const out = tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
};
const save = (args: unknown[]) => args[args.length - 1] as tf.GradSaveFunc;

function geluComposed(x: tf.Tensor, approximate: GeluAttrs['approximate']): tf.Tensor {
  if (approximate === 'erf') return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
  const k = 0.044715;
  const s = Math.sqrt(2 / Math.PI);
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), k)), s)), 1));
}

function gelu(x: tf.Tensor, approximate: GeluAttrs['approximate']): tf.Tensor {
  if (!has(FUSED_KERNELS.gelu)) return geluComposed(x, approximate);
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    save(args)([args[0] as tf.Tensor]);
    return {
      value: run(FUSED_KERNELS.gelu, { x: args[0] as tf.Tensor }, { approximate })[0],
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => run(FUSED_KERNELS.geluGrad, { dy, x: saved[0] }, { approximate })[0],
    };
  })(x);
}

/** gelu(gate)·up with the wiring of models/layers/activations.ts, or composed (autodiff of the stock ops). */
function gatedGelu(gate: tf.Tensor, up: tf.Tensor, approximate: GeluAttrs['approximate']): tf.Tensor {
  if (!has(FUSED_KERNELS.gatedGelu)) return tf.mul(geluComposed(gate, approximate), up);
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    save(args)([args[0] as tf.Tensor, args[1] as tf.Tensor]);
    return {
      value: run(FUSED_KERNELS.gatedGelu, { gate: args[0] as tf.Tensor, up: args[1] as tf.Tensor }, { approximate })[0],
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => run(FUSED_KERNELS.gatedGeluGrad, { dy, gate: saved[0], up: saved[1] }, { approximate }),
    };
  })(gate, up);
}

/** [y, x̂, 1/σ] of LayerNorm (bias) or RMS norm (no bias). */
function normComposed(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null, eps: number): tf.Tensor[] {
  const centered = b ? tf.sub(x, tf.mean(x, -1, true)) : x;
  const r = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), eps));
  const xhat = tf.mul(centered, r);
  return [b ? tf.add(tf.mul(xhat, w), b) : tf.mul(w, xhat), xhat, r];
}

function norm(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null, eps: number): tf.Tensor[] {
  if (!has(FUSED_KERNELS.norm)) return normComposed(x, w, b, eps);
  const attrs: NormAttrs = { eps, rms: b === null };
  // Forward outputs directly (all three), and y through a customGrad for the gradients.
  const outs = run(FUSED_KERNELS.norm, b ? { x, weight: w, bias: b } : { x, weight: w }, attrs);
  return outs;
}

function normValue(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null, eps: number): tf.Tensor {
  if (!has(FUSED_KERNELS.norm)) return normComposed(x, w, b, eps)[0];
  const attrs: NormAttrs = { eps, rms: b === null };
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, weight, bias] = args as tf.Tensor[];
    const [value, xhat, rstd] = run(FUSED_KERNELS.norm, b ? { x: input, weight, bias } : { x: input, weight }, attrs);
    save(args)([xhat, rstd, weight]);
    return { value, gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) => run(FUSED_KERNELS.normGrad, { dy, xhat: s[0], rstd: s[1], weight: s[2] }, attrs) };
  });
  return b ? f(x, w, b) : f(x, w);
}

function dropout(x: tf.Tensor, attrs: DropoutAttrs): tf.Tensor {
  if (!has(FUSED_KERNELS.dropout)) return tf.dropout(x, attrs.rate, undefined, attrs.seed);
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [value, kept] = run(FUSED_KERNELS.dropout, { x: args[0] as tf.Tensor }, attrs);
    save(args)([kept]);
    return { value, gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) => run(FUSED_KERNELS.dropoutGrad, { dy, kept: s[0] }, attrs)[0] };
  })(x);
}

const NORM_SHAPES = [[3, 5, 12], [1030, 96], [7, 1]];

/** The cross-entropy gradient of models/losses.ts: the fused kernel, or the ops it replaces. */
function crossEntropyGrad(z: tf.Tensor2D, labels: tf.Tensor1D, scale: tf.Tensor1D): tf.Tensor {
  const lse = tf.logSumExp(z, -1, true);
  if (has(FUSED_KERNELS.crossEntropyGrad)) return run(FUSED_KERNELS.crossEntropyGrad, { logits: z, lse, labels, scale }, {})[0];
  return tf.mul(tf.sub(tf.exp(tf.sub(z, lse)), tf.oneHot(labels, z.shape[1])), tf.reshape(scale, [-1, 1]));
}

const CROSS_ENTROPY_SHAPES: [number, number][] = [[5, 13], [64, 1000], [3, 2], [2, 32128]];

/** x + dropout(r) with the wiring of models/layers/dropout.ts residualDropout, or tf.add and tf.dropout. */
function residualDropout(x: tf.Tensor, r: tf.Tensor, attrs: DropoutAttrs): tf.Tensor {
  if (!has(FUSED_KERNELS.dropoutAdd)) return tf.add(x, tf.dropout(r, attrs.rate, undefined, attrs.seed));
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [value, kept] = run(FUSED_KERNELS.dropoutAdd, { x: args[0] as tf.Tensor, r: args[1] as tf.Tensor }, attrs);
    save(args)([kept]);
    return { value, gradFunc: (dy: tf.Tensor, s: tf.Tensor[]) => [dy, run(FUSED_KERNELS.dropoutGrad, { dy, kept: s[0] }, attrs)[0]] };
  })(x, r);
}

/** Attention as models/layers/attention.ts composes it: matMul, scale, bias, mask, softmax, tf.dropout, matMul. */
function attentionComposed(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, bias: tf.Tensor | undefined, mask: tf.Tensor | null, a: AttentionAttrs): tf.Tensor {
  if (a.numHeads && q.rank === 3) {
    const split = (x: tf.Tensor) => tf.reshape(x, [x.shape[0], x.shape[1]!, a.numHeads!, x.shape[2]! / a.numHeads!]);
    return tf.reshape(attentionComposed(split(q), split(k), split(v), bias, mask, a), q.shape);
  }
  if (a.headsLast) {
    const swap = (x: tf.Tensor) => tf.transpose(x, [0, 2, 1, 3]);
    return swap(attentionComposed(swap(q), swap(k), swap(v), bias, mask, { ...a, headsLast: false }));
  }
  let scores = tf.matMul(q, k, false, true);
  if (a.scale !== null) scores = tf.mul(scores, a.scale);
  if (bias) scores = tf.add(scores, bias);
  if (mask) scores = tf.add(scores, mask);
  let probs = tf.softmax(scores, -1);
  if (a.rate > 0) probs = tf.dropout(probs, a.rate, undefined, a.seed);
  return tf.matMul(probs, v);
}

/** The fused kernel when registered (with the gradient wiring of models/layers/attention.ts), else the composition. */
function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, bias: tf.Tensor | undefined, mask: tf.Tensor | null, a: AttentionAttrs): tf.Tensor {
  if (!has(FUSED_KERNELS.attention)) return attentionComposed(q, k, v, bias, mask, a);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [qi, ki, vi, bi] = args.slice(0, -1) as tf.Tensor[];
    const [value, probs, kept] = run(FUSED_KERNELS.attention, { q: qi, k: ki, v: vi, ...(bi ? { bias: bi } : {}), ...(mask ? { mask } : {}) }, a);
    save(args)(kept ? [qi, ki, vi, probs, kept] : [qi, ki, vi, probs]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, [sq, sk, sv, sp, sm]: tf.Tensor[]) =>
        run(FUSED_KERNELS.attentionGrad, { dy, q: sq, k: sk, v: sv, probs: sp, ...(sm ? { kept: sm } : {}) }, a),
    };
  });
  return bias ? f(q, k, v, bias) : f(q, k, v);
}

/**
 * Attention cases: RoBERTa's key mask, T5's position bias with a key or causal mask, full biases,
 * biases broadcast on every axis (each way the bias gradient is summed: written per task, per group
 * of tasks sharing a slice, and per task then in order), no bias; some above the threading threshold.
 */
const ATTENTION: {
  name: string; b: number; h: number; lq: number; lk: number; d: number; bias: number[] | null; mask?: number[]; scale: number | null; rate: number; headsLast?: boolean;
  /** Heads last and merged: q, k, v as [B, L, H·D] (models/layers/attention.ts passes the projections so). */
  merged?: boolean;
  /** A NaN in the first query: its rows of scores, and what they reach, are NaN. */
  nan?: boolean;
}[] = [
  { name: 'RoBERTa: key mask, scaled', b: 2, h: 3, lq: 5, lk: 5, d: 4, bias: null, mask: [2, 1, 1, 5], scale: 0.5, rate: 0 },
  { name: 'RoBERTa: key mask, scaled, dropout', b: 2, h: 3, lq: 5, lk: 5, d: 4, bias: null, mask: [2, 1, 1, 5], scale: 0.5, rate: 0.1 },
  { name: 'T5 encoder: position bias and key mask, heads last, dropout', b: 3, h: 4, lq: 7, lk: 7, d: 4, bias: [1, 4, 7, 7], mask: [3, 1, 1, 7], scale: null, rate: 0.1, headsLast: true },
  { name: 'T5 decoder: position bias and causal mask', b: 2, h: 3, lq: 6, lk: 6, d: 4, bias: [1, 3, 6, 6], mask: [1, 1, 6, 6], scale: null, rate: 0 },
  { name: 'one bias for every head and item (summed per task, then in order)', b: 3, h: 2, lq: 5, lk: 6, d: 3, bias: [1, 1, 5, 6], scale: null, rate: 0 },
  { name: 'a bias per item (grouped over heads)', b: 3, h: 2, lq: 5, lk: 6, d: 3, bias: [3, 1, 5, 6], mask: [3, 1, 1, 6], scale: 0.7, rate: 0 },
  { name: 'T5 cross-attention: full bias, dropout', b: 2, h: 3, lq: 5, lk: 7, d: 4, bias: [2, 3, 5, 7], scale: null, rate: 0.2 },
  { name: 'shared position bias', b: 3, h: 2, lq: 6, lk: 6, d: 3, bias: [1, 2, 6, 6], scale: null, rate: 0 },
  { name: 'no bias, dropout', b: 2, h: 2, lq: 4, lk: 9, d: 5, bias: null, scale: 0.25, rate: 0.3 },
  { name: 'mask over heads and keys only', b: 2, h: 3, lq: 5, lk: 7, d: 4, bias: [3, 1, 7], scale: null, rate: 0 },
  { name: 'large: threads and the parallel dropout stream', b: 4, h: 4, lq: 128, lk: 128, d: 8, bias: [4, 4, 128, 128], scale: null, rate: 0.1 },
  { name: 'large T5 encoder: position bias summed per head across threads', b: 6, h: 4, lq: 64, lk: 64, d: 8, bias: [1, 4, 64, 64], mask: [6, 1, 1, 64], scale: null, rate: 0.1, headsLast: true },
  { name: 'heads last (the projections\' layout), T5 cross-attention', b: 2, h: 3, lq: 5, lk: 7, d: 4, bias: [2, 3, 5, 7], scale: null, rate: 0.2, headsLast: true },
  { name: 'deep heads (products in gemm), heads last, key mask', b: 2, h: 2, lq: 9, lk: 6, d: 24, bias: null, mask: [2, 1, 1, 6], scale: 0.2, rate: 0.1, headsLast: true },
  { name: 'deep heads (products in gemm), heads first', b: 2, h: 2, lq: 6, lk: 9, d: 40, bias: [1, 2, 6, 9], scale: null, rate: 0 },
  { name: 'merged heads [B, L, H·D], T5 encoder', b: 3, h: 4, lq: 7, lk: 7, d: 4, bias: [1, 4, 7, 7], mask: [3, 1, 1, 7], scale: null, rate: 0.1, headsLast: true, merged: true },
  { name: 'merged heads, RoBERTa, large', b: 4, h: 4, lq: 64, lk: 64, d: 16, bias: null, mask: [4, 1, 1, 64], scale: 0.25, rate: 0.1, headsLast: true, merged: true },
  { name: 'merged heads, T5 cross-attention', b: 2, h: 3, lq: 5, lk: 9, d: 4, bias: null, mask: [2, 1, 1, 9], scale: null, rate: 0.2, headsLast: true, merged: true },
  { name: 'a NaN in the queries, position bias and key mask, dropout', b: 2, h: 2, lq: 32, lk: 32, d: 4, bias: [1, 2, 32, 32], mask: [2, 1, 1, 32], scale: null, rate: 0.1, nan: true },
];

function attentionCase(c: (typeof ATTENTION)[number], i: number): () => tf.Tensor[] {
  return () => {
    const shape = (len: number) => (c.merged ? [c.b, len, c.h * c.d] : c.headsLast ? [c.b, len, c.h, c.d] : [c.b, c.h, len, c.d]);
    const inputs = [uniform(shape(c.lq), 2100 + i, -2, 2), uniform(shape(c.lk), 2200 + i, -2, 2), uniform(shape(c.lk), 2300 + i)];
    if (c.nan) inputs[0] = tf.where(tf.equal(tf.reshape(tf.range(0, inputs[0].size), inputs[0].shape), 3), Number.NaN, inputs[0]);
    if (c.bias) inputs.push(uniform(c.bias, 2400 + i, -3, 3));
    const attrs: AttentionAttrs = { scale: c.scale, rate: c.rate, seed: 31 + i, biasShape: c.bias, headsLast: c.headsLast ?? false, ...(c.merged ? { numHeads: c.h } : {}) };
    // A mask as the models build them, plus noise: every third key masked (FLOAT32_MIN), the rest added.
    const mask = c.mask ? tf.where(tf.equal(tf.mod(tf.range(0, c.mask[3]), 3), 2), FLOAT32_MIN, uniform(c.mask, 2450 + i, -1, 1)) : null;
    const f = (...xs: tf.Tensor[]) => attention(xs[0], xs[1], xs[2], xs[3], mask, attrs);
    return valueAndGrads(f, inputs, 2500 + i);
  };
}

/** x·wᵢᵀ (+ bᵢ) per weight: the fused kernel (gradient: kernels/projectionsNative.ts) when registered, else linear() per weight as models/layers/linear.ts composes it. */
function projections(x: tf.Tensor, weights: tf.Tensor[], biases: tf.Tensor[]): tf.Tensor[] {
  const kernel = projectionsKernel(weights.length);
  if (kernel && has(kernel)) {
    const named: tf.NamedTensorMap = { x };
    weights.forEach((w, i) => ((named[`w${i}`] = w), biases[i] && (named[`b${i}`] = biases[i])));
    return run(kernel, named, {});
  }
  const inner = x.shape[x.shape.length - 1];
  return weights.map((w, i) => {
    let y = tf.matMul(tf.reshape(x, [-1, inner]), w, false, true);
    if (biases[i]) y = tf.add(y, biases[i]);
    return tf.reshape(y, [...x.shape.slice(0, -1), w.shape[0]]);
  });
}

const PROJECTIONS: { name: string; x: number[]; outs: number[]; bias?: boolean }[] = [
  { name: 'T5 queries, keys and values', x: [3, 5, 8], outs: [6, 6, 6] },
  { name: 'RoBERTa queries, keys and values, biases', x: [3, 5, 8], outs: [8, 8, 8], bias: true },
  { name: 'gated feed-forward: two widths', x: [2, 7, 12], outs: [16, 9] },
  { name: 'cross-attention keys and values, 2-D input', x: [11, 8], outs: [5, 5] },
  { name: 'one linear', x: [2, 3, 9], outs: [7] },
  { name: 'one linear with a bias', x: [4, 9], outs: [13], bias: true },
  { name: 'large: threads, K-split weight gradients', x: [16, 128, 32], outs: [32, 64, 32] },
  { name: 'large linear with a bias', x: [8, 128, 64], outs: [96], bias: true },
];

function projectionsCase(c: (typeof PROJECTIONS)[number], i: number, grads: boolean): () => tf.Tensor[] {
  return () => {
    const inner = c.x[c.x.length - 1];
    const n = c.outs.length;
    const inputs = [uniform(c.x, 3100 + i, -2, 2), ...c.outs.map((out, j) => uniform([out, inner], 3200 + 10 * i + j)), ...(c.bias ? c.outs.map((out, j) => uniform([out], 3400 + 10 * i + j)) : [])];
    const f = (x: tf.Tensor, ...rest: tf.Tensor[]) => projections(x, rest.slice(0, n), rest.slice(n));
    if (!grads) return f(inputs[0], ...inputs.slice(1));
    // One output for the gradient: every projection, flattened and joined.
    return valueAndGrads((x, ...rest) => tf.concat(f(x, ...rest).map((y) => tf.reshape(y, [-1]))), inputs, 3300 + i);
  };
}

export const fusedCases: KernelCase[] = [
  ...PROJECTIONS.flatMap((c, i): KernelCase[] => [
    // Products, as the BatchMatMul cases: sums of up to 2048 terms (weight gradients) against the stock kernels' order.
    { kernel: projectionsKernel(c.outs.length)!, name: c.name, tol: 2e-5, run: projectionsCase(c, i, false) },
    ...[FUSED_KERNELS.projectionsGrad, FUSED_KERNELS.projectionWeightGrad, ...(c.bias ? [FUSED_KERNELS.projectionBiasGrad] : [])].map((kernel): KernelCase => ({
      kernel, name: c.name, tol: c.x.length > 2 && c.x[0] * c.x[1] >= 1000 ? 1e-4 : 2e-5, run: projectionsCase(c, i, true),
    })),
  ]),
  ...(['erf', 'tanh'] as const).flatMap((approximate) =>
    [[4, 9], [1001], [300, 257]].flatMap((shape, i): KernelCase[] => [
      { kernel: FUSED_KERNELS.gelu, name: `${approximate} ${JSON.stringify(shape)}`, tol: 2e-6, run: () => [gelu(uniform(shape, 1200 + i, -5, 5), approximate)] },
      { kernel: FUSED_KERNELS.geluGrad, name: `${approximate} ${JSON.stringify(shape)}`, tol: 2e-6, run: () => valueAndGrads((x) => gelu(x, approximate), [uniform(shape, 1300 + i, -5, 5)], 1400 + i) },
    ]),
  ),
  ...(['erf', 'tanh'] as const).flatMap((approximate) =>
    [[4, 9], [1001], [300, 257]].flatMap((shape, i): KernelCase[] => {
      const inputs = () => [uniform(shape, 1250 + i, -5, 5), uniform(shape, 1260 + i, -2, 2)];
      return [
        { kernel: FUSED_KERNELS.gatedGelu, name: `${approximate} ${JSON.stringify(shape)}`, tol: 2e-6, run: () => { const [g, u] = inputs(); return [gatedGelu(g, u, approximate)]; } },
        { kernel: FUSED_KERNELS.gatedGeluGrad, name: `${approximate} ${JSON.stringify(shape)}`, tol: 2e-6, run: () => valueAndGrads((g, u) => gatedGelu(g, u, approximate), inputs(), 1270 + i) },
      ];
    }),
  ),
  ...[true, false].flatMap((layerNorm) =>
    NORM_SHAPES.flatMap((shape, i): KernelCase[] => {
      const h = shape[shape.length - 1];
      const inputs = () => [uniform(shape, 1500 + i, -3, 4), uniform([h], 1600 + i, 0.5, 1.5), ...(layerNorm ? [uniform([h], 1700 + i)] : [])];
      const label = `${layerNorm ? 'LayerNorm' : 'RMS norm'} ${JSON.stringify(shape)}`;
      return [
        { kernel: FUSED_KERNELS.norm, name: label, tol: 2e-6, run: () => { const [x, w, b] = inputs(); return norm(x, w, b ?? null, 1e-5); } },
        { kernel: FUSED_KERNELS.normGrad, name: label, tol: 2e-5, run: () => valueAndGrads((x, w, b) => normValue(x, w, b ?? null, 1e-5), inputs(), 1800 + i) },
      ];
    }),
  ),
  ...ATTENTION.flatMap((c, i): KernelCase[] => [
    { kernel: FUSED_KERNELS.attention, name: c.name, tol: 2e-6, run: () => attentionCase(c, i)().slice(0, 1) },
    { kernel: FUSED_KERNELS.attentionGrad, name: c.name, tol: 2e-5, run: attentionCase(c, i) },
  ]),
  ...CROSS_ENTROPY_SHAPES.map(([rows, classes], i): KernelCase => ({
    kernel: FUSED_KERNELS.crossEntropyGrad, name: `[${rows}, ${classes}]`, tol: 2e-6,
    run: () => {
      const labels = tf.tensor1d(Array.from({ length: rows }, (_, r) => (r * 7 + i) % classes), 'int32');
      const scale = tf.tensor1d(Array.from({ length: rows }, (_, r) => (r % 3 === 2 ? 0 : 1 / (rows - Math.floor(rows / 3)))));
      return [crossEntropyGrad(uniform([rows, classes], 2600 + i, -8, 8) as tf.Tensor2D, labels, scale)];
    },
  })),
  ...([[0.1, 7], [0.5, 123456], [0.3, 0]] as const).flatMap(([rate, seed], i): KernelCase[] =>
    [FUSED_KERNELS.dropout, FUSED_KERNELS.dropoutGrad].map((kernel) => ({
      kernel, name: `rate ${rate}, seed ${seed}: the masks of tf.dropout`, tol: 0,
      run: () => valueAndGrads((x) => dropout(x, { rate, seed }), [uniform([i === 1 ? 70001 : 33, 17], 1900 + i)], 2000 + i),
    })),
  ),
  ...([[0.1, 7], [0.5, 123456], [0.3, 0]] as const).map(([rate, seed], i): KernelCase => ({
    // The same draws, and x + (r·m) rounded as the Add rounds it: exact.
    kernel: FUSED_KERNELS.dropoutAdd, name: `rate ${rate}, seed ${seed}: x + tf.dropout(r)`, tol: 0,
    run: () => {
      const shape = [i === 1 ? 70001 : 33, 17];
      return valueAndGrads((x, r) => residualDropout(x, r, { rate, seed }), [uniform(shape, 1950 + i), uniform(shape, 1960 + i)], 2050 + i);
    },
  })),
];
