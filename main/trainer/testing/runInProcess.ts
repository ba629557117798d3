// Test helper: runs a training session in this process against a temporary store, recording what the
// trainer sends to its host. (The CLI and the app run the same session in a child process.)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseRunConfig, type RunConfig, type RunConfigInput } from '../../../common/runConfig.ts';
import type { RunDetail, RunId } from '../../../common/runs.ts';
import { ExperimentStore } from '../../store/index.ts';
import type { TrainerChannel } from '../channel.ts';
import type { FromTrainer } from '../protocol.ts';
import { runTraining } from '../session.ts';

export const REPO = resolve(import.meta.dirname, '../../..');

export interface TestEnv {
  dataDir: string;
  dbPath: string;
}

export function tempEnv(): TestEnv {
  const dataDir = mkdtempSync(join(tmpdir(), 'octet-trainer-'));
  return { dataDir, dbPath: join(dataDir, 'octet.db') };
}

export function classificationConfig(overrides: Partial<RunConfigInput> = {}): RunConfig {
  const res = parseRunConfig({
    model: join(REPO, 'assets/models/tiny-roberta-cls'),
    task: 'classification',
    dataset: { train: join(REPO, 'assets/datasets/topics/train.csv'), validation: join(REPO, 'assets/datasets/topics/validation.csv'), columns: { text: 'text', label: 'label' }, maxRows: 1200 },
    optimizer: { name: 'adamw8bit', lr: 3e-3, blockSize: 64, min8bitSize: 256 },
    training: { epochs: 2, batchSize: 32, maxLength: 64, seed: 3 },
    ...overrides,
  });
  if (!res.ok) throw new Error(res.errors.join('\n'));
  return res.config;
}

export function createRun(env: TestEnv, config: RunConfig): RunId {
  const store = ExperimentStore.open(env.dbPath);
  try {
    return store.createRun({ config }).id;
  } finally {
    store.close();
  }
}

export async function train(env: TestEnv, runId: RunId, opts: { resume?: boolean; stopAfterStep?: number } = {}): Promise<{ messages: FromTrainer[]; run: RunDetail }> {
  const messages: FromTrainer[] = [];
  const channel: TrainerChannel = { send: (m) => messages.push(m), onMessage: () => undefined };
  await runTraining({ runId, dbPath: env.dbPath, dataDir: env.dataDir, resume: opts.resume ?? false, stopAfterStep: opts.stopAfterStep }, channel, { requested: false });
  const store = ExperimentStore.open(env.dbPath);
  try {
    return { messages, run: store.getRun(runId) };
  } finally {
    store.close();
  }
}

export function series(env: TestEnv, runId: RunId, name: string): { x: number[]; y: number[] } {
  const store = ExperimentStore.open(env.dbPath);
  try {
    const s = store.getSeries(runId, [name], 100_000)[0];
    return { x: s?.x ?? [], y: s?.y ?? [] };
  } finally {
    store.close();
  }
}
