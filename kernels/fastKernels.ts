// The fast kernels of issue 7, by backend: native SGEMM for every matrix product, native elementwise /
// reduction / softmax / transpose kernels, gather and scatter-add, and the models' fused ops
// (common/fusedKernels.ts). Left out with setupBackend(name, { fastKernels: false }) or
// OCTET_FAST_KERNELS=0.
import { BatchMatMul, GatherV2, UnsortedSegmentSum, _FusedMatMul } from '@tensorflow/tfjs-core';
import type { TensorKernelsNative } from '../native/tensorKernels.ts';
import { elementwiseNativeKernels, nativeKernelConfig } from './elementwiseNative.ts';
import { fusedOpsNativeKernels } from './fusedOpsNative.ts';
import { gatherNative, unsortedSegmentSumNative } from './gatherNative.ts';
import { unsortedSegmentSumCpu, unsortedSegmentSumWasm } from './unsortedSegmentSum.ts';
import { batchMatMulNative, fusedMatMulNative } from './matMulNative.ts';
import type { KernelProvider } from './provider.ts';

export function fastKernelProviders(native: TensorKernelsNative | null): KernelProvider[] {
  const list: KernelProvider[] = [];
  for (const backend of ['cpu', 'wasm'] as const) {
    if (!native) continue;
    list.push(
      { id: `matmul-${backend}-native`, backend, kernelName: BatchMatMul, when: () => true, make: (stock) => (stock ? batchMatMulNative(native, stock) : null) },
      { id: `fused-matmul-${backend}-native`, backend, kernelName: _FusedMatMul, when: () => true, make: (stock) => (stock ? fusedMatMulNative(native, stock) : null) },
    );
    const scatterFallback = backend === 'cpu' ? unsortedSegmentSumCpu : unsortedSegmentSumWasm;
    list.push(
      { id: `gather-${backend}-native`, backend, kernelName: GatherV2, when: () => true, make: (stock) => (stock ? gatherNative(native, stock) : null) },
      { id: `uss-${backend}-native`, backend, kernelName: UnsortedSegmentSum, when: () => true, make: () => unsortedSegmentSumNative(native, scatterFallback) },
    );
    for (const [kernelName, run] of elementwiseNativeKernels()) {
      list.push({ id: `${kernelName}-${backend}-native`, backend, kernelName, when: () => true, make: (stock) => (stock ? nativeKernelConfig(kernelName, run, native, stock) : null) });
    }
    for (const config of fusedOpsNativeKernels(native, backend)) {
      list.push({ id: `${config.kernelName}-${backend}-native`, backend, kernelName: config.kernelName, when: () => true, make: () => config });
    }
  }
  return list;
}
