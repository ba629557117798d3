// Learning rate at an optimizer step: linear warmup from 0, then linear or cosine decay to 0, or constant.
export type ScheduleKind = 'linear' | 'cosine' | 'constant';

export interface Schedule {
  baseLr: number;
  kind: ScheduleKind;
  warmupSteps: number;
  totalSteps: number;
}

/** `step` counts from 1 (the first update) as in transformers' get_*_schedule_with_warmup at step-1. */
export function lrAt(s: Schedule, step: number): number {
  const t = step - 1;
  if (t < s.warmupSteps) return (s.baseLr * (t + 1)) / (s.warmupSteps + 1);
  if (s.kind === 'constant') return s.baseLr;
  const decaySteps = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, (t - s.warmupSteps) / decaySteps);
  if (s.kind === 'linear') return s.baseLr * (1 - progress);
  return s.baseLr * 0.5 * (1 + Math.cos(Math.PI * progress));
}

export function warmupStepsFor(totalSteps: number, warmupSteps: number | undefined, warmupRatio: number): number {
  return warmupSteps ?? Math.floor(totalSteps * warmupRatio);
}
