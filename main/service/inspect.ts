// Model inspection and dataset preview for the New-run screen (no weights loaded, nothing thrown
// for a bad dataset: its problems come back in the preview).
import { existsSync } from 'node:fs';
import type { DatasetPreview } from '../../common/datasets.ts';
import type { ModelInfo } from '../../common/models.ts';
import { DatasetSpecSchema, type DatasetSpec } from '../../common/runConfig.ts';
import { inspectModelDir } from '../../models/index.ts';
import { previewDataset as preview } from '../data/index.ts';

export async function inspectModel(path: string): Promise<ModelInfo> {
  if (!existsSync(path)) throw new Error(`model folder ${path} does not exist`);
  return inspectModelDir(path);
}

export async function previewDataset(spec: DatasetSpec, rows = 20): Promise<DatasetPreview> {
  return preview(DatasetSpecSchema.parse(spec), { rows });
}
