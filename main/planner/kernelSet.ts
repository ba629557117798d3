// Which kernels compute a training step on a backend, for the activation counts (activations.ts): the
// fused GELU/norm/dropout kernels run on cpu and wasm when kernels/ registers them — the native addon
// is built and OCTET_FAST_KERNELS / OCTET_NATIVE do not switch them off — and composed ops otherwise.
import { tensorKernelsNative } from '../../native/tensorKernels.ts';
import type { KernelSet } from './activations.ts';

export function kernelSetFor(backend: string): KernelSet {
  if (backend !== 'cpu' && backend !== 'wasm') return 'composed';
  if (process.env.OCTET_FAST_KERNELS === '0') return 'composed';
  return tensorKernelsNative(() => {}) ? 'fused' : 'composed';
}
