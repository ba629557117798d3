// Starts `octet serve` as a child process on a free localhost port with its own data dir and DB.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths.ts';

export interface ServeProcess {
  url: string;
  dataDir: string;
  dbPath: string;
  output(): string;
  stop(): Promise<void>;
}

export async function startServe(opts: { args?: string[]; dataDir?: string; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'octet-e2e-'));
  const dbPath = join(dataDir, 'octet.db');
  const child: ChildProcess = spawn(process.execPath, ['bin/octet.js', 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--db', dbPath, ...(opts.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, OCTET_DATA_DIR: dataDir, FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`octet serve did not start within ${opts.timeoutMs ?? 180_000} ms:\n${out}`)), opts.timeoutMs ?? 180_000);
    const check = () => {
      const m = /Octet Studio is serving (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`octet serve exited with ${code} before serving:\n${out}`));
    });
  });

  return {
    url,
    dataDir,
    dbPath,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 60_000);
        await exited;
        clearTimeout(t);
      }
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
