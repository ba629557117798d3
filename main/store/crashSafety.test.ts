// A trainer killed at any moment leaves the database consistent: SIGKILL a child that writes in a loop,
// then check integrity, foreign keys, and that what survived is a complete prefix of whole steps.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ExperimentStore } from './experimentStore.ts';
import { tempDir, testConfig } from './testing/fixtures.ts';

const child = fileURLToPath(new URL('./testing/killWriter.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const tmp = tempDir('octet-kill-');
afterAll(() => tmp.cleanup());

function runAndKill(dbPath: string, runId: number, flushEvery: number, killAfterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, dbPath, String(runId), String(flushEvery)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.once('data', () => setTimeout(() => p.kill('SIGKILL'), killAfterMs));
    p.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve(p.pid ?? -1) : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

const series = (db: Database.Database, runId: number, name: string) =>
  db
    .prepare('SELECT m.step, m.epoch, m.value FROM metrics m JOIN metric_names n ON n.id = m.name_id WHERE m.run_id = ? AND n.name = ? ORDER BY m.step')
    .all(runId, name) as { step: number; epoch: number; value: number }[];

describe('crash safety', () => {
  it.each([
    [7, 150],
    [13, 400],
  ])('a writer SIGKILLed mid-loop (flush every %i steps, killed after %i ms) leaves whole steps', async (flushEvery, killAfterMs) => {
    const dbPath = join(tmp.dir, `kill-${flushEvery}.db`);
    const setup = ExperimentStore.open(dbPath);
    const runId = setup.createRun({ config: testConfig() }).id;
    setup.close();

    const pid = await runAndKill(dbPath, runId, flushEvery, killAfterMs);

    const db = new Database(dbPath);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const run = db.prepare('SELECT step, epoch, status, pid, best_metric_value AS best, best_metric_step AS bestStep FROM runs WHERE id = ?').get(runId) as {
      step: number; epoch: number; status: string; pid: number; best: number | null; bestStep: number | null;
    };
    db.close();
    expect(run.status).toBe('running');
    expect(run.pid).toBe(pid);
    const n = run.step;
    expect(n).toBeGreaterThan(0);
    expect(n % flushEvery === 0 || n % 50 === 0).toBe(true); // only whole flushes reach the disk

    const db2 = new Database(dbPath, { readonly: true });
    const loss = series(db2, runId, 'loss');
    const lr = series(db2, runId, 'lr');
    // Every step 1..n present once, with the values the child computed from the step: no torn rows.
    expect(loss.map((r) => r.step)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    expect(loss.every((r) => r.value === 1 / r.step && r.epoch === r.step / 1000)).toBe(true);
    expect(lr.map((r) => r.step)).toEqual(loss.map((r) => r.step));
    expect(lr.every((r) => r.value === r.step * 1e-6)).toBe(true);
    const lines = db2.prepare('SELECT message FROM log_lines WHERE run_id = ? ORDER BY id').all(runId) as { message: string }[];
    expect(lines.map((l) => l.message)).toEqual(loss.map((r) => `step ${r.step}`));
    const samples = db2.prepare('SELECT step, rss_bytes AS rss, tensor_bytes AS tb FROM system_samples WHERE run_id = ? ORDER BY id').all(runId) as {
      step: number; rss: number; tb: number;
    }[];
    expect(samples.map((s) => s.step)).toEqual(Array.from({ length: Math.floor(n / 5) }, (_, i) => (i + 1) * 5));
    expect(samples.every((s) => s.rss === s.step * 2 && s.tb === s.step * 3)).toBe(true);
    // Checkpoints: one per 50 steps up to the last one written, exactly one best.
    const cps = db2.prepare('SELECT step, path, size_bytes AS size, is_best AS best FROM checkpoints WHERE run_id = ? ORDER BY step').all(runId) as {
      step: number; path: string; size: number; best: number;
    }[];
    expect(cps.every((c, i) => c.step === (i + 1) * 50 && c.path === `/ckpt/${c.step}` && c.size === c.step * 10)).toBe(true);
    expect(cps.length === 0 || cps.filter((c) => c.best).map((c) => c.step)[0] === cps[cps.length - 1].step).toBe(true);
    expect(cps.length).toBeGreaterThanOrEqual(Math.floor(n / 50) - 1);
    db2.close();

    // At the next start the run is found crashed, and its last checkpoint is where a resume continues.
    const store = ExperimentStore.open(dbPath);
    expect(store.recoverCrashedRuns()).toEqual([runId]);
    expect(store.getSummary(runId).status).toBe('crashed');
    expect(store.lastCheckpoint(runId)?.step ?? 0).toBe(cps.length ? cps[cps.length - 1].step : 0);
    store.close();
  });
});
