// One call that makes TensorFlow.js ready for training in Node: gradients registered, the backend
// package loaded and selected, and our kernels registered on it.
import * as tf from '@tensorflow/tfjs-core';
import { ensureWasmBackend } from './cpuMatMulViaWasm.ts';
import { installTfjsEsmHook } from './esmHook.ts';
import { tensorKernelsNative } from '../native/tensorKernels.ts';
import { defaultKernelOptions, octetKernelProviders, registerOctetKernels } from './register.ts';

export const CPU_BACKENDS = ['cpu', 'wasm'] as const;
export type CpuBackendName = (typeof CPU_BACKENDS)[number];

export interface SetupOptions {
  /** tf.enableProdMode(): skips debug checks and the "install tfjs-node" banner. Default true. */
  prodMode?: boolean;
  /**
   * The fast kernels (native multi-threaded matrix products, fused ops; kernels/fastKernels.ts).
   * Default: true unless OCTET_FAST_KERNELS=0. False keeps TensorFlow.js' kernels plus the base
   * kernels below — the same results within float tolerance, slower.
   */
  fastKernels?: boolean;
  /**
   * `cpu` without the fast kernels (or without the native addon): compute large matrix products in
   * the wasm module (≈10–30× faster than the JS loop; everything else stays on cpu). Default true;
   * false (with fastKernels false) keeps the cpu backend pure JS.
   */
  wasmMatMul?: boolean;
}

let gradientsLoaded = false;

export async function loadGradients(): Promise<void> {
  if (gradientsLoaded) return;
  installTfjsEsmHook();
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  gradientsLoaded = true;
}

export async function setupBackend(name: CpuBackendName, opts: SetupOptions = {}): Promise<typeof tf> {
  await loadGradients();
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-backend-wasm');
  if (opts.prodMode ?? true) tf.enableProdMode();
  if (!(await tf.setBackend(name))) throw new Error(`TensorFlow.js backend "${name}" failed to initialize`);
  await tf.ready();
  const defaults = defaultKernelOptions();
  const options = { ...defaults, fast: opts.fastKernels ?? defaults.fast, wasmMatMul: opts.wasmMatMul ?? true };
  if (name === 'cpu' && options.wasmMatMul) {
    await ensureWasmBackend();
    registerOctetKernels('wasm', options); // the products the cpu backend sends to the wasm module run there
  }
  registerOctetKernels(name, options);
  return tf;
}

/** One line for logs: which kernels serve `backendName` now. */
export function describeKernels(backendName: string): string {
  const providers = Object.values(octetKernelProviders(backendName));
  if (providers.some((id) => id.includes('native'))) {
    const native = tensorKernelsNative(() => {});
    return `fast kernels (native ${native?.simd() ?? '?'}, ${native?.threads() ?? '?'} threads)`;
  }
  if (process.env.OCTET_FAST_KERNELS === '0') return 'fast kernels off (OCTET_FAST_KERNELS=0)';
  if (backendName !== 'cpu' && backendName !== 'wasm') return `TensorFlow.js kernels of ${backendName}`;
  return tensorKernelsNative(() => {}) ? 'fast kernels off' : 'fast kernels unavailable (native addon not built: node native/build.mjs)';
}
