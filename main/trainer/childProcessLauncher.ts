// Starts the trainer as a Node child process (CLI and `octet serve`), so training never runs on
// the caller's event loop and a crash or OOM there leaves the caller and the database intact.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TrainerHandle, TrainerLauncher } from './launcher.ts';
import type { FromTrainer, ToTrainer } from './protocol.ts';

export interface ChildLauncherOptions {
  /** Extra environment for the trainer (e.g. OCTET_NATIVE=0). */
  env?: NodeJS.ProcessEnv;
  /** Where the trainer's stderr goes (default: inherited). */
  stderr?: 'inherit' | 'pipe';
  onStderr?: (chunk: string) => void;
  /** A bundled worker (the desktop app's dist/electron/worker.cjs); default: worker.ts through tsx. */
  workerPath?: string;
}

export function childProcessLauncher(opts: ChildLauncherOptions = {}): TrainerLauncher {
  return {
    launch(): TrainerHandle {
      const workerPath = opts.workerPath ?? fileURLToPath(new URL('./worker.ts', import.meta.url));
      const loader = opts.workerPath ? [] : ['--import', import.meta.resolve('tsx')];
      const child = fork(workerPath, [], {
        execArgv: [...loader, '--max-old-space-size=16384'],
        env: { ...process.env, ...opts.env },
        stdio: ['ignore', 'inherit', opts.stderr ?? 'inherit', 'ipc'],
        serialization: 'advanced',
      });
      if (opts.stderr === 'pipe' && child.stderr) {
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (c: string) => opts.onStderr?.(c));
      }
      let exited = false;
      child.on('exit', () => (exited = true));
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
          child.on('exit', handler);
        },
        kill(signal: NodeJS.Signals = 'SIGTERM') {
          if (!exited) child.kill(signal);
        },
      };
    },
  };
}
