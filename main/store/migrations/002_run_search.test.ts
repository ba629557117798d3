// Migration 002 applied to a 001 database that already holds runs and tags: the data stays, the
// existing runs become searchable, and the triggers keep the index in step afterwards.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../migrate.ts';

const search = (db: Database.Database, q: string): number[] =>
  (db.prepare('SELECT rowid AS id FROM run_search WHERE run_search MATCH ? ORDER BY rowid').all(q) as { id: number }[]).map((r) => r.id);

describe('migration 002_run_search', () => {
  it('keeps 001 data, indexes existing runs with their tags, and follows later changes', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    const migrations = loadMigrations();
    migrate(db, migrations, 1);
    const insertRun = db.prepare(`INSERT INTO runs (id, name, config, model, dataset, optimizer, created_at, notes) VALUES (?, ?, '{}', ?, ?, 'adamw8bit', ?, ?)`);
    insertRun.run(1, 'first try', 'models/roberta-large', 'glue/sst2/train.tsv', 100, 'lr too high');
    insertRun.run(2, 'second', 'models/mt5-small', 'data/digits.jsonl', 200, '');
    db.prepare(`INSERT INTO tags (id, name) VALUES (1, 'Baseline')`).run();
    db.prepare('INSERT INTO run_tags VALUES (2, 1)').run();
    db.prepare(`INSERT INTO metric_names (id, split, name) VALUES (1, 'train', 'loss')`).run();
    db.prepare('INSERT INTO metrics VALUES (1, 1, 1, 0, 0.5, 5)').run();
    const before = db.prepare('SELECT * FROM runs ORDER BY id').all();

    migrate(db, migrations, 2);

    expect(db.prepare('SELECT * FROM runs ORDER BY id').all()).toEqual(before);
    expect(db.prepare('SELECT run_id, step, value FROM metrics').all()).toEqual([{ run_id: 1, step: 1, value: 0.5 }]);
    expect(search(db, '"bert"')).toEqual([1]);
    expect(search(db, '"SST2"')).toEqual([1]);
    expect(search(db, '"too high"')).toEqual([1]);
    expect(search(db, '"baseline"')).toEqual([2]);

    // triggers: insert, rename, tag, untag, delete
    insertRun.run(3, 'third', 'models/roberta-base', 'x.csv', 300, '');
    expect(search(db, '"roberta"')).toEqual([1, 3]);
    db.prepare(`UPDATE runs SET name = 'renamed baseline' WHERE id = 1`).run();
    expect(search(db, '"renamed"')).toEqual([1]);
    db.prepare('INSERT INTO run_tags VALUES (3, 1)').run();
    expect(search(db, '"baseline"')).toEqual([1, 2, 3]);
    db.prepare('DELETE FROM run_tags WHERE run_id = 2').run();
    expect(search(db, '"baseline"')).toEqual([1, 3]);
    db.prepare('DELETE FROM runs WHERE id = 3').run();
    expect(search(db, '"roberta"')).toEqual([1]);
    expect(db.prepare('SELECT count(*) AS n FROM run_search').get()).toEqual({ n: 2 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
