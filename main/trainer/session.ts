// One training run, top to bottom: backend → model and data → optimizer → (resume) → steps with
// gradient accumulation, clipping and a schedule → evaluation, checkpoints, early stopping → status.
// Everything it measures goes to the store through a batched writer and to the host as live events.
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import type { RunConfig } from '../../common/runConfig.ts';
import type { CheckpointInfo, MetricPoint, RunStatus } from '../../common/runs.ts';
import { disposeBatch, toBatch } from '../../models/index.ts';
import { createOptimizer, type BlockwiseOptimizer } from '../../optim/index.ts';
import { selectBackend } from '../backend/selectBackend.ts';
import { collate, ShuffledBatches } from '../data/index.ts';
import { metricForTask } from '../metrics/index.ts';
import { detectGpus } from '../monitor/gpuProbe.ts';
import { SystemMonitor } from '../monitor/systemMonitor.ts';
import { runDir } from '../paths.ts';
import { planInputFromRunConfig, planRun, predictedPeakFor, trackTensorPeak, type EngineLike } from '../planner/index.ts';
import { ExperimentStore } from '../store/index.ts';
import type { TrainerChannel } from './channel.ts';
import { loadOptimizerState, readTrainerState, saveCheckpoint } from './checkpoint.ts';
import { newTracker, recordEval, shouldStop } from './earlyStopping.ts';
import { describeFailure } from './failures.ts';
import { clipByGlobalNorm } from './gradClip.ts';
import { lrAt, warmupStepsFor, type Schedule } from './lrSchedule.ts';
import { prepare, type Prepared } from './prepare.ts';
import { checkpointsToDelete } from './retention.ts';
import { evaluate } from './evaluate.ts';
import type { TrainerStartArgs } from './protocol.ts';
import type { TrainerState } from './trainerState.ts';

export interface StopControl {
  requested: boolean;
}

/** Seeds far apart per (step, micro-batch), so the per-layer offsets (seed + k) never collide. */
const dropoutSeed = (seed: number, step: number, micro: number) => ((seed * 1_000_003 + step * 4096 + micro * 256) % 2 ** 31);

const num = (v: number | null | undefined) => (v === null || v === undefined ? Number.NaN : v);

export async function runTraining(args: TrainerStartArgs, channel: TrainerChannel, stop: StopControl): Promise<{ status: RunStatus; error: string | null }> {
  const store = ExperimentStore.open(args.dbPath);
  const runId = args.runId;
  const dir = runDir(args.dataDir, runId);
  mkdirSync(dir, { recursive: true });
  const writer = store.metricWriter(runId, {
    flushMs: 500,
    onFlush: (b) => {
      if (b.points.length) channel.send({ type: 'metrics', points: [...b.points] });
      if (b.samples.length) channel.send({ type: 'system', samples: [...b.samples] });
      if (b.lines.length) channel.send({ type: 'log', lines: [...b.lines] });
    },
    onError: (err) => console.error('octet trainer: could not write metrics:', err),
  });
  const log = (level: 'info' | 'warn' | 'error', message: string) => writer.log(level, message);
  const setStatus = (status: RunStatus, error: string | null) => {
    store.updateRun(runId, { status, error });
    channel.send({ type: 'status', status, error });
  };

  const run = store.getRun(runId);
  const config: RunConfig = run.config;
  let prepared: Prepared | null = null;
  let optimizer: BlockwiseOptimizer | null = null;
  let monitor: SystemMonitor | null = null;
  const tracker = trackTensorPeak(tf.engine() as unknown as EngineLike);
  let step = 0;
  /** Training wall time before the current segment (earlier sessions of a resumed run included). */
  let durationMs = 0;
  let segmentStart: number | null = null;
  const elapsed = () => durationMs + (segmentStart === null ? 0 : Date.now() - segmentStart);
  try {
    // 1. backend
    const backend = await selectBackend(config.backend);
    for (const s of backend.skipped) log('info', `backend ${s.choice} skipped: ${s.reason}`);
    const onGpu = backend.choice === 'tensorflow-gpu';
    // One probe: it may spawn nvidia-smi.
    const gpu = onGpu ? (await detectGpus()).gpus[0] : undefined;
    const device = onGpu ? `GPU ${gpu?.name ?? '(unknown)'}` : `CPU (${cpus().length} cores, ${cpus()[0]?.model.trim() ?? 'unknown'})`;
    store.updateRun(runId, { backend: backend.choice, device, startedAt: run.startedAt ? undefined : Date.now() });
    log('info', `backend ${backend.choice} (${tf.getBackend()}), ${backend.kernels}`);

    // 2. model and data (from the last checkpoint when resuming)
    const resumeFrom = args.resume ? store.lastCheckpoint(runId) : null;
    if (args.resume && !resumeFrom) log('warn', 'no checkpoint to resume from; starting from the beginning');
    const resumeState = resumeFrom ? readTrainerState(resumeFrom.path) : null;
    const p = await prepare(config, runId, resumeFrom ? `${resumeFrom.path}/model` : null);
    prepared = p;
    for (const n of p.notes) log('info', n);
    const counts = p.model.parameterCounts();
    log('info', `${p.model.architecture}: ${counts.total.toLocaleString('en-US')} parameters (${counts.trainable.toLocaleString('en-US')} trainable); ${p.train.length} training and ${p.validation.length} validation examples`);
    const pad = p.tokenizer.padTokenId;

    // 3. schedule
    const t = config.training;
    const batches = new ShuffledBatches(p.train.length, t.batchSize, { seed: t.seed, position: resumeState?.position });
    const stepsPerEpoch = Math.max(1, Math.ceil(batches.batchesPerEpoch / t.gradAccumSteps));
    const totalSteps = resumeState?.totalSteps ?? Math.min(t.maxSteps ?? Infinity, t.epochs !== undefined ? t.epochs * stepsPerEpoch : Infinity);
    const schedule: Schedule = { baseLr: config.optimizer.lr, kind: t.schedule, warmupSteps: warmupStepsFor(totalSteps, t.warmupSteps, t.warmupRatio), totalSteps };

    // 4. predicted peak, next to what the monitor will measure
    // Batches are padded to their longest row, so the longest tokenized example bounds the peak.
    const planInput = planInputFromRunConfig(config, { modelDir: config.model, numLabels: p.labels?.length, backend: backend.choice, gpuBytes: gpu?.memoryTotalBytes ?? null });
    planInput.seqLength = p.train.reduce((m, r) => Math.max(m, r.inputIds.length), 1);
    if (p.task === 'seq2seq') planInput.targetLength = p.train.reduce((m, r) => Math.max(m, r.targetIds?.length ?? 0), 1);
    const plan = planRun(planInput);
    store.updateRun(runId, { modelType: p.model.modelType, task: p.task, totalSteps, predictedPeakBytes: predictedPeakFor(plan, onGpu ? 'gpu' : 'tensors') });
    log('info', `planner: predicted peak ${(plan.totalBytes / 2 ** 20).toFixed(1)} MiB in total, ${(plan.tensorPeakBytes / 2 ** 20).toFixed(1)} MiB of tensors (${plan.verdict})`);

    // 5. optimizer, with the model's per-parameter requests (e.g. 32-bit state for a stable embedding)
    const o = config.optimizer;
    optimizer = createOptimizer(o.name, {
      learningRate: o.lr,
      ...(o.weightDecay !== undefined ? { weightDecay: o.weightDecay } : {}),
      ...(o.betas ? { beta1: o.betas[0], beta2: o.betas[1] } : {}),
      ...(o.eps !== undefined ? { epsilon: o.eps } : {}),
      blockSize: o.blockSize,
      min8bitSize: o.min8bitSize,
      overrides: p.model.optimizerOverrides(),
    });
    if (resumeFrom && resumeState) {
      await loadOptimizerState(resumeFrom.path, optimizer);
      step = resumeState.step;
      durationMs = resumeState.durationMs;
      log('info', `resumed from step ${step} (${resumeFrom.path})`);
    }
    const best = metricForTask(p.task, t.metric);
    const bestTracker = resumeState?.tracker ?? newTracker(best.name, best.higherIsBetter);
    let lastEval: Record<string, number> | null = resumeState?.lastEval ? Object.fromEntries(Object.entries(resumeState.lastEval).map(([k, v]) => [k, num(v)])) : null;
    let lastEvalStep = resumeState?.lastEvalStep ?? 0;
    let samplesSeen = resumeState?.samplesSeen ?? 0;
    const vars = p.model.trainableVariables();
    const epochAt = () => samplesSeen / p.train.length;

    let gpuNoted = false;
    monitor = new SystemMonitor({
      onSample: (s) => {
        writer.system(s);
        if (!gpuNoted && monitor?.gpuNote) log('info', `memory monitor: ${monitor.gpuNote} Recording process RSS and tensor bytes.`);
        gpuNoted = true;
      },
      tensorBytes: () => tracker.current(),
      tensorPeakBytes: () => tracker.peak(),
      step: () => step,
      // On a CPU backend the GPU (if any) is not what this run uses: its tensor bytes are the peak.
      peakSource: onGpu ? 'gpu' : 'tensors',
    });
    monitor.start();
    setStatus('running', null);

    const state = (): TrainerState => ({
      version: 1, step, totalSteps, position: batches.position,
      tracker: bestTracker, durationMs: elapsed(),
      lastEval: lastEval ? Object.fromEntries(Object.entries(lastEval).map(([k, v]) => [k, Number.isFinite(v) ? v : null])) : null,
      lastEvalStep, samplesSeen,
    });
    const checkpoint = async (isBest: boolean, metric: { name: string; value: number } | null): Promise<CheckpointInfo> => {
      const saved = await saveCheckpoint(dir, { model: p.model, tokenizer: p.tokenizer, optimizer: optimizer!, state: state() });
      const existing = store.listCheckpoints(runId).find((c) => c.step === step);
      if (existing) store.removeCheckpoint(existing.id);
      const cp = store.addCheckpoint(runId, { step, epoch: epochAt(), path: saved.path, sizeBytes: saved.sizeBytes, metric, isBest });
      channel.send({ type: 'checkpoint', checkpoint: cp });
      for (const old of checkpointsToDelete(store.listCheckpoints(runId), config.checkpoints.keepLast, config.checkpoints.keepBest)) {
        rmSync(old.path, { recursive: true, force: true });
        store.removeCheckpoint(old.id);
      }
      return cp;
    };
    const runEval = async (): Promise<boolean> => {
      const res = await evaluate({
        model: p.model, tokenizer: p.tokenizer, task: p.task, encoded: p.validation, examples: p.validationExamples,
        batchSize: t.batchSize * 2, maxTargetLength: t.maxTargetLength, sampleCount: t.sampleGenerations, shouldAbort: () => stop.requested,
      });
      if (!res) return false;
      lastEval = res.metrics;
      lastEvalStep = step;
      const now = Date.now();
      writer.metrics(Object.entries(res.metrics).map(([name, value]): MetricPoint => ({ step, epoch: epochAt(), split: 'eval', name, value, time: now })));
      const value = res.metrics[bestTracker.metric];
      if (value === undefined) throw new Error(`training.metric "${bestTracker.metric}" is not computed for ${p.task}; use one of ${Object.keys(res.metrics).join(', ')}`);
      const isBest = recordEval(bestTracker, value, step);
      if (isBest) store.offerBestMetric(runId, { name: bestTracker.metric, value, step }, bestTracker.higherIsBetter);
      store.updateRun(runId, { finalMetrics: res.metrics, ...(res.samples.length ? { samples: res.samples } : {}) });
      log('info', `eval at step ${step}: ${Object.entries(res.metrics).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')}`);
      await checkpoint(isBest, { name: bestTracker.metric, value });
      return true;
    };

    // 6. the loop
    segmentStart = Date.now();
    let windowStart = Date.now();
    let windowSamples = 0;
    let lastProgress = 0;
    let diverged: string | null = null;
    let early = false;
    while (step < totalSteps && !stop.requested) {
      const lr = lrAt(schedule, step + 1);
      optimizer.setLearningRate(lr);
      let acc: tf.NamedTensorMap | null = null;
      let lossSum = 0;
      let epochEnded = false;
      let stepSamples = 0;
      for (let micro = 0; micro < t.gradAccumSteps; micro++) {
        const next = batches.next();
        epochEnded ||= next.lastInEpoch;
        const rows = next.indices.map((i) => p.train[i]);
        const batch = toBatch(collate(rows, { task: p.task, padTokenId: pad }));
        try {
          // Dropout masks depend only on (seed, step, micro-batch): a resumed run draws the same ones.
          const ctx = { training: true, seed: dropoutSeed(t.seed, step, micro) };
          const { value, grads } = tf.variableGrads(() => p.model.loss(batch, ctx), vars);
          lossSum += (await value.data())[0];
          value.dispose();
          if (!acc) acc = grads;
          else {
            const prev: tf.NamedTensorMap = acc;
            acc = {};
            for (const k of Object.keys(prev)) {
              acc[k] = tf.add(prev[k], grads[k]);
              prev[k].dispose();
              grads[k].dispose();
            }
          }
        } finally {
          disposeBatch(batch);
        }
        stepSamples += rows.length;
        if (stop.requested) break;
      }
      if (!acc) break;
      if (t.gradAccumSteps > 1) {
        const scaled: tf.NamedTensorMap = {};
        for (const [k, g] of Object.entries(acc)) {
          scaled[k] = tf.div(g, t.gradAccumSteps);
          g.dispose();
        }
        acc = scaled;
      }
      const loss = lossSum / t.gradAccumSteps;
      const clipped = clipByGlobalNorm(acc, t.maxGradNorm);
      if (!Number.isFinite(loss) || !Number.isFinite(clipped.norm)) {
        tf.dispose(clipped.grads);
        const last = store.lastCheckpoint(runId);
        diverged = `the ${Number.isFinite(loss) ? 'gradient norm' : 'loss'} became ${Number.isFinite(loss) ? clipped.norm : loss} at step ${step + 1} (learning rate ${lr.toExponential(2)}); ` +
          `no update was applied. ${last ? `The last good checkpoint is step ${last.step}` : 'There is no checkpoint yet'}. Try a lower learning rate, more warmup, or gradient clipping (training.maxGradNorm).`;
        break;
      }
      optimizer.applyGradients(clipped.grads);
      tf.dispose(clipped.grads);
      step++;
      samplesSeen += stepSamples;
      windowSamples += stepSamples;
      const now = Date.now();
      const epoch = epochAt();
      writer.metrics([
        { step, epoch, split: 'train', name: 'loss', value: loss, time: now },
        { step, epoch, split: 'train', name: 'lr', value: lr, time: now },
        { step, epoch, split: 'train', name: 'grad_norm', value: clipped.norm, time: now },
        // as a curve too, so charts can put runs with other batch sizes on an epoch axis
        { step, epoch, split: 'train', name: 'epoch', value: epoch, time: now },
      ]);
      writer.progress({ step, epoch, totalSteps, durationMs: elapsed() });
      if (now - lastProgress > 250 || step === totalSteps) {
        const sps = windowSamples / Math.max(1e-3, (now - windowStart) / 1000);
        const msPerStep = (now - (segmentStart ?? now)) / Math.max(1, step - (resumeState?.step ?? 0));
        channel.send({ type: 'progress', progress: { step, totalSteps, epoch, samplesPerSecond: sps, etaMs: (totalSteps - step) * msPerStep } });
        if (now - windowStart > 5000) {
          windowStart = now;
          windowSamples = 0;
        }
        lastProgress = now;
      }
      if (args.stopAfterStep !== undefined && step >= args.stopAfterStep) stop.requested = true;
      const evalDue = (t.evalEverySteps !== undefined && step % t.evalEverySteps === 0) || epochEnded || step === totalSteps;
      if (evalDue) {
        const paused = Date.now();
        if (await runEval()) {
          // Evaluation time is not training time for the ETA window.
          windowStart += Date.now() - paused;
          if (shouldStop(bestTracker, t.earlyStoppingPatience)) {
            log('info', `early stopping: ${bestTracker.metric} did not improve for ${t.earlyStoppingPatience} evaluation(s); best ${bestTracker.best?.value} at step ${bestTracker.best?.step}`);
            early = true;
            break;
          }
        }
      } else if (config.checkpoints.everySteps && step % config.checkpoints.everySteps === 0) {
        await checkpoint(false, null);
      }
    }
    durationMs = elapsed();
    segmentStart = null;

    let status: RunStatus;
    let error: string | null = null;
    if (diverged) {
      status = 'diverged';
      error = diverged;
      log('error', diverged);
    } else if (stop.requested && step < totalSteps && !early) {
      if (lastEvalStep !== step || !store.listCheckpoints(runId).some((c) => c.step === step)) await checkpoint(false, null);
      status = 'stopped';
      log('info', `stopped at step ${step}; resume with \`octet resume ${runId}\``);
    } else {
      status = 'completed';
    }
    return await finish(status, error);
  } catch (err) {
    const error = describeFailure(err, config);
    log('error', error);
    if (process.env.OCTET_DEBUG === '1') console.error(err);
    return await finish('failed', error);
  }

  async function finish(status: RunStatus, error: string | null): Promise<{ status: RunStatus; error: string | null }> {
    await monitor?.stop().catch(() => undefined);
    const measured = monitor?.measuredPeakBytes();
    writer.close();
    tracker.stop();
    store.updateRun(runId, {
      status, error, pid: null, finishedAt: Date.now(), step, durationMs: elapsed(),
      ...(measured ? { measuredPeakBytes: measured.bytes } : {}),
    });
    channel.send({ type: 'status', status, error });
    optimizer?.dispose();
    prepared?.model.dispose();
    store.close();
    return { status, error };
  }
}
