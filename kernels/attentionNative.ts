// The fused attention of common/fusedKernels.ts (OctetAttention, OctetAttentionGrad) for `cpu` and
// `wasm`, computed natively per (batch, head) (native/src/kernels/attention.cc): one kernel each way
// instead of the products, scaling, bias, softmax and dropout the composed ops run over the whole
// [B, H, Lq, Lk] scores. Without the addon it is not registered and models/ composes the same ops.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { FUSED_KERNELS, type AttentionAttrs } from '../common/fusedKernels.ts';
import type { TensorKernelsNative } from '../native/tensorKernels.ts';
import { aleaState, keptWords } from './alea.ts';
import { broadcastStrides } from './geometry.ts';
import { assertFloat32, tensorIo } from './tensorIo.ts';

/**
 * [B, H, Lq, Lk, D, bias strides over [B, H, Lq, Lk] (0 where it broadcasts), heads last, mask strides],
 * checked; q/k/v are [B, H, L, D], or [B, L, H, D] with `headsLast`.
 */
export function attentionGeometry(q: number[], k: number[], v: number[], bias: number[] | null, headsLast: boolean, mask: number[] | null = null): Int32Array {
  const fail = (why: string): never => {
    throw new Error(`OctetAttention: ${why} (q ${JSON.stringify(q)}, k ${JSON.stringify(k)}, v ${JSON.stringify(v)}, bias ${JSON.stringify(bias)}, mask ${JSON.stringify(mask)})`);
  };
  if (q.length !== 4 || k.length !== 4 || v.length !== 4) fail(`q, k and v must be [batch, ${headsLast ? 'length, heads' : 'heads, length'}, depth]`);
  const [b, h, lq, d] = headsLast ? [q[0], q[2], q[1], q[3]] : q;
  const lk = headsLast ? k[1] : k[2];
  if (k[0] !== b || k[headsLast ? 2 : 1] !== h || k[3] !== d || !util.arraysEqual(k, v)) fail('k and v must match q in batch, heads and depth, and each other');
  const full = [b, h, lq, lk];
  const strides = (shape: number[] | null, what: string) => {
    if (!shape) return [0, 0, 0, 0];
    if (shape.length > 4) fail(`the ${what} has more than 4 axes`);
    const offset = 4 - shape.length;
    if (shape.some((n, a) => n !== 1 && n !== full[a + offset])) fail(`the ${what} does not broadcast to [${full.join(', ')}]`);
    return broadcastStrides(shape, full);
  };
  return Int32Array.from([b, h, lq, lk, d, ...strides(bias, 'bias'), headsLast ? 1 : 0, ...strides(mask, 'mask')]);
}

/** A [B, L, H·D] operand (numHeads given, heads last) as [B, L, H, D]; other shapes as they are. */
function splitHeads(shape: number[], numHeads: number | undefined): number[] {
  if (shape.length !== 3 || !numHeads) return shape;
  if (shape[2] % numHeads !== 0) throw new Error(`OctetAttention: the last axis (${shape[2]}) is not a multiple of ${numHeads} heads`);
  return [shape[0], shape[1], numHeads, shape[2] / numHeads];
}

const forward = (native: TensorKernelsNative): KernelFunc => ({ inputs, backend, attrs }) => {
  const { q, k, v, bias, mask } = inputs as { q: TensorInfo; k: TensorInfo; v: TensorInfo; bias?: TensorInfo; mask?: TensorInfo };
  const { scale, rate, seed, headsLast, numHeads } = attrs as unknown as AttentionAttrs;
  assertFloat32(FUSED_KERNELS.attention, q, k, v, bias, mask);
  const [qs, ks, vs] = [q, k, v].map((t) => splitHeads(t.shape, numHeads));
  const geometry = attentionGeometry(qs, ks, vs, bias ? bias.shape : null, headsLast, mask ? mask.shape : null);
  const io = tensorIo(backend);
  const scoresShape = [...geometry.slice(0, 4)];
  const out = io.make([...q.shape]);
  const probs = io.make(scoresShape);
  // Which scores dropout kept, one bit each (native/src/kernels/attention.cc).
  // ⌈Lq·Lk / 32⌉ words per (batch, head), so that every (batch, head) starts on a word.
  const kept = rate > 0 ? io.make([geometry[0] * geometry[1] * keptWords(geometry[2] * geometry[3])], 'int32') : null;
  native.attention(io.f32(q)!, io.f32(k)!, io.f32(v)!, bias ? io.f32(bias)! : null, mask ? io.f32(mask)! : null, io.f32(out)!, io.f32(probs)!, kept ? io.i32(kept)! : null,
    geometry, scale, rate, rate > 0 ? aleaState(String(seed)) : null);
  return kept ? [out, probs, kept] : [out, probs];
};

const backward = (native: TensorKernelsNative): KernelFunc => ({ inputs, backend, attrs }) => {
  const { dy, q, k, v, probs, kept } = inputs as Record<'dy' | 'q' | 'k' | 'v' | 'probs', TensorInfo> & { kept?: TensorInfo };
  const { scale, rate, biasShape, headsLast, numHeads } = attrs as unknown as AttentionAttrs;
  assertFloat32(FUSED_KERNELS.attentionGrad, dy, q, k, v, probs);
  if (kept && (kept.dtype !== 'int32' || rate <= 0)) throw new Error("OctetAttentionGrad: kept must be the forward kernel's int32 dropout bits (rate > 0)");
  const [qs, ks, vs] = [q, k, v].map((t) => splitHeads(t.shape, numHeads));
  const geometry = attentionGeometry(qs, ks, vs, biasShape, headsLast);
  if (!util.arraysEqual(dy.shape, q.shape)) throw new Error('OctetAttentionGrad: dy must have the shape of q');
  const io = tensorIo(backend);
  const dq = io.make([...q.shape]);
  const dk = io.make([...k.shape]);
  const dv = io.make([...v.shape]);
  const dbias = biasShape ? io.make([...biasShape]) : null;
  native.attentionGrad(io.f32(dy)!, io.f32(q)!, io.f32(k)!, io.f32(v)!, io.f32(probs)!, kept ? io.i32(kept)! : null,
    io.f32(dq)!, io.f32(dk)!, io.f32(dv)!, dbias ? io.f32(dbias)! : null, geometry, scale, rate);
  return dbias ? [dq, dk, dv, dbias] : [dq, dk, dv];
};

export function attentionNativeKernels(native: TensorKernelsNative, backendName: 'cpu' | 'wasm'): KernelConfig[] {
  return [
    { kernelName: FUSED_KERNELS.attention, backendName, kernelFunc: forward(native) },
    { kernelName: FUSED_KERNELS.attentionGrad, backendName, kernelFunc: backward(native) },
  ];
}
