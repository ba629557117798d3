// Makes sure dist/renderer holds a build of the current renderer sources: builds it with Vite when it
// is missing or older than renderer/ or common/, or says clearly how to build it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export class RendererBuildError extends Error {
  override name = 'RendererBuildError';
}

export interface RendererBuildOptions {
  /** Repository (or installed package) root holding renderer/, common/ and dist/. */
  rootDir: string;
  /** false: never build, only check. */
  build?: boolean;
  log?: (line: string) => void;
}

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, await newestMtime(p));
    else if (e.isFile() && !e.name.endsWith('.test.ts')) newest = Math.max(newest, (await stat(p)).mtimeMs);
  }
  return newest;
}

/** Why the build in dist/renderer can't be used as is, or null when it is current. */
export async function rendererStaleness(rootDir: string): Promise<string | null> {
  const index = join(rootDir, 'dist', 'renderer', 'index.html');
  const built = await stat(index).then((s) => s.mtimeMs, () => null);
  if (built === null) return 'dist/renderer is missing';
  const sources = existsSync(join(rootDir, 'renderer')) ? Math.max(await newestMtime(join(rootDir, 'renderer')), await newestMtime(join(rootDir, 'common'))) : 0;
  return sources > built ? 'dist/renderer is older than the renderer sources' : null;
}

async function withLock<T>(lockDir: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  for (;;) {
    try {
      await mkdir(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = await stat(lockDir).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 5 * 60_000) await rmdir(lockDir).catch(() => {});
      if (Date.now() - started > 10 * 60_000) throw new RendererBuildError(`timed out waiting for another renderer build (${lockDir})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rmdir(lockDir).catch(() => {});
  }
}

function runVite(rootDir: string, viteBin: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [viteBin, 'build', '--config', join('renderer', 'vite.config.ts'), '--logLevel', 'warn'], {
      cwd: rootDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new RendererBuildError(`building the studio UI failed (vite exit ${code}):\n${out.trim().split('\n').slice(-20).join('\n')}`));
    });
  });
}

/** Returns dist/renderer once it holds a current build. */
export async function ensureRendererBuilt(opts: RendererBuildOptions): Promise<string> {
  const { rootDir } = opts;
  const outDir = join(rootDir, 'dist', 'renderer');
  const reason = await rendererStaleness(rootDir);
  if (!reason) return outDir;
  if (opts.build === false) {
    if (existsSync(join(outDir, 'index.html'))) {
      opts.log?.(`octet: ${reason}; serving it anyway (--no-build)`);
      return outDir;
    }
    throw new RendererBuildError(`${reason}: run \`npm run build:renderer\` (or start without --no-build)`);
  }
  const viteBin = join(rootDir, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(viteBin) || !existsSync(join(rootDir, 'renderer', 'vite.config.ts'))) {
    throw new RendererBuildError(
      `${reason} and it can't be built here (${existsSync(viteBin) ? 'renderer/vite.config.ts is missing' : 'vite is not installed; `npm ci` installs it'}): run \`npm run build:renderer\` and start again`,
    );
  }
  await mkdir(join(rootDir, 'dist'), { recursive: true });
  return withLock(join(rootDir, 'dist', '.renderer-build.lock'), async () => {
    if (!(await rendererStaleness(rootDir))) return outDir; // another process just built it
    opts.log?.(`octet: building the studio UI (${reason})…`);
    const t0 = Date.now();
    await runVite(rootDir, viteBin);
    opts.log?.(`octet: studio UI built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return outDir;
  });
}
