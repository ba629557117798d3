// `octet conformance <vector.json>...`: runs shared-format test vectors (maps, block-wise quantization,
// optimizer trajectories of any optimizer / block size the file states) through every optimizer kernel
// available here and prints one row per file × kernel. Exits non-zero when a kernel deviates beyond its
// tolerance: reference and fused kernels must be bit-exact, composed within bitsandbytes' test tolerances.
import type { Command } from 'commander';
import type { ConformanceRow } from '../../../optim/index.ts';

interface ConformanceCliOptions {
  backends: string;
  kernels?: string;
  json?: boolean;
}

function fmt(x: number): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  return x.toExponential(2);
}

export function register(program: Command): void {
  program
    .command('conformance')
    .description('check the 8-bit optimizer kernels against test-vector files (bit-exact for reference/fused, bitsandbytes tolerances for composed)')
    .argument('<vectors...>', 'vector JSON files in the shared format (testdata/vectors/*.json)')
    .option('--backends <list>', 'tfjs backends to run the kernels on (cpu, wasm)', 'cpu,wasm')
    .option('--kernels <list>', 'only these kernels (reference, fused-js, fused-native, composed); default: every available one')
    .option('--json', 'print the rows as JSON')
    .action(async (files: string[], opts: ConformanceCliOptions) => {
      const { readFileSync } = await import('node:fs');
      const { basename } = await import('node:path');
      const { UserError } = await import('../errors.ts');
      const tf = await import('@tensorflow/tfjs-core');
      await import('@tensorflow/tfjs-backend-cpu');
      tf.env().set('PROD', true); // no "install tfjs-node" banner in the report
      const optim = await import('../../../optim/index.ts');

      const wantKernels = opts.kernels?.split(',').map((s) => s.trim()).filter(Boolean);
      for (const k of wantKernels ?? []) if (!optim.isKernelName(k)) throw new UserError(`unknown kernel "${k}"; use ${optim.KERNEL_NAMES.join(', ')}`);
      const backends = opts.backends.split(',').map((s) => s.trim()).filter(Boolean);
      for (const b of backends) if (b !== 'cpu' && b !== 'wasm') throw new UserError(`backend "${b}" cannot run here; use cpu and/or wasm`);

      const parsed = files.map((path) => {
        let json: unknown;
        try {
          json = optim.parseLenientJson(readFileSync(path, 'utf8'));
        } catch (err) {
          throw new UserError(`cannot read ${path}: ${(err as Error).message}`);
        }
        try {
          return { file: basename(path), cases: optim.parseVectorFile(json, basename(path)) };
        } catch (err) {
          throw new UserError(`${path}: ${(err as Error).message}`);
        }
      });

      const rows: ConformanceRow[] = [];
      const notes: string[] = [];
      let first = true;
      for (const backend of backends) {
        if (backend === 'wasm') {
          await import('@tensorflow/tfjs-backend-wasm');
          if (!(await tf.setBackend('wasm').catch(() => false))) {
            notes.push('wasm backend failed to start; its rows are missing');
            continue;
          }
        } else {
          await tf.setBackend('cpu');
        }
        for (const kernel of optim.listKernels()) {
          if (wantKernels && !wantKernels.includes(kernel.name)) continue;
          // composed is for GPU backends and is checked on cpu; the in-place kernels on every backend given
          if (kernel.name === 'composed' && backend !== 'cpu') continue;
          if (!kernel.available(backend)) {
            if (first) notes.push(`kernel ${kernel.name} is not available here (${kernel.name === 'fused-native' ? 'native addon not built' : 'backend'})`);
            continue;
          }
          for (const { file, cases } of parsed) {
            // maps and plain quantization do not depend on the backend: checked once
            const here = first ? cases : cases.filter((c) => c.kind === 'trajectory');
            const mapsDone = rows.some((r) => r.file === file && r.kernel === 'maps');
            rows.push(...optim.runConformance(file, here.filter((c) => c.kind !== 'map' || !mapsDone), kernel));
          }
        }
        first = false;
      }

      const failed = rows.filter((r) => !r.pass);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ rows, notes, failed: failed.length }, null, 2)}\n`);
      } else {
        const header = ['file#case', 'kernel', 'backend', 'what', 'max|Δp|', 'max|Δstate|', 'codes≠', 'max code Δ', 'floats≠', 'result'];
        const table = rows.map((r) => [
          r.case,
          r.kernel,
          r.kernel === 'maps' ? '-' : r.backend,
          r.what,
          fmt(r.maxParamDiff),
          fmt(r.maxStateDiff),
          String(r.codeMismatches),
          String(r.maxCodeDistance),
          String(r.floatMismatches),
          (r.pass ? (r.exactRequired ? 'exact' : 'within tol') : 'FAIL') + (r.note ? ` (${r.note})` : ''),
        ]);
        const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
        const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
        process.stdout.write(`${line(header)}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
        for (const row of table) process.stdout.write(`${line(row)}\n`);
        for (const n of notes) process.stdout.write(`note: ${n}\n`);
        process.stdout.write(
          `${rows.length} rows, ${failed.length} beyond tolerance (reference/fused: bit-exact; composed: codes ±1, states and params within bitsandbytes' test tolerances)\n`,
        );
      }
      if (failed.length > 0) process.exitCode = 1;
    });
}
