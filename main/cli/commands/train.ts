// `octet train <config.yaml|json>`: validates the config, creates the run, trains it in a child
// process with a progress bar, and prints a summary.
import type { Command } from 'commander';
import { addStoreOptions, resolveStorePaths, type StoreOptions } from '../serviceOptions.ts';

export function register(program: Command): void {
  addStoreOptions(
    program
      .command('train')
      .description('fine-tune a model as a config file describes (YAML or JSON); see configs/ for examples')
      .argument('<config>', 'run config file')
      .option('--name <name>', 'run name (overrides the config)')
      .option('--json', 'print the final run as JSON'),
  ).action(async (configPath: string, opts: StoreOptions & { name?: string; json?: boolean }) => {
    const { loadConfigFile } = await import('../../config/loadConfigFile.ts');
    const { runInForeground } = await import('../runInForeground.ts');
    const config = loadConfigFile(configPath);
    if (opts.name) config.name = opts.name;
    await runInForeground(resolveStorePaths(opts), { config }, { json: opts.json });
  });
}
