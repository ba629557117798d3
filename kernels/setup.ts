// One call that makes TensorFlow.js ready for training in Node: gradients registered, the backend
// package loaded and selected, and our kernels registered on it.
import * as tf from '@tensorflow/tfjs-core';
import { installTfjsEsmHook } from './esmHook.ts';
import { registerOctetKernels } from './register.ts';

export const CPU_BACKENDS = ['cpu', 'wasm'] as const;
export type CpuBackendName = (typeof CPU_BACKENDS)[number];

export interface SetupOptions {
  /** tf.enableProdMode(): skips debug checks and the "install tfjs-node" banner. Default true. */
  prodMode?: boolean;
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
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else await import('@tensorflow/tfjs-backend-cpu');
  if (opts.prodMode ?? true) tf.enableProdMode();
  if (!(await tf.setBackend(name))) throw new Error(`TensorFlow.js backend "${name}" failed to initialize`);
  await tf.ready();
  registerOctetKernels(name);
  return tf;
}
