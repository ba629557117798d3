// Golden tests: every fixture under testdata/models/ (and OCTET_EXTRA_FIXTURES) on both CPU backends.
// All expected values come from each folder's golden.json (see testdata/models/README.md).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../kernels/setup.ts';
import { readGolden, runGoldenChecks } from './check.ts';
import { goldenFixtureDirs } from './fixtures.ts';

const fixtures = goldenFixtureDirs(join(import.meta.dirname, '..', '..'));

/** Checks that must be present for a fixture to count as checked. */
function requiredChecks(dir: string): string[] {
  const g = readGolden(dir);
  const required = ['load', 'logits', 'loss', 'save→load round trip'];
  for (const e of g.gradients?.entries ?? []) required.push(`grad ${e.tensor}[${e.index.join(',')}]`);
  g.greedy?.results.forEach((_, i) => required.push(`greedy row ${i}`));
  for (const group of ['samples', 'batch_texts', 'target_texts'] as const) {
    g.tokenizer?.[group]?.forEach((_, i) => required.push(`tokenizer ${group}[${i}] ids`));
  }
  return required;
}

it('finds the golden fixtures', () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(2);
});

// cpu: pure JS, with its matrix products computed in the wasm module, and with the fast kernels (the
// default: native matmuls, elementwise ops and fused GELU/norms when the addon is built); wasm without
// and with the fast kernels.
const configs = [
  ['cpu (pure JS)', 'cpu', { wasmMatMul: false, fastKernels: false }],
  ['cpu (matmuls in wasm)', 'cpu', { wasmMatMul: true, fastKernels: false }],
  ['cpu (fast kernels)', 'cpu', { fastKernels: true }],
  ['wasm', 'wasm', { fastKernels: false }],
  ['wasm (fast kernels)', 'wasm', { fastKernels: true }],
] as const;

describe.each(configs)('golden fixtures on %s', (_label, backend, options) => {
  beforeAll(async () => {
    await setupBackend(backend, options);
  });

  it.each(fixtures)('%s', async (dir) => {
    const rows = await runGoldenChecks(dir);
    const failures = rows.filter((r) => !r.pass).map((r) => `${r.check}: ${r.detail}`);
    expect(failures).toEqual([]);
    const present = new Set(rows.map((r) => r.check));
    expect(requiredChecks(dir).filter((c) => !present.has(c))).toEqual([]);
  });
});
