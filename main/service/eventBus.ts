// Collects live events and delivers them to subscribers in batches (every `flushMs`), so a run
// that logs every step costs the UI one message per interval, not one per step.
import type { RunEvent } from '../../common/runs.ts';

export class EventBus {
  private queue: RunEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly handlers = new Set<(events: RunEvent[]) => void>();

  constructor(private readonly flushMs = 200) {}

  subscribe(handler: (events: RunEvent[]) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  emit(event: RunEvent): void {
    this.queue.push(event);
    this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    for (const h of this.handlers) {
      try {
        h(batch);
      } catch (err) {
        console.error('octet: event handler failed:', err);
      }
    }
  }
}
