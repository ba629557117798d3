// Typing-driven server calls (model inspection, dataset preview, planner): debounced, and only the
// newest call's outcome is kept, so a slow early answer never overwrites a later one.
import { debounce } from './debounce.ts';

export interface LatestHandlers<R> {
  result(r: R): void;
  /** The newest call failed; `null` when the input was cleared (no result and no error). */
  error(err: unknown): void;
  loading?(busy: boolean): void;
}

export function latestCall<A, R>(fn: (arg: A) => Promise<R>, on: LatestHandlers<R>, waitMs: number) {
  let seq = 0;
  const run = debounce(async (arg: A) => {
    const mine = ++seq;
    on.loading?.(true);
    try {
      const r = await fn(arg);
      if (mine === seq) on.result(r);
    } catch (err) {
      if (mine === seq) on.error(err);
    } finally {
      if (mine === seq) on.loading?.(false);
    }
  }, waitMs);
  /** Forgets pending and running calls (their outcomes are dropped). */
  function cancel(): void {
    run.cancel();
    seq++;
    on.loading?.(false);
  }
  return {
    run,
    cancel,
    /** For an `$effect` on the input: runs with it, or with none (empty input) cancels and reports `error(null)`. */
    follow(arg: A | null): void {
      if (arg === null) {
        cancel();
        on.error(null);
      } else run(arg);
    },
  };
}
