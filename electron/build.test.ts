// What packaging would ship, checked without downloading Electron: the bundles build, the preload
// needs nothing but electron, the main-side services bundle starts and answers under plain Node,
// and the electron-builder configuration passes electron-builder's own validation.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../', import.meta.url));
const out = join(root, 'dist', 'electron');
const hasWorker = existsSync(join(root, 'main', 'trainer', 'worker.ts'));

function requiredModules(file: string): string[] {
  const code = readFileSync(join(out, file), 'utf8');
  return [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
}

beforeAll(() => {
  const res = spawnSync(process.execPath, ['electron/build.mjs'], { cwd: root, encoding: 'utf8' });
  expect(res.status, `${res.stdout}${res.stderr}`).toBe(0);
}, 120_000);

describe('electron bundles', () => {
  it('writes main, preload, services and the trainer worker', () => {
    for (const f of ['main.cjs', 'preload.cjs', 'services.cjs', ...(hasWorker ? ['worker.cjs'] : [])]) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('keeps the preload tiny: it requires only electron', () => {
    expect(requiredModules('preload.cjs')).toEqual(['electron']);
    expect(readFileSync(join(out, 'preload.cjs'), 'utf8').length).toBeLessThan(4000);
  });

  it('main.cjs runs the same services bundle; what the bundles load at run time is packaged', () => {
    const mods = requiredModules('main.cjs').filter((m) => !m.startsWith('node:'));
    expect(mods).toEqual(['./services.cjs', 'electron']);
    // Packages left out of the bundles must be production dependencies (electron-builder packs those).
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const builtins = new Set(builtinModules);
    for (const file of ['services.cjs', ...(hasWorker ? ['worker.cjs'] : [])]) {
      for (const m of requiredModules(file)) {
        if (m.startsWith('node:') || builtins.has(m)) continue;
        const name = m.startsWith('@') ? m.split('/').slice(0, 2).join('/') : m.split('/')[0];
        expect(pkg.dependencies, `${file} requires ${m}`).toHaveProperty([name]);
      }
    }
    expect(requiredModules('services.cjs')).toContain('better-sqlite3');
  });

  it('leaves no import.meta behind (esbuild would turn it into an empty object in CommonJS)', () => {
    for (const f of ['main.cjs', 'services.cjs', ...(hasWorker ? ['worker.cjs'] : [])]) {
      expect(readFileSync(join(out, f), 'utf8'), f).not.toMatch(/import\.meta|\bimport_meta\b/);
    }
  });

  it('the bundled services start under plain Node: store, migrations, planner and model configs', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'octet-bundle-'));
    try {
      const script = `
        const s = require(${JSON.stringify(join(out, 'services.cjs'))});
        (async () => {
          const svc = await s.startAppServices({ dataDir: ${JSON.stringify(dataDir)}, launcher: s.bundledWorkerLauncher(${JSON.stringify(join(out, 'worker.cjs'))}) });
          const info = await svc.systemInfo({});
          const runs = await svc.listRuns({});
          const plan = await svc.plan({ model: 'roberta-base', optimizer: 'adamw8bit', batchSize: 1, seqLength: 128, gpuBytes: 6 * 2 ** 30 });
          await svc.close();
          console.log(JSON.stringify({ version: info.version, dbPath: svc.dbPath, total: runs.total, params: plan.parameterCount, verdict: plan.verdict }));
        })().catch((e) => { console.error(e); process.exit(1); });`;
      const res = spawnSync(process.execPath, ['-e', script], { cwd: tmpdir(), encoding: 'utf8', timeout: 60_000 });
      expect(res.status, res.stderr).toBe(0);
      const got = JSON.parse(res.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
      expect(got).toMatchObject({ version: pkg.version, dbPath: join(dataDir, 'octet.db'), total: 0 });
      // roberta-base has ≈125M parameters (HF config bundled in models/configs).
      expect(got.params).toBeGreaterThan(120e6);
      expect(got.params).toBeLessThan(130e6);
      expect(existsSync(join(dataDir, 'octet.db'))).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.runIf(hasWorker)('the bundled trainer worker trains the tiny model, driven by the bundled services', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'octet-bundle-train-'));
    try {
      const config = {
        name: 'bundle-check',
        model: join(root, 'testdata', 'models', 'tiny-roberta-cls'),
        dataset: { train: join(root, 'assets', 'datasets', 'topics', 'train.csv'), maxRows: 200 },
        training: { maxSteps: 12, batchSize: 8, maxLength: 32, evalEverySteps: 6 },
      };
      const script = `
        const s = require(${JSON.stringify(join(out, 'services.cjs'))});
        (async () => {
          const svc = await s.startAppServices({ dataDir: ${JSON.stringify(dataDir)}, launcher: s.bundledWorkerLauncher(${JSON.stringify(join(out, 'worker.cjs'))}) });
          const kinds = new Set();
          svc.onEvents((events) => events.forEach((e) => kinds.add(e.type)));
          const run = await svc.createRun({ config: ${JSON.stringify(config)} });
          let d;
          for (;;) {
            await new Promise((r) => setTimeout(r, 300));
            d = await svc.getRun({ id: run.id });
            if (!['created', 'running', 'stopping'].includes(d.status)) break;
          }
          const series = await svc.getSeries({ id: run.id });
          await svc.close();
          console.log(JSON.stringify({ status: d.status, error: d.error, step: d.step, checkpoints: d.checkpoints.length, series: series.map((x) => x.name), events: [...kinds].sort() }));
        })().catch((e) => { console.error(e); process.exit(1); });`;
      const res = spawnSync(process.execPath, ['-e', script], { cwd: tmpdir(), encoding: 'utf8', timeout: 180_000 });
      expect(res.status, res.stderr).toBe(0);
      const got = JSON.parse(res.stdout.trim().split('\n').at(-1) ?? '{}') as { status: string; step: number; checkpoints: number; series: string[]; events: string[] };
      expect(got).toMatchObject({ status: 'completed', step: 12 });
      expect(got.checkpoints).toBeGreaterThan(0);
      expect(got.series).toContain('train/loss');
      expect(got.events).toEqual(expect.arrayContaining(['metrics', 'progress', 'status', 'system']));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 200_000);
});

describe('electron-builder configuration', () => {
  const configPath = join(root, 'electron', 'electron-builder.yml');
  const config = parse(readFileSync(configPath, 'utf8')) as Record<string, unknown> & {
    files: string[];
    asarUnpack: string[];
    extraMetadata: { main: string };
    linux: { target: string[] };
    win: { target: { target: string }[] };
    mac: { target: { target: string }[] };
    beforeBuild: string;
  };

  it("passes electron-builder's schema validation", async () => {
    const require = createRequire(import.meta.url);
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      getConfig: (dir: string, path: string, extra: null) => Promise<unknown>;
      validateConfiguration: (c: unknown, log: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    const loaded = await getConfig(root, configPath, null);
    await expect(validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('targets AppImage + deb, NSIS and dmg, and starts the bundled main', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis']);
    expect(config.mac.target.map((t) => t.target)).toEqual(['dmg']);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
    expect(config.extraMetadata.main).toBe(pkg.main);
    expect(existsSync(join(root, pkg.main))).toBe(true);
  });

  it('packs every file the bundles read at run time, and unpacks native code and wasm', () => {
    const files = config.files.filter((f) => !f.startsWith('!'));
    for (const needed of ['dist/electron/**/*', 'dist/renderer/**/*', 'main/store/migrations/**/*', 'models/configs/**/*', 'assets/**/*']) expect(files).toContain(needed);
    expect(existsSync(join(root, 'main', 'store', 'migrations'))).toBe(true);
    expect(existsSync(join(root, 'models', 'configs'))).toBe(true);
    for (const unpacked of ['**/*.node', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm']) expect(config.asarUnpack).toContain(unpacked);
  });

  it('rebuilds native/ for Electron before packaging', () => {
    const require = createRequire(import.meta.url);
    const hook = require(join(root, config.beforeBuild)) as unknown;
    expect(typeof hook).toBe('function');
  });
});
