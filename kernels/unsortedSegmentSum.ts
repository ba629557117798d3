// UnsortedSegmentSum as one scatter-add pass, for `wasm` (which has no such kernel, so the gradient of
// every embedding lookup fails there) and `cpu` (whose stock kernel makes one full pass per segment).
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { UnsortedSegmentSum } from '@tensorflow/tfjs-core';
import { scatterAdd, segmentSumGeometry } from './scatterAdd.ts';
import { tensorIo } from './tensorIo.ts';

const kernelFunc: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as { numSegments: number };
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum: dtype ${x.dtype} is not supported`);
  if (segmentIds.dtype !== 'int32') throw new Error('UnsortedSegmentSum: segmentIds must be int32');
  const { outShape, inner } = segmentSumGeometry(x.shape, segmentIds.shape, numSegments);
  const io = tensorIo(backend);
  const out = io.make(outShape, x.dtype);
  const view = (t: TensorInfo) => (t.dtype === 'float32' ? io.f32(t) : io.i32(t));
  const [xv, iv, ov] = [view(x), io.i32(segmentIds), view(out)];
  if (!xv || !iv || !ov) {
    io.dispose(out);
    throw new Error('UnsortedSegmentSum: unsupported tensor storage');
  }
  ov.fill(0); // made outputs are uninitialized (wasm) or pooled (cpu)
  scatterAdd(xv, iv, numSegments, inner, ov);
  return out;
};

export const unsortedSegmentSumCpu: KernelConfig = { kernelName: UnsortedSegmentSum, backendName: 'cpu', kernelFunc };
export const unsortedSegmentSumWasm: KernelConfig = { kernelName: UnsortedSegmentSum, backendName: 'wasm', kernelFunc };
