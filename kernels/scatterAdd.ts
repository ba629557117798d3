// Scatter-add shared by the UnsortedSegmentSum kernels: out[ids[i], :] += x[i, :], one pass over x.
import { util } from '@tensorflow/tfjs-core';

export type NumericArray = Float32Array | Int32Array;

/** Ids outside [0, numSegments) are dropped (TensorFlow drops negative ids). `out` must start zeroed. */
export function scatterAdd(x: NumericArray, ids: ArrayLike<number>, numSegments: number, inner: number, out: NumericArray): void {
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j];
  }
}

/** Output shape and inner size of UnsortedSegmentSum(x, segmentIds, numSegments). */
export function segmentSumGeometry(xShape: number[], idsShape: number[], numSegments: number): { outShape: number[]; inner: number } {
  const prefix = xShape.slice(0, idsShape.length);
  if (prefix.length !== idsShape.length || prefix.some((d, i) => d !== idsShape[i])) {
    throw new Error(`UnsortedSegmentSum: segmentIds shape [${idsShape}] must be a prefix of x shape [${xShape}]`);
  }
  const innerShape = xShape.slice(idsShape.length);
  return { outShape: [numSegments, ...innerShape], inner: util.sizeFromShape(innerShape) };
}
