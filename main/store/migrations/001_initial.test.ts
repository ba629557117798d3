// Migration 001 on an empty database (its "previous schema" is none): the tables exist, accept a
// complete run with its children, keep NaN as NULL, and cascade a run's deletion.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../migrate.ts';

describe('migration 001_initial', () => {
  it('creates the schema, enforces keys and checks, and cascades deletes', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, loadMigrations(), 1);
    const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(['checkpoints', 'exports', 'log_lines', 'metric_names', 'metrics', 'run_tags', 'runs', 'schema_migrations', 'system_samples', 'tags']);

    db.prepare(`INSERT INTO runs (id, name, config, model, dataset, optimizer, created_at) VALUES (1, 'r', '{"a":1}', 'm', 'd', 'adamw8bit', 0)`).run();
    const run = db.prepare('SELECT status, duration_ms, step, epoch, final_metrics, notes, samples, loss_sparkline FROM runs').get();
    expect(run).toEqual({ status: 'created', duration_ms: 0, step: 0, epoch: 0, final_metrics: '{}', notes: '', samples: '[]', loss_sparkline: '[]' });
    expect(() => db.prepare(`UPDATE runs SET config = 'not json' WHERE id = 1`).run()).toThrow(/CHECK constraint/);

    db.prepare(`INSERT INTO metric_names (id, split, name) VALUES (1, 'train', 'loss')`).run();
    db.prepare('INSERT INTO metrics VALUES (1, 1, 1, 0.1, ?, 5)').run(Number.NaN);
    expect(db.prepare('SELECT value FROM metrics').get()).toEqual({ value: null });
    expect(() => db.prepare('INSERT INTO metrics VALUES (2, 1, 1, 0, 1, 5)').run()).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare('INSERT INTO metrics VALUES (1, 1, 1, 0, 1, 5)').run()).toThrow(/UNIQUE|PRIMARY KEY/);

    db.prepare('INSERT INTO system_samples (run_id, time, rss_bytes, tensor_bytes) VALUES (1, 1, 2, 3)').run();
    db.prepare(`INSERT INTO log_lines (run_id, time, level, message) VALUES (1, 1, 'info', 'hi')`).run();
    expect(() => db.prepare(`INSERT INTO log_lines (run_id, time, level, message) VALUES (1, 1, 'loud', 'hi')`).run()).toThrow(/CHECK/);
    db.prepare(`INSERT INTO checkpoints (run_id, step, epoch, path, size_bytes, created_at) VALUES (1, 1, 0, '/c', 10, 1)`).run();
    db.prepare(`INSERT INTO exports (run_id, path, size_bytes, step, created_at) VALUES (1, '/e', 10, 1, 1)`).run();
    db.prepare(`INSERT INTO tags (id, name) VALUES (1, 'Baseline')`).run();
    expect(() => db.prepare(`INSERT INTO tags (name) VALUES ('baseline')`).run()).toThrow(/UNIQUE/);
    db.prepare('INSERT INTO run_tags VALUES (1, 1)').run();

    db.prepare('DELETE FROM runs WHERE id = 1').run();
    for (const t of ['metrics', 'system_samples', 'log_lines', 'checkpoints', 'exports', 'run_tags']) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${t}`).get(), t).toEqual({ n: 0 });
    }
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
