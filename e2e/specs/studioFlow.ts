// The studio, end to end, as a user drives it: the same specs run in Chromium against `octet serve`
// and in the Electron app. Each screen's screenshot goes to test-results/screenshots/.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyModelPath, writeBrokenCsv, writeTinyCsv } from '../harness/fixtures.ts';
import { screenshot } from '../harness/screenshots.ts';
import type { StudioTarget } from '../harness/targets.ts';

const TRAIN_TIMEOUT = 240_000;
/** Steps of the short runs: a few seconds with the native kernels, long enough to be watched live. */
const RUN_STEPS = 400;

/** Fills the New-run form for a short run on the tiny model. */
async function fillShortRun(page: Page, opts: { name: string; model?: string; train?: string }) {
  if (opts.model) await page.fill('[data-testid=model-path]', opts.model);
  if (opts.train) await page.fill('[data-testid=dataset-train]', opts.train);
  await page.fill('[data-testid=run-name]', opts.name);
  await page.selectOption('[data-testid=length-mode]', 'steps');
  await page.fill('[data-testid=max-steps]', String(RUN_STEPS));
  await page.fill('[data-testid=batch-size]', '8');
  await page.fill('[data-testid=max-length]', '32');
  await page.fill('[data-testid=eval-every]', '100');
  await page.fill('[data-testid=tags]', 'e2e');
}

/** The planner's bar once it stopped changing (plans follow the form with a short debounce). */
async function settledPlan(page: Page): Promise<string | null> {
  const read = () => page.getAttribute('[data-testid=plan-bar] [role=img]', 'aria-label');
  let last = await read();
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(400);
    const now = await read();
    if (now === last) return now;
    last = now;
  }
  throw new Error('the VRAM plan kept changing');
}

async function createAndOpen(page: Page): Promise<number> {
  await page.click('[data-testid=create-run]');
  await page.waitForURL(/#\/runs\/\d+$/, { timeout: 30_000 });
  return Number(/#\/runs\/(\d+)$/.exec(page.url())?.[1]);
}

async function waitForStatus(page: Page, status: string, timeout = TRAIN_TIMEOUT) {
  await page.waitForSelector(`[data-testid=screen-run][data-status=${status}]`, { timeout });
}

export function studioFlow(launch: () => Promise<StudioTarget>): void {
  let t: StudioTarget;
  let page: Page;
  let files: string;
  let first = 0;
  let second = 0;
  const shot = (name: string) => screenshot(page, t.name, name);
  // The steps build on each other: after one fails, the rest are skipped instead of timing out.
  let broken: string | null = null;
  const step = (name: string, fn: () => Promise<void> | void, timeout?: number) =>
    it(
      name,
      async (ctx) => {
        if (broken) ctx.skip(`an earlier step failed: ${broken}`);
        try {
          await fn();
        } catch (err) {
          broken = name;
          throw err;
        }
      },
      timeout,
    );

  beforeAll(async () => {
    files = mkdtempSync(join(tmpdir(), 'octet-e2e-files-'));
    t = await launch();
    page = t.page;
  }, 240_000);

  afterAll(async () => {
    await t?.close();
    rmSync(files, { recursive: true, force: true });
  }, 120_000);

  describe('studio', () => {
    step('opens on an empty Runs screen', async () => {
      await page.waitForSelector('[data-testid=screen-runs]');
      await page.waitForSelector('[data-testid=runs-empty]');
      await expect.poll(() => page.getAttribute('[data-testid=connection]', 'data-state')).toBe('open');
      // Keyboard first: Tab reaches the skip link, then the navigation, in order.
      await page.locator('body').focus();
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-runs');
      await shot('01-runs-empty');
    });

    step('New run: detects the model, previews the dataset, plans VRAM as settings change', async () => {
      await page.click('[data-testid=nav-new]');
      await page.fill('[data-testid=model-path]', tinyModelPath());
      await expect.poll(() => page.textContent('[data-testid=model-architecture]'), { timeout: 20_000 }).toBe('RobertaForSequenceClassification');
      await page.fill('[data-testid=dataset-train]', writeTinyCsv(files));
      await page.waitForSelector('[data-testid=dataset-preview-table]', { timeout: 20_000 });
      expect(await page.inputValue('[data-testid=column-text]')).toBe('text');
      expect(await page.inputValue('[data-testid=column-label]')).toBe('label');
      await fillShortRun(page, { name: 'e2e-adamw8bit' });

      await page.waitForSelector('[data-testid=plan-verdict]', { timeout: 20_000 });
      const before = await settledPlan(page);
      await page.fill('[data-testid=batch-size]', '64');
      const bigger = await settledPlan(page);
      expect(bigger).not.toBe(before);
      expect(Number(await page.textContent('[data-testid=plan-max-batch]'))).toBeGreaterThan(0);
      await page.fill('[data-testid=batch-size]', '8');
      expect(await settledPlan(page)).toBe(before);
      await shot('02-new-run');
      first = await createAndOpen(page);
      expect(first).toBeGreaterThan(0);
    }, 90_000);

    step('Run: loss curves and the memory panel update live, then the run completes', async () => {
      await page.waitForSelector(`[data-testid=screen-run][data-run-id="${first}"]`);
      const seen = { points: new Set<number>(), samples: new Set<number>() };
      let liveShot = false;
      const deadline = Date.now() + TRAIN_TIMEOUT;
      for (;;) {
        const state = await page.evaluate(() => ({
          status: document.querySelector('[data-testid=screen-run]')?.getAttribute('data-status'),
          points: Number(document.querySelector('[data-testid=chart-loss]')?.getAttribute('data-points') ?? 0),
          samples: Number(document.querySelector('[data-testid=vram-panel]')?.getAttribute('data-samples') ?? 0),
        }));
        seen.points.add(state.points);
        seen.samples.add(state.samples);
        if (!liveShot && state.status === 'running' && state.points > 0) {
          await shot('03-run-live');
          liveShot = true;
        }
        if (state.status && !['created', 'running', 'stopping'].includes(state.status)) break;
        if (Date.now() > deadline) throw new Error(`run ${first} did not finish in time (status ${state.status})`);
        await page.waitForTimeout(150);
      }
      await waitForStatus(page, 'completed', 5000);
      // The page saw the curve grow while the run went on (a part of it, not only before and after),
      // and the memory samples too.
      expect([...seen.points].some((p) => p > 0 && p < RUN_STEPS)).toBe(true);
      expect(seen.samples.size).toBeGreaterThanOrEqual(2);
      await expect.poll(async () => Number(await page.getAttribute('[data-testid=chart-loss]', 'data-points'))).toBeGreaterThanOrEqual(RUN_STEPS);
      expect(await page.textContent('[data-testid=run-step]')).toContain(String(RUN_STEPS));
      await page.waitForSelector('[data-testid=checkpoint-row]');
      await shot('04-run-completed');
    }, TRAIN_TIMEOUT + 30_000);

    step('finds it in Runs with search and filters', async () => {
      await page.click('[data-testid=nav-runs]');
      await page.fill('[data-testid=runs-search]', 'adamw8bit');
      await expect.poll(() => page.locator('[data-testid=run-row]').count()).toBe(1);
      const row = page.locator(`[data-testid=run-row][data-run-id="${first}"]`);
      expect(await row.getAttribute('data-status')).toBe('completed');
      await row.locator('[data-testid=sparkline]').waitFor();
      await page.selectOption('[data-testid=runs-filter-status]', 'failed');
      await page.waitForSelector('[data-testid=runs-empty]');
      await page.selectOption('[data-testid=runs-filter-status]', 'completed');
      await row.waitFor();
      await page.fill('[data-testid=runs-search]', '');
      await shot('05-runs');
    });

    step('compares it with a second run (32-bit state)', async () => {
      await page.goto(page.url().replace(/#.*$/, `#/runs/${first}`));
      await page.click('[data-testid=run-again]');
      await expect.poll(() => page.inputValue('[data-testid=model-path]')).toBe(tinyModelPath());
      await page.fill('[data-testid=run-name]', 'e2e-adamw32bit');
      await page.check('[data-testid=optimizer-bits-32]');
      second = await createAndOpen(page);
      await waitForStatus(page, 'completed');

      await page.click('[data-testid=nav-runs]');
      await expect.poll(() => page.locator('[data-testid=run-row]').count()).toBe(2);
      for (const id of [first, second]) await page.check(`[data-testid=run-row][data-run-id="${id}"] [data-testid=run-select]`);
      await page.click('[data-testid=compare-selected]');
      await page.waitForSelector('[data-testid=screen-compare]');
      await page.waitForSelector('[data-testid=config-diff-row][data-path="optimizer.name"]');
      const diffRow = await page.textContent('[data-testid=config-diff-row][data-path="optimizer.name"]');
      expect(diffRow).toContain('adamw8bit');
      expect(diffRow).toContain('adamw32bit');
      // Only differences: the model and dataset are the same for both runs.
      expect(await page.locator('[data-testid=config-diff-row][data-path="model"]').count()).toBe(0);
      await expect.poll(async () => Number(await page.getAttribute('[data-testid=compare-chart-train-loss]', 'data-points'))).toBeGreaterThanOrEqual(60);
      await page.check('[data-testid=x-epoch]');
      await page.waitForTimeout(300);
      await shot('06-compare');
    }, TRAIN_TIMEOUT + 60_000);

    step('exports it in the Hugging Face layout', async () => {
      await page.goto(page.url().replace(/#.*$/, `#/runs/${first}`));
      await waitForStatus(page, 'completed', 10_000);
      await page.click('[data-testid=export-run]');
      const done = await page.waitForSelector('[data-testid=export-done]', { timeout: 60_000 });
      const path = (await done.$eval('code', (c) => c.textContent)) ?? '';
      expect(existsSync(path)).toBe(true);
      const exported = readdirSync(path);
      expect(exported).toContain('config.json');
      expect(exported.some((f) => f.endsWith('.safetensors'))).toBe(true);
      await page.waitForSelector('[data-testid=export-list] li');
      await shot('07-run-exported');
    }, 90_000);

    step('deletes it', async () => {
      await page.click('[data-testid=run-delete]');
      await page.click('[data-testid=run-delete-confirm]');
      await page.waitForSelector('[data-testid=screen-runs]');
      // The list loads after the screen shows: wait for the surviving run's row before counting.
      await page.waitForSelector(`[data-testid=run-row][data-run-id="${second}"]`);
      await expect.poll(() => page.locator(`[data-testid=run-row][data-run-id="${first}"]`).count()).toBe(0);
      expect(existsSync(join(t.dataDir, 'runs', String(first)))).toBe(false);
    }, 60_000);

    step('stops a run gracefully and resumes it from its checkpoint', async () => {
      await page.goto(page.url().replace(/#.*$/, `#/new?from=${second}`));
      await expect.poll(() => page.inputValue('[data-testid=model-path]')).toBe(tinyModelPath());
      await page.fill('[data-testid=run-name]', 'e2e-stop-resume');
      // Long enough that neither leg can finish before the test stops it (a step takes a few ms here).
      await page.fill('[data-testid=max-steps]', '100000');
      const id = await createAndOpen(page);
      await expect.poll(async () => Number(await page.getAttribute('[data-testid=chart-loss]', 'data-points')), { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
      await page.click('[data-testid=run-stop]');
      await waitForStatus(page, 'stopped', 60_000);
      const stoppedAt = Number(/Step (\d+)/.exec((await page.textContent('[data-testid=run-step]')) ?? '')?.[1]);
      expect(stoppedAt).toBeGreaterThan(0);
      expect(stoppedAt).toBeLessThan(100000);
      await page.waitForSelector('[data-testid=checkpoint-row]');
      await shot('08-run-stopped');
      await page.click('[data-testid=run-resume]');
      await waitForStatus(page, 'running', 30_000);
      await expect.poll(async () => Number(/Step (\d+)/.exec((await page.textContent('[data-testid=run-step]')) ?? '')?.[1]), { timeout: 60_000 }).toBeGreaterThan(stoppedAt);
      await page.click('[data-testid=run-stop]');
      await waitForStatus(page, 'stopped', 60_000);
      await page.click('[data-testid=run-delete]');
      await page.click('[data-testid=run-delete-confirm]');
      await page.waitForSelector(`[data-testid=run-row][data-run-id="${second}"]`);
      await expect.poll(() => page.locator(`[data-testid=run-row][data-run-id="${id}"]`).count()).toBe(0);
    }, 200_000);

    it('an invalid dataset shows its error where it is', async () => {
      await page.click('[data-testid=nav-new]');
      await page.fill('[data-testid=model-path]', tinyModelPath());
      await page.fill('[data-testid=dataset-train]', writeBrokenCsv(files));
      const errors = await page.waitForSelector('[data-testid=dataset-errors]', { timeout: 20_000 });
      expect(await errors.textContent()).toMatch(/line \d+/);
      await page.click('[data-testid=create-run]');
      await page.waitForSelector('[data-testid=create-error]');
      expect(page.url()).toMatch(/#\/new/);
      await shot('09-new-run-invalid-dataset');
    }, 60_000);

    step('has a dark theme', async () => {
      await page.click('[data-testid=theme-toggle]');
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      await page.goto(page.url().replace(/#.*$/, `#/runs/${second}`));
      await waitForStatus(page, 'completed', 10_000);
      await page.waitForTimeout(300);
      await shot('10-run-dark');
      await page.click('[data-testid=theme-toggle]');
    });

    it('ran without page errors or Content-Security-Policy violations', () => {
      expect(t.pageErrors).toEqual([]);
    });
  });
}
