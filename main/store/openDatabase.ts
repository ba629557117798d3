// Opens the experiment database with the settings every process must share: WAL (readers never block
// the trainer's writes), foreign keys on, a busy timeout for the moments two processes write at once,
// and synchronous=NORMAL (safe with WAL: a killed process loses nothing committed).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadMigrations, migrate, type Migration } from './migrate.ts';

export interface OpenOptions {
  /** Apply pending migrations (default true). */
  migrate?: boolean;
  migrations?: readonly Migration[];
  readonly?: boolean;
  busyTimeoutMs?: number;
}

export function openDatabase(path: string, opts: OpenOptions = {}): Database.Database {
  if (path !== ':memory:' && !opts.readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { readonly: opts.readonly ?? false });
  try {
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if ((opts.migrate ?? true) && !opts.readonly) migrate(db, opts.migrations ?? loadMigrations());
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
