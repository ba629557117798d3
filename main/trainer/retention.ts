// Which checkpoints to delete: keep the newest `keepLast` and, if asked, the best one.
export interface CheckpointRef {
  step: number;
  isBest: boolean;
}

export function checkpointsToDelete<T extends CheckpointRef>(all: T[], keepLast: number, keepBest: boolean): T[] {
  const newest = [...all].sort((a, b) => b.step - a.step).slice(0, keepLast);
  const keep = new Set<T>(newest);
  if (keepBest) for (const c of all) if (c.isBest) keep.add(c);
  return all.filter((c) => !keep.has(c));
}
