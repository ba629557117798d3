// Everything a run needs before its first step: the model (from the config's folder, or from a
// checkpoint when resuming), the tokenizer, and the dataset validated and tokenized.
import type { RunConfig, Task } from '../../common/runConfig.ts';
import { inspectModelDir, loadPretrained, type AnyModel, type HfTokenizer, type LoadReport } from '../../models/index.ts';
import { encodeExamples, isGenericLabels, loadDataset, type EncodedExample, type Example } from '../data/index.ts';

export interface Prepared {
  model: AnyModel;
  tokenizer: HfTokenizer;
  task: Task;
  labels: string[] | null;
  train: EncodedExample[];
  validation: EncodedExample[];
  validationExamples: Example[];
  report: LoadReport;
  notes: string[];
}

export class PrepareError extends Error {
  override name = 'PrepareError';
}

/** Variable names are `run<id>/<hf name>`, so a resumed run matches its saved optimizer state. */
export const scopeFor = (runId: number): string => `run${runId}`;

export async function prepare(config: RunConfig, runId: number, resumeModelDir: string | null): Promise<Prepared> {
  const info = inspectModelDir(config.model);
  const task = config.task ?? info.task;
  if ((task === 'seq2seq') !== (info.modelType === 'mt5')) {
    throw new PrepareError(`task "${task}" does not fit ${info.architecture} (${config.model}); ${info.modelType === 'mt5' ? 'mT5 models do seq2seq' : 'RoBERTa models do classification or regression'}`);
  }
  const modelLabels = task === 'classification' && info.labels && !isGenericLabels(info.labels) ? info.labels : null;
  const dataset = await loadDataset(config.dataset, { task, modelLabels });
  const notes = dataset.notes.map((n) => n.message);

  const labels = dataset.labels;
  const relabel = !resumeModelDir && task === 'classification' && labels && (labels.length !== info.numLabels || !modelLabels);
  const loaded = loadPretrained(resumeModelDir ?? config.model, {
    scope: scopeFor(runId),
    seed: config.training.seed,
    ...(relabel ? { id2label: Object.fromEntries(labels.map((l, i) => [i, l])) } : {}),
    ...(task === 'regression' && !resumeModelDir ? { numLabels: 1, problemType: 'regression' as const } : {}),
    stableEmbedding: config.modelOptions.stableEmbedding && !resumeModelDir,
  });
  if (!loaded.tokenizer) {
    loaded.model.dispose();
    throw new PrepareError(`${config.model} has no tokenizer.json; save the tokenizer with the model (tokenizer.save_pretrained)`);
  }
  const model = loaded.model;
  model.freeze({ embeddings: config.modelOptions.freezeEmbeddings, lmHead: config.modelOptions.freezeLmHead });
  if (config.modelOptions.dropout !== undefined) model.setDropout(config.modelOptions.dropout);
  if (loaded.report.initialized.length) notes.push(`new parameters initialised: ${loaded.report.initialized.join(', ')}`);

  const maxLength = info.maxInputLength ? Math.min(config.training.maxLength, info.maxInputLength) : config.training.maxLength;
  if (maxLength < config.training.maxLength) notes.push(`training.maxLength ${config.training.maxLength} exceeds what the model takes; inputs are truncated to ${maxLength} tokens`);
  const enc = { task, maxLength, maxTargetLength: config.training.maxTargetLength };
  const train = encodeExamples(loaded.tokenizer, dataset.train, enc);
  const validation = encodeExamples(loaded.tokenizer, dataset.validation, enc);
  return { model, tokenizer: loaded.tokenizer, task, labels, train, validation, validationExamples: dataset.validation, report: loaded.report, notes };
}
