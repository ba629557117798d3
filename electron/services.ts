// The main-side services of the desktop app, without Electron: bundled on its own
// (dist/electron/services.cjs) so the very code the app runs can be started under plain Node.
import { fork } from 'node:child_process';
import { createStudioService } from '../main/service/createStudioService.ts';
import type { StudioService } from '../main/service/studioService.ts';
import type { TrainerHandle, TrainerLauncher } from '../main/trainer/launcher.ts';
import type { FromTrainer, ToTrainer } from '../main/trainer/protocol.ts';
import { resolveStorePaths } from '../main/cli/serviceOptions.ts';

export interface AppServicesOptions {
  dataDir?: string;
  db?: string;
  launcher: TrainerLauncher;
}

export async function startAppServices(opts: AppServicesOptions): Promise<StudioService> {
  return createStudioService({ ...resolveStorePaths(opts), launcher: opts.launcher });
}

export { resolveStorePaths };

/**
 * Forks the bundled trainer (dist/electron/worker.cjs) as a Node child process: how the bundles are
 * checked without Electron (the app itself uses a utilityProcess, electron/trainerLauncher.ts).
 */
export function bundledWorkerLauncher(workerPath: string, env: NodeJS.ProcessEnv = {}): TrainerLauncher {
  return {
    launch(): TrainerHandle {
      const child = fork(workerPath, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
      let exited = false;
      const exitHandlers: ((code: number | null, signal: string | null) => void)[] = [];
      child.on('exit', (code, signal) => {
        exited = true;
        for (const h of exitHandlers) h(code, signal);
      });
      return {
        get pid() {
          return child.pid;
        },
        send(msg: ToTrainer) {
          if (!exited && child.connected) child.send(msg);
        },
        onMessage(handler: (msg: FromTrainer) => void) {
          child.on('message', (m) => handler(m as FromTrainer));
        },
        onExit(handler) {
          exitHandlers.push(handler);
        },
        kill(signal: NodeJS.Signals = 'SIGTERM') {
          if (!exited) child.kill(signal);
        },
      };
    },
  };
}
