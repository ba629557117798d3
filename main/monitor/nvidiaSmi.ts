// GPU query through the `nvidia-smi` command line, for machines where the native NVML probe is not
// available. Reads the CSV of
//   nvidia-smi --query-gpu=index,name,memory.used,memory.total,utilization.gpu,temperature.gpu --format=csv,noheader,nounits
// e.g. "0, NVIDIA GeForce RTX 3060, 1024, 12288, 37, 51" (memory in MiB). Fields a GPU cannot report
// read "[N/A]" or "[Not Supported]"; a broken driver prints a message instead of CSV.
import { execFile } from 'node:child_process';
import type { GpuInfo } from '../../common/api.ts';

export const NVIDIA_SMI_ARGS = [
  '--query-gpu=index,name,memory.used,memory.total,utilization.gpu,temperature.gpu',
  '--format=csv,noheader,nounits',
];

const MiB = 2 ** 20;

export interface GpuQuery {
  gpus: GpuInfo[];
  /** Why no (or not every) GPU could be read, in plain words; null when all is well. */
  note: string | null;
}

function optionalNumber(field: string): number | null {
  const f = field.trim();
  if (f === '' || f.startsWith('[')) return null; // [N/A], [Not Supported], [Unknown Error]
  const v = Number(f);
  return Number.isFinite(v) ? v : null;
}

/** Parses nvidia-smi's CSV (noheader, nounits). Lines that are not GPU rows are reported in `note`. */
export function parseNvidiaSmiCsv(stdout: string): GpuQuery {
  const gpus: GpuInfo[] = [];
  const bad: string[] = [];
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const f = line.split(',').map((s) => s.trim());
    // index, name (may itself hold commas), used, total, util, temp
    if (f.length >= 6 && /^\d+$/.test(f[0])) {
      const tail = f.slice(-4);
      const name = f.slice(1, f.length - 4).join(', ');
      const used = optionalNumber(tail[0]);
      const total = optionalNumber(tail[1]);
      if (total !== null && total > 0) {
        gpus.push({
          index: Number(f[0]),
          name: name || `GPU ${f[0]}`,
          memoryUsedBytes: used === null ? 0 : Math.round(used * MiB),
          memoryTotalBytes: Math.round(total * MiB),
          utilizationPercent: optionalNumber(tail[2]),
          temperatureC: optionalNumber(tail[3]),
        });
        continue;
      }
    }
    bad.push(line);
  }
  if (bad.length === 0) return { gpus, note: gpus.length ? null : 'nvidia-smi listed no GPUs' };
  const message = bad.join(' ').slice(0, 300);
  if (/couldn't communicate with the NVIDIA driver|NVIDIA driver/i.test(message)) {
    return { gpus, note: `no usable NVIDIA driver: ${message}` };
  }
  if (/No devices were found/i.test(message)) return { gpus, note: 'nvidia-smi found no NVIDIA GPU' };
  return { gpus, note: `could not read nvidia-smi output: ${JSON.stringify(message)}` };
}

export interface NvidiaSmiOptions {
  /** Command to run (default "nvidia-smi", looked up on PATH). */
  command?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs nvidia-smi; never throws: a missing binary, a failing driver or garbage become a `note`. */
export function queryNvidiaSmi(opts: NvidiaSmiOptions = {}): Promise<GpuQuery> {
  const command = opts.command ?? 'nvidia-smi';
  return new Promise((resolve) => {
    execFile(command, NVIDIA_SMI_ARGS, { timeout: opts.timeoutMs ?? 5000, env: opts.env ?? process.env, windowsHide: true }, (err, stdout, stderr) => {
      const out = `${stdout ?? ''}`;
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return resolve({ gpus: [], note: 'nvidia-smi not found: no NVIDIA driver installed (or not on PATH)' });
        if ((err as { killed?: boolean }).killed) return resolve({ gpus: [], note: `nvidia-smi did not answer within ${opts.timeoutMs ?? 5000} ms` });
        const parsed = parseNvidiaSmiCsv(`${out}\n${stderr ?? ''}`);
        if (parsed.gpus.length) return resolve(parsed);
        return resolve({ gpus: [], note: parsed.note ?? `nvidia-smi failed (exit ${String(err.code)})` });
      }
      resolve(parseNvidiaSmiCsv(out));
    });
  });
}
