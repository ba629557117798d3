// One GPU query: NVML through the native addon where the driver is there, else nvidia-smi, else a
// plain note saying why there is no GPU.
import type { GpuInfo } from '../../common/api.ts';
import { queryNvml, type NvmlResult } from '../../native/gpu.ts';
import { queryNvidiaSmi, type GpuQuery, type NvidiaSmiOptions } from './nvidiaSmi.ts';

export type GpuSource = 'nvml' | 'nvidia-smi' | null;

export interface GpuProbeResult extends GpuQuery {
  source: GpuSource;
}

export interface GpuProbeOptions {
  /** NVML query (default: the native addon); pass () => ({ok:false, reason}) to skip it. */
  nvml?: () => NvmlResult;
  nvidiaSmi?: NvidiaSmiOptions;
}

export type GpuProbe = () => Promise<GpuProbeResult>;

/**
 * A probe that remembers which source worked: after NVML answers once it is used alone; after it
 * fails (no addon, no driver) only nvidia-smi is tried, and if that fails too, the note is kept and
 * nothing is spawned again every 500 ms.
 */
export function createGpuProbe(opts: GpuProbeOptions = {}): GpuProbe {
  const nvml = opts.nvml ?? (() => queryNvml());
  let mode: 'unknown' | 'nvml' | 'smi' | 'none' = 'unknown';
  let noneNote = '';
  return async () => {
    if (mode === 'unknown' || mode === 'nvml') {
      const r = nvml();
      if (r.ok && r.gpus.length) {
        mode = 'nvml';
        return { source: 'nvml', gpus: r.gpus.map(toGpuInfo), note: null };
      }
      if (mode === 'nvml') return { source: 'nvml', gpus: [], note: r.ok ? 'NVML lists no GPU' : r.reason };
      noneNote = r.ok ? 'NVML lists no GPU' : r.reason;
    }
    if (mode === 'none') return { source: null, gpus: [], note: noneNote };
    const smi = await queryNvidiaSmi(opts.nvidiaSmi);
    if (smi.gpus.length) {
      mode = 'smi';
      return { source: 'nvidia-smi', ...smi };
    }
    if (mode === 'smi') return { source: 'nvidia-smi', ...smi };
    mode = 'none';
    noneNote = `No NVIDIA GPU: ${smi.note ?? 'nvidia-smi listed no GPUs'} (NVML: ${noneNote}).`;
    return { source: null, gpus: [], note: noneNote };
  };
}

function toGpuInfo(g: GpuInfo): GpuInfo {
  return { index: g.index, name: g.name, memoryTotalBytes: g.memoryTotalBytes, memoryUsedBytes: g.memoryUsedBytes, utilizationPercent: g.utilizationPercent, temperatureC: g.temperatureC };
}

/** For SystemInfo: every GPU, or none with the reason. */
export async function detectGpus(opts: GpuProbeOptions = {}): Promise<{ gpus: GpuInfo[]; note: string | null }> {
  const r = await createGpuProbe(opts)();
  return { gpus: r.gpus, note: r.gpus.length ? r.note : (r.note ?? 'No NVIDIA GPU found.') };
}
