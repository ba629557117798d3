// Entry of the `octet` CLI. Every file in ./commands exports `register(program)`; heavy modules
// are imported inside each command's action so that `octet --help` stays instant.
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatCliError } from './errors.ts';

const program = new Command('octet')
  .description('Octet Studio: fine-tune transformers with 8-bit block-wise optimizers')
  .showHelpAfterError();

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
const files = readdirSync(commandsDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
for (const file of files) {
  const mod = (await import(join(commandsDir, file))) as { register?: (p: Command) => void };
  mod.register?.(program);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`${formatCliError(err)}\n`);
  process.exitCode = process.exitCode || 1;
}
