// The fused native kernel: the ArrayKernel shape over the N-API addon (native/optimKernels.ts). Null when the
// addon is not available; the registry then reports the kernel unavailable and `auto` picks fused JS.
import { NATIVE_SCALAR_ORDER, optimNative } from '../../native/optimKernels.ts';
import type { OptimNative } from '../../native/optimKernels.ts';
import type { StepScalars } from '../algorithms.ts';
import { SIGNED_DYNAMIC_MAP, UNSIGNED_DYNAMIC_MAP } from '../maps.ts';
import { numBlocks } from '../quantize.ts';
import { E_MAX, E_MIN, packSearchTable } from '../search.ts';
import { referenceArrayKernel } from './reference.ts';
import { searchTables } from './fusedJs.ts';
import type { ArrayKernel } from './types.ts';

const scalarBuf = new Float32Array(NATIVE_SCALAR_ORDER.length);
function packScalars(sc: StepScalars): Float32Array {
  NATIVE_SCALAR_ORDER.forEach((k, i) => (scalarBuf[i] = sc[k]));
  return scalarBuf;
}

let kernel: ArrayKernel | null | undefined;

/** Hands the maps and the search tables to the addon (also re-reads OCTET_NATIVE_SIMD there). */
export function initNative(native: OptimNative): void {
  const { signed, unsigned } = searchTables();
  native.init({
    q1: SIGNED_DYNAMIC_MAP,
    q2: UNSIGNED_DYNAMIC_MAP,
    table1: packSearchTable(signed),
    table2: packSearchTable(unsigned),
    eMin: E_MIN,
    eMax: E_MAX,
  });
}

export function nativeArrayKernel(): ArrayKernel | null {
  if (kernel !== undefined) return kernel;
  const native = optimNative();
  if (!native) return (kernel = null);
  initNative(native);
  return (kernel = {
    step8(sc, B, b) {
      native.step8(sc.rule, B, sc.step, packScalars(sc), b.p, b.g, b.c1, b.a1, b.c2 ?? null, b.a2 ?? null);
    },
    step32(sc, b) {
      native.step32(sc.rule, sc.step, packScalars(sc), b.p, b.g, b.s1, b.s2 ?? null);
    },
    quantize(x, B, code) {
      if (code !== SIGNED_DYNAMIC_MAP && code !== UNSIGNED_DYNAMIC_MAP) return referenceArrayKernel.quantize(x, B, code);
      const codes = new Uint8Array(x.length);
      const absmax = new Float32Array(numBlocks(x.length, B));
      native.quantize(x, B, code === SIGNED_DYNAMIC_MAP, codes, absmax);
      return { codes, absmax };
    },
  });
}

/** Thread count and SIMD use of the native kernel, for logs and the benchmark; null without the addon. */
export function nativeKernelInfo(): { threads: number; simd: 'avx512' | 'avx2' | 'scalar' } | null {
  const native = nativeArrayKernel() && optimNative();
  return native ? { threads: native.threads(), simd: native.simd() } : null;
}
