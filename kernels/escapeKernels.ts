// The cpu backend's slicing kernels return views of their input's array (subarray, no copy) for
// contiguous slices; an array so viewed must never go back to the buffer pool (kernels/cpuBufferPool.ts)
// while the view may live. These wrappers mark the inputs and run the stock kernel unchanged.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BatchToSpaceND, Slice, SplitV, StridedSlice, Unpack } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { existingCpuBufferPool } from './cpuBufferPool.ts';

export const VIEWING_KERNELS = [Slice, StridedSlice, SplitV, Unpack, BatchToSpaceND];

export function markingViews(stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const cpu = args.backend as MathBackendCPU;
    const pool = existingCpuBufferPool(cpu);
    if (pool) for (const t of Object.values(args.inputs) as TensorInfo[]) if (t) pool.escape(cpu.data.get(t.dataId)?.values);
    return stock.kernelFunc(args);
  };
  return { ...stock, kernelFunc };
}
