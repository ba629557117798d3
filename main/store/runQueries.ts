// The run browser's query: one page of runs, sorted by any RUN_SORT_KEY, filtered by status, task,
// optimizer and tag, and searched over name, model, dataset, notes and tags.
// Two steps: the ids of the page (a narrow sort, served by an index per key), then those rows with
// their tags — so the sorter never carries configs or sparklines of 10,000 runs.
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { OPTIMIZER_NAMES } from '../../common/optimizers.ts';
import { TASKS } from '../../common/runConfig.ts';
import { RUN_SORT_KEYS, RUN_STATUSES, type Page, type RunQuery, type RunSortKey, type RunSummary } from '../../common/runs.ts';
import { getSummaries } from './runRepo.ts';
import { stmt } from './statements.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** RunQuery as it may arrive over the wire: validated at the edge. */
export const RunQuerySchema = z.strictObject({
  offset: z.number().int().nonnegative().optional(),
  limit: z.number().int().positive().optional(),
  sort: z.enum(RUN_SORT_KEYS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
  status: z.array(z.enum(RUN_STATUSES)).optional(),
  task: z.array(z.enum(TASKS)).optional(),
  optimizer: z.array(z.enum(OPTIMIZER_NAMES)).optional(),
  tag: z.string().optional(),
  search: z.string().optional(),
});

const SORT_SQL: Record<RunSortKey, { expr: string; nullable: boolean }> = {
  createdAt: { expr: 'created_at', nullable: false },
  name: { expr: 'name COLLATE NOCASE', nullable: false },
  status: { expr: 'status', nullable: false },
  bestMetric: { expr: 'best_metric_value', nullable: true },
  durationMs: { expr: 'duration_ms', nullable: false },
  measuredPeakBytes: { expr: 'measured_peak_bytes', nullable: true },
  model: { expr: 'model COLLATE NOCASE', nullable: false },
  optimizer: { expr: 'optimizer', nullable: false },
};

export type SearchMode = 'fts' | 'like';

export class InvalidQueryError extends Error {
  override name = 'InvalidQuery';
}

/** Splits a search box's text into terms; quotes group words ("bert large"). */
export function searchTerms(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const t = (m[1] ?? m[2]).trim();
    if (t) out.push(t);
  }
  return out;
}

const likePattern = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

interface Where {
  sql: string[];
  params: unknown[];
}

/** Ids of runs with `term` in name, model, dataset, notes or a tag (a scan: for short terms and the LIKE mode). */
function likeIds(db: Database.Database, term: string): number[] {
  const rows = stmt(
    db,
    `SELECT r.id FROM runs r WHERE r.name LIKE @p ESCAPE '\\' OR r.model LIKE @p ESCAPE '\\' OR r.dataset LIKE @p ESCAPE '\\' OR r.notes LIKE @p ESCAPE '\\'
       OR r.id IN (SELECT rt.run_id FROM run_tags rt JOIN tags t ON t.id = rt.tag_id WHERE t.name LIKE @p ESCAPE '\\')`,
  )
    .raw(true)
    .all({ p: likePattern(term) }) as [number][];
  return rows.map((r) => r[0]);
}

function searchClauses(db: Database.Database, terms: string[], mode: SearchMode, where: Where): void {
  // A LIKE scan runs once here, not once for the page and again for the count.
  const likeOne = (term: string): void => {
    where.sql.push('+r.id IN (SELECT value FROM json_each(?))');
    where.params.push(JSON.stringify(likeIds(db, term)));
  };
  if (mode === 'like') {
    terms.forEach(likeOne);
    return;
  }
  // Trigram FTS needs 3+ characters per term; shorter terms use LIKE.
  const long = terms.filter((t) => [...t].length >= 3);
  const short = terms.filter((t) => [...t].length < 3);
  if (long.length) {
    // The unary + keeps SQLite from driving the query by the match list (a row lookup per match, then a
    // sort: 10 ms for a term matching 6,000 of 10,000 runs); instead it walks the sort key's index and
    // checks each id against the materialized matches, stopping after one page (2 ms). Measured in
    // scripts/bench-store.ts.
    where.sql.push('+r.id IN (SELECT rowid FROM run_search WHERE run_search MATCH ?)');
    where.params.push(long.map((t) => `"${t.replace(/"/g, '""')}"`).join(' AND '));
  }
  short.forEach(likeOne);
}

function buildWhere(db: Database.Database, q: RunQuery, mode: SearchMode): Where {
  const where: Where = { sql: [], params: [] };
  const inList = (col: string, values: readonly string[] | undefined): void => {
    if (!values?.length) return;
    where.sql.push(`${col} IN (SELECT value FROM json_each(?))`);
    where.params.push(JSON.stringify(values));
  };
  inList('r.status', q.status);
  inList('r.task', q.task);
  inList('r.optimizer', q.optimizer);
  if (q.tag?.trim()) {
    where.sql.push('r.id IN (SELECT rt.run_id FROM run_tags rt JOIN tags t ON t.id = rt.tag_id WHERE t.name = ?)');
    where.params.push(q.tag.trim());
  }
  const terms = searchTerms(q.search ?? '');
  if (terms.length) searchClauses(db, terms, mode, where);
  return where;
}

export function listRuns(db: Database.Database, query: RunQuery, opts: { searchMode?: SearchMode } = {}): Page<RunSummary> {
  const parsed = RunQuerySchema.safeParse(query);
  if (!parsed.success) {
    throw new InvalidQueryError(parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; '));
  }
  const q = parsed.data;
  const offset = q.offset ?? 0;
  const limit = Math.min(q.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const sortKey = q.sort ?? 'createdAt';
  const order = (q.order ?? (sortKey === 'name' || sortKey === 'model' || sortKey === 'optimizer' || sortKey === 'status' ? 'asc' : 'desc')).toUpperCase();
  const { expr, nullable } = SORT_SQL[sortKey];
  const where = buildWhere(db, q, opts.searchMode ?? 'fts');
  const whereSql = where.sql.length ? `WHERE ${where.sql.join(' AND ')}` : '';
  // Runs without a value (no evaluation yet, no measurement) go last in both directions.
  const nullsLast = nullable && order === 'ASC' ? ` NULLS LAST` : '';
  const ids = (
    stmt(db, `SELECT r.id AS id FROM runs r ${whereSql} ORDER BY r.${expr} ${order}${nullsLast}, r.id ${order} LIMIT ? OFFSET ?`).all(
      ...where.params,
      limit,
      offset,
    ) as { id: number }[]
  ).map((r) => r.id);
  const { total } = stmt(db, `SELECT count(*) AS total FROM runs r ${whereSql}`).get(...where.params) as { total: number };
  return { items: getSummaries(db, ids), total, offset, limit };
}
