// The Runs screen's filter state and its RunQuery.
import type { OptimizerName } from '../../../common/optimizers.ts';
import type { Task } from '../../../common/runConfig.ts';
import type { RunQuery, RunSortKey, RunStatus } from '../../../common/runs.ts';

export interface RunsFilter {
  search: string;
  status: RunStatus | '';
  task: Task | '';
  optimizer: OptimizerName | '';
  tag: string;
  sort: RunSortKey;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

export const DEFAULT_FILTER: RunsFilter = {
  search: '',
  status: '',
  task: '',
  optimizer: '',
  tag: '',
  sort: 'createdAt',
  order: 'desc',
  offset: 0,
  limit: 50,
};

export function toRunQuery(f: RunsFilter): RunQuery {
  const q: RunQuery = { offset: f.offset, limit: f.limit, sort: f.sort, order: f.order };
  if (f.search.trim()) q.search = f.search.trim();
  if (f.status) q.status = [f.status];
  if (f.task) q.task = [f.task];
  if (f.optimizer) q.optimizer = [f.optimizer];
  if (f.tag.trim()) q.tag = f.tag.trim();
  return q;
}

/** Clicking a sorted column flips its order; a new column starts descending (newest, best, biggest first). */
export function nextSort(f: RunsFilter, key: RunSortKey): Pick<RunsFilter, 'sort' | 'order' | 'offset'> {
  if (f.sort === key) return { sort: key, order: f.order === 'asc' ? 'desc' : 'asc', offset: 0 };
  return { sort: key, order: key === 'name' || key === 'model' || key === 'optimizer' || key === 'status' ? 'asc' : 'desc', offset: 0 };
}

export function shortModel(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}
