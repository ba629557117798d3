// Loads a Hugging Face model folder: config.json, safetensors weights (single or sharded), tokenizer.
// Every tensor is checked (name, count, shape) before any variable is made, then read one at a time
// straight into its variable, so a 2.3 GB checkpoint never sits in memory twice.
import { ModelConfigError, readModelConfig, resolveArchitecture, type Architecture, type ModelConfig } from './config/index.ts';
import { labelMaps, type ProblemType } from './config/labels.ts';
import { candidateNames, buildModel, ignorableTensor, specsFor, type AnyModel } from './factory.ts';
import { openCheckpoint, type Checkpoint } from './io/checkpoint.ts';
import { Rng, initialValues } from './params/init.ts';
import type { ParamSpec } from './params/spec.ts';
import { uniqueScope } from './params/store.ts';
import { HfTokenizer } from './tokenizer.ts';

export interface LoadOptions {
  /** Architecture to build; default: the first supported entry of config.architectures. */
  architecture?: Architecture;
  /** Variable-name prefix; default a fresh `roberta`, `roberta-2`, … */
  scope?: string;
  /** Sequence classification: replace the label set (a fresh classifier head is then created). */
  numLabels?: number;
  id2label?: Record<number, string>;
  problemType?: ProblemType;
  /**
   * Create task-head tensors the checkpoint lacks (fine-tuning a masked-LM checkpoint for
   * classification). Default: allowed only when config.architectures names another architecture.
   */
  initMissingHead?: boolean;
  /** Swap the token embedding for a freshly initialized stable embedding (training from scratch). */
  stableEmbedding?: boolean;
  /** Seed of every freshly initialized tensor. */
  seed?: number;
  /** Load tokenizer.json when present (default true). */
  tokenizer?: boolean;
}

export interface LoadReport {
  /** Checkpoint tensors read into parameters. */
  used: string[];
  /** Checkpoint tensors not used (buffers, pooler, tied copies, another head). */
  ignored: string[];
  /** Parameters created with fresh random values. */
  initialized: string[];
  /** Parameters read under another name, e.g. shared.weight from encoder.embed_tokens.weight. */
  aliased: { parameter: string; from: string }[];
  files: string[];
}

export interface LoadedModel {
  dir: string;
  model: AnyModel;
  tokenizer: HfTokenizer | null;
  report: LoadReport;
}

export class CheckpointMismatchError extends Error {
  override name = 'CheckpointMismatchError';
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

export function applyOverrides(config: ModelConfig, opts: LoadOptions): { config: ModelConfig; headChanged: boolean } {
  let headChanged = false;
  if (config.modelType === 'roberta') {
    if (opts.id2label || opts.numLabels !== undefined) {
      const id2label = opts.id2label ? Object.fromEntries(Object.entries(opts.id2label).map(([k, v]) => [String(k), v])) : undefined;
      const maps = labelMaps(id2label, opts.numLabels, 'options');
      if (opts.numLabels !== undefined && opts.id2label && maps.numLabels !== opts.numLabels) {
        throw new ModelConfigError(`numLabels ${opts.numLabels} disagrees with id2label (${maps.numLabels} labels)`);
      }
      headChanged = maps.numLabels !== config.numLabels;
      config = { ...config, ...maps };
    }
    if (opts.problemType) config = { ...config, problemType: opts.problemType };
  } else if (opts.numLabels !== undefined || opts.id2label || opts.problemType) {
    throw new ModelConfigError('numLabels, id2label and problemType apply to RobertaForSequenceClassification only');
  }
  if (opts.stableEmbedding && !config.stableEmbedding) config = { ...config, stableEmbedding: true };
  return { config, headChanged };
}

interface Plan {
  sources: Map<string, string>;
  fresh: Set<string>;
  report: LoadReport;
}

/** Matches the checkpoint against the specs; throws one error naming every offending tensor. */
export function planLoad(ckpt: Checkpoint, config: ModelConfig, arch: Architecture, specs: ParamSpec[], opts: { initHead: boolean; freshEmbedding: boolean }): Plan {
  const sources = new Map<string, string>();
  const fresh = new Set<string>();
  const problems: string[] = [];
  const report: LoadReport = { used: [], ignored: [], initialized: [], aliased: [], files: ckpt.files };
  /** Checkpoint tensors replaced by fresh values (a swapped embedding, a resized head). */
  const superseded = new Set<string>();
  for (const spec of specs) {
    const isFreshEmbedding = opts.freshEmbedding && (spec.stableEmbedding || spec.name.includes('.norm.'));
    const found = candidateNames(config, spec.name).find((n) => ckpt.info(n));
    if (isFreshEmbedding && found) superseded.add(found);
    const from = isFreshEmbedding ? undefined : found;
    if (!from) {
      if (isFreshEmbedding || (spec.taskHead && opts.initHead)) fresh.add(spec.name);
      else problems.push(`missing tensor "${spec.name}" (expected shape [${spec.shape.join(', ')}])`);
      continue;
    }
    const info = ckpt.info(from)!;
    if (!FLOAT_DTYPES.has(info.dtype)) {
      problems.push(`tensor "${from}" has dtype ${info.dtype}; a floating-point tensor was expected`);
    } else if (info.shape.length !== spec.shape.length || info.shape.some((d, i) => d !== spec.shape[i])) {
      if (spec.taskHead && opts.initHead) {
        fresh.add(spec.name);
        superseded.add(from);
        continue;
      }
      problems.push(`tensor "${from}" has shape [${info.shape.join(', ')}], expected [${spec.shape.join(', ')}]${shapeHint(spec)}`);
    }
    sources.set(spec.name, from);
    if (from !== spec.name) report.aliased.push({ parameter: spec.name, from });
  }
  const usedNames = new Set(sources.values());
  for (const name of ckpt.names()) {
    if (usedNames.has(name)) continue;
    if (ignorableTensor(config, arch, name) || superseded.has(name)) report.ignored.push(name);
    else problems.push(`unexpected tensor "${name}" (not a parameter of ${arch})`);
  }
  if (problems.length) {
    const shown = problems.slice(0, 12).map((p) => `  - ${p}`).join('\n');
    const more = problems.length > 12 ? `\n  … and ${problems.length - 12} more` : '';
    throw new CheckpointMismatchError(
      `${ckpt.dir}: the checkpoint does not match ${arch} (${specs.length} parameters expected, ` +
        `${ckpt.names().length} tensors on disk, ${usedNames.size} matched):\n${shown}${more}`,
    );
  }
  report.used = [...usedNames].sort();
  report.ignored.sort();
  report.initialized = [...fresh].sort();
  return { sources, fresh, report };
}

function shapeHint(spec: ParamSpec): string {
  if (spec.taskHead) return ' (a different number of labels? pass numLabels/id2label to create a fresh head)';
  return ' (config.json does not describe these weights)';
}

export function loadPretrained(dir: string, opts: LoadOptions = {}): LoadedModel {
  const base = readModelConfig(dir);
  const checkpointArch = base.architectures[0];
  const { config, headChanged } = applyOverrides(base, opts);
  const arch = resolveArchitecture(config, opts.architecture);
  const initHead = opts.initMissingHead ?? (headChanged || (checkpointArch !== undefined && checkpointArch !== arch));
  const freshEmbedding = !!opts.stableEmbedding && !base.stableEmbedding;
  const specs = specsFor(config, arch);
  const ckpt = openCheckpoint(dir);
  try {
    const plan = planLoad(ckpt, config, arch, specs, { initHead, freshEmbedding });
    const rng = new Rng(opts.seed ?? 0);
    const model = buildModel(config, arch, {
      scope: opts.scope ?? uniqueScope(config.modelType),
      source: (spec) => {
        const from = plan.sources.get(spec.name);
        return from && !plan.fresh.has(spec.name) ? ckpt.readFloat32(from) : initialValues(spec, rng);
      },
    });
    const tokenizer = opts.tokenizer === false ? null : HfTokenizer.fromDir(dir);
    return { dir, model, tokenizer, report: plan.report };
  } finally {
    ckpt.close();
  }
}
