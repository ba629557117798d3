import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../common/runs.ts';
import { EventBus } from './eventBus.ts';

describe('EventBus', () => {
  it('delivers many events as one batch per interval', async () => {
    const bus = new EventBus(20);
    const batches: RunEvent[][] = [];
    bus.subscribe((b) => batches.push(b));
    for (let i = 0; i < 100; i++) bus.emit({ type: 'run-deleted', runId: i });
    expect(batches).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 40));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(100);
  });
  it('stops delivering after unsubscribe', () => {
    const bus = new EventBus(1000);
    const seen: number[] = [];
    const off = bus.subscribe((b) => seen.push(b.length));
    bus.emit({ type: 'run-deleted', runId: 1 });
    bus.flush();
    off();
    bus.emit({ type: 'run-deleted', runId: 2 });
    bus.flush();
    expect(seen).toEqual([1]);
  });
});
