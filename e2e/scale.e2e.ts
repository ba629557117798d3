// Scale: the Runs screen stays quick with thousands of runs (paged, sorted and searched by the store),
// and the charts take 10k points per curve.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from './harness/paths.ts';
import { screenshot } from './harness/screenshots.ts';
import { seedRuns } from './harness/seedRuns.ts';
import { startServe, type ServeProcess } from './harness/serveProcess.ts';

const RUNS = 3000;

describe('scale', () => {
  let dir: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let longRunId: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'octet-e2e-scale-'));
    ({ longRunId } = seedRuns(join(dir, 'octet.db'), RUNS));
    serve = await startServe({ dataDir: dir });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`pages, sorts and searches ${RUNS.toLocaleString('en-US')} runs quickly`, async () => {
    let t = Date.now();
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=run-row]');
    const firstPaint = Date.now() - t;
    expect(await page.textContent('[data-testid=page-info]')).toBe(`1–50 of ${(RUNS + 1).toLocaleString('en-US')}`);
    expect(await page.locator('[data-testid=run-row]').count()).toBe(50);

    t = Date.now();
    await page.click('[data-testid=page-next]');
    await expect.poll(() => page.textContent('[data-testid=page-info]')).toBe(`51–100 of ${(RUNS + 1).toLocaleString('en-US')}`);
    const nextPage = Date.now() - t;

    t = Date.now();
    await page.click('[data-testid=sort-name]');
    await expect.poll(() => page.locator('[data-testid=run-link]').first().textContent()).toBe('long-run');
    const sort = Date.now() - t;

    t = Date.now();
    await page.fill('[data-testid=runs-search]', 'sweep-0123');
    await expect.poll(() => page.locator('[data-testid=run-row]').count()).toBe(1);
    const search = Date.now() - t; // includes the 200 ms typing debounce

    console.log(`runs screen with ${RUNS} runs: first page ${firstPaint} ms, next page ${nextPage} ms, sort ${sort} ms, search ${search} ms`);
    for (const ms of [firstPaint, nextPage, sort, search]) expect(ms).toBeLessThan(3000);
    await page.fill('[data-testid=runs-search]', '');
    await page.click('[data-testid=sort-createdAt]');
    await page.waitForSelector('[data-testid=sparkline]');
    await screenshot(page, 'browser', '11-runs-thousands');
  }, 60_000);

  it('draws 10k points per curve and stays responsive', async () => {
    const t = Date.now();
    await page.goto(serve.url.replace(/\/$/, `/#/runs/${longRunId}`));
    await expect.poll(async () => Number(await page.getAttribute('[data-testid=chart-loss]', 'data-points')), { timeout: 20_000 }).toBe(10_000);
    await expect.poll(async () => Number(await page.getAttribute('[data-testid=chart-lr]', 'data-points'))).toBe(10_000);
    const load = Date.now() - t;
    // Sweep the cursor across the loss chart: every move redraws the cursor and the legend.
    const box = await page.locator('[data-testid=chart-loss] .u-over').boundingBox();
    if (!box) throw new Error('no chart');
    const frames = await page.evaluate(async () => {
      let count = 0;
      const start = performance.now();
      await new Promise<void>((resolve) => {
        const tick = () => {
          count++;
          if (performance.now() - start < 1000) requestAnimationFrame(tick);
          else resolve();
        };
        requestAnimationFrame(tick);
      });
      return count;
    });
    const moveStart = Date.now();
    for (let i = 0; i <= 40; i++) await page.mouse.move(box.x + (box.width * i) / 40, box.y + box.height / 2);
    const moves = Date.now() - moveStart;
    console.log(`run screen with 2×10k points: loaded in ${load} ms; ${frames} frames/s idle; 41 cursor moves in ${moves} ms`);
    expect(load).toBeLessThan(5000);
    expect(moves).toBeLessThan(4000);
    await screenshot(page, 'browser', '12-run-10k-points');
  }, 60_000);
});
