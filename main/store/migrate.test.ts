import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FK_OFF_DIRECTIVE, loadMigrations, migrate, schemaVersion } from './migrate.ts';
import { openDatabase } from './openDatabase.ts';
import { tempDir } from './testing/fixtures.ts';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function dirWith(files: Record<string, string>): string {
  const t = tempDir('octet-mig-');
  cleanups.push(t.cleanup);
  const dir = join(t.dir, 'migrations');
  mkdirSync(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('shipped migrations', () => {
  it('are numbered without gaps and unchanged since they shipped', () => {
    // A shipped migration must never be edited: databases out there recorded these checksums.
    // Adding a migration? Append its checksum here. Changing one of these? Don't — add a new migration.
    const shipped = loadMigrations().map((m) => [m.version, m.name, m.checksum]);
    expect(shipped.slice(0, 2)).toEqual([
      [1, 'initial', expect.stringMatching(/^[0-9a-f]{64}$/)],
      [2, 'run_search', expect.stringMatching(/^[0-9a-f]{64}$/)],
    ]);
    // Pinned by hand: a shipped migration must never change (`vitest -u` must not rewrite this).
    expect(shipped.map((s) => s[2])).toEqual([
      '937b2399fbbfee88b1a80dd7623f5e4d658e8759a1c2d327b449932d2c9cd66e',
      'f2862f00856f492297d43294d0c3011e5f0c8c108a67de324603b67622e32f26',
    ]);
  });
});

describe('migrate', () => {
  it('applies pending migrations in order, records them, and is idempotent', () => {
    const dir = dirWith({ '001_a.sql': 'CREATE TABLE a (x INTEGER);', '002_b.sql': 'CREATE TABLE b (y INTEGER);' });
    const db = new Database(':memory:');
    expect(migrate(db, loadMigrations(dir))).toEqual({ from: 0, to: 2, applied: [1, 2] });
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual([
      { version: 1, name: 'a' },
      { version: 2, name: 'b' },
    ]);
    expect(migrate(db, loadMigrations(dir))).toEqual({ from: 2, to: 2, applied: [] });
  });

  it('stops at a target version', () => {
    const dir = dirWith({ '001_a.sql': 'CREATE TABLE a (x INTEGER);', '002_b.sql': 'CREATE TABLE b (y INTEGER);' });
    const db = new Database(':memory:');
    expect(migrate(db, loadMigrations(dir), 1).applied).toEqual([1]);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'b'").get()).toBeUndefined();
  });

  it('rolls back a failing migration completely, version included', () => {
    const dir = dirWith({ '001_a.sql': 'CREATE TABLE a (x INTEGER);', '002_bad.sql': 'CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1);' });
    const db = new Database(':memory:');
    expect(() => migrate(db, loadMigrations(dir))).toThrow(/no such table: nowhere/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'c'").get()).toBeUndefined();
  });

  it('refuses a migration edited after it was applied', () => {
    const dir = dirWith({ '001_a.sql': 'CREATE TABLE a (x INTEGER);' });
    const db = new Database(':memory:');
    migrate(db, loadMigrations(dir));
    writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (x INTEGER, y TEXT);');
    expect(() => migrate(db, loadMigrations(dir))).toThrow(/001_a\.sql was changed after it was applied/);
  });

  it('refuses a database newer than the app', () => {
    const dir = dirWith({ '001_a.sql': 'CREATE TABLE a (x INTEGER);' });
    const db = new Database(':memory:');
    db.pragma('user_version = 7');
    expect(() => migrate(db, loadMigrations(dir))).toThrow(/schema is version 7 but this version of Octet Studio knows only up to 1/);
  });

  it('rejects badly named or gapped files', () => {
    expect(() => loadMigrations(dirWith({ '1_a.sql': '' }))).toThrow(/NNN_snake_case/);
    expect(() => loadMigrations(dirWith({ '001_a.sql': '', '003_c.sql': '' }))).toThrow(/without gaps; found 003 at position 2/);
  });

  it('runs a table-rebuild migration with foreign keys off and checks them before committing', () => {
    const dir = dirWith({
      '001_a.sql': 'CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p INTEGER REFERENCES p (id));',
      '002_rebuild.sql': `${FK_OFF_DIRECTIVE}\nCREATE TABLE p2 (id INTEGER PRIMARY KEY, x TEXT); INSERT INTO p2 (id) SELECT id FROM p; DROP TABLE p; ALTER TABLE p2 RENAME TO p;`,
    });
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, loadMigrations(dir), 1);
    db.exec('INSERT INTO p VALUES (1); INSERT INTO c VALUES (1);');
    migrate(db, loadMigrations(dir));
    expect(db.prepare('SELECT count(*) AS n FROM c').get()).toEqual({ n: 1 });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });
});

describe('openDatabase', () => {
  it('uses WAL, foreign keys and the latest schema', () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const db = openDatabase(join(t.dir, 'sub', 'octet.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(loadMigrations().length);
    db.close();
  });
});
