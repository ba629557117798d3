import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExperimentStore } from './experimentStore.ts';
import { RunNotFoundError } from './errors.ts';
import { testConfig } from './testing/fixtures.ts';

let store: ExperimentStore;
beforeEach(() => {
  store = ExperimentStore.open(':memory:');
});
afterEach(() => store.close());

describe('runs', () => {
  it('creates a run from its config with sensible defaults', () => {
    const config = testConfig({ tags: ['baseline', ' Baseline ', 'cpu'], notes: 'first', optimizer: { name: 'adam32bit' } });
    const r = store.createRun({ config, modelType: 'roberta', createdAt: Date.UTC(2025, 0, 2, 3, 4, 5) });
    expect(r).toMatchObject({
      name: `tiny-roberta-cls-adam32bit-${r.id}`,
      status: 'created',
      createdAt: '2025-01-02T03:04:05.000Z',
      startedAt: null,
      model: 'testdata/models/tiny-roberta-cls',
      modelType: 'roberta',
      dataset: 'assets/datasets/topics/train.csv',
      optimizer: 'adam32bit',
      task: null,
      step: 0,
      bestMetric: null,
      finalMetrics: {},
      tags: ['baseline', 'cpu'],
      lossSparkline: [],
    });
    const d = store.getRun(r.id);
    expect(d.config).toEqual(config);
    expect(d.notes).toBe('first');
    expect(d.checkpoints).toEqual([]);
    expect(d.samples).toEqual([]);
  });

  it('updates fields, keeps NaN metrics as NaN, and rejects unknown ids', () => {
    const { id } = store.createRun({ config: testConfig({ name: 'named' }) });
    const s = store.updateRun(id, {
      status: 'running',
      startedAt: 1000,
      pid: 4242,
      step: 10,
      totalSteps: 100,
      epoch: 0.5,
      backend: 'wasm',
      device: 'CPU (2 cores)',
      finalMetrics: { accuracy: 0.5, loss: Number.NaN },
      bestMetric: { name: 'accuracy', value: 0.5, step: 10 },
      samples: [{ input: 'a', target: 'b', output: 'c' }],
    });
    expect(s).toMatchObject({ name: 'named', status: 'running', startedAt: '1970-01-01T00:00:01.000Z', step: 10, totalSteps: 100, epoch: 0.5 });
    expect(s.finalMetrics.accuracy).toBe(0.5);
    expect(s.finalMetrics.loss).toBeNaN();
    expect(store.getRun(id).samples).toEqual([{ input: 'a', target: 'b', output: 'c' }]);
    expect(() => store.updateRun(999, { step: 1 })).toThrow(RunNotFoundError);
    expect(() => store.getRun(999)).toThrow(/run 999 does not exist/);
  });

  it('keeps the best metric only when it improves, in the right direction', () => {
    const { id } = store.createRun({ config: testConfig() });
    expect(store.offerBestMetric(id, { name: 'accuracy', value: 0.5, step: 10 }, true)).toBe(true);
    expect(store.offerBestMetric(id, { name: 'accuracy', value: 0.4, step: 20 }, true)).toBe(false);
    expect(store.offerBestMetric(id, { name: 'accuracy', value: Number.NaN, step: 25 }, true)).toBe(false);
    expect(store.offerBestMetric(id, { name: 'accuracy', value: 0.7, step: 30 }, true)).toBe(true);
    expect(store.getSummary(id).bestMetric).toEqual({ name: 'accuracy', value: 0.7, step: 30 });
    // another metric replaces it; lower-is-better compares the other way
    expect(store.offerBestMetric(id, { name: 'loss', value: 2, step: 40 }, false)).toBe(true);
    expect(store.offerBestMetric(id, { name: 'loss', value: 3, step: 50 }, false)).toBe(false);
    expect(store.offerBestMetric(id, { name: 'loss', value: 1, step: 60 }, false)).toBe(true);
    expect(store.getSummary(id).bestMetric).toEqual({ name: 'loss', value: 1, step: 60 });
  });

  it('replaces tags and notes and lists tags in use', () => {
    const a = store.createRun({ config: testConfig({ tags: ['x'] }) });
    const b = store.createRun({ config: testConfig() });
    // a tag is one entity, case-insensitively: the first spelling stays
    expect(store.setTags(b.id, ['y', 'X']).tags).toEqual(['x', 'y']);
    expect(store.listTags()).toEqual([
      { name: 'x', count: 2 },
      { name: 'y', count: 1 },
    ]);
    expect(store.setTags(a.id, []).tags).toEqual([]);
    expect(store.setNotes(a.id, 'hello').id).toBe(a.id);
    expect(store.getRun(a.id).notes).toBe('hello');
  });

  it('records checkpoints (one best) and exports, and deleting a run returns their paths', () => {
    const { id } = store.createRun({ config: testConfig() });
    const c1 = store.addCheckpoint(id, { step: 10, epoch: 0.1, path: '/ck/10', sizeBytes: 100, metric: { name: 'accuracy', value: 0.4 }, isBest: true });
    const c2 = store.addCheckpoint(id, { step: 20, epoch: 0.2, path: '/ck/20', sizeBytes: 120, metric: { name: 'accuracy', value: 0.6 }, isBest: true });
    store.addCheckpoint(id, { step: 30, epoch: 0.3, path: '/ck/30', sizeBytes: 130 });
    expect(store.listCheckpoints(id).map((c) => [c.step, c.isBest])).toEqual([
      [10, false],
      [20, true],
      [30, false],
    ]);
    expect(c2.metric).toEqual({ name: 'accuracy', value: 0.6, step: 20 });
    expect(store.bestCheckpoint(id)?.id).toBe(c2.id);
    expect(store.lastCheckpoint(id)?.step).toBe(30);
    expect(store.removeCheckpoint(c1.id)).toBe(true);
    const e = store.addExport(id, { path: '/exp/1', sizeBytes: 500, step: 30 });
    expect(store.getRun(id).exports).toEqual([e]);
    store.append(id, { points: [{ step: 1, epoch: 0, split: 'train', name: 'loss', value: 1, time: 1 }], lines: [{ time: 1, level: 'info', message: 'x' }] });
    expect(store.deleteRun(id)).toEqual({ checkpointPaths: ['/ck/20', '/ck/30'], exportPaths: ['/exp/1'] });
    expect(() => store.getRun(id)).toThrow(RunNotFoundError);
    expect(store.getSeries(id)).toEqual([]);
    expect(() => store.addCheckpoint(id, { step: 1, epoch: 0, path: '/x', sizeBytes: 1 })).toThrow(RunNotFoundError);
  });
});

describe('recoverCrashedRuns', () => {
  it('marks running/stopping runs whose process is gone as crashed, and only those', () => {
    const mk = (status: 'running' | 'stopping' | 'completed' | 'created', pid: number | null, heartbeatAt: number | null) => {
      const { id } = store.createRun({ config: testConfig() });
      store.updateRun(id, { status, pid, heartbeatAt });
      return id;
    };
    const dead = mk('running', 111, 5000);
    const alive = mk('running', 222, 9000);
    const stopping = mk('stopping', 333, 6000);
    const noPid = mk('running', null, null);
    const done = mk('completed', 111, 5000);
    const fresh = mk('created', null, null);
    const staleButAlive = mk('running', 444, 1000);
    const isAlive = (pid: number) => pid === 222 || pid === 444;

    const crashed = store.recoverCrashedRuns(isAlive, { now: 10_000, staleAfterMs: 5_000 });
    expect(crashed.sort()).toEqual([dead, stopping, noPid, staleButAlive].sort());
    expect(store.getSummary(dead)).toMatchObject({ status: 'crashed', finishedAt: new Date(5000).toISOString() });
    expect(store.getSummary(dead).error).toMatch(/pid 111\) exited without finishing; resume it/);
    expect(store.getSummary(staleButAlive).error).toMatch(/stopped reporting 9 s ago/);
    expect(store.getSummary(noPid).finishedAt).toBe(new Date(10_000).toISOString());
    for (const id of [alive, done, fresh]) expect(store.getSummary(id).status).not.toBe('crashed');
    // idempotent
    expect(store.recoverCrashedRuns(isAlive, { now: 10_000 })).toEqual([]);
  });

  it('uses the real process table by default', () => {
    const { id } = store.createRun({ config: testConfig() });
    store.updateRun(id, { status: 'running', pid: process.pid });
    expect(store.recoverCrashedRuns()).toEqual([]);
    store.updateRun(id, { pid: 2 ** 22 + 12345 }); // above Linux's pid_max: never a live process
    expect(store.recoverCrashedRuns()).toEqual([id]);
  });
});
