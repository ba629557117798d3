// Progress fraction and remaining time, from live progress or, without it, from the run summary.
import type { Progress, RunSummary } from '../../../common/runs.ts';

export function progressFraction(step: number, total: number | null): number | null {
  if (!total || total <= 0) return null;
  return Math.max(0, Math.min(1, step / total));
}

export function estimateEtaMs(run: Pick<RunSummary, 'step' | 'totalSteps' | 'durationMs'>, progress: Progress | null): number | null {
  if (progress?.etaMs !== null && progress?.etaMs !== undefined) return progress.etaMs;
  const step = progress?.step ?? run.step;
  const total = progress?.totalSteps ?? run.totalSteps;
  if (!total || step <= 0 || run.durationMs <= 0) return null;
  return ((total - step) * run.durationMs) / step;
}
