// Owns the trainer processes of this host: starts them, forwards their messages as live events,
// asks them to stop gracefully, and marks a run `crashed` when its process dies without saying
// goodbye (OOM, native fault, kill -9).
import type { RunEvent, RunId, RunStatus } from '../../common/runs.ts';
import type { ExperimentStore } from '../store/index.ts';
import type { TrainerHandle, TrainerLauncher } from '../trainer/launcher.ts';
import type { FromTrainer } from '../trainer/protocol.ts';
import type { EventBus } from './eventBus.ts';

interface ActiveRun {
  handle: TrainerHandle;
  finished: boolean;
  exited: Promise<void>;
}

const LIVE: readonly RunStatus[] = ['created', 'running', 'stopping'];

export class RunHost {
  private readonly active = new Map<RunId, ActiveRun>();

  constructor(
    private readonly store: ExperimentStore,
    private readonly launcher: TrainerLauncher,
    private readonly bus: EventBus,
    private readonly paths: { dataDir: string; dbPath: string },
  ) {}

  isActive(id: RunId): boolean {
    return this.active.has(id);
  }

  /** Whether the run's trainer already said goodbye (its final status is saved) and is only exiting. */
  isExiting(id: RunId): boolean {
    return this.active.get(id)?.finished === true;
  }

  start(id: RunId, resume: boolean): void {
    if (this.active.has(id)) throw new Error(`run ${id} is already running`);
    const handle = this.launcher.launch();
    let resolveExit!: () => void;
    const run: ActiveRun = { handle, finished: false, exited: new Promise((r) => (resolveExit = r)) };
    this.active.set(id, run);
    const summary = this.store.updateRun(id, { status: 'running', pid: handle.pid ?? null, error: null, heartbeatAt: Date.now(), finishedAt: null });
    this.bus.emit({ type: 'status', runId: id, status: summary.status, error: null });
    handle.onMessage((msg) => this.onMessage(id, run, msg));
    handle.onExit((code, signal) => {
      this.active.delete(id);
      if (!run.finished) this.markCrashed(id, code, signal);
      resolveExit();
    });
    handle.send({ type: 'start', args: { runId: id, dbPath: this.paths.dbPath, dataDir: this.paths.dataDir, resume } });
  }

  /** Asks the trainer to finish its step, save a checkpoint and exit. */
  requestStop(id: RunId): boolean {
    const run = this.active.get(id);
    if (!run) return false;
    // A trainer that already said goodbye is only exiting: its final status stands.
    if (run.finished) return true;
    run.handle.send({ type: 'stop' });
    if (this.store.getSummary(id).status === 'running') {
      this.store.updateRun(id, { status: 'stopping' });
      this.bus.emit({ type: 'status', runId: id, status: 'stopping', error: null });
    }
    return true;
  }

  async waitForExit(id: RunId, timeoutMs: number): Promise<boolean> {
    const run = this.active.get(id);
    if (!run) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    const done = await Promise.race([run.exited.then(() => true), timedOut]);
    clearTimeout(timer);
    return done;
  }

  kill(id: RunId): void {
    this.active.get(id)?.handle.kill('SIGKILL');
  }

  /** Graceful stop; kills the trainer when it has not exited after `timeoutMs`. */
  async stopAndWait(id: RunId, timeoutMs: number): Promise<void> {
    this.requestStop(id);
    if (!(await this.waitForExit(id, timeoutMs))) {
      this.kill(id);
      await this.waitForExit(id, 5000);
    }
  }

  /** stopAndWait for every run of this host (all stop requests go out before any wait). */
  async stopAll(timeoutMs: number): Promise<void> {
    await Promise.all([...this.active.keys()].map((id) => this.stopAndWait(id, timeoutMs)));
  }

  private onMessage(id: RunId, run: ActiveRun, msg: FromTrainer): void {
    const ev = toEvent(id, msg);
    if (ev) this.bus.emit(ev);
    if (msg.type === 'done') run.finished = true;
  }

  private markCrashed(id: RunId, code: number | null, signal: string | null): void {
    let status: RunStatus;
    try {
      status = this.store.getSummary(id).status;
    } catch {
      return; // deleted meanwhile
    }
    if (!LIVE.includes(status)) return;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const hint = signal === 'SIGKILL' ? ' (out of memory, or killed)' : '';
    const error = `the trainer process ${how}${hint}; resume it from its last checkpoint (Resume in the app, or \`octet resume ${id}\`)`;
    this.store.updateRun(id, { status: 'crashed', error, pid: null, finishedAt: Date.now() });
    this.bus.emit({ type: 'status', runId: id, status: 'crashed', error });
  }
}

function toEvent(runId: RunId, msg: FromTrainer): RunEvent | null {
  switch (msg.type) {
    case 'status':
    case 'done':
      return { type: 'status', runId, status: msg.status, error: msg.error };
    case 'progress':
      return { type: 'progress', runId, progress: msg.progress };
    case 'metrics':
      return { type: 'metrics', runId, points: msg.points };
    case 'system':
      return { type: 'system', runId, samples: msg.samples };
    case 'log':
      return { type: 'log', runId, lines: msg.lines };
    case 'checkpoint':
      return { type: 'checkpoint', runId, checkpoint: msg.checkpoint };
    case 'ready':
      return null;
  }
}
