// UnsortedSegmentSum as one scatter-add pass, for `wasm` (which has no such kernel, so the gradient of
// every embedding lookup fails there) and `cpu` (whose stock kernel makes one full pass per segment).
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { UnsortedSegmentSum, util } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { scatterAdd, segmentSumGeometry, type NumericArray } from './scatterAdd.ts';

interface Args {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  attrs: NamedAttrMap;
}

function check(x: TensorInfo, ids: TensorInfo): void {
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum: dtype ${x.dtype} is not supported`);
  if (ids.dtype !== 'int32') throw new Error('UnsortedSegmentSum: segmentIds must be int32');
}

const cpuKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = (inputs as unknown as Args['inputs']);
  const numSegments = (attrs as { numSegments: number }).numSegments;
  check(x, segmentIds);
  const cpu = backend as MathBackendCPU;
  const { outShape, inner } = segmentSumGeometry(x.shape, segmentIds.shape, numSegments);
  const out = util.getTypedArrayFromDType(x.dtype as 'float32' | 'int32', util.sizeFromShape(outShape)) as NumericArray;
  const xVals = cpu.data.get(x.dataId).values as NumericArray;
  const ids = cpu.data.get(segmentIds.dataId).values as Int32Array;
  scatterAdd(xVals, ids, numSegments, inner, out);
  return cpu.makeTensorInfo(outShape, x.dtype, out);
};

const wasmKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = (inputs as unknown as Args['inputs']);
  const numSegments = (attrs as { numSegments: number }).numSegments;
  check(x, segmentIds);
  const wasm = backend as BackendWasm;
  const { outShape, inner } = segmentSumGeometry(x.shape, segmentIds.shape, numSegments);
  const out = wasm.makeOutput(outShape, x.dtype);
  // Views are taken after the allocation: allocating may grow (and move) the heap.
  const outVals = wasm.typedArrayFromHeap(out) as NumericArray;
  outVals.fill(0);
  scatterAdd(wasm.typedArrayFromHeap(x) as NumericArray, wasm.typedArrayFromHeap(segmentIds) as Int32Array, numSegments, inner, outVals);
  return out;
};

export const unsortedSegmentSumCpu: KernelConfig = { kernelName: UnsortedSegmentSum, backendName: 'cpu', kernelFunc: cpuKernel };
export const unsortedSegmentSumWasm: KernelConfig = { kernelName: UnsortedSegmentSum, backendName: 'wasm', kernelFunc: wasmKernel };
