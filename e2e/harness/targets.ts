// The two ways the same specs reach the studio: Chromium against `octet serve`, or the Electron app.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, chromium, type Browser, type ElectronApplication, type Page } from 'playwright-core';
import { electronBinary } from './electronBinary.ts';
import { CHROMIUM, CHROMIUM_ARGS, ROOT } from './paths.ts';
import { startServe } from './serveProcess.ts';

export interface StudioTarget {
  name: 'browser' | 'electron';
  page: Page;
  dataDir: string;
  /** Console errors and failed requests seen by the page (CSP violations show up here). */
  pageErrors: string[];
  close(): Promise<void>;
}

function watch(page: Page, errors: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
}

export async function launchBrowserTarget(): Promise<StudioTarget> {
  const serve = await startServe();
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    watch(page, pageErrors);
    await page.goto(serve.url);
    const b = browser;
    return {
      name: 'browser',
      page,
      dataDir: serve.dataDir,
      pageErrors,
      async close() {
        await b.close();
        await serve.stop();
      },
    };
  } catch (err) {
    await browser?.close();
    await serve.stop();
    throw err;
  }
}

/** Builds dist/electron when it is missing (the specs test what would be packaged). */
function ensureElectronBuild(): string {
  const main = join(ROOT, 'dist', 'electron', 'main.cjs');
  if (!existsSync(main)) {
    const res = spawnSync(process.execPath, ['electron/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`electron/build.mjs failed:\n${res.stdout}${res.stderr}`);
  }
  return main;
}

export async function launchElectronTarget(): Promise<StudioTarget> {
  const bin = electronBinary();
  if ('missing' in bin) throw new Error(bin.missing);
  const main = ensureElectronBuild();
  const dataDir = mkdtempSync(join(tmpdir(), 'octet-e2e-electron-'));
  const app: ElectronApplication = await _electron.launch({
    executablePath: bin.path,
    args: [main, `--data-dir=${dataDir}`, '--no-sandbox'],
    env: { ...process.env, OCTET_DATA_DIR: dataDir, OCTET_USER_DATA: join(dataDir, 'electron-user-data') } as Record<string, string>,
    cwd: ROOT,
  });
  const page = await app.firstWindow();
  await page.setViewportSize({ width: 1400, height: 900 });
  const pageErrors: string[] = [];
  watch(page, pageErrors);
  return {
    name: 'electron',
    page,
    dataDir,
    pageErrors,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
