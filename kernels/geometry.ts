// Shape arithmetic for the native elementwise, reduction and transpose kernels: axes of size 1 dropped
// and adjacent axes merged where the memory walk allows, so the native loops see few, long axes.
import { backend_util, util } from '@tensorflow/tfjs-core';

function rowMajorStrides(shape: number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** Merges axis d into d+1 when every operand walks them as one axis (stride[d] = stride[d+1]·dims[d+1]). */
function collapse(dims: number[], strides: number[][]): { dims: number[]; strides: number[][] } {
  const keep = dims.map((d) => d !== 1);
  let outDims = dims.filter((_, i) => keep[i]);
  let outStrides = strides.map((s) => s.filter((_, i) => keep[i]));
  if (outDims.length === 0) return { dims: [1], strides: strides.map(() => [0]) };
  for (let d = outDims.length - 2; d >= 0; d--) {
    if (outStrides.every((s) => s[d] === s[d + 1] * outDims[d + 1])) {
      outDims = [...outDims.slice(0, d), outDims[d] * outDims[d + 1], ...outDims.slice(d + 2)];
      outStrides = outStrides.map((s) => [...s.slice(0, d), s[d + 1], ...s.slice(d + 2)]);
    }
  }
  return { dims: outDims, strides: outStrides };
}

export interface BinaryGeometry {
  outShape: number[];
  /** [rank, dims..., aStrides..., bStrides...] for the native kernel. */
  packed: Int32Array;
}

/** For each axis of `outShape`, the stride of `shape` broadcast to it (right-aligned; 0 where it broadcasts). */
export function broadcastStrides(shape: number[], outShape: number[]): number[] {
  const own = rowMajorStrides(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, d) => (d < offset || shape[d - offset] === 1 ? 0 : own[d - offset]));
}

/** Broadcasting a ∘ b: null when the shapes do not broadcast or the rank exceeds 8. */
export function binaryGeometry(aShape: number[], bShape: number[]): BinaryGeometry | null {
  let outShape: number[];
  try {
    outShape = backend_util.assertAndGetBroadcastShape(aShape, bShape);
  } catch {
    return null;
  }
  const { dims, strides } = collapse(outShape, [broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape)]);
  if (dims.length > 8) return null;
  return { outShape, packed: Int32Array.from([dims.length, ...dims, ...strides[0], ...strides[1]]) };
}

/** Transpose by `perm`: for each output axis its size and its stride in the input. */
export function transposeGeometry(shape: number[], perm: number[]): { outShape: number[]; packed: Int32Array } | null {
  const inStrides = rowMajorStrides(shape);
  const outShape = perm.map((p) => shape[p]);
  const { dims, strides } = collapse(outShape, [perm.map((p) => inStrides[p])]);
  if (dims.length > 8) return null;
  return { outShape, packed: Int32Array.from([dims.length, ...dims, ...strides[0]]) };
}

export interface ReduceGeometry {
  outer: number;
  r: number;
  inner: number;
  outShape: number[];
}

/** Reducing `axes` of `shape` as the middle axis of [outer, r, inner]; null when they are not adjacent (size-1 axes aside). */
export function reduceGeometry(shape: number[], axis: number | number[] | undefined, keepDims: boolean): ReduceGeometry | null {
  const axes = util.parseAxisParam(axis ?? shape.map((_, i) => i), shape);
  const reduced = new Set(axes);
  const significant = shape.map((d, i) => ({ d, i })).filter(({ d }) => d !== 1);
  const flags = significant.map(({ i }) => reduced.has(i));
  const first = flags.indexOf(true);
  const last = flags.lastIndexOf(true);
  if (first >= 0 && flags.slice(first, last + 1).some((f) => !f)) return null;
  const prod = (xs: { d: number }[]) => xs.reduce((p, x) => p * x.d, 1);
  const outer = first < 0 ? prod(significant) : prod(significant.slice(0, first));
  const r = first < 0 ? 1 : prod(significant.slice(first, last + 1));
  const inner = first < 0 ? 1 : prod(significant.slice(last + 1));
  const outShape = keepDims ? shape.map((d, i) => (reduced.has(i) ? 1 : d)) : shape.filter((_, i) => !reduced.has(i));
  return { outer, r, inner, outShape };
}
