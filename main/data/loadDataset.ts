// Loads a dataset as a run config describes it: reads the training (and validation) file, resolves the
// column mapping, infers the task when neither the config nor the model gives it, validates every row,
// maps labels to ids, and splits off validation by a seeded fraction when there is no validation file.
import type { DatasetSpec, Task } from '../../common/runConfig.ts';
import { DatasetError, issue, noTaskIssue } from './errors.ts';
import { readTable } from './readTable.ts';
import { resolveMapping } from './resolveMapping.ts';
import { limitExamples, splitExamples } from './split.ts';
import { inferTask } from './suggestMapping.ts';
import type { LoadedDataset } from './types.ts';
import { validateTable } from './validate.ts';

export interface LoadOptions {
  /** Task from the config or the model; inferred from the data when absent. */
  task?: Task | null;
  /** The model's id2label in id order (classification); null or absent for a fresh head. */
  modelLabels?: readonly string[] | null;
}

export async function loadDataset(spec: DatasetSpec, opts: LoadOptions = {}): Promise<LoadedDataset> {
  const table = await readTable(spec.train, spec.format);
  const { mapping, notes } = resolveMapping(table, spec.columns, opts.task ?? null);
  const task = opts.task ?? inferTask(mapping, table.rows);
  if (!task) {
    // No rows, a missing text column, …: the row checks say what is wrong better than "no task".
    const probe = validateTable(table, mapping, { task: 'classification', role: 'the training file' });
    const noRows = probe.issues.items.filter((i) => i.code === 'no-rows');
    if (noRows.length) throw new DatasetError(spec.train, noRows);
    const noText = probe.issues.items.filter((i) => i.code === 'missing-column' && i.column === mapping.text);
    throw new DatasetError(spec.train, [...noText, noTaskIssue(table.columns)]);
  }
  const train = validateTable(table, mapping, { task, modelLabels: opts.modelLabels, role: 'the training file' });
  if (train.issues.count) throw new DatasetError(spec.train, train.issues.items, train.issues.more);

  let trainExamples = train.examples;
  let validation;
  let validationSource: LoadedDataset['validationSource'];
  if (spec.validation) {
    const vTable = await readTable(spec.validation, spec.format);
    const v = validateTable(vTable, mapping, { task, modelLabels: opts.modelLabels, trainLabels: train.labels, role: 'the validation file' });
    if (v.issues.count) throw new DatasetError(spec.validation, v.issues.items, v.issues.more);
    validation = v.examples;
    validationSource = 'file' as const;
  } else {
    const split = splitExamples(train.examples, spec.validationFraction, spec.splitSeed, task === 'classification');
    if (!split.train.length || !split.validation.length) {
      throw new DatasetError(spec.train, [
        issue('split-too-small', null, null, `${train.examples.length} row(s) cannot be split into training and validation; add rows or give a validation file (dataset.validation)`),
      ]);
    }
    trainExamples = split.train;
    validation = split.validation;
    validationSource = 'split' as const;
  }
  if (spec.maxRows !== undefined) trainExamples = limitExamples(trainExamples, spec.maxRows, spec.splitSeed);
  return {
    task,
    format: table.format,
    mapping,
    train: trainExamples,
    validation,
    labels: task === 'classification' ? (train.labels?.names ?? null) : null,
    validationSource,
    notes,
  };
}
