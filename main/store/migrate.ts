// Numbered SQL migrations: `NNN_name.sql` in ./migrations, applied in order, each in its own
// transaction together with its row in schema_migrations and PRAGMA user_version. A migration that was
// edited after it was applied is refused (its checksum changed): ship a new one instead.
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

const FILE_RE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
/** First line of a migration that rebuilds tables: it runs with foreign keys off, checked before commit. */
export const FK_OFF_DIRECTIVE = '-- octet:foreign-keys-off';

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = FILE_RE.exec(file);
    if (!m) throw new Error(`migration file ${file} must be named NNN_snake_case.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    out.push({ version: Number(m[1]), name: m[2], sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  out.forEach((mig, i) => {
    if (mig.version !== i + 1) throw new Error(`migrations must be numbered 001, 002, … without gaps; found ${String(mig.version).padStart(3, '0')} at position ${i + 1}`);
  });
  return out;
}

export interface MigrateResult {
  from: number;
  to: number;
  applied: number[];
}

function ensureTable(db: Database.Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    checksum   TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies the migrations above the database's version, up to `target` (default: all). */
export function migrate(db: Database.Database, migrations: readonly Migration[] = loadMigrations(), target?: number): MigrateResult {
  ensureTable(db);
  const from = schemaVersion(db);
  const latest = migrations.length;
  if (from > latest) {
    throw new Error(`database schema is version ${from} but this version of Octet Studio knows only up to ${latest}; update the app or use another database (--db)`);
  }
  const applied = db.prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version').all() as { version: number; name: string; checksum: string }[];
  for (const row of applied) {
    const mig = migrations[row.version - 1];
    if (mig && mig.checksum !== row.checksum) {
      throw new Error(`migration ${String(row.version).padStart(3, '0')}_${row.name}.sql was changed after it was applied to this database; shipped migrations must never be edited — restore it and add a new migration`);
    }
  }
  const to = Math.min(target ?? latest, latest);
  const done: number[] = [];
  for (const mig of migrations) {
    if (mig.version <= from || mig.version > to) continue;
    // A table rebuild needs foreign keys off, which SQLite only allows outside a transaction.
    const fkOff = mig.sql.startsWith(FK_OFF_DIRECTIVE);
    if (fkOff) db.pragma('foreign_keys = OFF');
    try {
      // IMMEDIATE + re-check: two processes starting at once apply each migration exactly once.
      const ran = db.transaction(() => {
        if (schemaVersion(db) >= mig.version) return false;
        db.exec(mig.sql);
        if (fkOff && (db.pragma('foreign_key_check') as unknown[]).length) {
          throw new Error(`migration ${String(mig.version).padStart(3, '0')}_${mig.name} leaves rows whose foreign keys point nowhere`);
        }
        db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(mig.version, mig.name, mig.checksum, Date.now());
        db.pragma(`user_version = ${mig.version}`);
        return true;
      }).immediate();
      if (ran) done.push(mig.version);
    } finally {
      if (fkOff) db.pragma('foreign_keys = ON');
    }
  }
  const fkProblems = db.pragma('foreign_key_check') as unknown[];
  if (fkProblems.length) throw new Error(`foreign key check failed after migrating: ${JSON.stringify(fkProblems.slice(0, 5))}`);
  return { from, to: Math.max(from, to), applied: done };
}
