// TypeScript facade of the addon's NVML probe (native/src/gpu/nvml.cc). The addon loads NVML with
// dlopen at run time, so this works (and says why not) on machines without the NVIDIA driver.
import { loadAddon, type NativeAddon } from './loadAddon.ts';

export interface NvmlGpu {
  index: number;
  name: string;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  utilizationPercent: number | null;
  temperatureC: number | null;
}

export type NvmlResult =
  | { ok: true; driverVersion: string | null; gpus: NvmlGpu[] }
  | { ok: false; reason: string };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Validates what the addon returned (plain JS object) into typed data. */
export function parseNvmlReply(raw: unknown): NvmlResult {
  if (typeof raw !== 'object' || raw === null) return { ok: false, reason: 'NVML probe returned nothing' };
  const r = raw as Record<string, unknown>;
  if (r.ok !== true) return { ok: false, reason: typeof r.reason === 'string' ? r.reason : 'NVML unavailable' };
  const gpus: NvmlGpu[] = [];
  for (const g of Array.isArray(r.gpus) ? (r.gpus as unknown[]) : []) {
    if (typeof g !== 'object' || g === null) continue;
    const o = g as Record<string, unknown>;
    const total = num(o.memoryTotalBytes);
    const used = num(o.memoryUsedBytes);
    const index = num(o.index);
    if (total === null || used === null || index === null) continue;
    gpus.push({
      index,
      name: typeof o.name === 'string' && o.name ? o.name : `GPU ${index}`,
      memoryTotalBytes: total,
      memoryUsedBytes: used,
      utilizationPercent: num(o.utilizationPercent),
      temperatureC: num(o.temperatureC),
    });
  }
  return { ok: true, driverVersion: typeof r.driverVersion === 'string' ? r.driverVersion : null, gpus };
}

/** Queries every GPU through NVML; {ok:false, reason} when the addon or the driver is missing. */
export function queryNvml(addon: NativeAddon | null = loadAddon(() => {})): NvmlResult {
  if (!addon) return { ok: false, reason: 'native addon not built (run `node native/build.mjs`)' };
  const fn = addon.nvmlQuery;
  if (typeof fn !== 'function') return { ok: false, reason: 'native addon has no nvmlQuery (rebuild it with `node native/build.mjs`)' };
  try {
    return parseNvmlReply((fn as () => unknown)());
  } catch (err) {
    return { ok: false, reason: `NVML probe failed: ${(err as Error).message}` };
  }
}
