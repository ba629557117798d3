// The fast kernels of issue 7, by backend: native SGEMM for every matrix product, native elementwise /
// reduction / softmax / transpose kernels, gather and scatter-add, and the models' fused ops
// (common/fusedKernels.ts). Left out with setupBackend(name, { fastKernels: false }) or
// OCTET_FAST_KERNELS=0.
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { BatchMatMul, GatherV2, UnsortedSegmentSum, _FusedMatMul } from '@tensorflow/tfjs-core';
import type { TensorKernelsNative } from '../native/tensorKernels.ts';
import { elementwiseNativeKernels, nativeKernelConfig } from './elementwiseNative.ts';
import { attentionNativeKernels } from './attentionNative.ts';
import { fusedOpsNativeKernels } from './fusedOpsNative.ts';
import { gatherNative, unsortedSegmentSumNative } from './gatherNative.ts';
import { unsortedSegmentSumCpu, unsortedSegmentSumWasm } from './unsortedSegmentSum.ts';
import { batchMatMulNative, fusedMatMulNative } from './matMulNative.ts';
import { projectionsNativeKernels } from './projectionsNative.ts';
import type { KernelProvider } from './provider.ts';

export function fastKernelProviders(native: TensorKernelsNative | null): KernelProvider[] {
  if (!native) return [];
  return (['cpu', 'wasm'] as const).flatMap((backend): KernelProvider[] => {
    const provider = (name: string, kernelName: string, make: KernelProvider['make']): KernelProvider => ({ id: `${name}-${backend}-native`, backend, kernelName, make });
    // These fall back to the stock kernel: none without one.
    const wrapping = (name: string, kernelName: string, wrap: (stock: KernelConfig) => KernelConfig) =>
      provider(name, kernelName, (stock) => (stock ? wrap(stock) : null));
    const scatterFallback = backend === 'cpu' ? unsortedSegmentSumCpu : unsortedSegmentSumWasm;
    return [
      wrapping('matmul', BatchMatMul, (stock) => batchMatMulNative(native, stock)),
      wrapping('fused-matmul', _FusedMatMul, (stock) => fusedMatMulNative(native, stock)),
      wrapping('gather', GatherV2, (stock) => gatherNative(native, stock)),
      provider('uss', UnsortedSegmentSum, () => unsortedSegmentSumNative(native, scatterFallback)),
      ...elementwiseNativeKernels().map(([kernelName, run]) => wrapping(kernelName, kernelName, (stock) => nativeKernelConfig(kernelName, run, native, stock))),
      ...[...fusedOpsNativeKernels(native, backend), ...attentionNativeKernels(native, backend), ...projectionsNativeKernels(native, backend)].map((config) => provider(config.kernelName, config.kernelName, () => config)),
    ];
  });
}
