// npm run bench:generate [-- --model mt5-small --backend cpu|wasm --batch 8 --source 64 --new 16,64 --beams 1]
// Greedy (or beam) generation with the decoder's keys and values cached between steps against
// recomputing the decoder over the whole prefix at every step, side by side in one run, with random
// weights; both must produce the same tokens.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setupBackend, type CpuBackendName } from '../kernels/setup.ts';
import { createRandomModel, parseModelConfig } from '../models/index.ts';
import type { MT5ForConditionalGeneration } from '../models/mt5/conditionalGeneration.ts';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'mt5-small' },
    backend: { type: 'string', default: 'cpu' },
    batch: { type: 'string', default: '8' },
    source: { type: 'string', default: '64' },
    new: { type: 'string', default: '16,64' },
    beams: { type: 'string', default: '1' },
  },
});

const backend = args.backend as CpuBackendName;
await setupBackend(backend);
const config = parseModelConfig(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'models', 'configs', `${args.model}.json`), 'utf8')));
if (config.modelType !== 'mt5') throw new Error(`${args.model} is not an mT5 model`);
const model = createRandomModel(config, { architecture: 'MT5ForConditionalGeneration', seed: 1 }) as MT5ForConditionalGeneration;
const [batch, source, numBeams] = [Number(args.batch), Number(args.source), Number(args.beams)];
let s = 7;
const ids = Array.from({ length: batch }, () => Array.from({ length: source }, (_, j) => (j === source - 1 ? 1 : 3 + ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % (config.vocabSize - 3)))));
const inputIds = tf.tensor2d(ids, [batch, source], 'int32');
const mask = tf.onesLike(inputIds) as tf.Tensor2D;
// Never stop early on EOS (random weights pick it about once in vocab_size steps): every step is timed.
const noEos = -1;

console.log(`${args.model} (${config.numDecoderLayers} decoder layers, d_model ${config.dModel}, vocab ${config.vocabSize}) on ${backend}, batch ${batch} × ${source} source tokens, ${numBeams} beam(s)`);
console.log('| new tokens | recompute every prefix, ms | cached keys and values, ms | speed-up | same tokens |');
console.log('|---:|---:|---:|---:|:---:|');
for (const maxNewTokens of args.new.split(',').map(Number)) {
  const run = async (useCache: boolean) => {
    const t = performance.now();
    const out = await model.generate(inputIds, mask, { maxNewTokens, numBeams, useCache, eosTokenId: noEos });
    return { ms: performance.now() - t, sequences: out.map((r) => r.sequence.join(',')) };
  };
  await run(true); // warm-up: kernels, buffer pool
  const full = await run(false);
  const cached = await run(true);
  const same = full.sequences.every((q, i) => q === cached.sequences[i]);
  console.log(`| ${maxNewTokens} | ${full.ms.toFixed(0)} | ${cached.ms.toFixed(0)} | ${(full.ms / cached.ms).toFixed(1)}× | ${same ? 'yes' : 'NO'} |`);
  if (!same) process.exitCode = 1;
}
tf.dispose([inputIds, mask]);
model.dispose();
