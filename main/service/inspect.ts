// Model inspection and dataset preview for the New-run screen; wired to models/ and main/data.
import type { DatasetPreview } from '../../common/datasets.ts';
import type { ModelInfo } from '../../common/models.ts';
import type { DatasetSpec } from '../../common/runConfig.ts';

export async function inspectModel(_path: string): Promise<ModelInfo> {
  throw new Error('model inspection is not wired yet');
}

export async function previewDataset(_spec: DatasetSpec, _rows = 20): Promise<DatasetPreview> {
  throw new Error('dataset preview is not wired yet');
}
