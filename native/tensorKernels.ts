// TypeScript facade of the native tensor kernels (native/src/kernels/*.cc) that kernels/ registers on
// the cpu and wasm backends. Every function works in place on Float32Arrays (a cpu tensor's values, or
// a view of the wasm heap). Null when the addon is missing, disabled (OCTET_NATIVE=0) or older than
// these functions: kernels/ then keeps TensorFlow.js' own kernels (or our TypeScript versions).
import { loadAddon } from './loadAddon.ts';

export type SimdLevel = 'avx512' | 'avx2' | 'scalar';

export interface GemmCall {
  a: Float32Array;
  b: Float32Array;
  c: Float32Array;
  batch: number;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  /** Elements between batch items of a / b; 0 broadcasts one matrix to every item. */
  strideA: number;
  strideB: number;
  bias: Float32Array | null;
  relu: boolean;
  accumulate: boolean;
  /** 0: every thread of the pool; 1: the calling thread only. */
  threads: number;
}

/** Op numbers as native/src/kernels/elementwise.cc and reduce.cc number them. */
export const BINARY_OPS = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, squaredDifference: 6 } as const;
export const UNARY_OPS = { exp: 0, erf: 1, tanh: 2, sigmoid: 3, rsqrt: 4, sqrt: 5, square: 6, floor: 7, neg: 8, abs: 9, log: 10, relu: 11, reciprocal: 12 } as const;
export const REDUCE_OPS = { sum: 0, mean: 1, max: 2, min: 3 } as const;
export type BinaryOpName = keyof typeof BINARY_OPS;
export type UnaryOpName = keyof typeof UNARY_OPS;
export type ReduceOpName = keyof typeof REDUCE_OPS;

/** Seedrandom's Alea state (fractions in [0, 1) that are multiples of 2^-32, and the carry). */
export interface AleaState {
  s0: number;
  s1: number;
  s2: number;
  c: number;
}

export interface TensorKernelsNative {
  gemm(call: GemmCall): void;
  /** geometry: [rank, outDims..., aStrides..., bStrides...] over the output (0 = broadcast). */
  binary(op: BinaryOpName, a: Float32Array, b: Float32Array, out: Float32Array, geometry: Int32Array): void;
  unary(op: UnaryOpName, x: Float32Array, out: Float32Array): void;
  /** Reduces the middle axis of an [outer, r, inner] view. */
  reduce(op: ReduceOpName, x: Float32Array, out: Float32Array, outer: number, r: number, inner: number): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, n: number): void;
  /** geometry: [rank, outDims..., inputStrides...] (input stride of each output axis). */
  transpose(x: Float32Array, out: Float32Array, geometry: Int32Array): void;
  /**
   * out = gelu(x), or out = dy · gelu'(x) when dy is given. Gated (up given): out = gelu(x)·up, or with dy
   * out = (dy·up) · gelu'(x) and dup = dy·gelu(x).
   */
  gelu(x: Float32Array, out: Float32Array, tanhForm: boolean, dy: Float32Array | null, up?: Float32Array | null, dup?: Float32Array | null): void;
  norm(x: Float32Array, weight: Float32Array, bias: Float32Array | null, y: Float32Array, xhat: Float32Array, rstd: Float32Array, rows: number, h: number, eps: number, rms: boolean): void;
  normGrad(dy: Float32Array, xhat: Float32Array, rstd: Float32Array, weight: Float32Array, dx: Float32Array, dw: Float32Array, db: Float32Array | null, rows: number, h: number, rms: boolean): void;
  /** y = tf.dropout(x, rate) (+ residual) for the seed's stream; kept: which multipliers are not 0, bit i % 32 of word i / 32. */
  dropout(x: Float32Array, y: Float32Array, kept: Int32Array, rate: number, state: AleaState, residual?: Float32Array | null): void;
  /** dx = dy · the multipliers `kept` (from dropout) stands for. */
  dropoutGrad(dy: Float32Array, kept: Int32Array, dx: Float32Array, rate: number): void;
  /**
   * Fused attention per (batch, head): probs = softmax((q·kᵀ·scale + bias) + mask), M = dropout's
   * multipliers (rate > 0; `kept` gets M ≠ 0 as bits, ⌈Lq·Lk/32⌉ words per (batch, head)), out = (probs ∘ M)·v. geometry: [B, H, Lq, Lk, D, bias strides over
   * [B, H, Lq, Lk] (0 = broadcast), 1 when q/k/v/out are [B, L, H, D] (else [B, H, L, D]), mask strides];
   * scale null = unscaled.
   */
  attention(q: Float32Array, k: Float32Array, v: Float32Array, bias: Float32Array | null, mask: Float32Array | null, out: Float32Array, probs: Float32Array, kept: Int32Array | null, geometry: Int32Array, scale: number | null, rate: number, state: AleaState | null): void;
  /** Its gradients (the forward's `kept` bits and dropout rate); dbias (the bias' shape) summed over the axes the bias broadcasts on. */
  attentionGrad(dy: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, probs: Float32Array, kept: Int32Array | null, dq: Float32Array, dk: Float32Array, dv: Float32Array, dbias: Float32Array | null, geometry: Int32Array, scale: number | null, rate: number): void;
  /** out = (exp(z − lse) − one_hot(labels)) · scale over [rows, classes]; lse, labels, scale per row. */
  crossEntropyGrad(z: Float32Array, lse: Float32Array, labels: Int32Array, scale: Float32Array, out: Float32Array, rows: number, classes: number): void;
  /** Rows of an [outer, dim, inner] view by index; returns -1, or the position of the first index outside [0, dim). */
  gather(x: Float32Array, indices: Int32Array, out: Float32Array, outer: number, dim: number, inner: number): number;
  /** out = 0, then out[ids[i], :] += x[i, :] (ids outside [0, numSegments) are dropped). */
  scatterAdd(x: Float32Array, ids: Int32Array, out: Float32Array, numSegments: number, inner: number): void;
  /** Threads of the kernels' pool (the caller included); a number sets it (tests, benchmarks). */
  threads(set?: number): number;
  /** The vector path in use; a level narrows it (tests compare every path). */
  simd(set?: SimdLevel): SimdLevel;
}

type Fn = (...args: unknown[]) => unknown;
let cached: TensorKernelsNative | null | undefined;

const NAMES = [
  'kernelsGemm', 'kernelsBinary', 'kernelsUnary', 'kernelsReduce', 'kernelsSoftmax', 'kernelsTranspose', 'kernelsGelu', 'kernelsNorm',
  'kernelsNormGrad', 'kernelsDropout', 'kernelsDropoutGrad', 'kernelsGather', 'kernelsScatterAdd', 'kernelsThreads', 'kernelsSimd', 'kernelsAttention', 'kernelsAttentionGrad', 'kernelsCrossEntropyGrad',
] as const;

export function tensorKernelsNative(log: (line: string) => void = (l) => console.warn(l)): TensorKernelsNative | null {
  if (cached !== undefined) return cached;
  const addon = loadAddon(log);
  if (!addon) return (cached = null);
  const missing = NAMES.filter((n) => typeof addon[n] !== 'function');
  if (missing.length) {
    log(`octet: native addon lacks ${missing.join(', ')} (rebuild with \`node native/build.mjs\`); using the TypeScript kernels`);
    return (cached = null);
  }
  const [gemm, binary, unary, reduce, softmax, transpose, gelu, norm, normGrad, dropout, dropoutGrad, gather, scatterAdd, threads, simd, attention, attentionGrad, crossEntropyGrad] = NAMES.map((n) => addon[n] as Fn);
  return (cached = {
    gemm: (c) => void gemm(c.a, c.b, c.c, c.batch, c.m, c.n, c.k, c.transA, c.transB, c.strideA, c.strideB, c.bias, c.relu ? 1 : 0, c.accumulate, c.threads),
    binary: (op, a, b, out, g) => void binary(BINARY_OPS[op], a, b, out, g),
    unary: (op, x, out) => void unary(UNARY_OPS[op], x, out),
    reduce: (op, x, out, outer, r, inner) => void reduce(REDUCE_OPS[op], x, out, outer, r, inner),
    softmax: (x, out, rows, n) => void softmax(x, out, rows, n),
    transpose: (x, out, g) => void transpose(x, out, g),
    gelu: (x, out, tanhForm, dy, up = null, dup = null) => void gelu(x, out, tanhForm, dy, up, dup),
    norm: (x, w, b, y, xhat, rstd, rows, h, eps, rms) => void norm(x, w, b, y, xhat, rstd, rows, h, eps, rms),
    normGrad: (dy, xhat, rstd, w, dx, dw, db, rows, h, rms) => void normGrad(dy, xhat, rstd, w, dx, dw, db, rows, h, rms),
    dropout: (x, y, kept, rate, s, residual = null) => void dropout(x, y, kept, rate, s.s0, s.s1, s.s2, s.c, residual),
    dropoutGrad: (dy, kept, dx, rate) => void dropoutGrad(dy, kept, dx, rate),
    attention: (q, k, v, bias, mask, out, probs, m, geometry, scale, rate, s) =>
      void attention(q, k, v, bias, mask, out, probs, m, geometry, scale ?? 1, scale !== null, rate, s?.s0 ?? 0, s?.s1 ?? 0, s?.s2 ?? 0, s?.c ?? 0),
    attentionGrad: (dy, q, k, v, probs, kept, dq, dk, dv, dbias, geometry, scale, rate) =>
      void attentionGrad(dy, q, k, v, probs, kept, dq, dk, dv, dbias, geometry, scale ?? 1, scale !== null, rate),
    crossEntropyGrad: (z, lse, labels, scale, out, rows, classes) => void crossEntropyGrad(z, lse, labels, scale, out, rows, classes),
    gather: (x, indices, out, outer, dim, inner) => gather(x, indices, out, outer, dim, inner) as number,
    scatterAdd: (x, ids, out, segments, inner) => void scatterAdd(x, ids, out, segments, inner),
    threads: (set) => threads(...(set === undefined ? [] : [set])) as number,
    simd: (set) => simd(...(set === undefined ? [] : [set])) as SimdLevel,
  });
}

/** For tests: forget the cached facade. */
export function resetTensorKernelsNativeForTests(): void {
  cached = undefined;
}
