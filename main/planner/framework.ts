// What a backend holds besides our tensors, and how far its allocator rounds them up.
//
// tensorflow-gpu (tfjs-node-gpu = libtensorflow 2.x, CUDA 11.2, cuDNN 8.1): creating the CUDA context
// and loading cuBLAS/cuDNN takes memory on the card before the first tensor. Public reports for TF 2.x
// and PyTorch on Turing/Ampere cards put the context alone at ~300 MiB and context + cuBLAS + cuDNN
// handles at 400–600 MiB (nvidia-smi "used" of a process that has only initialised). We take 512 MiB.
// TF's BFC allocator rounds every allocation up to 256 B and splits big chunks; with our few large
// buffers that costs a few per cent at the peak: we add 5 % of the tensor bytes. Estimates, not
// measured here (no GPU on this machine): the monitor's measured peak shows how good they are.
// tensorflow (tfjs-node, CPU): tensors live in host RAM, the library itself ~200 MiB of RSS.
// wasm: tensors live in one WebAssembly heap that cannot exceed 4 GiB; module + malloc slack ~64 MiB.
// cpu (pure JS): tensors are ArrayBuffers outside the V8 heap; Node + tfjs ~128 MiB of RSS.
import type { BackendChoice } from '../../common/runConfig.ts';

export type PlanBackend = Exclude<BackendChoice, 'auto'>;

export interface FrameworkAllowance {
  fixedBytes: number;
  /** Allocator slack as a fraction of the tensor bytes. */
  fragmentation: number;
  /** Hard cap on tensor memory for this backend (wasm heap), if any. */
  heapLimitBytes: number | null;
  detail: string;
}

const MiB = 2 ** 20;

export const FRAMEWORK_ALLOWANCES: Record<PlanBackend, FrameworkAllowance> = {
  'tensorflow-gpu': {
    fixedBytes: 512 * MiB,
    fragmentation: 0.05,
    heapLimitBytes: null,
    detail: 'CUDA context + cuBLAS/cuDNN (512 MiB) and 5 % BFC allocator slack',
  },
  tensorflow: {
    fixedBytes: 200 * MiB,
    fragmentation: 0.05,
    heapLimitBytes: null,
    detail: 'libtensorflow runtime in host RAM (200 MiB) and 5 % allocator slack',
  },
  wasm: {
    fixedBytes: 64 * MiB,
    fragmentation: 0.05,
    heapLimitBytes: 4 * 1024 * MiB,
    detail: 'WebAssembly module and malloc slack (64 MiB + 5 %); the wasm heap is capped at 4 GiB',
  },
  cpu: {
    fixedBytes: 128 * MiB,
    fragmentation: 0,
    heapLimitBytes: null,
    detail: 'Node.js + TensorFlow.js runtime (128 MiB); tensors are plain ArrayBuffers',
  },
};

/** "auto" plans for the best backend, the one a GPU user gets: tensorflow-gpu. */
export function planBackend(choice: BackendChoice | undefined): PlanBackend {
  return !choice || choice === 'auto' ? 'tensorflow-gpu' : choice;
}

export function frameworkBytes(backend: PlanBackend, tensorBytes: number): number {
  const a = FRAMEWORK_ALLOWANCES[backend];
  return a.fixedBytes + Math.round(a.fragmentation * tensorBytes);
}
