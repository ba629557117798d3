// Where a checkpoint keeps what: `model/` is a Hugging Face folder (so export is a copy), next to the
// optimizer state and the trainer's own state (step, data position, RNG, scheduler, best metric).
import { join } from 'node:path';

export const checkpointModelDir = (cpDir: string): string => join(cpDir, 'model');
export const checkpointOptimizerFile = (cpDir: string): string => join(cpDir, 'optimizer.octs');
export const checkpointTrainerFile = (cpDir: string): string => join(cpDir, 'trainer-state.json');
export const checkpointsDir = (runDir: string): string => join(runDir, 'checkpoints');
export const checkpointDirFor = (runDir: string, step: number): string => join(checkpointsDir(runDir), `step-${String(step).padStart(7, '0')}`);
