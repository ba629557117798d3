// The native kernels whose work is split in ways that change a sum's order — weight-gradient products
// split along K, the attention bias gradient summed per group of (batch, head) tasks or per task, the
// norms' weight and bias gradients summed per chunk of rows —
// must give the same bits on one thread as on two: a run resumed on a machine with another core count
// continues the same trajectory.
import { afterAll, describe, expect, it } from 'vitest';
import { tensorKernelsNative } from '../native/tensorKernels.ts';
import { aleaState } from './alea.ts';

const native = tensorKernelsNative(() => {});

function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
}

/** Runs f once per thread count and returns its outputs. */
function perThreads(f: () => Float32Array[]): Float32Array[][] {
  return [1, 2].map((t) => {
    native!.threads(t);
    return f();
  });
}

function expectSameBits(a: Float32Array[], b: Float32Array[], what: string): void {
  a.forEach((x, k) => {
    const bad = x.findIndex((v, i) => !Object.is(v, b[k][i]));
    expect(bad, `${what}: output ${k} differs at ${bad} (${x[bad]} on 1 thread, ${b[k][bad]} on 2)`).toBe(-1);
  });
}

describe.skipIf(!native)('native kernels give the same bits on one and two threads', () => {
  const before = native?.threads() ?? 1;
  afterAll(() => native?.threads(before));

  it('a weight gradient xᵀ·dy split along K (3000 tokens, 32 × 48, plus bias and accumulate)', () => {
    const [m, n, k] = [32, 48, 3000];
    const a = random(k * m, 1), b = random(k * n, 2), bias = random(n, 3), start = random(m * n, 4);
    const [one, two] = perThreads(() => {
      const c = Float32Array.from(start);
      native!.gemm({ a, b, c, batch: 1, m, n, k, transA: true, transB: false, strideA: 0, strideB: 0, bias, relu: false, accumulate: true, threads: 0 });
      return [c];
    });
    expectSameBits(one, two, 'gemm');
  });

  it.each([
    ['a position bias per head (grouped over the batch)', [0, 64 * 64, 64, 1]],
    ['one bias for every head and item (per task, then in order)', [0, 0, 64, 1]],
    ['a bias per head broadcast over queries (grouped, reduced slice)', [0, 64, 0, 1]],
    ['one bias over the keys only (per task, then in order; reduced slice)', [0, 0, 0, 1]],
  ] as const)('attention and its gradient with dropout: %s', (_, biasStrides) => {
    const [B, H, L, D] = [6, 4, 64, 8];
    const q = random(B * L * H * D, 5), k = random(B * L * H * D, 6), v = random(B * L * H * D, 7), dy = random(B * L * H * D, 8);
    const biasLen = (H - 1) * biasStrides[1] + (L - 1) * (biasStrides[2] + biasStrides[3]) + 1;
    const bias = random(biasLen, 9);
    const mask = Float32Array.from({ length: B * L }, (_, i) => (i % 5 === 4 ? -3.4028234663852886e38 : 0));
    const geometry = Int32Array.from([B, H, L, L, D, ...biasStrides, 1, L, 0, 0, 1]);
    const [one, two] = perThreads(() => {
      const out = new Float32Array(q.length), probs = new Float32Array(B * H * L * L), kept = new Int32Array((B * H * L * L) / 32);
      native!.attention(q, k, v, bias, mask, out, probs, kept, geometry, null, 0.1, aleaState('11'));
      const dq = new Float32Array(q.length), dk = new Float32Array(q.length), dv = new Float32Array(q.length), dbias = new Float32Array(biasLen);
      native!.attentionGrad(dy, q, k, v, probs, kept, dq, dk, dv, dbias, geometry, null, 0.1);
      return [out, probs, new Float32Array(kept.buffer), dq, dk, dv, dbias];
    });
    expectSameBits(one, two, 'attention');
  });

  it.each([
    ['LayerNorm', 4096, 32, false],
    ['RMS norm', 4096, 32, true],
    ['LayerNorm', 1000, 256, false],
  ] as const)('%s gradient over %i rows of %i (column sums per chunk of rows)', (_, rows, h, rms) => {
    const dy = random(rows * h, 12), xhat = random(rows * h, 13), rstd = random(rows, 14).map((v) => v + 2), w = random(h, 15);
    const [one, two] = perThreads(() => {
      const dx = new Float32Array(rows * h), dw = new Float32Array(h), db = rms ? null : new Float32Array(h);
      native!.normGrad(dy, xhat, rstd, w, dx, dw, db, rows, h, rms);
      return db ? [dx, dw, db] : [dx, dw];
    });
    expectSameBits(one, two, 'normGrad');
  });
});
