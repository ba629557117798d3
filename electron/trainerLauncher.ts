// The desktop app's trainers run in Electron utilityProcesses: a crash, an OOM or a native fault
// there leaves the window, the main process and the database intact.
import { utilityProcess, type UtilityProcess } from 'electron';
import type { TrainerHandle, TrainerLauncher } from '../main/trainer/launcher.ts';
import type { FromTrainer, ToTrainer } from '../main/trainer/protocol.ts';

export function utilityProcessLauncher(workerPath: string, env: Record<string, string> = {}): TrainerLauncher {
  return {
    launch(): TrainerHandle {
      const child: UtilityProcess = utilityProcess.fork(workerPath, [], {
        serviceName: 'Octet Studio trainer',
        stdio: 'inherit',
        env: { ...(process.env as Record<string, string>), ...env },
      });
      let spawned = false;
      let exited = false;
      const queue: ToTrainer[] = [];
      child.once('spawn', () => {
        spawned = true;
        for (const m of queue.splice(0)) child.postMessage(m);
      });
      child.once('exit', () => (exited = true));
      return {
        get pid() {
          return child.pid;
        },
        send(msg: ToTrainer) {
          if (exited) return;
          if (spawned) child.postMessage(msg);
          else queue.push(msg);
        },
        onMessage(handler: (msg: FromTrainer) => void) {
          child.on('message', (m: unknown) => handler(m as FromTrainer));
        },
        onExit(handler) {
          // utilityProcess reports no signal
          child.once('exit', (code) => handler(code, null));
        },
        kill() {
          if (!exited) child.kill();
        },
      };
    },
  };
}
