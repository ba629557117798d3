// The trainer's side of the host connection: Electron's utilityProcess port when present,
// otherwise Node's child_process IPC.
import type { FromTrainer, ToTrainer } from './protocol.ts';

interface ParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', handler: (e: { data: unknown }) => void): void;
}

export interface TrainerChannel {
  send(msg: FromTrainer): void;
  onMessage(handler: (msg: ToTrainer) => void): void;
}

export function hostChannel(): TrainerChannel {
  const port = (process as unknown as { parentPort?: ParentPort }).parentPort;
  if (port) {
    return {
      send: (msg) => port.postMessage(msg),
      onMessage: (h) => port.on('message', (e) => h(e.data as ToTrainer)),
    };
  }
  if (!process.send) throw new Error('the trainer must be started by a host process (octet train, octet serve or the app)');
  return {
    send: (msg) => {
      if (process.connected) process.send?.(msg);
    },
    onMessage: (h) => process.on('message', (m) => h(m as ToTrainer)),
  };
}
