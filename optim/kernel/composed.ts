// The composed kernel: the same update written with stock tfjs ops only, for backends where we cannot
// touch buffers (tensorflow / tfjs-node-gpu, webgl, webgpu). Constraints from those backends:
// - no uint8 dtype: codes are kept four per int32 element (little-endian bytes, the same layout the
//   in-place kernels use), so the state costs one byte per element there too; packing uses only
//   mul/add/floorDiv/mod on int32 (no BitwiseAnd, which the tensorflow backend lacks);
// - no SearchSorted (also missing there): the nearest code comes from an 8-level binary search over the
//   code thresholds, written as gather + compare (composedOps.ts).
// Memory: a tensor is updated in chunks of whole blocks (composedChunks.ts) and every intermediate is
// freed as soon as it is dead, so what a step holds beyond the tensor's own parameter and state is a few
// copies of one chunk plus, for a tensor of several chunks, its new parameter twice (the chunks' pieces
// and their concatenation) at the very end — not ~100 temporaries of the whole tensor.
// Every op here is an IEEE float32 op, so on the cpu backend the result is usually bit-identical to the
// reference; GPU backends may differ by ulps (and a code by ±1), within bitsandbytes' tolerances (§1f).
// Packing is exact where int32 arithmetic is (cpu, wasm, tensorflow, webgpu); WebGL keeps int32 in
// float32 textures (exact to 2^24) and would corrupt the top byte, so use the 32-bit state there.
import * as tf from '@tensorflow/tfjs-core';
import type { StepScalars } from '../algorithms.ts';
import { chunkLength, chunkRanges, COMPOSED_CHUNK_ELEMENTS, type ChunkRange } from './composedChunks.ts';
import { f32, mapTensors, reshapeOwned, searchCodes, consume } from './composedOps.ts';
import { step8Chunk, type Chunk8Out } from './composedStep8.ts';
import { step32 } from './composedStep32.ts';
import type { OptimKernel, SlotTensors } from './types.ts';

export { packTensor, unpackTensor } from './composedOps.ts';

/** kQuantizeBlockwise with tfjs ops: absmax per block, x * (1 / absmax), the code search. */
export function composedQuantize(x: Float32Array, B: number, signed: boolean): { codes: Uint8Array; absmax: Float32Array } {
  return tf.tidy(() => {
    const maps = mapTensors();
    const n = x.length;
    const nb = Math.ceil(n / B);
    const X = tf.reshape(tf.pad(tf.tensor1d(x), [[0, nb * B - n]]), [nb, B]);
    const am = tf.max(tf.abs(X), 1, true);
    const codes = searchCodes(signed ? maps.signed : maps.unsigned, tf.mul(X, tf.div(f32(1), am)));
    return {
      codes: Uint8Array.from(tf.slice(tf.reshape(codes, [nb * B]), 0, n).dataSync()),
      absmax: tf.reshape(am, [nb]).dataSync() as Float32Array,
    };
  });
}

/** tf.tidy for a function returning an object of tensors (some fields undefined). */
const tidyOut = <T>(f: () => T): T => tf.tidy(f as () => tf.TensorContainer) as T;

/** One chunk of a flat view: the whole tensor is shared, not copied. */
function sliceOf(flat: tf.Tensor, r: ChunkRange, scale = 1): tf.Tensor {
  const start = r.start / scale;
  const size = Math.ceil(r.length / scale);
  return start === 0 && size >= flat.shape[0] ? tf.reshape(flat, [-1]) : tf.slice(flat, start, size);
}

/** One tensor from its chunks' pieces (which are freed). */
function assemble(pieces: tf.Tensor[]): tf.Tensor {
  if (pieces.length === 1) return pieces[0];
  const whole = tf.concat(pieces);
  tf.dispose(pieces);
  return whole;
}

function replaceState(slot: SlotTensors, key: 's1' | 'a1' | 's2' | 'a2', t: tf.Tensor): void {
  slot[key]?.dispose();
  slot[key] = tf.keep(t);
}

function replaceParam(param: tf.Variable, flat: tf.Tensor): void {
  const value = reshapeOwned(flat, param.shape);
  param.assign(value);
  value.dispose();
}

/** A whole block-padded [nb, B] chunk of a flat float tensor. */
function blocksOf(flat: tf.Tensor, r: ChunkRange, nb: number, B: number): tf.Tensor {
  const part = sliceOf(flat, r);
  const padded = nb * B > r.length ? consume(tf.pad(part, [[0, nb * B - r.length]], 0), part) : part;
  return reshapeOwned(padded, [nb, B]);
}

function apply8(param: tf.Variable, grad: tf.Tensor, slot: SlotTensors, sc: StepScalars, B: number, chunkElements: number): void {
  const maps = mapTensors();
  const ranges = chunkRanges(slot.n, chunkLength(chunkElements, B));
  const outs: Chunk8Out[] = [];
  for (const r of ranges) {
    outs.push(tidyOut(() => {
      const nb = Math.ceil(r.length / B);
      const two = sc.rule === 'adam';
      return step8Chunk(maps, {
        g: blocksOf(tf.reshape(grad, [-1]), r, nb, B),
        p: () => blocksOf(tf.reshape(param, [-1]), r, nb, B),
        s1: sliceOf(slot.s1, r, 4),
        a1: sliceOf(slot.a1!, r, B),
        s2: two ? sliceOf(slot.s2!, r, 4) : undefined,
        a2: two ? sliceOf(slot.a2!, r, B) : undefined,
        length: r.length,
        nb,
      }, sc, B);
    }));
  }
  // the states first (their pieces are small), then the parameter: its pieces and their concatenation
  // are the largest thing a step holds
  for (const key of ['s1', 'a1', 's2', 'a2'] as const) {
    if (outs[0][key]) replaceState(slot, key, assemble(outs.map((o) => o[key]!)));
  }
  replaceParam(param, assemble(outs.map((o) => o.p)));
}

function apply32(param: tf.Variable, grad: tf.Tensor, slot: SlotTensors, sc: StepScalars, chunkElements: number): void {
  const ranges = chunkRanges(slot.n, chunkLength(chunkElements, 4));
  step32(sc, {
    param, grad, slot,
    chunked: (piece) => assemble(ranges.map((r) => tf.tidy(() => piece((t) => sliceOf(tf.reshape(t, [-1]), r))))),
    setState: (key, t) => replaceState(slot, key, t),
    setParam: (t) => replaceParam(param, t),
  });
}

/** The composed kernel with a given chunk size (elements; rounded down to whole blocks). */
export function makeComposedKernel(chunkElements = COMPOSED_CHUNK_ELEMENTS): OptimKernel {
  return {
    name: 'composed',
    exact: false,
    description: 'stock tfjs ops in chunks of blocks, codes packed four per int32, no SearchSorted/BitwiseAnd; any backend (for GPU backends)',
    available: () => true,
    apply(param, grad, slot, sc, blockSize) {
      if (slot.bits === 8) apply8(param, grad, slot, sc, blockSize, chunkElements);
      else apply32(param, grad, slot, sc, chunkElements);
    },
  };
}

export const composedKernel: OptimKernel = makeComposedKernel();
