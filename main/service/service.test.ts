// The studio service with real trainer processes: a run from creation to export and deletion, a
// SIGKILLed trainer, and recovery of runs whose host died.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent, RunId, RunStatus } from '../../common/runs.ts';
import { ExperimentStore } from '../store/index.ts';
import { childProcessLauncher } from '../trainer/childProcessLauncher.ts';
import type { TrainerHandle } from '../trainer/launcher.ts';
import { classificationConfig, tempEnv } from '../trainer/testing/runInProcess.ts';
import { createStudioService } from './createStudioService.ts';
import type { StudioService } from './studioService.ts';

function waitFor(service: StudioService, runId: RunId, pred: (e: RunEvent) => boolean, timeoutMs = 120_000): Promise<RunEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for run ${runId}`)), timeoutMs);
    const off = service.onEvents((events) => {
      const hit = events.find((e) => 'runId' in e && e.runId === runId && pred(e));
      if (hit) {
        clearTimeout(timer);
        off();
        resolve(hit);
      }
    });
  });
}
const statusIs = (...s: RunStatus[]) => (e: RunEvent) => e.type === 'status' && s.includes(e.status);

describe('studio service', () => {
  it('runs a fine-tune in a child process with batched live events, exports, compares and deletes it', async () => {
    const env = tempEnv();
    const service = await createStudioService(env);
    try {
      const batches: RunEvent[][] = [];
      service.onEvents((b) => batches.push(b));
      const config = classificationConfig({ training: { epochs: 1, batchSize: 32, maxLength: 64, seed: 1 } });
      config.dataset.maxRows = 320;
      const run = await service.createRun({ config });
      const done = await waitFor(service, run.id, statusIs('completed', 'failed', 'crashed'));
      expect(done).toMatchObject({ status: 'completed' });
      const kinds = new Set(batches.flat().map((e) => e.type));
      for (const k of ['status', 'progress', 'metrics', 'system', 'checkpoint']) expect(kinds).toContain(k);
      // batched: far fewer deliveries than events
      expect(batches.length).toBeLessThan(batches.flat().length);

      const detail = await service.getRun({ id: run.id });
      expect(detail.step).toBe(10);
      expect(detail.backend).toBe('wasm');
      const loss = await service.getSeries({ id: run.id, names: ['train/loss'] });
      expect(loss[0].x).toHaveLength(10);

      const exported = await service.exportRun({ id: run.id, checkpoint: 'best' });
      expect(readdirSync(exported.path).sort()).toEqual(expect.arrayContaining(['README.md', 'config.json', 'model.safetensors', 'tokenizer.json']));
      expect(exported.sizeBytes).toBeGreaterThan(100_000);
      const card = readFileSync(join(exported.path, 'README.md'), 'utf8');
      expect(card).toMatch(/library_name: transformers/);
      expect(card).toMatch(/\| accuracy \| 0\.\d{1,4} \|/);
      expect(card).toContain('name: adamw8bit'); // the training configuration, as YAML

      const other = await service.createRun({ config: { ...config, optimizer: { ...config.optimizer, name: 'adamw32bit' } } });
      await waitFor(service, other.id, statusIs('completed', 'failed', 'crashed'));
      const cmp = await service.compareRuns({ ids: [run.id, other.id] });
      expect(cmp.configDiff.map((d) => d.path)).toContain('optimizer.name');
      expect(cmp.configDiff.every((d) => d.values[0] !== d.values[1] || d.path.startsWith('name'))).toBe(true);

      const cpDirs = detail.checkpoints.map((c) => c.path);
      await service.deleteRun({ id: run.id, withExports: true });
      for (const p of [...cpDirs, exported.path]) expect(existsSync(p)).toBe(false);
      await expect(service.getRun({ id: run.id })).rejects.toThrow(/run 1/);
    } finally {
      await service.close();
    }
  }, 300_000);

  it('marks a SIGKILLed trainer crashed, keeps the database consistent, and resumes from its last checkpoint', async () => {
    const env = tempEnv();
    const handles: TrainerHandle[] = [];
    const base = childProcessLauncher();
    const service = await createStudioService({ ...env, launcher: { launch: () => { const h = base.launch(); handles.push(h); return h; } } });
    try {
      // 20 steps per epoch; long enough that the kill lands mid-run even with the native kernels.
      const config = classificationConfig({ training: { epochs: 40, batchSize: 16, maxLength: 64, seed: 2, evalEverySteps: 500 }, checkpoints: { everySteps: 40, keepLast: 2, keepBest: true } });
      config.dataset.maxRows = 320;
      const run = await service.createRun({ config });
      await waitFor(service, run.id, (e) => e.type === 'checkpoint' && e.checkpoint.step >= 40);
      expect((await service.getRun({ id: run.id })).status).toBe('running');
      handles[0].kill('SIGKILL');
      const crashed = await waitFor(service, run.id, statusIs('crashed'));
      expect(crashed).toMatchObject({ status: 'crashed' });
      expect((crashed as { error: string }).error).toMatch(/SIGKILL/);

      const check = ExperimentStore.open(env.dbPath);
      expect(check.integrityCheck()).toBe('ok');
      check.close();

      const before = await service.getRun({ id: run.id });
      expect(before.checkpoints.length).toBeGreaterThan(0);
      await service.resumeRun({ id: run.id });
      const done = await waitFor(service, run.id, statusIs('completed', 'failed', 'crashed'));
      expect(done).toMatchObject({ status: 'completed' });
      const after = await service.getRun({ id: run.id });
      expect(after.step).toBe(800);
      const loss = (await service.getSeries({ id: run.id, names: ['train/loss'], maxPoints: 10_000 }))[0];
      // every step logged once: steps after the checkpoint were redone, not duplicated
      expect(new Set(loss.x).size).toBe(loss.x.length);
      expect(loss.x.at(-1)).toBe(800);
      // closing right after the end must not turn the finished run into a stopping/crashed one
      await service.close();
      const reopened = await createStudioService(env);
      expect((await reopened.getRun({ id: run.id })).status).toBe('completed');
      await reopened.close();
    } finally {
      await service.close();
    }
  }, 300_000);

  it('resumes a run the moment it reports stopped, while its process is still exiting', async () => {
    const env = tempEnv();
    const service = await createStudioService(env);
    try {
      const config = classificationConfig({ training: { epochs: 200, batchSize: 16, maxLength: 64, seed: 3, evalEverySteps: 10_000 } });
      config.dataset.maxRows = 320;
      const run = await service.createRun({ config });
      await waitFor(service, run.id, (e) => e.type === 'progress' && e.progress.step >= 5);
      await service.stopRun({ id: run.id });
      await waitFor(service, run.id, statusIs('stopped'));
      // The 'stopped' event comes before the process exits: resuming now must wait for it, not fail.
      const resumed = await service.resumeRun({ id: run.id });
      expect(resumed.status).toBe('running');
      await waitFor(service, run.id, (e) => e.type === 'progress' && e.progress.step > 5);
      await service.stopRun({ id: run.id });
      await waitFor(service, run.id, statusIs('stopped'));
    } finally {
      await service.close();
    }
  }, 300_000);

  it('marks runs whose process died with a previous host as crashed at start', async () => {
    const env = tempEnv();
    const store = ExperimentStore.open(env.dbPath);
    const id = store.createRun({ config: classificationConfig() }).id;
    store.updateRun(id, { status: 'running', pid: 2 ** 22 + 12345, heartbeatAt: Date.now() - 60_000 });
    store.close();
    const service = await createStudioService(env);
    try {
      expect((await service.getRun({ id })).status).toBe('crashed');
    } finally {
      await service.close();
    }
  });
});
