// The main-side services of the desktop app, without Electron: bundled on its own
// (dist/electron/services.cjs) so the very code the app runs can be started under plain Node.
import { createStudioService } from '../main/service/createStudioService.ts';
import type { StudioService } from '../main/service/studioService.ts';
import { childProcessLauncher } from '../main/trainer/childProcessLauncher.ts';
import type { TrainerLauncher } from '../main/trainer/launcher.ts';
import { resolveStorePaths } from '../main/cli/serviceOptions.ts';

export interface AppServicesOptions {
  dataDir?: string;
  db?: string;
  launcher: TrainerLauncher;
}

export async function startAppServices(opts: AppServicesOptions): Promise<StudioService> {
  return createStudioService({ ...resolveStorePaths(opts), launcher: opts.launcher });
}

/**
 * Forks the bundled trainer (dist/electron/worker.cjs) as a Node child process: how the bundles are
 * checked without Electron (the app itself uses a utilityProcess, electron/trainerLauncher.ts).
 */
export function bundledWorkerLauncher(workerPath: string, env: NodeJS.ProcessEnv = {}): TrainerLauncher {
  return childProcessLauncher({ workerPath, env });
}
