// Child process for the crash-safety test: writes a run's metrics, samples, log lines, progress and
// checkpoints in a tight loop until it is SIGKILLed. Every `flushEvery` steps one transaction holds
// whole steps, so the parent can check that what survived is a complete prefix.
// usage: node --import tsx killWriter.ts <db> <runId> <flushEvery>
import { ExperimentStore } from '../experimentStore.ts';

const [dbPath, runIdArg, flushEveryArg] = process.argv.slice(2);
const runId = Number(runIdArg);
const flushEvery = Number(flushEveryArg);
const store = ExperimentStore.open(dbPath);
store.updateRun(runId, { status: 'running', pid: process.pid, startedAt: Date.now() });
const w = store.metricWriter(runId, { maxItems: 1e9, flushMs: 0, sparklineEveryMs: 0 });

let announced = false;
for (let step = 1; ; step++) {
  const time = Date.now();
  const epoch = step / 1000;
  w.metric({ step, epoch, split: 'train', name: 'loss', value: 1 / step, time });
  w.metric({ step, epoch, split: 'train', name: 'lr', value: step * 1e-6, time });
  w.log('info', `step ${step}`, time);
  if (step % 5 === 0) {
    w.system({ time, step, gpuUsedBytes: step, gpuTotalBytes: 1e9, gpuUtilPercent: 50, gpuTemperatureC: 60, rssBytes: step * 2, tensorBytes: step * 3 });
  }
  w.progress({ step, epoch, totalSteps: 1e9, durationMs: step });
  if (step % flushEvery === 0) {
    w.flush();
    if (!announced) {
      process.stdout.write('writing\n');
      announced = true;
    }
  }
  if (step % 50 === 0) {
    w.flush();
    store.addCheckpoint(runId, { step, epoch, path: `/ckpt/${step}`, sizeBytes: step * 10, metric: { name: 'accuracy', value: step / 1e6 }, isBest: true });
    store.offerBestMetric(runId, { name: 'accuracy', value: step / 1e6, step }, true);
  }
}
