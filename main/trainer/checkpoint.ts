// Saving and loading checkpoints. A checkpoint is written into a temporary folder and renamed into
// place, so a trainer killed while saving never leaves a half checkpoint that looks whole.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { savePretrained, type AnyModel, type HfTokenizer } from '../../models/index.ts';
import { loadStateFile, saveStateFile, type BlockwiseOptimizer } from '../../optim/index.ts';
import { folderSize } from '../files.ts';
import { checkpointDirFor, checkpointModelDir, checkpointOptimizerFile, checkpointTrainerFile } from './checkpointLayout.ts';
import { TrainerStateSchema, type TrainerState } from './trainerState.ts';

export async function saveCheckpoint(
  runDir: string,
  parts: { model: AnyModel; tokenizer: HfTokenizer; optimizer: BlockwiseOptimizer; state: TrainerState },
): Promise<{ path: string; sizeBytes: number }> {
  const dir = checkpointDirFor(runDir, parts.state.step);
  const tmp = `${dir}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  await savePretrained(parts.model, checkpointModelDir(tmp), { tokenizer: parts.tokenizer });
  await saveStateFile(parts.optimizer, checkpointOptimizerFile(tmp));
  writeFileSync(checkpointTrainerFile(tmp), `${JSON.stringify(parts.state, null, 2)}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { path: dir, sizeBytes: folderSize(dir) };
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function readTrainerState(cpDir: string): TrainerState {
  const file = checkpointTrainerFile(cpDir);
  if (!existsSync(file)) throw new CheckpointError(`checkpoint ${cpDir} has no trainer-state.json; it is incomplete`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CheckpointError(`checkpoint ${cpDir}: trainer-state.json is not valid JSON (${(err as Error).message})`);
  }
  const parsed = TrainerStateSchema.safeParse(raw);
  if (!parsed.success) throw new CheckpointError(`checkpoint ${cpDir}: trainer-state.json is not a state this version reads: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export async function loadOptimizerState(cpDir: string, optimizer: BlockwiseOptimizer): Promise<void> {
  await loadStateFile(optimizer, checkpointOptimizerFile(cpDir));
}
