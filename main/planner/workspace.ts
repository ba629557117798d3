// Temporary memory after the backward pass, when the activations are already freed: the optimizer
// updates one parameter tensor at a time, so the largest trainable tensor sets the workspace.
import { parseOptimizerName, type OptimizerName } from '../../common/optimizers.ts';
import { chunkLength, chunkRanges, COMPOSED_CHUNK_ELEMENTS } from '../../optim/kernel/composedChunks.ts';
import { stateCount } from './optimizerState.ts';
import type { ParamTensor } from './parameters.ts';
import type { PlanBackend } from './framework.ts';

const F32 = 4;

/**
 * How optim/ runs a step (optim/kernel): "in-place" = the fused native/JS kernels, which update the
 * parameter and its state in the backend's own buffers (cpu, wasm; bitsandbytes' CUDA kernels work
 * the same way); "composed" = stock tfjs ops (tensorflow / tfjs-node-gpu and other GPU backends), a
 * tensor in chunks of whole blocks, which holds a few copies of a chunk and, for a tensor of several
 * chunks, its new parameter twice at the end.
 */
export type OptimizerKernelKind = 'in-place' | 'composed';
export const OPTIMIZER_KERNELS = ['auto', 'in-place', 'composed'] as const;
export type OptimizerKernelChoice = (typeof OPTIMIZER_KERNELS)[number];

export function kernelFor(choice: OptimizerKernelChoice | undefined, backend: PlanBackend): OptimizerKernelKind {
  if (choice && choice !== 'auto') return choice;
  return backend === 'cpu' || backend === 'wasm' ? 'in-place' : 'composed';
}

/** Float32 units (booleans count 1/4, int32 1) per element that the composed kernel holds beyond a tensor's own parameter and state. */
export interface ComposedTemporaries {
  /** a tensor of one chunk that is a whole number of blocks: per element */
  whole: number;
  /** a tensor of one chunk whose last block is partial: per element of the block-padded size */
  padded: number;
  /** per (block-padded) element of the chunk being updated, when a tensor takes several chunks */
  chunk: number;
}

/**
 * The composed kernel's temporaries (optim/kernel/composed.ts: chunks of whole blocks, intermediates
 * freed as soon as they are dead). Measured with main/planner/tensorPeak.ts on the cpu backend, block
 * 2048, with and without weight decay (the larger kept): `whole` and `padded` at n = 65,536 and 64,536
 * in one chunk, `chunk` from tensors of two to four chunks; `npm run bench:planner` re-measures them.
 * Before chunking (the whole tensor's ~100 intermediates held to the end) adam8bit needed 108.75.
 */
export const COMPOSED_TEMPORARIES: Record<OptimizerName, ComposedTemporaries> = {
  adam8bit: { whole: 5.51, padded: 5.51, chunk: 6.01 },
  adamw8bit: { whole: 5.51, padded: 5.51, chunk: 6.01 },
  adam32bit: { whole: 3, padded: 3, chunk: 3 },
  adamw32bit: { whole: 3, padded: 3, chunk: 3 },
  momentum8bit: { whole: 4.75, padded: 4.75, chunk: 5.01 },
  momentum32bit: { whole: 3, padded: 3, chunk: 3 },
  lion8bit: { whole: 4.75, padded: 5.25, chunk: 5.5 },
  lion32bit: { whole: 3.25, padded: 3.25, chunk: 3.25 },
  rmsprop8bit: { whole: 4.75, padded: 4.75, chunk: 5.01 },
  rmsprop32bit: { whole: 3, padded: 3, chunk: 3 },
  adagrad8bit: { whole: 4.75, padded: 4.75, chunk: 5.01 },
  adagrad32bit: { whole: 3, padded: 3, chunk: 3 },
};

/**
 * Float32 units the composed kernel holds during the update of one tensor of n elements. One chunk:
 * its temporaries. Several chunks: while chunk i runs, the finished chunks' new parameter and codes
 * (1 + states/4 per element; 8-bit) or the output being built (1; 32-bit, one output at a time) plus
 * chunk i's temporaries; at the end the new parameter twice (its chunks and their concatenation).
 */
export function composedWorkspaceUnits(optimizer: OptimizerName, n: number, blockSize: number, chunkElements = COMPOSED_CHUNK_ELEMENTS): number {
  const { bits } = parseOptimizerName(optimizer);
  const k = COMPOSED_TEMPORARIES[optimizer];
  const B = bits === 8 ? blockSize : 4;
  const ranges = chunkRanges(n, chunkLength(chunkElements, B));
  const padded = (len: number) => Math.ceil(len / B) * B;
  if (ranges.length <= 1) return (n % B === 0 ? k.whole : k.padded) * padded(n);
  const done = bits === 8 ? 1 + stateCount(optimizer) / 4 : 1;
  let peak = 2 * n;
  for (const r of ranges) {
    const extra = r.length % B === 0 ? 0 : k.padded - k.whole;
    peak = Math.max(peak, done * r.start + (k.chunk + extra) * padded(r.length));
  }
  return peak;
}

/** The same per element of the tensor (what the plan shows). */
export function composedTemporaries(optimizer: OptimizerName, n: number, blockSize: number, chunkElements = COMPOSED_CHUNK_ELEMENTS): number {
  return n > 0 ? composedWorkspaceUnits(optimizer, n, blockSize, chunkElements) / n : 0;
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
