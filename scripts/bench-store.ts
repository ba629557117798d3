// Experiment-store benchmark: fills a temporary database with N runs × M steps of metrics through the
// store's batched write path, then times the run browser's queries (p50/p95 over repetitions).
// usage: npm run bench:store [-- --runs 10000 --steps 2000 --reps 40 --db path --keep]
//        npm run bench:store -- --db path --queries-only   (time the queries of a kept database again)
import { statSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OptimizerName } from '../common/optimizers.ts';
import type { Task } from '../common/runConfig.ts';
import { RUN_SORT_KEYS, type MetricPoint, type RunQuery, type RunStatus, type SystemSample } from '../common/runs.ts';
import { ExperimentStore } from '../main/store/index.ts';
import { tempDir, testConfig } from '../main/store/testing/fixtures.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    steps: { type: 'string', default: '2000' },
    reps: { type: 'string', default: '40' },
    db: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'queries-only': { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const STEPS = Number(args.steps);
const REPS = Number(args.reps);
const EVAL_EVERY = 100;
const LR_EVERY = 10;
const SAMPLE_EVERY = 20;

// Deterministic pseudo-random data (mulberry32).
let seed = 12345;
const rand = (): number => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const WORDS = ['swift', 'calm', 'bold', 'amber', 'lunar', 'misty', 'rapid', 'quiet', 'brave', 'noble', 'fuzzy', 'sunny', 'polar', 'cosmic', 'gentle'];
const NOUNS = ['otter', 'falcon', 'maple', 'comet', 'harbor', 'canyon', 'meadow', 'glacier', 'lantern', 'orchid', 'summit', 'willow'];
const MODELS: [string, Task, string][] = [
  ['models/roberta-large', 'classification', 'roberta'],
  ['models/roberta-base', 'classification', 'roberta'],
  ['models/roberta-base-stsb', 'regression', 'roberta'],
  ['models/mt5-small', 'seq2seq', 'mt5'],
  ['models/mt5-base', 'seq2seq', 'mt5'],
];
const DATASETS: Record<Task, string[]> = {
  classification: ['glue/sst2/train.tsv', 'glue/mrpc/train.tsv', 'data/reviews.csv', 'assets/datasets/topics/train.csv'],
  regression: ['glue/stsb/train.tsv', 'data/ratings.parquet'],
  seq2seq: ['data/digits.jsonl', 'data/summaries.jsonl', 'data/translate-de.jsonl'],
};
const OPTIMIZERS: OptimizerName[] = ['adamw8bit', 'adamw32bit', 'adam8bit', 'adam32bit', 'lion8bit', 'momentum8bit'];
const STATUSES: RunStatus[] = ['completed', 'completed', 'completed', 'failed', 'stopped', 'crashed', 'diverged', 'running'];
const TAGS = Array.from({ length: 24 }, (_, i) => `tag${i}`).concat(['baseline', 'sweep', 'ablation', 'paper', 'gpu', 'cpu']);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function time(fn: () => unknown, reps = REPS): { p50: number; p95: number } {
  fn(); // warm the statement cache
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

const fmtMs = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(1));
const fmtBytes = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;

const tmp = args.db ? null : tempDir('octet-bench-store-');
const dbPath = args.db ?? join(tmp!.dir, 'bench.db');
const fileSize = (): number => [dbPath, `${dbPath}-wal`].filter(existsSync).reduce((s, f) => s + statSync(f).size, 0);

console.log(`bench-store: ${RUNS} runs × ${STEPS} steps → ${dbPath}`);
console.log(`  per run: ${STEPS} train/loss + ${Math.floor(STEPS / LR_EVERY)} train/lr + ${2 * Math.floor(STEPS / EVAL_EVERY)} eval points, ${Math.floor(STEPS / SAMPLE_EVERY)} system samples, ${Math.floor(STEPS / EVAL_EVERY)} log lines`);

let store = ExperimentStore.open(dbPath);
const t0 = performance.now();
let points = 0;
let rows = 0;
const insert = !args['queries-only'];
for (let r = 0; insert && r < RUNS; r++) {
  const [model, task, modelType] = pick(MODELS);
  const status = pick(STATUSES);
  const created = Date.UTC(2025, 0, 1) + r * 60_000 + Math.floor(rand() * 30_000);
  const tags = Array.from({ length: Math.floor(rand() * 3) }, () => pick(TAGS));
  const run = store.createRun({
    config: testConfig({ model, task, dataset: { train: pick(DATASETS[task]) }, optimizer: { name: pick(OPTIMIZERS), lr: pick([1e-5, 2e-5, 5e-5, 1e-4]) }, tags }),
    name: `${pick(WORDS)}-${pick(NOUNS)}-${r}`,
    modelType,
    createdAt: created,
    notes: rand() < 0.1 ? `tried ${pick(WORDS)} warmup with ${pick(NOUNS)} schedule` : '',
  });
  const pts: MetricPoint[] = [];
  const samples: SystemSample[] = [];
  const lines = [];
  const metric = task === 'classification' ? 'accuracy' : task === 'regression' ? 'pearson' : 'bleu';
  let best = -Infinity;
  let bestStep = 0;
  const base = 0.5 + rand() * 2;
  for (let s = 1; s <= STEPS; s++) {
    const t = created + s * 250;
    const epoch = s / 500;
    pts.push({ step: s, epoch, split: 'train', name: 'loss', value: base * Math.exp(-s / 600) + 0.05 * rand(), time: t });
    if (s % LR_EVERY === 0) pts.push({ step: s, epoch, split: 'train', name: 'lr', value: 5e-5 * (1 - s / STEPS), time: t });
    if (s % EVAL_EVERY === 0) {
      const v = 1 - Math.exp(-s / 800) * (0.5 + 0.1 * rand());
      pts.push({ step: s, epoch, split: 'eval', name: metric, value: v, time: t }, { step: s, epoch, split: 'eval', name: 'loss', value: 1 - v, time: t });
      if (v > best) [best, bestStep] = [v, s];
      lines.push({ time: t, level: 'info' as const, message: `eval at step ${s}: ${metric} ${v.toFixed(4)}` });
    }
    if (s % SAMPLE_EVERY === 0) {
      samples.push({ time: t, step: s, gpuUsedBytes: 3e9 + rand() * 2e9, gpuTotalBytes: 6e9, gpuUtilPercent: 90, gpuTemperatureC: 70, rssBytes: 1.5e9, tensorBytes: 2e9 });
    }
  }
  // One transaction per run, as the MetricWriter batches them (sparkline refreshed once, as on close).
  store.append(run.id, { points: pts, samples, lines, progress: { step: STEPS, epoch: STEPS / 500, totalSteps: STEPS, durationMs: STEPS * 250 }, refreshSparkline: true });
  store.updateRun(run.id, { status, startedAt: created, finishedAt: created + STEPS * 250, bestMetric: STEPS >= EVAL_EVERY ? { name: metric, value: best, step: bestStep } : null });
  points += pts.length;
  rows += pts.length + samples.length + lines.length + 1;
  if ((r + 1) % 1000 === 0) {
    const s = (performance.now() - t0) / 1000;
    console.log(`  ${r + 1} runs, ${(points / 1e6).toFixed(1)}M points, ${Math.round(points / s).toLocaleString('en')} points/s, ${fmtBytes(fileSize())}`);
  }
}
const insertS = (performance.now() - t0) / 1000;
store.close();
store = ExperimentStore.open(dbPath); // fresh connection: checkpointed WAL, cold statement cache
store.db.pragma('wal_checkpoint(TRUNCATE)');
const dbSize = fileSize();
if (!insert) console.log(`queries only, on an existing database of ${fmtBytes(dbSize)}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
else console.log(`inserted ${points.toLocaleString('en')} metric points (${rows.toLocaleString('en')} rows) in ${insertS.toFixed(1)} s: ${Math.round(points / insertS).toLocaleString('en')} points/s; database ${fmtBytes(dbSize)} (${(dbSize / points).toFixed(1)} bytes/point)`);

const results: [string, { p50: number; p95: number }][] = [];
const bench = (label: string, fn: () => unknown): void => {
  const r = time(fn);
  results.push([label, r]);
  console.log(`  ${label.padEnd(58)} p50 ${fmtMs(r.p50).padStart(6)} ms   p95 ${fmtMs(r.p95).padStart(6)} ms`);
};
const page = (q: RunQuery) => () => store.listRuns({ limit: 50, ...q });
for (const sort of RUN_SORT_KEYS) {
  for (const order of ['desc', 'asc'] as const) bench(`page of 50 sorted by ${sort} ${order}`, page({ sort, order }));
}
bench('page of 50 at offset 5000, sorted by createdAt', page({ offset: 5000 }));
bench('filter status=completed,failed', page({ status: ['completed', 'failed'] }));
bench('filter task=seq2seq + optimizer=adamw8bit, by bestMetric', page({ task: ['seq2seq'], optimizer: ['adamw8bit'], sort: 'bestMetric' }));
bench('filter tag=baseline', page({ tag: 'baseline' }));
// 'roberta' matches ~60 % of runs, 'glacier' ~8 %, the others fewer.
const searches = ['roberta', 'glacier', 'sst2 baseline', 'warmup', 'mt5 summaries'];
let si = 0;
bench(`search (FTS5 trigram), ${searches.length} queries rotating`, () => store.listRuns({ limit: 50, search: searches[si++ % searches.length] }));
si = 0;
bench(`search (LIKE scan, for comparison), same queries`, () => store.listRuns({ limit: 50, search: searches[si++ % searches.length] }, { searchMode: 'like' }));
bench('search for a 2-character term (LIKE fallback)', page({ search: 'ab' }));
bench('search + filter status=completed, sorted by name', page({ search: 'roberta', status: ['completed'], sort: 'name' }));
let ri = 0;
const runIds = Array.from({ length: 64 }, () => 1 + Math.floor(rand() * RUNS));
bench('one run: train/loss downsampled to 500 points', () => store.getSeries(runIds[ri++ % runIds.length], ['train/loss'], 500));
bench('one run: all 4 curves downsampled to 500 points', () => store.getSeries(runIds[ri++ % runIds.length], undefined, 500));
bench('one run: detail (config, checkpoints, exports)', () => store.getRun(runIds[ri++ % runIds.length]));
bench('compare 4 runs (loss + eval curves, config diff)', () => store.compareRuns(runIds.slice(ri % 60, (ri++ % 60) + 4), undefined, 500));
bench('one run: system samples (100)', () => store.getSystemSamples(runIds[ri++ % runIds.length], 500));
store.close();

console.log('\nMarkdown:\n');
if (insert) console.log(`Inserted ${RUNS.toLocaleString('en')} runs × ${STEPS.toLocaleString('en')} steps = ${points.toLocaleString('en')} metric points in ${insertS.toFixed(0)} s (${Math.round(points / insertS).toLocaleString('en')} points/s); database ${fmtBytes(dbSize)}.\n`);
console.log(`Load average during the queries: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (${cpus().length} cores).\n`);
console.log('| query | p50 ms | p95 ms |');
console.log('|---|---:|---:|');
for (const [label, r] of results) console.log(`| ${label} | ${fmtMs(r.p50)} | ${fmtMs(r.p95)} |`);

if (tmp && !args.keep) tmp.cleanup();
else console.log(`\nkept ${dbPath}`);
