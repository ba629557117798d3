// Where Octet Studio keeps its database, runs and exports by default (OCTET_DATA_DIR overrides).
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, os: NodeJS.Platform = platform()): string {
  if (env.OCTET_DATA_DIR) return env.OCTET_DATA_DIR;
  const home = env.HOME ?? homedir();
  if (os === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Octet Studio');
  if (os === 'darwin') return join(home, 'Library', 'Application Support', 'Octet Studio');
  return join(env.XDG_DATA_HOME ?? join(home, '.local', 'share'), 'octet-studio');
}

export function defaultDbPath(dataDir: string): string {
  return join(dataDir, 'octet.db');
}

export function runDir(dataDir: string, runId: number): string {
  return join(dataDir, 'runs', String(runId));
}
