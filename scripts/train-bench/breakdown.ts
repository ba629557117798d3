// `npm run bench:train -- --breakdown`: where a training step's time goes on the active backend —
// inside kernels (each kernel's function timed by a wrapper, by kernel name) and outside them
// (TensorFlow.js' op wrappers, the gradient tape, scopes and disposal, our model code: JavaScript).
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { timeSteps } from './measure.ts';
import type { Workload } from './workloads.ts';

export interface Breakdown {
  /** Mean wall time of a timed step, ms. */
  stepMs: number;
  /** Per step: time inside kernel functions, and kernel calls. */
  kernelMs: number;
  /** Per step: the optimizer's update (native 8-bit kernels, outside TensorFlow.js' kernels). */
  optimizerMs: number;
  calls: number;
  /** Per step, by kernel name, largest first. */
  byKernel: { name: string; ms: number; calls: number }[];
}

export async function stepBreakdown(w: Workload, backend: string): Promise<Breakdown> {
  const totals = new Map<string, { ms: number; calls: number }>();
  let recording = false;
  const originals: KernelConfig[] = tf.getKernelsForBackend(backend);
  for (const k of originals) {
    const inner = k.kernelFunc;
    tf.unregisterKernel(k.kernelName, backend);
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        if (!recording) return inner(args);
        const t = performance.now();
        const out = inner(args);
        const e = totals.get(k.kernelName) ?? { ms: 0, calls: 0 };
        e.ms += performance.now() - t;
        e.calls++;
        totals.set(k.kernelName, e);
        return out;
      },
    });
  }
  try {
    // Only the timed steps count, not the warm-up ones.
    let steps = 0;
    let wall = 0;
    let started = 0;
    const timing = await timeSteps(w, {
      warmup: 2, minSteps: 5, maxSteps: 10,
      onTimedStep: (phase) => {
        recording = phase === 'start';
        if (phase === 'start') {
          steps++;
          started = performance.now();
        } else {
          wall += performance.now() - started;
        }
      },
    });
    const byKernel = [...totals].map(([name, e]) => ({ name, ms: e.ms / steps, calls: e.calls / steps })).sort((a, b) => b.ms - a.ms);
    return { stepMs: wall / steps, optimizerMs: timing.optimizerMs ?? 0, kernelMs: byKernel.reduce((s, k) => s + k.ms, 0), calls: byKernel.reduce((s, k) => s + k.calls, 0), byKernel };
  } finally {
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, backend);
      tf.registerKernel(k);
    }
  }
}

/** Kernels by what they compute: the matrix products (with the fused projections), the fused attention. */
const CATEGORIES: [string, RegExp][] = [
  ['products', /^(BatchMatMul|_FusedMatMul|OctetProjection)/],
  ['attention', /^OctetAttention/],
];

export function formatBreakdown(w: Workload, label: string, b: Breakdown): string {
  const ms = b.stepMs;
  const rest = ms - b.kernelMs - b.optimizerMs;
  const top = b.byKernel.slice(0, 8).map((k) => `${k.name} ${k.ms.toFixed(1)} ms (${k.calls})`).join(', ');
  const categories = CATEGORIES.map(([name, re]) => `${name} ${b.byKernel.filter((k) => re.test(k.name)).reduce((s, k) => s + k.ms, 0).toFixed(1)} ms`).join(', ');
  return [
    `${w.name}, ${label}: ${ms.toFixed(1)} ms per step; inside kernels ${b.kernelMs.toFixed(1)} ms (${categories}; ${Math.round(b.calls)} kernel calls), ` +
      `optimizer update ${b.optimizerMs.toFixed(1)} ms, the rest ${rest.toFixed(1)} ms (${((100 * rest) / ms).toFixed(0)} %: TensorFlow.js' op and tape bookkeeping, model code)`,
    `  largest: ${top}`,
  ].join('\n');
}
