// What every model offers the trainer: named parameters (HF name → tf.Variable), a forward that returns
// logits, a loss usable inside tf.variableGrads, freezing, parameter counts and optimizer overrides.
import * as tf from '@tensorflow/tfjs-core';
import type { ParamOverride } from '../common/optimizers.ts';
import type { Architecture, ModelConfig } from './config/index.ts';
import type { RunContext } from './layers/dropout.ts';
import { STABLE_EMBEDDING_REASON } from './layers/stableEmbedding.ts';
import { Rng, initialValues } from './params/init.ts';
import { countParameters, type ParameterCounts, type ParamSpec } from './params/spec.ts';
import { ParamStore, type ParamSource } from './params/store.ts';

/** Tensors of one batch. Ids are int32; masks are 1/0 (int32 or float32). */
export interface Batch {
  /** [B, L] token ids (right-padded with the pad id). */
  inputIds: tf.Tensor2D;
  /** [B, L] 1 for tokens, 0 for padding; all ones when absent (as transformers). */
  attentionMask?: tf.Tensor2D;
  /** RoBERTa only: [B, L] segment ids; zeros when absent. */
  tokenTypeIds?: tf.Tensor2D;
  /**
   * Sequence classification: int32 [B] class ids (cross-entropy), float32 [B] or [B, 1] targets
   * (regression, num_labels 1) or float32 [B, num_labels] (multi-label). Masked LM: int32 [B, L]
   * with -100 where no loss is taken. mT5: int32 [B, T] target ids padded with -100.
   */
  labels?: tf.Tensor;
  /** mT5 only: [B, T] decoder inputs; shift_right(labels) when absent. */
  decoderInputIds?: tf.Tensor2D;
  /** mT5 only: [B, T]; when absent the decoder mask is causal only (as transformers with labels). */
  decoderAttentionMask?: tf.Tensor2D;
}

export interface FreezeOptions {
  /** Token (and RoBERTa position/type) embeddings and, for RoBERTa, the embedding LayerNorm. */
  embeddings?: boolean;
  /** mT5 `lm_head.weight`; RoBERTa masked-LM `lm_head.*` (its decoder weight is the word embedding). */
  lmHead?: boolean;
}

export interface BuildOptions {
  /** Prefix of the variable names (`${scope}/${hfName}`); unique per instance. */
  scope: string;
  /** Initial values per parameter (checkpoint or random). */
  source: ParamSource;
}

export abstract class PretrainedModel<C extends ModelConfig = ModelConfig> {
  readonly config: C;
  readonly architecture: Architecture;
  readonly params: ParamStore;
  private frozenOptions: FreezeOptions = {};

  protected constructor(config: C, architecture: Architecture, opts: BuildOptions) {
    this.config = config;
    this.architecture = architecture;
    this.params = new ParamStore(opts.scope);
    try {
      for (const spec of this.specs()) this.params.create(spec, opts.source);
    } catch (err) {
      this.params.dispose();
      throw err;
    }
  }

  /** Parameter specs for the current config (names, shapes, groups, initializers). */
  abstract specs(): ParamSpec[];
  /** Logits: [B, num_labels] (classification), [B, L, V] (masked LM), [B, T, V] (mT5). */
  abstract forward(batch: Batch, ctx?: RunContext): tf.Tensor;
  /** The loss for logits already computed by `forward`. */
  abstract lossFromLogits(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar;
  /** What `batch.labels` must hold, for the error when they are missing. */
  protected abstract readonly labelsHint: string;

  /** Scalar loss of `batch.labels`, exactly as transformers computes it; call inside tf.variableGrads. */
  loss(batch: Batch, ctx: RunContext = {}): tf.Scalar {
    if (!batch.labels) throw new Error(`loss() needs batch.labels (${this.labelsHint})`);
    const labels = batch.labels;
    return tf.tidy(() => this.lossFromLogits(this.forward(batch, ctx), labels));
  }

  get scope(): string {
    return this.params.scope;
  }

  get modelType(): C['modelType'] {
    return this.config.modelType;
  }

  /** Hugging Face tensor name → variable (one entry per parameter; tied names are not repeated). */
  namedParameters(): Map<string, tf.Variable> {
    return this.params.entries();
  }

  /** The variable of a Hugging Face tensor name (aliases such as `encoder.embed_tokens.weight` resolve). */
  parameter(name: string): tf.Variable {
    return this.params.get(this.resolveName(name));
  }

  /** Maps tied/alias names to the name of the parameter that holds them. */
  resolveName(name: string): string {
    return name;
  }

  freeze(options: FreezeOptions): void {
    this.frozenOptions = { ...this.frozenOptions, ...options };
    this.applyFreeze();
  }

  get frozen(): Readonly<FreezeOptions> {
    return this.frozenOptions;
  }

  isTrainable(name: string): boolean {
    const spec = this.params.spec(name);
    if (this.frozenOptions.embeddings && spec.group === 'embeddings') return false;
    if (this.frozenOptions.lmHead && spec.lmHead) return false;
    return true;
  }

  /** Variables the optimizer updates (frozen ones excluded); pass to tf.variableGrads / minimize. */
  trainableVariables(): tf.Variable[] {
    return [...this.params.entries()].filter(([name]) => this.isTrainable(name)).map(([, v]) => v);
  }

  parameterCounts(): ParameterCounts {
    return countParameters(this.params.allSpecs(), (n) => this.isTrainable(n));
  }

  /** Per-parameter optimizer requests, as data (the trainer hands them to optim/). */
  optimizerOverrides(): ParamOverride[] {
    return this.params
      .allSpecs()
      .filter((s) => s.stableEmbedding && this.isTrainable(s.name))
      .map((s) => ({ variableName: this.params.get(s.name).name, stateBits: 32, reason: STABLE_EMBEDDING_REASON }));
  }

  /**
   * Replaces the token embedding with a freshly initialized stable embedding (Xavier-uniform weight,
   * zero padding row, LayerNorm on its output), for training from scratch.
   */
  useStableEmbedding(seed = 0): void {
    if (this.config.stableEmbedding) return;
    this.config.stableEmbedding = true;
    const rng = new Rng(seed);
    for (const spec of this.specs()) {
      if (spec.stableEmbedding || !this.params.has(spec.name)) this.params.replace(spec, (s) => initialValues(s, rng));
    }
    this.applyFreeze();
  }

  /** Sets every dropout rate of the model (training mode only; 0 turns dropout off). Saved with the config. */
  setDropout(rate: number): void {
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout must be in [0, 1), got ${rate}`);
    const c = this.config;
    if (c.modelType === 'mt5') {
      c.dropoutRate = rate;
    } else {
      c.hiddenDropoutProb = rate;
      c.attentionProbsDropoutProb = rate;
      c.classifierDropout = rate;
    }
  }

  dispose(): void {
    this.params.dispose();
  }

  private applyFreeze(): void {
    for (const [name, v] of this.params.entries()) v.trainable = this.isTrainable(name);
  }
}
