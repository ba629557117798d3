import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OptimizerName } from '../../common/optimizers.ts';
import type { Task } from '../../common/runConfig.ts';
import { RUN_SORT_KEYS, type RunStatus } from '../../common/runs.ts';
import { ExperimentStore } from './experimentStore.ts';
import { searchTerms } from './runQueries.ts';
import { testConfig } from './testing/fixtures.ts';

interface Spec {
  name: string;
  status: RunStatus;
  model: string;
  dataset: string;
  task: Task;
  optimizer: OptimizerName;
  created: number;
  duration: number;
  best: number | null;
  peak: number | null;
  tags: string[];
  notes: string;
}

const specs: Spec[] = [
  { name: 'alpha', status: 'completed', model: 'models/roberta-large', dataset: 'glue/sst2.tsv', task: 'classification', optimizer: 'adamw8bit', created: 5, duration: 300, best: 0.91, peak: 5e9, tags: ['baseline'], notes: '' },
  { name: 'Bravo', status: 'running', model: 'models/roberta-base', dataset: 'glue/sst2.tsv', task: 'classification', optimizer: 'adamw32bit', created: 3, duration: 100, best: null, peak: null, tags: [], notes: 'learning rate sweep' },
  { name: 'charlie', status: 'failed', model: 'models/mt5-small', dataset: 'data/digits.jsonl', task: 'seq2seq', optimizer: 'adam8bit', created: 8, duration: 50, best: 12.5, peak: 9e9, tags: ['sweep', 'baseline'], notes: '' },
  { name: 'delta', status: 'completed', model: 'models/roberta-large', dataset: 'stsb.tsv', task: 'regression', optimizer: 'lion8bit', created: 1, duration: 900, best: 0.85, peak: 7e9, tags: ['sweep'], notes: '' },
  { name: 'echo', status: 'crashed', model: 'Models/MT5-base', dataset: 'data/digits.jsonl', task: 'seq2seq', optimizer: 'adamw8bit', created: 7, duration: 20, best: null, peak: 3e9, tags: [], notes: 'OOM?' },
  { name: 'foxtrot', status: 'created', model: 'models/roberta-base', dataset: 'mrpc.csv', task: 'classification', optimizer: 'momentum8bit', created: 2, duration: 0, best: 0.5, peak: null, tags: ['x'], notes: '' },
];

let store: ExperimentStore;
const ids = new Map<string, number>();

beforeAll(() => {
  store = ExperimentStore.open(':memory:');
  for (const s of specs) {
    const r = store.createRun({
      config: testConfig({ name: s.name, model: s.model, task: s.task, optimizer: { name: s.optimizer }, dataset: { train: s.dataset }, tags: s.tags, notes: s.notes }),
      createdAt: s.created,
    });
    store.updateRun(r.id, { status: s.status, durationMs: s.duration, measuredPeakBytes: s.peak, bestMetric: s.best === null ? null : { name: 'm', value: s.best, step: 1 } });
    ids.set(s.name, r.id);
  }
});
afterAll(() => store.close());

const names = (q: Parameters<ExperimentStore['listRuns']>[0], mode?: 'fts' | 'like') => store.listRuns(q, { searchMode: mode }).items.map((r) => r.name);

/** The expected order, computed from the specs above: nulls last, ties by id (= spec order). */
function expected(key: (typeof RUN_SORT_KEYS)[number], order: 'asc' | 'desc'): string[] {
  const val = (s: Spec): string | number | null =>
    ({ createdAt: s.created, name: s.name.toLowerCase(), status: s.status, bestMetric: s.best, durationMs: s.duration, measuredPeakBytes: s.peak, model: s.model.toLowerCase(), optimizer: s.optimizer })[key];
  const sign = order === 'asc' ? 1 : -1;
  return specs
    .map((s, i) => ({ s, i, v: val(s) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? sign * (a.i - b.i) : a.v === null ? 1 : -1;
      if (a.v < b.v) return -sign;
      if (a.v > b.v) return sign;
      return sign * (a.i - b.i);
    })
    .map((x) => x.s.name);
}

describe('listRuns', () => {
  it.each(RUN_SORT_KEYS)('sorts by %s both ways, nulls last', (key) => {
    expect(names({ sort: key, order: 'asc' })).toEqual(expected(key, 'asc'));
    expect(names({ sort: key, order: 'desc' })).toEqual(expected(key, 'desc'));
  });

  it('defaults to newest first and pages with a total', () => {
    expect(names({})).toEqual(['charlie', 'echo', 'alpha', 'Bravo', 'foxtrot', 'delta']);
    const page = store.listRuns({ offset: 2, limit: 2 });
    expect(page.items.map((r) => r.name)).toEqual(['alpha', 'Bravo']);
    expect(page).toMatchObject({ total: 6, offset: 2, limit: 2 });
    expect(store.listRuns({ limit: 10_000 }).limit).toBe(500);
  });

  it('filters by status, task, optimizer and tag, combined with AND', () => {
    expect(names({ status: ['completed', 'failed'], sort: 'name', order: 'asc' })).toEqual(['alpha', 'charlie', 'delta']);
    expect(names({ task: ['seq2seq'], sort: 'name', order: 'asc' })).toEqual(['charlie', 'echo']);
    expect(names({ optimizer: ['adamw8bit'], sort: 'name', order: 'asc' })).toEqual(['alpha', 'echo']);
    expect(names({ tag: 'baseline', sort: 'name', order: 'asc' })).toEqual(['alpha', 'charlie']);
    expect(names({ tag: 'sweep', status: ['completed'] })).toEqual(['delta']);
    expect(store.listRuns({ task: ['regression'], optimizer: ['adamw8bit'] }).total).toBe(0);
  });

  it('searches name, model, dataset, notes and tags, case-insensitively, the same with FTS and LIKE', () => {
    const cases: [string, string[]][] = [
      ['bert', ['alpha', 'Bravo', 'delta', 'foxtrot']], // substring of the model
      ['MT5', ['charlie', 'echo']],
      ['sst2', ['alpha', 'Bravo']], // dataset
      ['rate sweep', ['Bravo']], // notes; words ANDed
      ['"rate sweep"', ['Bravo']], // phrase
      ['sweep', ['Bravo', 'charlie', 'delta']], // notes or tag
      ['OOM', ['echo']],
      ['x', ['foxtrot']], // 1 character: LIKE fallback (name "foxtrot", tag "x")
      ['ch', ['charlie', 'echo']], // 2 characters: LIKE fallback
      ['roberta sst2', ['alpha', 'Bravo']],
      ['nothing-like-this', []],
      ['50%', []], // LIKE wildcards are escaped
    ];
    for (const [q, want] of cases) {
      expect(names({ search: q, sort: 'name', order: 'asc' }, 'fts'), q).toEqual(want);
      expect(names({ search: q, sort: 'name', order: 'asc' }, 'like'), q).toEqual(want);
    }
    expect(store.listRuns({ search: 'bert', status: ['completed'] }).total).toBe(2);
  });

  it('returns summaries with tags and sparklines', () => {
    const [alpha] = store.listRuns({ search: 'alpha' }).items;
    expect(alpha).toMatchObject({ id: ids.get('alpha'), tags: ['baseline'], bestMetric: { name: 'm', value: 0.91, step: 1 }, lossSparkline: [] });
  });

  it('rejects a malformed query with the field named', () => {
    expect(() => store.listRuns({ sort: 'loss' as never })).toThrow(/^sort: Invalid option: expected one of "createdAt"\|"name"/);
    expect(() => store.listRuns({ limit: -1 })).toThrow(/^limit: /);
    expect(() => store.listRuns({ status: ['done' as never] })).toThrow(/^status\.0: /);
  });
});

describe('searchTerms', () => {
  it('splits on spaces and keeps quoted phrases', () => {
    expect(searchTerms(' roberta  "learning rate" x ')).toEqual(['roberta', 'learning rate', 'x']);
    expect(searchTerms('')).toEqual([]);
  });
});
