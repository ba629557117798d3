// Label maps as PretrainedConfig builds them: id2label wins over num_labels; default names LABEL_i.
import { ModelConfigError } from './errors.ts';

export const PROBLEM_TYPES = ['regression', 'single_label_classification', 'multi_label_classification'] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

export interface LabelMaps {
  numLabels: number;
  id2label: Record<number, string>;
  label2id: Record<string, number>;
}

export function defaultLabelMaps(numLabels: number): LabelMaps {
  const id2label: Record<number, string> = {};
  for (let i = 0; i < numLabels; i++) id2label[i] = `LABEL_${i}`;
  return { numLabels, id2label, label2id: Object.fromEntries(Object.entries(id2label).map(([k, v]) => [v, Number(k)])) };
}

export function labelMaps(id2labelRaw: Record<string, string> | undefined, numLabels: number | undefined, file: string): LabelMaps {
  if (!id2labelRaw || Object.keys(id2labelRaw).length === 0) return defaultLabelMaps(numLabels ?? 2);
  const id2label: Record<number, string> = {};
  for (const [k, v] of Object.entries(id2labelRaw)) {
    const id = Number(k);
    if (!Number.isInteger(id) || id < 0) throw new ModelConfigError(`${file}: id2label key "${k}" is not a non-negative integer`);
    id2label[id] = v;
  }
  const n = Object.keys(id2label).length;
  for (let i = 0; i < n; i++) {
    if (!(i in id2label)) throw new ModelConfigError(`${file}: id2label must have the keys 0..${n - 1}; "${i}" is missing`);
  }
  return { numLabels: n, id2label, label2id: Object.fromEntries(Object.entries(id2label).map(([k, v]) => [v, Number(k)])) };
}
