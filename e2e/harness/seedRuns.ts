// Fills a fresh database with many finished runs (scale checks of the Runs screen and the charts).
// Test data written through the real store, as a trainer would have written it.
import type { OptimizerName } from '../../common/optimizers.ts';
import { parseRunConfig } from '../../common/runConfig.ts';
import type { MetricPoint, SystemSample } from '../../common/runs.ts';
import { ExperimentStore } from '../../main/store/index.ts';

const OPTIMIZERS: OptimizerName[] = ['adamw8bit', 'adamw32bit', 'adam8bit', 'lion8bit', 'momentum8bit'];

function config(i: number) {
  const res = parseRunConfig({
    name: `sweep-${String(i).padStart(4, '0')}`,
    model: i % 2 ? '/models/roberta-large' : '/models/roberta-base',
    dataset: { train: `/data/task-${i % 7}.csv` },
    optimizer: { name: OPTIMIZERS[i % OPTIMIZERS.length], lr: 1e-5 * (1 + (i % 5)) },
    tags: [i % 3 ? 'sweep' : 'baseline'],
  });
  if (!res.ok) throw new Error(res.errors.join('\n'));
  return res.config;
}

/** `count` completed runs with short loss curves; one more run ("long-run") with `longPoints` steps. */
export function seedRuns(dbPath: string, count: number, longPoints = 10_000): { longRunId: number } {
  const store = ExperimentStore.open(dbPath);
  try {
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < count; i++) {
      const run = store.createRun({ config: config(i), createdAt: t0 + i * 60_000, totalSteps: 20 });
      const points: MetricPoint[] = Array.from({ length: 20 }, (_, s) => ({ step: s + 1, epoch: (s + 1) / 20, split: 'train', name: 'loss', value: 2 / (1 + s * (0.1 + (i % 10) / 50)), time: t0 + s }));
      store.append(run.id, { points, refreshSparkline: true });
      store.updateRun(run.id, {
        status: i % 17 === 0 ? 'failed' : 'completed',
        step: 20,
        epoch: 1,
        durationMs: 1000 * (30 + (i % 600)),
        bestMetric: { name: 'accuracy', value: 0.5 + (i % 50) / 100, step: 20 },
        measuredPeakBytes: (1 + (i % 6)) * 2 ** 30,
      });
    }
    const long = store.createRun({ config: { ...config(count), name: 'long-run' }, totalSteps: longPoints });
    const points: MetricPoint[] = [];
    const samples: SystemSample[] = [];
    for (let s = 1; s <= longPoints; s++) {
      const time = t0 + s * 100;
      points.push({ step: s, epoch: s / 1000, split: 'train', name: 'loss', value: 2 * Math.exp(-s / 3000) + 0.2 * Math.abs(Math.sin(s / 7)), time });
      points.push({ step: s, epoch: s / 1000, split: 'train', name: 'lr', value: 5e-5 * Math.min(1, s / 600) * (1 - s / (longPoints + 1)), time });
      if (s % 500 === 0) points.push({ step: s, epoch: s / 1000, split: 'eval', name: 'accuracy', value: 0.5 + 0.4 * (1 - Math.exp(-s / 3000)), time });
      if (s % 5 === 0) samples.push({ time, step: s, gpuUsedBytes: null, gpuTotalBytes: null, gpuUtilPercent: null, gpuTemperatureC: null, rssBytes: 900 * 2 ** 20, tensorBytes: (300 + 50 * Math.sin(s / 200)) * 2 ** 20 });
    }
    store.append(long.id, { points, samples, refreshSparkline: true });
    store.updateRun(long.id, { status: 'completed', step: longPoints, epoch: longPoints / 1000, durationMs: longPoints * 100 });
    return { longRunId: long.id };
  } finally {
    store.close();
  }
}
