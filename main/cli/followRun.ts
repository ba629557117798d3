// Shows a run's progress in the terminal until it ends: a progress bar on a TTY, a line every few
// percent otherwise. Ctrl-C asks for a graceful stop (checkpoint first); a second Ctrl-C kills.
import cliProgress from 'cli-progress';
import type { RunEvent, RunId, RunStatus } from '../../common/runs.ts';
import type { StudioService } from '../service/studioService.ts';
import { formatDuration, formatMetric } from './table.ts';

const FINAL: readonly RunStatus[] = ['completed', 'stopped', 'failed', 'diverged', 'crashed'];

export interface FollowResult {
  status: RunStatus;
  error: string | null;
}

export function followRun(service: StudioService, runId: RunId, opts: { quiet?: boolean } = {}): Promise<FollowResult> {
  const tty = Boolean(process.stderr.isTTY) && !opts.quiet;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: 'run {run} |{bar}| step {value}/{total} | loss {loss} | {sps} samples/s | ETA {eta}',
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  let lastLoss = NaN;
  let lastPrinted = -1;
  return new Promise((resolveDone) => {
    let stopRequests = 0;
    const onSigint = () => {
      stopRequests++;
      if (stopRequests === 1) {
        process.stderr.write('\nstopping: the trainer saves a checkpoint first (Ctrl-C again to kill it)\n');
        void service.stopRun({ id: runId }).catch((e: Error) => process.stderr.write(`octet: ${e.message}\n`));
      } else {
        process.stderr.write('killing the trainer; resume later from its last checkpoint\n');
        void service.close().finally(() => process.exit(130));
      }
    };
    process.on('SIGINT', onSigint);
    const finish = (status: RunStatus, error: string | null) => {
      bar?.stop();
      off();
      process.off('SIGINT', onSigint);
      resolveDone({ status, error });
    };
    const off = service.onEvents((events: RunEvent[]) => {
      for (const ev of events) {
        if (!('runId' in ev) || ev.runId !== runId) continue;
        if (ev.type === 'metrics') {
          for (const p of ev.points) if (p.split === 'train' && p.name === 'loss') lastLoss = p.value;
          const evals = new Map<number, string[]>();
          for (const p of ev.points) if (p.split === 'eval') evals.set(p.step, [...(evals.get(p.step) ?? []), `${p.name} ${formatMetric(p.value)}`]);
          if (!opts.quiet) for (const [step, parts] of evals) process.stderr.write(`${bar ? '\n' : ''}  eval at step ${step}: ${parts.join(', ')}\n`);
        } else if (ev.type === 'progress') {
          const { step, totalSteps, samplesPerSecond, etaMs } = ev.progress;
          const payload = { run: runId, loss: formatMetric(lastLoss), sps: samplesPerSecond ? samplesPerSecond.toFixed(1) : '—', eta: formatDuration(etaMs) };
          if (bar) {
            if (!started) bar.start(totalSteps ?? 0, step, payload);
            else bar.update(step, payload);
            if (totalSteps) bar.setTotal(totalSteps);
            started = true;
          } else if (!opts.quiet && totalSteps) {
            const pct = Math.floor((100 * step) / totalSteps / 10);
            if (pct !== lastPrinted) {
              lastPrinted = pct;
              process.stderr.write(`run ${runId}: step ${step}/${totalSteps} loss ${payload.loss} ${payload.sps} samples/s ETA ${payload.eta}\n`);
            }
          }
        } else if (ev.type === 'log' && !opts.quiet) {
          for (const l of ev.lines) if (l.level !== 'info') process.stderr.write(`${bar ? '\n' : ''}[${l.level}] ${l.message}\n`);
        } else if (ev.type === 'status' && FINAL.includes(ev.status)) {
          finish(ev.status, ev.error);
        }
      }
    });
    // The run may have ended before we subscribed.
    void service.getRun({ id: runId }).then((r) => {
      if (FINAL.includes(r.status)) finish(r.status, r.error);
    });
  });
}
