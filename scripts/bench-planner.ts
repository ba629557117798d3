// `npm run bench:planner`: the VRAM planner's tables — the paper's Table 2 at batch 1, what brings
// mT5-base into 6 GB, how the answer depends on sequence length and on the optimizer kernel — and the
// planner against TensorFlow.js on the cpu backend (predicted vs measured peak of one training step),
// plus a re-measurement of the composed kernel's temporaries against the planner's model (main/planner/workspace.ts).
import { OPTIMIZER_NAMES } from '../common/optimizers.ts';
import type { PlanInput } from '../common/planner.ts';
import { setupBackend } from '../kernels/setup.ts';
import { formatBytes } from '../main/planner/byteSize.ts';
import { percent, textTable } from '../main/planner/formatPlan.ts';
import { BENCH_CASES } from '../main/planner/measure/cases.ts';
import { mt5Inventory, robertaInventory } from '../main/planner/measure/inventory.ts';
import { measureComposedStep } from '../main/planner/measure/composedStep.ts';
import { measureStep } from '../main/planner/measure/trainStep.ts';
import { MT5_BASE_IN_6GB, TABLE2 } from '../main/planner/paperTables.ts';
import { planRun } from '../main/planner/plan.ts';
import { composedTemporaries } from '../main/planner/workspace.ts';
import { COMPOSED_CHUNK_ELEMENTS } from '../optim/kernel/composedChunks.ts';

if (process.argv.includes('--inventory')) {
  // Buffers alive at the peak of one eval-mode step, by shape class (see main/planner/activations.ts).
  console.log('RoBERTa', JSON.stringify(await robertaInventory(), null, 1));
  console.log('mT5', JSON.stringify(await mt5Inventory(), null, 1));
  process.exit(0);
}

const part = (p: ReturnType<typeof planRun>, name: string) => formatBytes(p.components.find((c) => c.name === name)?.bytes ?? 0);
const section = (title: string) => console.log(`\n## ${title}\n`);

function planRows(inputs: { label: string[]; input: PlanInput }[], headers: string[]): string {
  const rows = inputs.map(({ label, input }) => {
    const p = planRun(input);
    return [
      ...label, part(p, 'weights'), part(p, 'gradients'), part(p, 'optimizer-state'), part(p, 'activations'), part(p, 'workspace'),
      part(p, 'framework'), formatBytes(p.totalBytes), percent(p.totalBytes, p.gpuBytes), p.verdict, String(p.maxSeqLength || '—'),
    ];
  });
  const h = [...headers, 'weights', 'grads', 'state', 'activations', 'workspace', 'framework', 'total', 'of GPU', 'verdict', 'max seq'];
  return textTable(h, rows, [...Array(h.length).keys()].filter((i) => i >= headers.length && i !== h.length - 2));
}

section("Table 2 (batch 1): tensorflow-gpu, in-place optimizer kernel, source 128 / target 64 tokens");
console.log(planRows(TABLE2.map((r) => ({ label: [r.gpu, r.model, r.optimizer, r.paper], input: r.input })), ['GPU', 'model', 'optimizer', 'paper']));

section("Table 2 with optim's composed kernel (what tfjs-node-gpu runs today)");
console.log(planRows(TABLE2.map((r) => ({ label: [r.gpu, r.model, r.optimizer, r.paper], input: { ...r.input, optimizerKernel: 'composed' } })), ['GPU', 'model', 'optimizer', 'paper']));

section('Sequence length (batch 1, in-place kernel)');
const lengths: { label: string[]; input: PlanInput }[] = [];
for (const seq of [64, 128, 256, 512]) {
  for (const r of TABLE2.filter((x) => x.gpu === '6GB')) lengths.push({ label: [r.gpu, r.model, r.optimizer, String(seq)], input: { ...r.input, seqLength: seq } });
}
for (const [seq, target] of [[128, 32], [256, 64], [512, 128]]) {
  for (const r of TABLE2.filter((x) => x.gpu === '11GB')) lengths.push({ label: [r.gpu, r.model, r.optimizer, `${seq}/${target}`], input: { ...r.input, seqLength: seq, targetLength: target } });
}
console.log(planRows(lengths, ['GPU', 'model', 'optimizer', 'tokens']));

section('mT5-base in 6 GB (batch 1, in-place kernel; each step adds to the one above)');
console.log(planRows(MT5_BASE_IN_6GB.map((s) => ({ label: [s.step], input: s.input })), ['step']));

section('Predicted vs measured peak tensor bytes of one training step (cpu backend, real models and optimizer)');
const measured: string[][] = [];
for (const c of BENCH_CASES) {
  const r = await measureStep(c);
  measured.push([r.label, r.optimizerKernel, String(r.predicted), String(r.measured), `${(100 * r.error).toFixed(1)} %`, String(r.logicalPeak)]);
}
console.log(textTable(['case', 'kernel', 'predicted B', 'measured B', 'error', 'tf.memory() peak B'], measured, [2, 3, 4, 5]));
console.log('\n(tf.memory().numBytes counts every tensor, so buffers shared by clones, reshapes and the tape\'s saved copies count again: not what a device holds.)');

section("optim's composed kernel: float32 temporaries per element of one tensor's update (block 2048; planner model vs measured)");
await setupBackend('cpu');
const k: string[][] = [];
// one chunk of whole blocks, one with a partial last block, and four chunks (a small chunk stands in for 2^21 elements)
const shapes = [{ n: 65_536, chunk: COMPOSED_CHUNK_ELEMENTS }, { n: 64_536, chunk: COMPOSED_CHUNK_ELEMENTS }, { n: 65_536, chunk: 16_384 }];
for (const name of OPTIMIZER_NAMES) {
  const row: string[] = [name];
  for (const { n, chunk } of shapes) {
    const measuredBytes = measureComposedStep({ optimizer: name, n, blockSize: 2048, chunkElements: chunk, weightDecay: 0.01 });
    row.push((measuredBytes / (4 * n)).toFixed(2), composedTemporaries(name, n, 2048, chunk).toFixed(2));
  }
  k.push(row);
}
console.log(textTable(['optimizer', 'one chunk', 'planner', 'partial block', 'planner', '4 chunks', 'planner'], k, [1, 2, 3, 4, 5, 6]));
