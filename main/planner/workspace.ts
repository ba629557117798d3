// Temporary memory after the backward pass, when the activations are already freed: the optimizer
// updates one parameter tensor at a time, so the largest trainable tensor sets the workspace.
import { parseOptimizerName, type OptimizerName } from '../../common/optimizers.ts';
import { stateCount } from './optimizerState.ts';
import type { ParamTensor } from './parameters.ts';
import type { PlanBackend } from './framework.ts';

const F32 = 4;

/**
 * How optim/ runs a step (optim/kernel): "in-place" = the fused native/JS kernels, which update the
 * parameter and its state in the backend's own buffers (cpu, wasm; bitsandbytes' CUDA kernels work
 * the same way); "composed" = stock tfjs ops inside one tf.tidy per tensor (tensorflow / tfjs-node-gpu
 * and other GPU backends), which holds every intermediate of the update until the tensor is done.
 */
export type OptimizerKernelKind = 'in-place' | 'composed';
export const OPTIMIZER_KERNELS = ['auto', 'in-place', 'composed'] as const;
export type OptimizerKernelChoice = (typeof OPTIMIZER_KERNELS)[number];

export function kernelFor(choice: OptimizerKernelChoice | undefined, backend: PlanBackend): OptimizerKernelKind {
  if (choice && choice !== 'auto') return choice;
  return backend === 'cpu' || backend === 'wasm' ? 'in-place' : 'composed';
}

/**
 * Bytes the composed kernel holds during the update of one tensor, per element, in float32 units
 * (booleans count 1/4, int32 1), for a tensor that is a whole number of blocks. Measured with
 * main/planner/tensorPeak.ts on the cpu backend (optim/kernel/composed.ts as of this commit, kernel
 * 'composed', n = 65,536, block 2048, adamw weight decay 0.01; `npm run bench:planner` re-measures
 * them). The 8-bit path keeps its dequantized states, the update and every step of the 7-probe code
 * search alive until its tidy ends: about 100 temporaries of the tensor's size. Processing a tensor in
 * chunks of blocks would bound this (a fix for optim/, not made yet).
 */
export const COMPOSED_TEMPORARIES: Record<OptimizerName, number> = {
  adam8bit: 108.75,
  adamw8bit: 109.75,
  adam32bit: 13,
  adamw32bit: 14,
  momentum8bit: 88.25,
  momentum32bit: 5,
  lion8bit: 94.5,
  lion32bit: 11.25,
  rmsprop8bit: 93.25,
  rmsprop32bit: 10,
  adagrad8bit: 91.25,
  adagrad32bit: 8,
};

/**
 * When n is not a multiple of the block size the 8-bit composed kernel pads the gradient, the
 * parameter and each state's codes to whole blocks (one more copy each) and works on the padded size.
 */
export function composedTemporaries(optimizer: OptimizerName, n: number, blockSize: number): number {
  const { bits } = parseOptimizerName(optimizer);
  const k = COMPOSED_TEMPORARIES[optimizer];
  if (bits === 32 || n % blockSize === 0) return k;
  const padded = Math.ceil(n / blockSize) * blockSize;
  return ((k + 2 + stateCount(optimizer)) * padded) / n;
}

/**
 * The in-place kernels allocate nothing per step; on the first step a parameter whose buffer is still
 * shared (e.g. with the tensor it was loaded from) is copied once to make it private.
 */
export const IN_PLACE_TEMPORARIES = 1;

/**
 * Global-norm clipping squares one gradient at a time (main/trainer/gradClip.ts, when each square is
 * reduced inside its own tidy), and scales one gradient at a time.
 */
export const CLIP_TEMPORARIES = 1;

export interface StepWorkspace {
  bytes: number;
  what: string;
  kernel: OptimizerKernelKind;
}

export function optimizerStepWorkspace(
  trainable: readonly ParamTensor[], optimizer: OptimizerName, kernel: OptimizerKernelKind, blockSize: number, bitsOf: (t: ParamTensor) => 8 | 32,
): StepWorkspace {
  if (trainable.length === 0) return { bytes: 0, what: 'nothing trains', kernel };
  let best = { bytes: 0, t: trainable[0], k: 0 };
  for (const t of trainable) {
    // a tensor kept in 32 bits (small, stable embedding, override) runs the 32-bit update
    const name = bitsOf(t) === 32 ? (optimizer.replace('8bit', '32bit') as OptimizerName) : optimizer;
    const k = Math.max(kernel === 'composed' ? composedTemporaries(name, t.size, blockSize) : IN_PLACE_TEMPORARIES, CLIP_TEMPORARIES);
    const bytes = Math.round(k * F32 * t.size);
    if (bytes > best.bytes) best = { bytes, t, k };
  }
  return {
    bytes: best.bytes,
    what: `${kernel} ${optimizer} step of ${best.t.name} (${best.k.toFixed(1)} float32 temporaries × ${best.t.size.toLocaleString('en-US')} elements)`,
    kernel,
  };
}
