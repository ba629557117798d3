import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'octet.js');
function octet(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { encoding: 'utf8' }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('octet plan', () => {
  it('prints a table with the total, capacity, verdict and the largest batch/seq', async () => {
    const r = await octet(['plan', '--model', 'roberta-base', '--gpu', '6GB', '--optim', 'adamw8bit', '--batch', '8', '--seq', '128']);
    expect(r.code).toBe(0);
    for (const c of ['weights', 'gradients', 'optimizer-state', 'activations', 'workspace', 'framework', 'total']) {
      expect(r.stdout).toMatch(new RegExp(`^${c} +\\d+(\\.\\d+)? (B|KiB|MiB|GiB) +\\d+\\.\\d %`, 'm'));
    }
    expect(r.stdout).toMatch(/^capacity +6\.00 GiB$/m);
    expect(r.stdout).toMatch(/^verdict +(fits|tight|exceeds)/m);
    expect(r.stdout).toMatch(/^largest batch size that fits at seq 128: (\d+|none)$/m);
    expect(r.stdout).toMatch(/^largest sequence length that fits at batch 8: (\d+|none)$/m);
  });

  it('plans an in-place optimizer kernel on request', async () => {
    const r = await octet(['plan', '--model', 'roberta-base', '--gpu', '8GB', '--optim', 'adamw8bit', '--batch', '4', '--seq', '64', '--kernel', 'in-place', '--json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as { verdict: string; maxBatchSize: number; input: { optimizerKernel: string } };
    expect(p.input.optimizerKernel).toBe('in-place');
    expect(p.verdict).toBe('fits');
    expect(p.maxBatchSize).toBeGreaterThanOrEqual(4);
  });

  it('--json gives the same plan as data with a verdict', async () => {
    const r = await octet(['plan', '--model', 'mt5-small', '--gpu', '11GB', '--optim', 'adam32bit', '--batch', '1', '--seq', '256', '--target-len', '32', '--json']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as { verdict: string; gpuBytes: number; totalBytes: number; components: { bytes: number }[]; input: { targetLength: number } };
    expect(['fits', 'tight', 'exceeds']).toContain(p.verdict);
    expect(p.gpuBytes).toBe(11 * 2 ** 30);
    expect(p.input.targetLength).toBe(32);
    expect(p.components.reduce((s, c) => s + c.bytes, 0)).toBe(p.totalBytes);
  });

  it('names the allowed values when an option is wrong', async () => {
    const bad = await octet(['plan', '--model', 'roberta-base', '--optim', 'adam']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('allowed values: adam8bit, adam32bit, adamw8bit, adamw32bit, momentum8bit, momentum32bit, lion8bit, lion32bit, rmsprop8bit, rmsprop32bit, adagrad8bit, adagrad32bit');
    const size = await octet(['plan', '--model', 'roberta-base', '--gpu', 'six']);
    expect(size.stderr).toMatch(/--gpu: cannot read the size "six": expected a number with a unit, e\.g\. "6GB"/);
    const model = await octet(['plan', '--model', 'gpt2']);
    expect(model.stderr).toMatch(/unknown model "gpt2".*roberta-base, roberta-large, mt5-small, mt5-base, mt5-large/);
  });
});
