// What this machine offers: backends, GPUs, cores, memory, where data lives.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { SystemInfo } from '../../common/api.ts';
import { detectGpus } from '../monitor/gpuProbe.ts';

function resolvable(pkg: string): boolean {
  try {
    import.meta.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function systemInfo(paths: { dataDir: string; dbPath: string }): Promise<SystemInfo> {
  const { gpus, note } = await detectGpus();
  const nodeGpu = resolvable('@tensorflow/tfjs-node-gpu');
  const node = resolvable('@tensorflow/tfjs-node');
  const missing = 'not installed: the optional package downloads libtensorflow at install time (needs network, and CUDA 11.2 + cuDNN 8.1 for the GPU build)';
  return {
    version: packageVersion(),
    dataDir: paths.dataDir,
    dbPath: paths.dbPath,
    backends: [
      { name: 'tensorflow-gpu', available: nodeGpu && gpus.length > 0, reason: nodeGpu ? (gpus.length ? 'CUDA via tfjs-node-gpu' : 'tfjs-node-gpu installed but no GPU found') : missing },
      { name: 'tensorflow', available: node, reason: node ? 'libtensorflow on the CPU' : missing },
      { name: 'wasm', available: true, reason: 'WebAssembly SIMD, ships with the app' },
      { name: 'cpu', available: true, reason: 'pure JavaScript, always available (slowest)' },
    ],
    gpus,
    gpuNote: note,
    cpuCores: cpus().length,
    totalMemoryBytes: totalmem(),
  };
}
