// `octet resume <run>`: continues a stopped, failed or crashed run from its last checkpoint.
import type { Command } from 'commander';
import { addStoreOptions, resolveStorePaths, type StoreOptions } from '../serviceOptions.ts';

export function register(program: Command): void {
  addStoreOptions(
    program
      .command('resume')
      .description('continue a stopped, failed or crashed run from its last checkpoint')
      .argument('<run>', 'run id')
      .option('--json', 'print the final run as JSON'),
  ).action(async (run: string, opts: StoreOptions & { json?: boolean }) => {
    const { runInForeground, parseRunId } = await import('../runInForeground.ts');
    await runInForeground(resolveStorePaths(opts), { resumeId: parseRunId(run) }, { json: opts.json });
  });
}
