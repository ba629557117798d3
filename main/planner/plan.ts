// The planner: bytes by component for one training step, a verdict for a GPU size, and the largest
// batch size and sequence length that fit.
import { DEFAULT_BLOCK_SIZE, DEFAULT_MIN_8BIT_SIZE, parseOptimizerName } from '../../common/optimizers.ts';
import { TIGHT_FRACTION, type PlanComponent, type PlanInput, type PlanResult, type Verdict } from '../../common/planner.ts';
import { estimateActivations, type ActivationOptions, type StepShape } from './activations.ts';
import { kernelSetFor } from './kernelSet.ts';
import { formatBytes } from './byteSize.ts';
import { FRAMEWORK_ALLOWANCES, frameworkBytes, planBackend, type PlanBackend } from './framework.ts';
import { loadModelArch, type ModelArch } from './modelConfig.ts';
import { stateForTensor } from './optimizerState.ts';
import { countParameters, parameterTensors, type ParamTensor } from './parameters.ts';
import { validatePlanInput } from './validate.ts';
import { kernelFor, optimizerStepWorkspace, type StepWorkspace } from './workspace.ts';

const F32 = 4;
/** Longest sequence the search tries where the architecture sets no limit (the run config's maximum). */
export const MAX_SEARCH_SEQ = 4096;
/** Largest batch the search tries. */
export const MAX_SEARCH_BATCH = 4096;
export const DEFAULT_TARGET_LENGTH = 64;

export function verdictFor(totalBytes: number, capacityBytes: number): Verdict {
  if (totalBytes <= TIGHT_FRACTION * capacityBytes) return 'fits';
  return totalBytes <= capacityBytes ? 'tight' : 'exceeds';
}

/** Which tensors train, given the freeze options (models/: freezing embeddings freezes the whole embeddings group). */
export function trainableTensors(tensors: readonly ParamTensor[], input: Pick<PlanInput, 'freezeEmbeddings' | 'freezeLmHead'>): ParamTensor[] {
  return tensors.filter((t) => {
    if (input.freezeEmbeddings && t.group === 'embeddings') return false;
    if (input.freezeLmHead && t.group === 'lm_head') return false;
    return true;
  });
}

/** What does not depend on the batch size and sequence length. */
interface StaticPart {
  arch: ModelArch;
  backend: PlanBackend;
  all: ParamTensor[];
  parameterCount: number;
  trainableParameterCount: number;
  /** Weights, gradients and optimizer state. */
  fixed: PlanComponent[];
  fixedBytes: number;
  activationOptions: ActivationOptions;
  stepWorkspace: StepWorkspace;
  numLabels: number;
}

function staticPart(arch: ModelArch, input: PlanInput): StaticPart {
  const numLabels = input.task === 'regression' ? 1 : (input.numLabels ?? (arch.modelType === 'roberta' ? (arch.numLabels ?? 2) : 0));
  const backend = planBackend(input.backend);
  const all = parameterTensors(arch, { numLabels, stableEmbedding: input.stableEmbedding });
  const trainable = trainableTensors(all, input);
  const accum = (input.gradAccumSteps ?? 1) > 1 ? 2 : 1;
  const stateOpts = {
    optimizer: input.optimizer,
    blockSize: input.blockSize ?? DEFAULT_BLOCK_SIZE,
    min8bitSize: input.min8bitSize ?? DEFAULT_MIN_8BIT_SIZE,
    stableEmbedding: input.stableEmbedding ?? false,
    overrides: input.stateOverrides,
  };
  const state = { bytes: 0, n8: 0, n32: 0, why32: new Map<string, number>() };
  const bits = new Map<string, 8 | 32>();
  for (const t of trainable) {
    const s = stateForTensor(t, stateOpts);
    bits.set(t.name, s.bits);
    state.bytes += s.bytes;
    if (s.bits === 8) state.n8 += t.size;
    else state.n32 += t.size;
    if (s.reason) state.why32.set(s.reason, (state.why32.get(s.reason) ?? 0) + t.size);
  }
  const parameterCount = countParameters(all);
  const trainableParameterCount = countParameters(trainable);
  const frozen = parameterCount - trainableParameterCount;
  const stateDetail = [
    `${input.optimizer}: ${state.n8.toLocaleString('en-US')} elements with 8-bit state, ${state.n32.toLocaleString('en-US')} with 32-bit`,
    ...(parseOptimizerName(input.optimizer).bits === 8 ? [...state.why32].map(([why, n]) => `${n.toLocaleString('en-US')} kept 32-bit (${why})`) : []),
  ].join('; ');
  const fixed: PlanComponent[] = [
    { name: 'weights', bytes: F32 * parameterCount, detail: `${parameterCount.toLocaleString('en-US')} float32 parameters` },
    {
      name: 'gradients',
      bytes: accum * F32 * trainableParameterCount,
      detail: `trainable parameters only${frozen ? ` (${frozen.toLocaleString('en-US')} frozen)` : ''}${accum > 1 ? ', ×2 for accumulation' : ''}`,
    },
    { name: 'optimizer-state', bytes: state.bytes, detail: stateDetail },
  ];
  return {
    arch,
    backend,
    all,
    parameterCount,
    trainableParameterCount,
    fixed,
    fixedBytes: fixed.reduce((t, c) => t + c.bytes, 0),
    activationOptions: {
      embeddingsTrainable: trainable.some((t) => t.tokenEmbedding), dropout: input.dropout ?? true, stableEmbedding: stateOpts.stableEmbedding,
      kernels: kernelSetFor(backend),
    },
    stepWorkspace: optimizerStepWorkspace(trainable, input.optimizer, kernelFor(input.optimizerKernel, backend), stateOpts.blockSize, (t) => bits.get(t.name) ?? 32),
    numLabels,
  };
}

interface Totals {
  components: PlanComponent[];
  tensorBytes: number;
  total: number;
  /** The workspace is the optimizer step's, after backward (not the end of backward's transient). */
  workspaceFromStep: boolean;
}

function totalsFor(sp: StaticPart, shape: StepShape): Totals {
  const act = estimateActivations(sp.arch, shape, sp.activationOptions, sp.numLabels);
  // Peak = end of backward (activations + their transient) or, after they are freed, the optimizer step.
  const workspace = Math.max(act.backwardWorkspace.bytes, sp.stepWorkspace.bytes - act.bytes, 0);
  const workspaceFromStep = workspace > 0 && act.backwardWorkspace.bytes < sp.stepWorkspace.bytes - act.bytes;
  const wsDetail = workspace === 0
    ? 'no temporary exceeds what the activations already held'
    : workspaceFromStep
      ? `after backward (activations freed): ${sp.stepWorkspace.what}; adds ${formatBytes(workspace)} over the activations`
      : `end of backward: ${act.backwardWorkspace.what}`;
  const tensorBytes = sp.fixedBytes + act.bytes + workspace;
  const framework = frameworkBytes(sp.backend, tensorBytes);
  const components: PlanComponent[] = [
    ...sp.fixed,
    { name: 'activations', bytes: act.bytes, detail: 'buffers kept for the backward pass and their gradients', parts: act.parts },
    { name: 'workspace', bytes: workspace, detail: wsDetail },
    { name: 'framework', bytes: framework, detail: FRAMEWORK_ALLOWANCES[sp.backend].detail },
  ];
  return { components, tensorBytes, total: tensorBytes + framework, workspaceFromStep };
}

function shapeOf(input: PlanInput, arch: ModelArch, batch: number, seq: number): StepShape {
  return { batch, seq, target: arch.modelType === 'mt5' ? (input.targetLength ?? DEFAULT_TARGET_LENGTH) : 0 };
}

function capacityOf(sp: StaticPart, input: PlanInput): number {
  const limit = FRAMEWORK_ALLOWANCES[sp.backend].heapLimitBytes;
  return limit === null ? input.gpuBytes : Math.min(input.gpuBytes, limit + FRAMEWORK_ALLOWANCES[sp.backend].fixedBytes);
}

/** Largest n in [1, hi] with fits(n), assuming fits is monotone (more tokens never need less memory). */
function largestFitting(hi: number, fits: (n: number) => boolean): number {
  if (!fits(1)) return 0;
  let lo = 1;
  let step = 1;
  while (lo + step <= hi && fits(lo + step)) {
    lo += step;
    step *= 2;
  }
  let top = Math.min(hi, lo + step - 1);
  while (lo < top) {
    const mid = Math.ceil((lo + top) / 2);
    if (fits(mid)) lo = mid;
    else top = mid - 1;
  }
  return lo;
}

export function maxSeqFor(arch: ModelArch): number {
  return arch.modelType === 'roberta' ? arch.maxInputLength : MAX_SEARCH_SEQ;
}

/** Plans for an already loaded architecture (tests, and callers that have the config in memory). */
export function planForArch(arch: ModelArch, input: PlanInput): PlanResult {
  validatePlanInput(input);
  if (input.task) {
    const allowed = arch.modelType === 'mt5' ? ['seq2seq'] : ['classification', 'regression'];
    if (!allowed.includes(input.task)) throw new Error(`task "${input.task}" does not fit a ${arch.modelType} model; allowed values: ${allowed.join(', ')}`);
  }
  const sp = staticPart(arch, input);
  const capacity = capacityOf(sp, input);
  const shape = shapeOf(input, arch, input.batchSize, input.seqLength);
  const t = totalsFor(sp, shape);
  const fitsAt = (batch: number, seq: number) => totalsFor(sp, shapeOf(input, arch, batch, seq)).total <= TIGHT_FRACTION * capacity;
  const notes: string[] = [];
  if (arch.modelType === 'roberta' && input.seqLength > arch.maxInputLength) {
    notes.push(`seqLength ${input.seqLength} is longer than the model's ${arch.maxInputLength} positions (max_position_embeddings − 2)`);
  }
  if (capacity < input.gpuBytes) notes.push(`the wasm backend's heap is capped at 4 GiB: planned against ${formatBytes(capacity)}`);
  if (sp.backend === 'cpu' || sp.backend === 'wasm' || sp.backend === 'tensorflow') {
    notes.push(`backend ${sp.backend} keeps tensors in host memory: the capacity is RAM, not a GPU`);
  }
  if (input.freezeLmHead && !sp.all.some((t) => t.group === 'lm_head')) notes.push('freezeLmHead has no effect: this model has no separate lm_head');
  const ws = t.components.find((c) => c.name === 'workspace');
  if (sp.stepWorkspace.kernel === 'composed' && ws && ws.bytes > 0.1 * t.total && t.workspaceFromStep) {
    const inPlace = totalsFor({ ...sp, stepWorkspace: { ...sp.stepWorkspace, bytes: 0 } }, shape).total;
    notes.push(
      `optim's composed kernel (what ${sp.backend} runs) cannot update a tensor in place: it holds chunks of temporaries and, for a large tensor, its new value twice at the end: ${formatBytes(ws.bytes)} here; ` +
        `an in-place kernel (as on cpu/wasm, or bitsandbytes on CUDA) would need ${formatBytes(inPlace)} in total (--kernel in-place)`,
    );
  }
  return {
    input,
    modelType: arch.modelType,
    parameterCount: sp.parameterCount,
    trainableParameterCount: sp.trainableParameterCount,
    components: t.components,
    totalBytes: t.total,
    tensorPeakBytes: t.tensorBytes,
    gpuBytes: input.gpuBytes,
    backend: sp.backend,
    verdict: verdictFor(t.total, capacity),
    maxBatchSize: largestFitting(MAX_SEARCH_BATCH, (b) => fitsAt(b, input.seqLength)),
    maxSeqLength: largestFitting(maxSeqFor(arch), (s) => fitsAt(input.batchSize, s)),
    notes,
  };
}

/** The planner's entry point: model folder or known name → bytes by component, verdict, largest batch/seq. */
export function planRun(input: PlanInput): PlanResult {
  const { arch } = loadModelArch(input.model);
  return planForArch(arch, input);
}
