// Coalesces live events into batches flushed every `intervalMs` (never one message per step).
// Progress events of the same run within a batch collapse to the latest one.
import type { RunEvent } from '../../common/runs.ts';

export class EventBatcher {
  private pending: RunEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly flushTo: (events: RunEvent[]) => void,
    private readonly intervalMs = 150,
  ) {}

  push(events: readonly RunEvent[]): void {
    if (!events.length) return;
    this.pending.push(...events);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref?.();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending.length) return;
    const batch = coalesce(this.pending);
    this.pending = [];
    this.flushTo(batch);
  }

  close(): void {
    this.flush();
  }
}

export function coalesce(events: RunEvent[]): RunEvent[] {
  const lastProgress = new Map<number, number>();
  events.forEach((e, i) => {
    if (e.type === 'progress') lastProgress.set(e.runId, i);
  });
  return events.filter((e, i) => e.type !== 'progress' || lastProgress.get(e.runId) === i);
}
