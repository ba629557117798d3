import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NVIDIA_SMI_ARGS, parseNvidiaSmiCsv, queryNvidiaSmi } from './nvidiaSmi.ts';

const MiB = 2 ** 20;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A stand-in `nvidia-smi` on PATH that checks its arguments and prints `stdout` with `exit`. */
function fakeSmi(stdout: string, exit = 0): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'octet-smi-'));
  dirs.push(dir);
  const expected = NVIDIA_SMI_ARGS.join(' ');
  writeFileSync(join(dir, 'out.txt'), stdout);
  writeFileSync(
    join(dir, 'nvidia-smi'),
    `#!/bin/sh\nif [ "$*" != "${expected}" ]; then echo "unexpected args: $*" >&2; exit 2; fi\ncat "${join(dir, 'out.txt')}"\nexit ${exit}\n`,
  );
  chmodSync(join(dir, 'nvidia-smi'), 0o755);
  return { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` };
}

describe('nvidia-smi CSV (stand-in binary on PATH)', () => {
  it('reads one GPU, memory in MiB', async () => {
    const r = await queryNvidiaSmi({ env: fakeSmi('0, NVIDIA GeForce RTX 2060, 312, 6144, 4, 47\n') });
    expect(r.note).toBeNull();
    expect(r.gpus).toEqual([
      { index: 0, name: 'NVIDIA GeForce RTX 2060', memoryUsedBytes: 312 * MiB, memoryTotalBytes: 6144 * MiB, utilizationPercent: 4, temperatureC: 47 },
    ]);
  });

  it('reads several GPUs with [N/A] and [Not Supported] fields as null', async () => {
    const csv = [
      '0, NVIDIA GeForce GTX 1080 Ti, 10240, 11264, 98, 83',
      '1, Tesla K80, 0, 11441, [N/A], [N/A]',
      '2, NVIDIA GeForce GT 710, [Not Supported], 2048, [Not Supported], 40',
    ].join('\n');
    const r = await queryNvidiaSmi({ env: fakeSmi(`${csv}\n`) });
    expect(r.note).toBeNull();
    expect(r.gpus.map((g) => [g.index, g.name, g.memoryUsedBytes / MiB, g.memoryTotalBytes / MiB, g.utilizationPercent, g.temperatureC])).toEqual([
      [0, 'NVIDIA GeForce GTX 1080 Ti', 10240, 11264, 98, 83],
      [1, 'Tesla K80', 0, 11441, null, null],
      [2, 'NVIDIA GeForce GT 710', 0, 2048, null, 40],
    ]);
  });

  it('says plainly when the driver is missing', async () => {
    const msg =
      "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n\n";
    const r = await queryNvidiaSmi({ env: fakeSmi(msg, 9) });
    expect(r.gpus).toEqual([]);
    expect(r.note).toMatch(/^no usable NVIDIA driver: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/);
  });

  it('reports "No devices were found"', async () => {
    const r = await queryNvidiaSmi({ env: fakeSmi('No devices were found\n', 6) });
    expect(r).toEqual({ gpus: [], note: 'nvidia-smi found no NVIDIA GPU' });
  });

  it('does not trust garbage output', async () => {
    const r = await queryNvidiaSmi({ env: fakeSmi('Segmentation fault\n\u0000\u0001 zzz, 1, 2\n') });
    expect(r.gpus).toEqual([]);
    expect(r.note).toMatch(/^could not read nvidia-smi output: "Segmentation fault/);
  });

  it('keeps good rows and names the bad ones', () => {
    const r = parseNvidiaSmiCsv('0, Quadro RTX 4000, 100, 8192, 1, 30\nWARNING: infoROM is corrupted at gpu 0000:01:00.0\n');
    expect(r.gpus).toHaveLength(1);
    expect(r.note).toMatch(/infoROM is corrupted/);
  });

  it('says so when the binary is missing', async () => {
    const r = await queryNvidiaSmi({ command: 'nvidia-smi-definitely-not-installed' });
    expect(r).toEqual({ gpus: [], note: 'nvidia-smi not found: no NVIDIA driver installed (or not on PATH)' });
  });

  it('gives up on a hanging nvidia-smi', async () => {
    const env = fakeSmi('0, X, 1, 2, 3, 4\n');
    const hang = join((env.PATH ?? '').split(delimiter)[0], 'nvidia-smi');
    writeFileSync(hang, '#!/bin/sh\nexec sleep 5\n');
    const r = await queryNvidiaSmi({ env, timeoutMs: 200 });
    expect(r).toEqual({ gpus: [], note: 'nvidia-smi did not answer within 200 ms' });
  });
});
