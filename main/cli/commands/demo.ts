// `octet demo [classification|seq2seq]`: the main job on the bundled defaults. Fine-tunes a tiny model
// on a bundled dataset with 8-bit AdamW on the CPU, logs it to the local SQLite database, exports the
// best checkpoint, and ends with a summary that puts the validation metric next to chance.
import type { Command } from 'commander';
import { UserError } from '../errors.ts';
import { addStoreOptions, resolveStorePaths, type StoreOptions } from '../serviceOptions.ts';

const DEMOS = { classification: 'demo-classification.yaml', seq2seq: 'demo-seq2seq.yaml' } as const;

export function register(program: Command): void {
  addStoreOptions(
    program
      .command('demo')
      .description('fine-tune a bundled tiny model on bundled data with 8-bit AdamW (CPU, a few minutes) and export it')
      .argument('[kind]', `${Object.keys(DEMOS).join(' or ')}`, 'classification')
      .option('--epochs <n>', 'override the number of epochs')
      .option('--json', 'print the final run as JSON'),
  ).action(async (kind: string, opts: StoreOptions & { json?: boolean; epochs?: string }) => {
    if (!(kind in DEMOS)) throw new UserError(`unknown demo "${kind}"; choose ${Object.keys(DEMOS).join(' or ')}`);
    const { fileURLToPath } = await import('node:url');
    const { loadConfigFile } = await import('../../config/loadConfigFile.ts');
    const { runInForeground } = await import('../runInForeground.ts');
    const { demoVerdict } = await import('../demoVerdict.ts');
    const config = loadConfigFile(fileURLToPath(new URL(`../../../configs/${DEMOS[kind as keyof typeof DEMOS]}`, import.meta.url)));
    if (opts.epochs) config.training.epochs = Number(opts.epochs);
    const detail = await runInForeground(resolveStorePaths(opts), { config, exportWhenDone: true }, { json: opts.json });
    if (!opts.json) process.stdout.write(`${demoVerdict(detail)}\n`);
  });
}
