// Picks the TensorFlow.js backend as DESIGN §1 says: tensorflow (tfjs-node-gpu, CUDA) → tensorflow
// (tfjs-node, CPU) → wasm → cpu, and says which one it took and why the better ones were skipped.
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice } from '../../common/runConfig.ts';
import { registerOctetKernels } from '../../kernels/register.ts';
import { describeKernels, loadGradients, setupBackend } from '../../kernels/setup.ts';

export interface BackendSelection {
  /** tfjs backend name now active: "tensorflow", "wasm" or "cpu". */
  backend: string;
  /** What the user would call it: "tensorflow-gpu", "tensorflow", "wasm", "cpu". */
  choice: Exclude<BackendChoice, 'auto'>;
  /** Why each better option was not used. */
  skipped: { choice: string; reason: string }[];
  /** Which kernels serve it (fast kernels on cpu/wasm unless OCTET_FAST_KERNELS=0), for the run's log. */
  kernels: string;
}

const ORDER: Exclude<BackendChoice, 'auto'>[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

async function tryActivate(choice: Exclude<BackendChoice, 'auto'>): Promise<void> {
  if (choice === 'wasm' || choice === 'cpu') {
    // Our kernels too: the fast kernels (native matmuls, fused ops) unless OCTET_FAST_KERNELS=0, and the
    // base ones (scatter-add, transpose-free matmuls; without the addon, cpu's matmuls run in wasm).
    await setupBackend(choice);
    return;
  }
  await import(choice === 'tensorflow-gpu' ? '@tensorflow/tfjs-node-gpu' : ('@tensorflow/tfjs-node' as string));
  if (!(await tf.setBackend('tensorflow'))) throw new Error('backend "tensorflow" failed to initialise');
  await tf.ready();
  registerOctetKernels('tensorflow');
}

function reasonOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/Cannot find (package|module)/.test(msg)) return 'not installed (optional dependency; needs libtensorflow, downloaded at install time)';
  return msg.split('\n')[0];
}

/** Activates the requested backend, or the best available one for "auto". Throws if an explicit choice fails. */
export async function selectBackend(requested: BackendChoice = 'auto'): Promise<BackendSelection> {
  await loadGradients();
  tf.enableProdMode();
  const skipped: BackendSelection['skipped'] = [];
  const candidates = requested === 'auto' ? ORDER : [requested];
  for (const choice of candidates) {
    try {
      await tryActivate(choice);
      return { backend: tf.getBackend(), choice, skipped, kernels: describeKernels(tf.getBackend()) };
    } catch (err) {
      if (requested !== 'auto') throw new Error(`backend "${choice}" is not available: ${reasonOf(err)}. Use backend: auto, wasm or cpu.`);
      skipped.push({ choice, reason: reasonOf(err) });
    }
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${skipped.map((s) => `${s.choice}: ${s.reason}`).join('; ')}`);
}
