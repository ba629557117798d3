// One data-parallel worker of scripts/train-bench/dataParallel.ts (see there).
import * as tf from '@tensorflow/tfjs-core';
import { parentPort, workerData } from 'node:worker_threads';
import { setupBackend } from '../../kernels/setup.ts';
import { createRandomModel, parseModelConfig, toBatch, type BatchArrays } from '../../models/index.ts';
import { tensorKernelsNative } from '../../native/tensorKernels.ts';
import { createOptimizer } from '../../optim/index.ts';
import type { Workload } from './workloads.ts';

const { workload, rank, workers, control } = workerData as { workload: Workload; rank: number; workers: number; control: SharedArrayBuffer };
const port = parentPort!;
/** A tensor's live float32 view in the wasm heap (no copy). */
const heapView = (t: tf.Tensor) => (tf.backend() as unknown as { typedArrayFromHeap(t: tf.Tensor): Float32Array }).typedArrayFromHeap(t);
const ctrl = new Int32Array(control);

/** Generation barrier over ctrl[0] (arrivals) and ctrl[1] (generation). */
function barrier(): void {
  const gen = Atomics.load(ctrl, 1);
  if (Atomics.add(ctrl, 0, 1) === workers - 1) {
    Atomics.store(ctrl, 0, 0);
    Atomics.add(ctrl, 1, 1);
    Atomics.notify(ctrl, 1);
  } else {
    Atomics.wait(ctrl, 1, gen);
  }
}

function slice(b: BatchArrays): BatchArrays {
  const rows = b.inputIds.length;
  const [from, to] = [Math.floor((rows * rank) / workers), Math.floor((rows * (rank + 1)) / workers)];
  const cut = <T>(x: T[] | undefined) => x?.slice(from, to);
  return { ...b, inputIds: cut(b.inputIds)!, attentionMask: cut(b.attentionMask), labels: cut(b.labels as number[]) };
}

try {
  await setupBackend('wasm', { fastKernels: true });
  tensorKernelsNative()?.threads(1);
  const model = createRandomModel(parseModelConfig(workload.config), { architecture: workload.architecture, seed: 1 });
  const vars = model.trainableVariables();
  const sizes = vars.map((v) => v.size);
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const total = sizes.reduce((a, b) => a + b, 0);
  // Variables this worker updates: a contiguous share of about total / workers elements.
  const mine = vars.map((_, i) => Math.min(workers - 1, Math.floor(((offsets[i] + sizes[i] / 2) * workers) / total)) === rank);
  const optimizer = createOptimizer('adamw8bit', { learningRate: 1e-4, weightDecay: 0.01 });
  const batch = toBatch(slice(workload.batch));
  let grads: Float32Array[] = [];
  let weights: Float32Array | null = null;
  let step = 0;
  port.postMessage({ type: 'ready', params: total });
  port.on('message', async (m: { type: string; grads?: SharedArrayBuffer; weights?: SharedArrayBuffer }) => {
    try {
      if (m.type === 'buffers') {
        grads = Array.from({ length: workers }, (_, r) => new Float32Array(m.grads!, 4 * r * total, total));
        weights = new Float32Array(m.weights!);
        return;
      }
      const t0 = performance.now();
      const { value, grads: g } = tf.variableGrads(() => model.loss(batch, { training: true, seed: 1000 + 97 * rank + step++ }), vars);
      const own = grads[rank];
      for (const [i, v] of vars.entries()) own.set(heapView(g[v.name]), offsets[i]);
      tf.dispose(g);
      const t1 = performance.now();
      barrier();
      const t2 = performance.now();
      // The mean of the workers' gradients, with the (native) Add and Multiply kernels.
      const averaged: tf.NamedTensorMap = {};
      for (const [i, v] of vars.entries()) {
        if (!mine[i]) continue;
        const part = (r: number) => tf.tensor(grads[r].subarray(offsets[i], offsets[i] + sizes[i]), v.shape);
        averaged[v.name] = tf.tidy(() => tf.mul(grads.slice(1).reduce((acc, _, r) => tf.add(acc, part(r + 1)), part(0)), 1 / workers));
      }
      const t3 = performance.now();
      optimizer.applyGradients(averaged);
      tf.dispose(Object.values(averaged));
      const t4 = performance.now();
      for (const [i, v] of vars.entries()) if (mine[i]) weights!.set(heapView(v), offsets[i]);
      barrier();
      for (const [i, v] of vars.entries()) {
        if (mine[i]) continue;
        const t = tf.tensor(weights!.subarray(offsets[i], offsets[i] + sizes[i]), v.shape);
        v.assign(t);
        t.dispose();
      }
      barrier(); // nobody overwrites the weights region before everyone has read it
      const loss = (await value.data())[0];
      value.dispose();
      if (process.env.DP_DEBUG) console.error(`rank ${rank}: grads ${(t1 - t0).toFixed(0)} wait ${(t2 - t1).toFixed(0)} average ${(t3 - t2).toFixed(0)} optimizer ${(t4 - t3).toFixed(0)} exchange ${(performance.now() - t4).toFixed(0)} ms`);
      port.postMessage({ type: 'done', loss });
    } catch (err) {
      port.postMessage({ type: 'error', message: (err as Error).stack ?? String(err) });
    }
  });
} catch (err) {
  port.postMessage({ type: 'error', message: (err as Error).stack ?? String(err) });
}
