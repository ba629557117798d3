// Small helpers for the store's tests and the benchmark: a valid config and a fresh database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunConfig, type RunConfig, type RunConfigInput } from '../../../common/runConfig.ts';

export function testConfig(over: Partial<RunConfigInput> = {}): RunConfig {
  const res = parseRunConfig({ model: 'testdata/models/tiny-roberta-cls', dataset: { train: 'assets/datasets/topics/train.csv' }, ...over });
  if (!res.ok) throw new Error(res.errors.join('\n'));
  return res.config;
}

/** A temporary directory removed by the returned cleanup function. */
export function tempDir(prefix = 'octet-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
