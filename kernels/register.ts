// Registers Octet's kernels on a TensorFlow.js backend, replacing the stock ones (kept, so that
// unregisterOctetKernels can restore them). Idempotent; call after importing the backend package.
import * as tf from '@tensorflow/tfjs-core';
import { BatchMatMul, Identity, UnsortedSegmentSum, type KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulWasmConfig } from './batchMatMulWasm.ts';
import { identityWasm } from './identityWasm.ts';
import { unsortedSegmentSumCpu, unsortedSegmentSumWasm } from './unsortedSegmentSum.ts';

interface Provider {
  kernelName: string;
  /** Our kernel; `stock` is the one registered before ours (null: nothing to wrap, skip). */
  make(stock: KernelConfig | undefined): KernelConfig | null;
}

const KERNELS: Record<string, Provider[]> = {
  cpu: [{ kernelName: UnsortedSegmentSum, make: () => unsortedSegmentSumCpu }],
  wasm: [
    { kernelName: UnsortedSegmentSum, make: () => unsortedSegmentSumWasm },
    { kernelName: BatchMatMul, make: (stock) => (stock ? batchMatMulWasmConfig(stock) : null) },
    { kernelName: Identity, make: () => identityWasm },
  ],
};

const replaced = new Map<string, { stock: KernelConfig | undefined; ours: KernelConfig }>();
const key = (kernel: string, backend: string) => `${backend}/${kernel}`;

/** Returns the kernel names now served by our implementations on `backendName`. */
export function registerOctetKernels(backendName: string): string[] {
  const names: string[] = [];
  for (const { kernelName, make } of KERNELS[backendName] ?? []) {
    const k = key(kernelName, backendName);
    const current = tf.getKernel(kernelName, backendName);
    const mine = replaced.get(k);
    if (mine && current === mine.ours) {
      names.push(kernelName);
      continue;
    }
    const ours = make(current);
    if (!ours) continue;
    if (current) tf.unregisterKernel(kernelName, backendName);
    // Keep the stock setupFunc: a wasm kernel binds its C function there when the backend starts.
    const config: KernelConfig = { ...ours, setupFunc: ours.setupFunc ?? current?.setupFunc, disposeFunc: ours.disposeFunc ?? current?.disposeFunc };
    tf.registerKernel(config);
    replaced.set(k, { stock: current, ours: tf.getKernel(kernelName, backendName)! });
    names.push(kernelName);
  }
  return names;
}

/** Restores the stock kernels (used by tests comparing against them). */
export function unregisterOctetKernels(backendName: string): void {
  for (const [k, { stock }] of replaced) {
    const [backend, kernelName] = k.split('/');
    if (backend !== backendName) continue;
    if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
    if (stock) tf.registerKernel(stock);
    replaced.delete(k);
  }
}
