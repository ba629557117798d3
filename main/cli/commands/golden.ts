// `octet golden <fixtureDir>...`: runs every golden check of the fixture folders (the same checks as
// models/golden.test.ts) and prints one row per check; exits non-zero when any check fails.
import type { Command } from 'commander';

interface GoldenCliOptions {
  backend: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('golden')
    .description('check the RoBERTa/mT5 ports against golden fixture folders (config.json, model.safetensors, tokenizer, golden.json)')
    .argument('<fixtureDir...>', 'fixture folders with golden.json, or folders containing such folders')
    .option('--backend <names>', 'TensorFlow.js backends to run on, comma-separated (cpu, wasm)', 'cpu,wasm')
    .option('--json', 'print one JSON object per check instead of a table')
    .action(async (dirs: string[], opts: GoldenCliOptions) => {
      const { existsSync, readdirSync, statSync } = await import('node:fs');
      const { join, resolve } = await import('node:path');
      const { UserError } = await import('../errors.ts');
      const backends = opts.backend.split(',').map((b) => b.trim()).filter(Boolean);
      for (const b of backends) if (b !== 'cpu' && b !== 'wasm') throw new UserError(`unknown backend "${b}"; use cpu, wasm or cpu,wasm`);
      const fixtures: string[] = [];
      for (const d of dirs) {
        const dir = resolve(d);
        if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${d}: not a folder`);
        if (existsSync(join(dir, 'golden.json'))) fixtures.push(dir);
        else {
          const inner = readdirSync(dir).map((f) => join(dir, f)).filter((f) => existsSync(join(f, 'golden.json'))).sort();
          if (inner.length === 0) throw new UserError(`${d}: no golden.json here nor in its subfolders`);
          fixtures.push(...inner);
        }
      }
      const { setupBackend } = await import('../../../kernels/setup.ts');
      const { runGoldenChecks } = await import('../../../models/index.ts');
      let passed = 0;
      let failed = 0;
      for (const backend of backends) {
        await setupBackend(backend as 'cpu' | 'wasm');
        for (const fixture of fixtures) {
          for (const row of await runGoldenChecks(fixture)) {
            if (row.pass) passed++;
            else failed++;
            if (opts.json) process.stdout.write(`${JSON.stringify({ backend, ...row })}\n`);
            else process.stdout.write(`${row.pass ? 'PASS' : 'FAIL'}  ${backend.padEnd(4)}  ${row.fixture}  ${row.check}  —  ${row.detail.split('\n').join(' ')}\n`);
          }
        }
      }
      if (!opts.json) process.stdout.write(`\n${passed} checks passed, ${failed} failed (${fixtures.length} fixture${fixtures.length > 1 ? 's' : ''} × ${backends.join(', ')})\n`);
      if (failed > 0) process.exitCode = 1;
    });
}
