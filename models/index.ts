// models/: RoBERTa and mT5 in TensorFlow.js, loading and saving the Hugging Face layout.
//
// Trainer-facing API
// ------------------
// The caller picks and initializes the backend (models/ imports only @tensorflow/tfjs-core); in Node:
//   import { setupBackend } from '../kernels/setup.ts';   // gradients + backend + Octet kernels
//   await setupBackend('wasm');                            // or 'cpu'
//
//   const { model, tokenizer, report } = loadPretrained(dir, {
//     architecture: 'RobertaForSequenceClassification',   // default: config.architectures[0]
//     id2label: { 0: 'neg', 1: 'pos' },                     // a fresh head when the labels change
//   });
//   model.freeze({ embeddings: true });                     // and/or { lmHead: true }
//   const vars = model.trainableVariables();                // frozen variables excluded
//   const overrides = model.optimizerOverrides();           // ParamOverride[] for optim/ (e.g. 32-bit state)
//
//   const enc = tokenizer!.encodeBatch(texts, { maxLength: 128 });          // padded ids + mask
//   const batch = toBatch({ ...enc, labels: [1, 0], labelsDtype: 'int32' }); // int32 class ids
//   const { value, grads } = tf.variableGrads(() => model.loss(batch, { training: true }), vars);
//   ... optimizer.applyGradients(grads); tf.dispose([value, grads]); disposeBatch(batch);
//
//   // mT5: labels are target ids padded with -100 (tokenizer.encodeTargets); decoder inputs are
//   // shift_right(labels) unless given. Generation (greedy, or beam search with numBeams > 1):
//   const results = await mt5.generate(batch.inputIds, batch.attentionMask, { maxNewTokens: 32 });
//
//   await savePretrained(model, outDir, { tokenizer });     // config.json, model.safetensors, tokenizer
//   model.dispose();
//
// Variables are named `${model.scope}/${hfName}`; model.namedParameters() maps HF names to them.
// Run options: model.loss(batch, { training: true }) applies dropout as in train mode; the default is
// eval mode (deterministic). Frozen parameters also get `variable.trainable = false`.

export { toBatch, disposeBatch, type BatchArrays } from './batch.ts';
export {
  ARCHITECTURES, ModelConfigError, SUPPORTED_MODEL_TYPES, parseModelConfig, readModelConfig, resolveArchitecture,
  type Architecture, type ModelConfig, type ModelType, type MT5Config, type RobertaConfig,
} from './config/index.ts';
export { PROBLEM_TYPES, type ProblemType } from './config/labels.ts';
export { buildModel, createRandomModel, specsFor, type AnyModel, type RandomModelOptions } from './factory.ts';
export { inspectModelDir, modelInfo, taskOf } from './inspect.ts';
export { openCheckpoint, type Checkpoint } from './io/checkpoint.ts';
export { SafetensorsError, SafetensorsFile, writeSafetensors } from './io/safetensors.ts';
export type { RunContext } from './layers/dropout.ts';
export { FLOAT32_MIN } from './layers/masks.ts';
export { CheckpointMismatchError, loadPretrained, type LoadOptions, type LoadReport, type LoadedModel } from './load.ts';
export { IGNORE_INDEX, bceWithLogits, crossEntropy, meanSquaredError } from './losses.ts';
export { PretrainedModel, type Batch, type BuildOptions, type FreezeOptions } from './model.ts';
export { MT5ForConditionalGeneration, shiftRight } from './mt5/conditionalGeneration.ts';
export type { BeamOptions, GenerateOptions, GenerationResult } from './mt5/generate.ts';
export { relativePositionBuckets } from './mt5/relativePosition.ts';
export { PARAM_GROUPS, countParameters, type ParamGroup, type ParamSpec, type ParameterCounts } from './params/spec.ts';
export { parsePredictInput, predictRows, PredictInputError, type PredictOptions, type PredictRow } from './predict.ts';
export { RobertaForMaskedLM } from './roberta/maskedLM.ts';
export { RobertaForSequenceClassification } from './roberta/sequenceClassification.ts';
export { robertaPositionIds } from './roberta/body.ts';
export { savePretrained, type SaveOptions, type SaveResult } from './save.ts';
export { HfTokenizer, TokenizerError, padBatch, type BatchEncodeOptions, type BatchEncoding } from './tokenizer.ts';
export { defaultTolerances, readGolden, runGoldenChecks, type GoldenRow, type Tolerances } from './golden/check.ts';
