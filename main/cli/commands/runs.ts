// `octet runs list|show|compare|delete|export|tag|note`: the run browser for the terminal.
import type { Command } from 'commander';
import { RUN_SORT_KEYS, RUN_STATUSES, type RunQuery, type RunSortKey, type RunStatus } from '../../../common/runs.ts';
import type { StudioService } from '../../service/studioService.ts';
import { UserError } from '../errors.ts';
import { addStoreOptions, resolveStorePaths, type StoreOptions } from '../serviceOptions.ts';

type Opts = StoreOptions & { json?: boolean };

async function withService<T>(opts: StoreOptions, fn: (s: StudioService) => Promise<T>): Promise<T> {
  const { createStudioService } = await import('../../service/createStudioService.ts');
  const service = await createStudioService(resolveStorePaths(opts));
  try {
    return await fn(service);
  } finally {
    await service.close();
  }
}

function print(json: boolean | undefined, data: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${text()}\n`);
}

function parseList<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T[] | undefined {
  if (!value) return undefined;
  const items = value.split(',').map((s) => s.trim());
  for (const it of items) if (!allowed.includes(it as T)) throw new UserError(`unknown ${what} "${it}"; allowed: ${allowed.join(', ')}`);
  return items as T[];
}

export function register(program: Command): void {
  const runs = program.command('runs').description('list, inspect, compare, export, tag and delete runs');

  addStoreOptions(
    runs
      .command('list')
      .description('a page of runs, newest first')
      .option('--status <list>', `filter by status (${RUN_STATUSES.join(', ')})`)
      .option('--tag <tag>', 'only runs with this tag')
      .option('--search <text>', 'search names, models, datasets, notes and tags')
      .option('--sort <key>', `sort by ${RUN_SORT_KEYS.join(', ')}`, 'createdAt')
      .option('--asc', 'ascending order')
      .option('--limit <n>', 'rows per page', '50')
      .option('--offset <n>', 'rows to skip', '0')
      .option('--json', 'print JSON'),
  ).action(async (o: Opts & { status?: string; tag?: string; search?: string; sort: string; asc?: boolean; limit: string; offset: string }) => {
    if (!RUN_SORT_KEYS.includes(o.sort as RunSortKey)) throw new UserError(`unknown sort key "${o.sort}"; allowed: ${RUN_SORT_KEYS.join(', ')}`);
    const query: RunQuery = {
      status: parseList<RunStatus>(o.status, RUN_STATUSES, 'status'),
      tag: o.tag,
      search: o.search,
      sort: o.sort as RunSortKey,
      order: o.asc ? 'asc' : 'desc',
      limit: Number(o.limit),
      offset: Number(o.offset),
    };
    await withService(o, async (s) => {
      const page = await s.listRuns(query);
      const { formatRunList } = await import('../runFormat.ts');
      print(o.json, page, () => formatRunList(page));
    });
  });

  addStoreOptions(runs.command('show').description('one run in full').argument('<run>', 'run id').option('--json', 'print JSON')).action(
    async (run: string, o: Opts) => {
      const { parseRunId, summarize } = await import('../runInForeground.ts');
      await withService(o, async (s) => {
        const detail = await s.getRun({ id: parseRunId(run) });
        const { formatRunDetail } = await import('../runFormat.ts');
        print(o.json, detail, () => `${summarize(detail)}\n${formatRunDetail(detail)}`);
      });
    },
  );

  addStoreOptions(
    runs
      .command('compare')
      .description('final metrics side by side, loss curves, and the config fields that differ')
      .argument('<runs...>', 'two or more run ids')
      .option('--json', 'print JSON'),
  ).action(async (ids: string[], o: Opts) => {
    const { parseRunId } = await import('../runInForeground.ts');
    if (ids.length < 2) throw new UserError('compare needs at least two run ids');
    await withService(o, async (s) => {
      const cmp = await s.compareRuns({ ids: ids.map(parseRunId), maxPoints: 200 });
      const { formatComparison } = await import('../runFormat.ts');
      print(o.json, cmp, () => formatComparison(cmp));
    });
  });

  addStoreOptions(
    runs
      .command('delete')
      .description('delete runs with their checkpoints and logs')
      .argument('<runs...>', 'run ids')
      .option('--with-exports', 'also delete exported model folders')
      .option('--json', 'print JSON'),
  ).action(async (ids: string[], o: Opts & { withExports?: boolean }) => {
    const { parseRunId } = await import('../runInForeground.ts');
    await withService(o, async (s) => {
      const deleted: number[] = [];
      for (const id of ids.map(parseRunId)) deleted.push((await s.deleteRun({ id, withExports: o.withExports })).deleted);
      print(o.json, { deleted }, () => `deleted run(s) ${deleted.join(', ')}`);
    });
  });

  addStoreOptions(
    runs
      .command('export')
      .description('write a Hugging Face model folder (weights, config, tokenizer, model card)')
      .argument('<run>', 'run id')
      .option('--dir <dir>', 'output folder (default: <data dir>/exports/<run name>)')
      .option('--checkpoint <which>', 'best or last', 'best')
      .option('--json', 'print JSON'),
  ).action(async (run: string, o: Opts & { dir?: string; checkpoint: string }) => {
    const { parseRunId } = await import('../runInForeground.ts');
    if (o.checkpoint !== 'best' && o.checkpoint !== 'last') throw new UserError(`--checkpoint must be best or last, got "${o.checkpoint}"`);
    await withService(o, async (s) => {
      const info = await s.exportRun({ id: parseRunId(run), dir: o.dir, checkpoint: o.checkpoint as 'best' | 'last' });
      print(o.json, info, () => `exported run ${info.runId} (step ${info.step}) to ${info.path}`);
    });
  });

  addStoreOptions(
    runs
      .command('tag')
      .description('add tags to a run (or remove them with --remove)')
      .argument('<run>', 'run id')
      .argument('<tags...>', 'tags')
      .option('--remove', 'remove these tags instead')
      .option('--json', 'print JSON'),
  ).action(async (run: string, tags: string[], o: Opts & { remove?: boolean }) => {
    const { parseRunId } = await import('../runInForeground.ts');
    await withService(o, async (s) => {
      const id = parseRunId(run);
      const current = (await s.getRun({ id })).tags;
      const next = o.remove ? current.filter((t) => !tags.includes(t)) : [...new Set([...current, ...tags])];
      const updated = await s.setTags({ id, tags: next });
      print(o.json, updated, () => `run ${id} tags: ${updated.tags.join(', ') || '(none)'}`);
    });
  });

  addStoreOptions(
    runs.command('note').description('set a run\'s notes').argument('<run>', 'run id').argument('<text>', 'notes text').option('--json', 'print JSON'),
  ).action(async (run: string, text: string, o: Opts) => {
    const { parseRunId } = await import('../runInForeground.ts');
    await withService(o, async (s) => {
      const updated = await s.setNotes({ id: parseRunId(run), notes: text });
      print(o.json, updated, () => `run ${updated.id} notes saved`);
    });
  });
}
