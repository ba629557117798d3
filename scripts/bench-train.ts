// npm run bench:train [-- --workloads roberta,mt5,mt5-ref --configs <ids> --no-stock-cpu --breakdown]
// Training-step speed on the CPU backends: forward + backward + adamw8bit for a reference RoBERTa and
// the tiny mT5 fixture, per backend and kernel set, next to the same configuration's plain matrix
// product (tf.matMul 1024³) measured in the same run and to stock TensorFlow.js (cpu and wasm).
// GFLOP/s count the models' matrix products only (scripts/train-bench/flops.ts, by hand). --breakdown
// adds, for the two-thread fast configurations, the step's time inside and outside kernels.
import * as tf from '@tensorflow/tfjs-core';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { registerOctetKernels } from '../kernels/register.ts';
import { setupBackend } from '../kernels/setup.ts';
import { tensorKernelsNative } from '../native/tensorKernels.ts';
import { formatBreakdown, stepBreakdown } from './train-bench/breakdown.ts';
import { timeDataParallel } from './train-bench/dataParallel.ts';
import { plainMatMulGflops, timeSteps, type StepTiming } from './train-bench/measure.ts';
import { referenceMt5, referenceRoberta, tinyMt5, type Workload } from './train-bench/workloads.ts';

const { values: args } = parseArgs({
  options: {
    workloads: { type: 'string', default: 'roberta,mt5' },
    configs: { type: 'string', default: '' },
    'no-stock-cpu': { type: 'boolean', default: false },
    breakdown: { type: 'boolean', default: false },
  },
});

interface Config {
  id: string;
  backend: 'cpu' | 'wasm';
  kernels: 'stock' | 'base' | 'fast';
  threads: number;
  /** Data-parallel workers (each single-threaded), instead of threads inside the kernels. */
  workers?: number;
  label: string;
}

const CONFIGS: Config[] = [
  { id: 'cpu-stock', backend: 'cpu', kernels: 'stock', threads: 1, label: 'cpu, stock TensorFlow.js ¹' },
  { id: 'wasm-stock', backend: 'wasm', kernels: 'stock', threads: 1, label: 'wasm, stock TensorFlow.js ¹' },
  { id: 'cpu-base', backend: 'cpu', kernels: 'base', threads: 1, label: 'cpu, fast kernels off (matmuls in wasm) ²' },
  { id: 'wasm-base', backend: 'wasm', kernels: 'base', threads: 1, label: 'wasm, fast kernels off ²' },
  { id: 'cpu-fast-1', backend: 'cpu', kernels: 'fast', threads: 1, label: 'cpu, fast kernels, 1 thread' },
  { id: 'cpu-fast-2', backend: 'cpu', kernels: 'fast', threads: 2, label: 'cpu, fast kernels, 2 threads' },
  { id: 'wasm-fast-1', backend: 'wasm', kernels: 'fast', threads: 1, label: 'wasm, fast kernels, 1 thread' },
  { id: 'wasm-fast-2', backend: 'wasm', kernels: 'fast', threads: 2, label: 'wasm, fast kernels, 2 threads' },
  { id: 'wasm-fast-dp2', backend: 'wasm', kernels: 'fast', threads: 1, workers: 2, label: 'wasm, fast kernels, 2 data-parallel workers × 1 thread' },
];

async function activate(c: Config): Promise<void> {
  await setupBackend(c.backend, { fastKernels: c.kernels === 'fast' });
  if (c.kernels === 'stock') registerOctetKernels(c.backend, { base: false, fast: false });
  const native = tensorKernelsNative();
  if (c.kernels === 'fast' && !native) throw new Error('the native addon is not built (node native/build.mjs): the fast kernels are not available');
  native?.threads(c.threads);
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');
const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

interface Row {
  config: Config;
  timing: StepTiming;
  matmul: number;
}

async function measure(w: Workload, c: Config): Promise<Row> {
  await activate(c);
  // Data-parallel workers use both cores for their products: compare with the two-thread matmul.
  if (c.workers) tensorKernelsNative()?.threads(c.workers);
  const matmul = await plainMatMulGflops();
  if (c.workers) tensorKernelsNative()?.threads(1);
  const slow = c.kernels === 'stock' && c.backend === 'cpu';
  const timing = c.workers
    ? await timeDataParallel(w, c.workers)
    : await timeSteps(w, slow ? { warmup: 1, minSteps: 1, maxSteps: 1 } : {});
  return { config: c, timing, matmul };
}

function table(w: Workload, rows: Row[]): string {
  const stock = (b: string) => rows.find((r) => r.config.backend === b && r.config.kernels === 'stock')?.timing.ms ?? Number.NaN;
  const head = '| configuration | ms / step | samples/s | GFLOP/s | plain matmul GFLOP/s | % of matmul | × stock cpu | × stock wasm |';
  const lines = rows.map(({ config, timing, matmul }) => {
    const gflops = w.flops / timing.ms / 1e6;
    return `| ${config.label} | ${fmt(timing.ms)} | ${fmt((1000 * w.batchSize) / timing.ms)} | ${fmt(gflops)} | ${fmt(matmul)} | ${fmt((100 * gflops) / matmul, 0)} % | ${fmt(stock('cpu') / timing.ms)} | ${fmt(stock('wasm') / timing.ms)} |`;
  });
  return [`${w.label}: ${(w.flops / 1e9).toFixed(3)} GFLOP of matrix products per step`, '', head, '|---|---:|---:|---:|---:|---:|---:|---:|', ...lines].join('\n');
}

const WORKLOADS: Record<string, () => Workload> = { roberta: referenceRoberta, mt5: tinyMt5, 'mt5-ref': referenceMt5 };
const workloads = args.workloads.split(',').map((n) => {
  const make = WORKLOADS[n];
  if (!make) throw new Error(`--workloads: unknown workload "${n}" (known: ${Object.keys(WORKLOADS).join(', ')})`);
  return make();
});
const chosen = CONFIGS.filter((c) => (!args.configs || args.configs.split(',').includes(c.id)) && !(args['no-stock-cpu'] && c.id === 'cpu-stock'));
const native = tensorKernelsNative(() => {});
console.log(`load average before: ${load()} (2 cores); native kernels: ${native ? `${native.simd()}, up to ${native.threads()} threads` : 'not built'}`);
const started = performance.now();
for (const w of workloads) {
  const rows: Row[] = [];
  for (const c of chosen) {
    const row = await measure(w, c);
    rows.push(row);
    console.error(`  ${w.name} ${c.id}: ${fmt(row.timing.ms)} ms/step over ${row.timing.steps} steps (first loss ${row.timing.firstLoss.toFixed(4)}), matmul ${fmt(row.matmul)} GFLOP/s, tensors ${tf.memory().numTensors}`);
  }
  console.log(`\n${table(w, rows)}`);
  if (args.breakdown) {
    for (const c of chosen.filter((x) => x.kernels === 'fast' && x.threads === 2 && !x.workers)) {
      await activate(c);
      console.log(`\n${formatBreakdown(w, c.label, await stepBreakdown(w, c.backend))}`);
    }
  }
}
console.log(`\nload average after: ${load()}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
console.log('¹ TensorFlow.js 4.22 kernels, except the scatter-add UnsortedSegmentSum: wasm has none (no embedding gradient at all) and cpu\'s makes one pass per vocabulary row (minutes per step at 50k).');
console.log('² setupBackend(name, { fastKernels: false }) / OCTET_FAST_KERNELS=0: the base kernels (transpose-free XNNPACK matmuls, shared-buffer Identity; on cpu the matmuls run in the wasm module).');
