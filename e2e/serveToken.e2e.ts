// `octet serve --token`: the page asks for the token, refuses a wrong one, and takes ?token= from a
// printed link (then drops it from the address bar).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './harness/paths.ts';
import { screenshot } from './harness/screenshots.ts';
import { startServe, type ServeProcess } from './harness/serveProcess.ts';

describe('octet serve with an access token', () => {
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    serve = await startServe({ args: ['--token', 's3cret-token'] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('prints the token and a link that carries it', () => {
    expect(serve.output()).toContain('Access token: s3cret-token');
    expect(serve.output()).toContain(`${serve.url}?token=s3cret-token`);
  });

  it('asks for the token and refuses a wrong one', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(serve.url);
    await page.waitForSelector('[data-testid=auth-form]');
    await page.fill('[data-testid=auth-token]', 'nope');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=auth-form] [role=alert]');
    await screenshot(page, 'browser', '00-token-prompt');
    await page.fill('[data-testid=auth-token]', 's3cret-token');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=screen-runs]');
    await page.close();
  });

  it('takes the token from the printed link and removes it from the address bar', async () => {
    const page = await browser.newPage();
    await page.goto(`${serve.url}?token=s3cret-token`);
    await page.waitForSelector('[data-testid=screen-runs]');
    expect(page.url()).not.toContain('token');
    await page.close();
  });
});
