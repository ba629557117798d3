// Composes the studio services behind the StudioApi: the SQLite store, the trainer host, live events,
// the planner, model inspection, dataset preview and export. The CLI, `octet serve` and the Electron
// app all build exactly this object.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StudioApi } from '../../common/api.ts';
import { parseRunConfig } from '../../common/runConfig.ts';
import { RESUMABLE_STATUSES, type RunId } from '../../common/runs.ts';
import { defaultDataDir, defaultDbPath, runDir } from '../paths.ts';
import { planRun } from '../planner/index.ts';
import { ExperimentStore } from '../store/index.ts';
import { childProcessLauncher } from '../trainer/childProcessLauncher.ts';
import { bundledAssets } from './bundledAssets.ts';
import { EventBus } from './eventBus.ts';
import { exportRun } from './exportRun.ts';
import { inspectModel, previewDataset } from './inspect.ts';
import { RunHost } from './runHost.ts';
import type { StudioService, StudioServiceOptions } from './studioService.ts';
import { systemInfo } from './systemInfo.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}
export class StateError extends Error {
  override name = 'StateError';
}

export async function createStudioService(opts: StudioServiceOptions = {}): Promise<StudioService> {
  const dataDir = opts.dataDir ?? (opts.dbPath ? dirname(opts.dbPath) : defaultDataDir());
  const dbPath = opts.dbPath ?? defaultDbPath(dataDir);
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(dirname(dbPath), { recursive: true });
  const store = ExperimentStore.open(dbPath);
  // Runs whose trainer died with a previous host become `crashed` (resumable).
  const crashed = store.recoverCrashedRuns();
  const bus = new EventBus();
  for (const id of crashed) bus.emit({ type: 'status', runId: id, status: 'crashed', error: store.getSummary(id).error });
  const host = new RunHost(store, opts.launcher ?? childProcessLauncher(), bus, { dataDir, dbPath });

  const startRun = (id: RunId, resume: boolean) => {
    host.start(id, resume);
    return store.getSummary(id);
  };

  const api: StudioApi = {
    systemInfo: () => systemInfo({ dataDir, dbPath }),
    bundledAssets: async () => bundledAssets(),
    inspectModel: async ({ path }) => inspectModel(path),
    previewDataset: async ({ spec, rows }) => previewDataset(spec, rows),
    plan: async (input) => planRun(input),

    listRuns: async (q) => store.listRuns(q),
    getRun: async ({ id }) => store.getRun(id),
    createRun: async ({ config, start }) => {
      const parsed = parseRunConfig(config);
      if (!parsed.ok) throw new ConfigError(`invalid run config:\n  ${parsed.errors.join('\n  ')}`);
      const cfg = parsed.config;
      if (!existsSync(cfg.model)) throw new ConfigError(`model: folder ${cfg.model} does not exist (a Hugging Face folder with config.json, *.safetensors and tokenizer.json)`);
      for (const k of ['train', 'validation'] as const) {
        const p = cfg.dataset[k];
        if (p && !existsSync(p)) throw new ConfigError(`dataset.${k}: file ${p} does not exist`);
      }
      const run = store.createRun({ config: cfg });
      bus.emit({ type: 'run-created', run });
      return start === false ? run : startRun(run.id, false);
    },
    startRun: async ({ id }) => {
      const s = store.getSummary(id);
      if (s.status !== 'created') throw new StateError(`run ${id} is ${s.status}; only a new run can be started (use resume for stopped or crashed runs)`);
      return startRun(id, false);
    },
    stopRun: async ({ id }) => {
      if (!host.requestStop(id)) {
        const s = store.getSummary(id);
        throw new StateError(`run ${id} is not running here (status ${s.status})`);
      }
      return store.getSummary(id);
    },
    resumeRun: async ({ id }) => {
      // A run stopped a moment ago may still be tearing its process down: wait for it, not fail.
      if (host.isExiting(id) && !(await host.waitForExit(id, 30_000))) {
        throw new StateError(`run ${id} stopped but its trainer process has not exited after 30 s; try Resume again in a moment`);
      }
      if (host.isActive(id)) throw new StateError(`run ${id} is already running`);
      const s = store.getSummary(id);
      if (!RESUMABLE_STATUSES.includes(s.status)) {
        throw new StateError(`run ${id} is ${s.status}; only ${RESUMABLE_STATUSES.join(', ')} runs can be resumed`);
      }
      return startRun(id, true);
    },
    deleteRun: async ({ id, withExports }) => {
      if (host.isActive(id)) await host.stopAndWait(id, 30_000);
      const files = store.deleteRun(id);
      rmSync(runDir(dataDir, id), { recursive: true, force: true });
      for (const p of files.checkpointPaths) rmSync(p, { recursive: true, force: true });
      if (withExports) for (const p of files.exportPaths) rmSync(p, { recursive: true, force: true });
      bus.emit({ type: 'run-deleted', runId: id });
      return { deleted: id };
    },
    exportRun: async (params) => {
      const info = exportRun(store, dataDir, params);
      bus.emit({ type: 'export', runId: params.id, export: info });
      return info;
    },
    setTags: async ({ id, tags }) => store.setTags(id, tags),
    setNotes: async ({ id, notes }) => store.setNotes(id, notes),
    getSeries: async ({ id, names, maxPoints }) => store.getSeries(id, names, maxPoints),
    getSystemSamples: async ({ id, maxPoints }) => store.getSystemSamples(id, maxPoints),
    getLog: async ({ id, tail }) => store.getLog(id, tail),
    compareRuns: async ({ ids, names, maxPoints }) => store.compareRuns(ids, names, maxPoints),
  };

  let closed = false;
  return {
    ...api,
    dataDir,
    dbPath,
    onEvents: (handler) => bus.subscribe(handler),
    close: async () => {
      if (closed) return;
      closed = true;
      await host.stopAll(60_000);
      bus.flush();
      store.close();
    },
  };
}
