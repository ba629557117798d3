import { describe, expect, it } from 'vitest';
import { TIGHT_FRACTION, type PlanInput } from '../../common/planner.ts';
import { RunConfigSchema } from '../../common/runConfig.ts';
import { parseByteSize } from './byteSize.ts';
import { planInputFromRunConfig, predictedPeakFor } from './fromRunConfig.ts';
import { kernelSetFor } from './kernelSet.ts';
import { planRun, verdictFor } from './plan.ts';

const GiB = 2 ** 30;
const input = (over: Partial<PlanInput> = {}): PlanInput => ({
  model: 'roberta-base', optimizer: 'adamw8bit', batchSize: 8, seqLength: 128, gpuBytes: 6 * GiB, optimizerKernel: 'in-place', ...over,
});
const bytesOf = (r: ReturnType<typeof planRun>, name: string) => r.components.find((c) => c.name === name)!.bytes;

describe('planRun', () => {
  it('lists every component once, and they add up to the total', () => {
    const r = planRun(input());
    expect(r.components.map((c) => c.name)).toEqual(['weights', 'gradients', 'optimizer-state', 'activations', 'workspace', 'framework']);
    expect(r.components.reduce((s, c) => s + c.bytes, 0)).toBe(r.totalBytes);
    expect(r.tensorPeakBytes).toBe(r.totalBytes - bytesOf(r, 'framework'));
    expect(bytesOf(r, 'weights')).toBe(4 * 124_647_170);
    expect(bytesOf(r, 'gradients')).toBe(4 * 124_647_170);
  });

  it('frozen embeddings and lm_head have neither gradients nor optimizer state', () => {
    const all = planRun(input({ model: 'mt5-base', optimizer: 'adam32bit' }));
    const frozen = planRun(input({ model: 'mt5-base', optimizer: 'adam32bit', freezeEmbeddings: true, freezeLmHead: true }));
    const matrix = 250_112 * 768; // shared.weight and lm_head.weight
    expect(all.trainableParameterCount - frozen.trainableParameterCount).toBe(2 * matrix);
    expect(bytesOf(all, 'gradients') - bytesOf(frozen, 'gradients')).toBe(2 * 4 * matrix);
    expect(bytesOf(all, 'optimizer-state') - bytesOf(frozen, 'optimizer-state')).toBe(2 * 8 * matrix);
    expect(bytesOf(frozen, 'weights')).toBe(bytesOf(all, 'weights'));
  });

  it('8-bit Adam state is about a quarter of 32-bit; the stable embedding keeps its matrix in 32 bits', () => {
    const s32 = bytesOf(planRun(input({ model: 'roberta-large', optimizer: 'adam32bit' })), 'optimizer-state');
    const s8 = bytesOf(planRun(input({ model: 'roberta-large', optimizer: 'adam8bit' })), 'optimizer-state');
    expect(s32).toBe(8 * 355_361_794);
    expect(s8 / s32).toBeGreaterThan(0.25);
    expect(s8 / s32).toBeLessThan(0.252);
    const stable = bytesOf(planRun(input({ model: 'roberta-large', optimizer: 'adam8bit', stableEmbedding: true })), 'optimizer-state');
    const word = 50265 * 1024;
    // the word embedding moves from 2 B (+absmax) to 8 B per element; its LayerNorm adds 2×1024 small elements
    expect(stable - s8).toBe(8 * word - 2 * (word + 4 * Math.ceil(word / 2048)) + 8 * 2 * 1024);
  });

  it('gradient accumulation keeps a second copy of the gradients', () => {
    expect(bytesOf(planRun(input({ gradAccumSteps: 4 })), 'gradients')).toBe(2 * 4 * 124_647_170);
  });

  it('verdict: fits up to 90 % of capacity, tight up to 100 %, exceeds beyond', () => {
    expect(TIGHT_FRACTION).toBe(0.9);
    expect(verdictFor(90, 100)).toBe('fits');
    expect(verdictFor(90.5, 100)).toBe('tight');
    expect(verdictFor(100, 100)).toBe('tight');
    expect(verdictFor(100.5, 100)).toBe('exceeds');
    const r = planRun(input());
    expect(r.verdict).toBe(verdictFor(r.totalBytes, r.gpuBytes));
  });

  it('the largest batch and sequence length are the edge of "fits"', () => {
    const r = planRun(input({ model: 'roberta-base', optimizer: 'adam8bit', gpuBytes: parseByteSize('8GB') }));
    expect(r.maxBatchSize).toBeGreaterThan(1);
    const at = (b: number, s: number) => planRun(input({ model: 'roberta-base', optimizer: 'adam8bit', gpuBytes: parseByteSize('8GB'), batchSize: b, seqLength: s }));
    expect(at(r.maxBatchSize, 128).verdict).toBe('fits');
    expect(at(r.maxBatchSize + 1, 128).verdict).not.toBe('fits');
    // roberta positions end at 512 tokens: the search never goes past them
    expect(r.maxSeqLength).toBeLessThanOrEqual(512);
    const tiny = planRun(input({ model: 'roberta-base', gpuBytes: 64 * GiB, batchSize: 1 }));
    expect(tiny.maxSeqLength).toBe(512);
    const none = planRun(input({ model: 'roberta-large', gpuBytes: 2 * GiB }));
    expect([none.verdict, none.maxBatchSize, none.maxSeqLength]).toEqual(['exceeds', 0, 0]);
  });

  it('plans for the backend: CUDA context on tensorflow-gpu, 4 GiB heap on wasm', () => {
    const gpu = planRun(input());
    const cpu = planRun(input({ backend: 'cpu' }));
    expect(gpu.backend).toBe('tensorflow-gpu');
    expect(bytesOf(gpu, 'framework')).toBeGreaterThan(bytesOf(cpu, 'framework'));
    // cpu (and wasm) run the fused GELU/norm/dropout kernels where kernels/ has them: fewer activation
    // buffers than the composed ops; otherwise the same as the GPU
    if (kernelSetFor('cpu') === 'fused') expect(bytesOf(gpu, 'activations')).toBeGreaterThan(bytesOf(cpu, 'activations'));
    else expect(gpu.tensorPeakBytes).toBe(cpu.tensorPeakBytes);
    // without a kernel choice the GPU backends run optim's composed kernel and cpu its in-place one; with
    // few activations the step sets the workspace: the composed kernel holds the embedding's new value
    // twice (its chunks and their concatenation), the in-place one a private copy at most
    const short = { batchSize: 1, seqLength: 8 };
    const auto = planRun(input({ ...short, optimizerKernel: undefined }));
    const autoCpu = planRun(input({ ...short, optimizerKernel: undefined, backend: 'cpu' }));
    expect(bytesOf(autoCpu, 'workspace')).toBe(bytesOf(planRun(input({ ...short, backend: 'cpu' })), 'workspace'));
    expect(bytesOf(auto, 'workspace')).toBe(bytesOf(planRun(input({ ...short, optimizerKernel: 'composed' })), 'workspace'));
    expect(bytesOf(auto, 'workspace')).toBe(2 * 4 * 50265 * 768 - bytesOf(auto, 'activations'));
    expect(auto.notes.join(' ')).toMatch(/composed/);
    const wasm = planRun(input({ model: 'roberta-large', backend: 'wasm', gpuBytes: 32 * GiB }));
    expect(wasm.notes.join(' ')).toMatch(/capped at 4 GiB/);
    expect(wasm.verdict).toBe('exceeds');
  });

  it('rejects bad input naming the allowed values', () => {
    expect(() => planRun(input({ optimizer: 'adam16bit' as 'adam8bit' }))).toThrow(/allowed values: adam8bit, adam32bit, adamw8bit, adamw32bit, momentum8bit/);
    expect(() => planRun(input({ blockSize: 100 }))).toThrow(/blockSize: got 100; allowed values: 64, 128, 256, 512, 1024, 2048, 4096/);
    expect(() => planRun(input({ batchSize: 0 }))).toThrow(/batchSize: got 0/);
    expect(() => planRun(input({ task: 'seq2seq' }))).toThrow(/task "seq2seq" does not fit a roberta model; allowed values: classification, regression/);
    expect(() => planRun(input({ model: 'mt5-small', task: 'regression' }))).toThrow(/allowed values: seq2seq/);
  });
});

describe('run config → plan input', () => {
  it('maps every field the planner needs', () => {
    const config = RunConfigSchema.parse({
      model: 'mt5-small',
      task: 'seq2seq',
      dataset: { train: 'x.csv' },
      optimizer: { name: 'lion8bit', blockSize: 256, min8bitSize: 100 },
      modelOptions: { stableEmbedding: true, freezeLmHead: true },
      training: { batchSize: 4, maxLength: 256, maxTargetLength: 32, gradAccumSteps: 2 },
      gpuMemory: '11GB',
    });
    const p = planInputFromRunConfig(config, { backend: 'wasm' });
    expect(p).toEqual({
      model: 'mt5-small', task: 'seq2seq', numLabels: undefined, optimizer: 'lion8bit', blockSize: 256, min8bitSize: 100,
      stableEmbedding: true, freezeEmbeddings: false, freezeLmHead: true, batchSize: 4, seqLength: 256, targetLength: 32,
      gradAccumSteps: 2, backend: 'wasm', gpuBytes: 11 * GiB,
    });
    const plan = planRun(p);
    expect(predictedPeakFor(plan, 'gpu')).toBe(plan.totalBytes);
    expect(predictedPeakFor(plan, 'tensors')).toBe(plan.tensorPeakBytes);
    const detected = planInputFromRunConfig({ ...config, gpuMemory: undefined }, { gpuBytes: 6 * GiB });
    expect(detected.gpuBytes).toBe(6 * GiB);
  });
});
