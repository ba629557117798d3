// How a host starts a trainer process. The CLI and `octet serve` use child processes; the Electron
// app supplies a utilityProcess launcher with the same interface (electron/trainerLauncher.ts).
import type { FromTrainer, ToTrainer } from './protocol.ts';

export interface TrainerHandle {
  readonly pid: number | undefined;
  send(msg: ToTrainer): void;
  onMessage(handler: (msg: FromTrainer) => void): void;
  /** Called once when the process is gone, with its exit code or the signal that killed it. */
  onExit(handler: (code: number | null, signal: string | null) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

export interface TrainerLauncher {
  launch(): TrainerHandle;
}
