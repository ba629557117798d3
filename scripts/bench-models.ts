// npm run bench:models [-- --models roberta-large,mt5-base --backend cpu|wasm --seq 128 --target-len 128]
// Real-size models with random weights: one forward+backward (loss + gradients of every parameter)
// at batch 1, printing the time and the peak tensor memory (tf.profile's peakBytes).
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setupBackend, type CpuBackendName } from '../kernels/setup.ts';
import { createRandomModel, disposeBatch, parseModelConfig, toBatch, type Architecture, type Batch } from '../models/index.ts';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'roberta-large,mt5-base' },
    backend: { type: 'string', default: '' },
    seq: { type: 'string', default: '128' },
    'target-len': { type: 'string', default: '128' },
  },
});

// Default backend: `cpu` with its matrix products computed in the wasm module (kernels/setup.ts).
// On `wasm` every tensor lives in one 4 GiB heap: RoBERTa-large's step peaks at about 3.6 GiB there
// (weights + gradients alone are 2.65 GiB), and mT5-base's weights + gradients (4.3 GiB) cannot fit.
const MODELS: Record<string, { file: string; architecture: Architecture }> = {
  'roberta-base': { file: 'roberta-base.json', architecture: 'RobertaForSequenceClassification' },
  'roberta-large': { file: 'roberta-large.json', architecture: 'RobertaForSequenceClassification' },
  'mt5-small': { file: 'mt5-small.json', architecture: 'MT5ForConditionalGeneration' },
  'mt5-base': { file: 'mt5-base.json', architecture: 'MT5ForConditionalGeneration' },
};

/**
 * Peak bytes of distinct tensor buffers, from the engine's own bookkeeping. tf.memory().numBytes
 * counts every tensor object, so reshapes and the tape's clones of shared buffers count twice.
 */
function trackTensorBuffers(): { current: () => number; resetPeak: () => void; peak: () => number } {
  interface Info { bytes: number }
  const engine = tf.engine() as unknown as {
    state: { tensorInfo: { has(id: object): boolean; get(id: object): Info | undefined } };
    trackTensor(t: tf.Tensor, backend: unknown): void;
    disposeTensor(t: tf.Tensor): void;
  };
  let current = 0;
  let peak = 0;
  const info = engine.state.tensorInfo;
  const track = engine.trackTensor.bind(engine);
  engine.trackTensor = (t, backend) => {
    const known = info.has(t.dataId);
    track(t, backend);
    if (!known && info.has(t.dataId)) peak = Math.max(peak, (current += info.get(t.dataId)!.bytes));
  };
  // Variables are disposed through disposeTensor too.
  const dispose = engine.disposeTensor.bind(engine);
  engine.disposeTensor = (t) => {
    const bytes = info.has(t.dataId) ? info.get(t.dataId)!.bytes : 0;
    dispose(t);
    if (bytes && !info.has(t.dataId)) current -= bytes;
  };
  return { current: () => current, resetPeak: () => void (peak = current), peak: () => peak };
}
const buffers = trackTensorBuffers();

const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function randomIds(n: number, vocab: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 5 + (s % (vocab - 5)); // clear of the special ids
  });
}

async function bench(name: string): Promise<void> {
  const spec = MODELS[name];
  if (!spec) throw new Error(`unknown model "${name}"; choose from ${Object.keys(MODELS).join(', ')}`);
  const backend = (args.backend || 'cpu') as CpuBackendName;
  await setupBackend(backend);
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false); // keep tf.profile from reading every output
  const seq = Number(args.seq);
  const targetLen = Number(args['target-len']);
  const config = parseModelConfig(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'models', 'configs', spec.file), 'utf8')));

  let t = performance.now();
  const model = createRandomModel(config, { architecture: spec.architecture, seed: 1 });
  const initMs = performance.now() - t;
  const counts = model.parameterCounts();
  const ids = randomIds(seq, config.vocabSize, 7);
  const batch: Batch = config.modelType === 'mt5'
    ? toBatch({ inputIds: [ids], labels: [randomIds(targetLen, config.vocabSize, 11)] })
    : toBatch({ inputIds: [[0, ...ids.slice(0, seq - 2), 2]], labels: [1] });
  const vars = model.trainableVariables();
  const before = buffers.current();
  buffers.resetPeak();

  t = performance.now();
  let loss = NaN;
  const profile = await tf.profile(async () => {
    const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
    loss = (await value.data())[0];
    tf.dispose([value, grads]);
  });
  const stepMs = performance.now() - t;

  const shape = config.modelType === 'mt5' ? `batch 1, source ${seq}, target ${targetLen}` : `batch 1, sequence ${seq}`;
  console.log(`${name} (${spec.architecture}) on ${backend}: ${counts.total.toLocaleString('en-US')} parameters, ${shape}`);
  console.log(`  random init          ${seconds(initMs)}`);
  console.log(`  forward+backward     ${seconds(stepMs)}  (loss ${loss.toFixed(4)}, ${profile.kernels.length} kernels)`);
  console.log(`  peak tensor memory   ${gib(buffers.peak())} in distinct buffers (weights ${gib(before)}; gradients, activations and temporaries ${gib(buffers.peak() - before)})`);
  console.log(`                       ${gib(profile.peakBytes)} as tf.memory().numBytes counts it (shared buffers counted per tensor)`);
  const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length;
  if (heap) console.log(`  wasm heap            ${gib(heap)} of 4 GiB`);
  console.log(`  process max RSS      ${gib(process.resourceUsage().maxRSS * 1024)}`);
  model.dispose();
  disposeBatch(batch);
}

for (const name of args.models.split(',').map((s) => s.trim()).filter(Boolean)) await bench(name);
