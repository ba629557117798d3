// --db / --data-dir handling shared by every CLI command that opens the studio services.
import type { Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { defaultDataDir, defaultDbPath } from '../paths.ts';

export interface StoreOptions {
  db?: string;
  dataDir?: string;
}

export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option('--db <path>', 'SQLite database (default: <data dir>/octet.db)')
    .option('--data-dir <dir>', 'where runs, checkpoints and exports go (default: beside --db, else the user data directory)');
}

/** A database given without a data dir keeps its runs' files beside it. */
export function resolveStorePaths(opts: StoreOptions): { dataDir: string; dbPath: string } {
  const dbPath = opts.db ? resolve(opts.db) : undefined;
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : dbPath ? dirname(dbPath) : defaultDataDir();
  return { dataDir, dbPath: dbPath ?? defaultDbPath(dataDir) };
}
