// The data-parallel alternative for using both cores: N worker threads, each with its own TensorFlow.js
// (wasm backend, fast kernels on one thread), its own copy of the model and a 1/N slice of the batch.
// Per step: each computes its gradients, the gradients are averaged through a SharedArrayBuffer, each
// worker applies adamw8bit to its share of the variables and the updated weights are exchanged.
import { Worker } from 'node:worker_threads';
import type { StepTiming } from './measure.ts';
import type { Workload } from './workloads.ts';

type Reply = { type: 'ready'; params: number } | { type: 'done'; loss: number } | { type: 'error'; message: string };

function next(worker: Worker): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Reply) => {
      worker.off('error', onError);
      if (m.type === 'error') reject(new Error(m.message));
      else resolve(m);
    };
    const onError = (e: Error) => {
      worker.off('message', onMessage);
      reject(e);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

export async function timeDataParallel(w: Workload, workers: number, opts: { warmup?: number; minSteps?: number; budgetMs?: number } = {}): Promise<StepTiming> {
  const control = new SharedArrayBuffer(64);
  // Workers load TypeScript through tsx's loader, as the main script does.
  const entry = JSON.stringify(new URL('./dataParallelWorker.ts', import.meta.url).href);
  const boot = `(async () => { const { register } = await import('tsx/esm/api'); register(); await import(${entry}); })();`;
  const pool = Array.from({ length: workers }, (_, rank) => new Worker(boot, { eval: true, workerData: { workload: w, rank, workers, control } }));
  try {
    const ready = await Promise.all(pool.map(next));
    const params = (ready[0] as { params: number }).params;
    // One region per worker for gradients, one for weights.
    const grads = new SharedArrayBuffer(4 * params * workers);
    const weights = new SharedArrayBuffer(4 * params);
    for (const wk of pool) wk.postMessage({ type: 'buffers', grads, weights });
    const step = async () => {
      for (const wk of pool) wk.postMessage({ type: 'step' });
      const replies = await Promise.all(pool.map(next));
      return replies.reduce((s, r) => s + (r as { loss: number }).loss, 0) / workers;
    };
    let firstLoss = Number.NaN;
    for (let i = 0; i < (opts.warmup ?? 2); i++) {
      const l = await step();
      if (i === 0) firstLoss = l;
    }
    const times: number[] = [];
    const start = performance.now();
    while (times.length < 15 && (times.length < (opts.minSteps ?? 5) || performance.now() - start < (opts.budgetMs ?? 4000))) {
      const t = performance.now();
      await step();
      times.push(performance.now() - t);
    }
    return { ms: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)], steps: times.length, firstLoss };
  } finally {
    await Promise.all(pool.map((wk) => wk.terminate()));
  }
}
