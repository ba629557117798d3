// Entry of a trainer process (child_process under the CLI and `octet serve`, utilityProcess under
// Electron). It trains one run and exits; a stop request, SIGTERM or a lost host ends it gracefully
// (checkpoint first), so nothing is lost that a resume cannot recover.
import { hostChannel } from './channel.ts';
import { runTraining, type StopControl } from './session.ts';

const channel = hostChannel();
const stop: StopControl = { requested: false };
let started = false;

const requestStop = () => {
  stop.requested = true;
};
process.on('SIGTERM', requestStop);
process.on('SIGINT', requestStop);
process.on('disconnect', requestStop);

channel.onMessage((msg) => {
  if (msg.type === 'stop') {
    requestStop();
    return;
  }
  if (msg.type !== 'start' || started) return;
  started = true;
  runTraining(msg.args, channel, stop)
    .then((r) => channel.send({ type: 'done', status: r.status, error: r.error }))
    .catch((err: unknown) => {
      const error = err instanceof Error ? err.message : String(err);
      channel.send({ type: 'done', status: 'failed', error });
    })
    .finally(() => {
      // Give the IPC channel a moment to deliver the last messages.
      setTimeout(() => process.exit(0), 200).unref();
    });
});

channel.send({ type: 'ready', pid: process.pid });
