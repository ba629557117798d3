// Tracks the best evaluation and says when `patience` evaluations in a row brought no improvement.
export interface BestTracker {
  metric: string;
  higherIsBetter: boolean;
  best: { value: number; step: number } | null;
  evalsWithoutImprovement: number;
}

export function newTracker(metric: string, higherIsBetter: boolean): BestTracker {
  return { metric, higherIsBetter, best: null, evalsWithoutImprovement: 0 };
}

/** Records one evaluation; returns true when it is a new best. NaN never improves. */
export function recordEval(t: BestTracker, value: number, step: number): boolean {
  const better = Number.isFinite(value) && (t.best === null || (t.higherIsBetter ? value > t.best.value : value < t.best.value));
  if (better) {
    t.best = { value, step };
    t.evalsWithoutImprovement = 0;
  } else {
    t.evalsWithoutImprovement++;
  }
  return better;
}

export function shouldStop(t: BestTracker, patience: number | undefined): boolean {
  return patience !== undefined && t.evalsWithoutImprovement >= patience;
}
