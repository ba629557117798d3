import { describe, expect, it } from 'vitest';
import { latestCall } from './latestCall.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('latestCall', () => {
  it('keeps only the newest outcome even when an older call answers last', async () => {
    const results: string[] = [];
    const slowFirst = (arg: string) => sleep(arg === 'a' ? 60 : 5).then(() => arg);
    const c = latestCall(slowFirst, { result: (r) => results.push(r), error: () => undefined }, 1);
    c.run('a');
    await sleep(10); // 'a' is running
    c.run('b');
    await sleep(100);
    expect(results).toEqual(['b']);
  });
  it('debounces bursts and drops everything after cancel', async () => {
    const calls: number[] = [];
    const c = latestCall(async (n: number) => calls.push(n), { result: () => undefined, error: () => undefined }, 20);
    c.run(1);
    c.run(2);
    await sleep(40);
    c.run(3);
    c.cancel();
    await sleep(40);
    expect(calls).toEqual([2]);
  });
});
