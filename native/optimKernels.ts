// TypeScript facade of the native optimizer kernels (native/src/optim/blockwise.cc). The addon is optional:
// `optimNative()` is null when it is missing, broken or older than these functions, after one log line,
// and optim/ then uses its TypeScript kernels (same bytes, slower).
import { loadAddon } from './loadAddon.ts';

/** Rule ids as the C++ enum numbers them. */
export const NATIVE_RULES = { adam: 0, momentum: 1, lion: 2, rmsprop: 3, adagrad: 4 } as const;
export type NativeRule = keyof typeof NATIVE_RULES;

/** Number of float32 scalars optimStep8/optimStep32 read, in this order. */
export const NATIVE_SCALAR_ORDER = [
  'lr', 'beta1', 'beta2', 'eps', 'weightDecay', 'gnormScale', 'oneMinusBeta1', 'oneMinusBeta2', 'correction2', 'stepSize', 'epsC2', 'decayFactor',
] as const;

export interface NativeTables {
  q1: Float32Array;
  q2: Float32Array;
  /** packed code-search tables (optim/search.ts packSearchTable): 8192 entries each */
  table1: Uint32Array;
  table2: Uint32Array;
  /** the exponent window of the buckets (eMax - eMin + 1 = 32) */
  eMin: number;
  eMax: number;
}

export interface OptimNative {
  init(t: NativeTables): void;
  step8(rule: NativeRule, blockSize: number, step: number, scalars: Float32Array, p: Float32Array, g: Float32Array,
    c1: Uint8Array, a1: Float32Array, c2: Uint8Array | null, a2: Float32Array | null): void;
  step32(rule: NativeRule, step: number, scalars: Float32Array, p: Float32Array, g: Float32Array, s1: Float32Array, s2: Float32Array | null): void;
  quantize(x: Float32Array, blockSize: number, signed: boolean, codes: Uint8Array, absmax: Float32Array): void;
  /** GB/s of a float32 triad a = b + s*c over `elements` (12 bytes per element), best of `repeats`, all threads */
  triad(elements: number, repeats: number): number;
  threads(): number;
  /** the vector path in use: OCTET_NATIVE_SIMD=avx2 or =0 narrows it (read by init) */
  simd(): 'avx512' | 'avx2' | 'scalar';
  /**
   * The 16-lane code search of requantization against the scalar table lookup (with the signed map's sign
   * fix-up) on the float32 bit patterns first, first + stride, ... <= last; NaN patterns skipped. Counts
   * checked, in the fast path's guard band (those take the table) and wrong; zeros without AVX-512.
   */
  searchCheck(signed: boolean, first: number, last: number, stride: number): { checked: number; guarded: number; wrong: number };
}

type Fn = (...args: unknown[]) => unknown;
let cached: OptimNative | null | undefined;

const NAMES = ['optimInit', 'optimStep8', 'optimStep32', 'optimQuantize', 'optimTriad', 'optimThreads', 'optimSimd', 'optimSearchCheck'] as const;

export function optimNative(log: (line: string) => void = (l) => console.warn(l)): OptimNative | null {
  if (cached !== undefined) return cached;
  const addon = loadAddon(log);
  if (!addon) return (cached = null);
  const missing = NAMES.filter((n) => typeof addon[n] !== 'function');
  if (missing.length) {
    log(`octet: native addon lacks ${missing.join(', ')} (rebuild with \`node native/build.mjs\`); using the TypeScript optimizer kernels`);
    return (cached = null);
  }
  // looked up once, not on every step
  const [init, step8, step32, quantize, triad, threads, simd, searchCheck] = NAMES.map((n) => addon[n] as Fn);
  return (cached = {
    init: (t) => void init(t.q1, t.q2, t.table1, t.table2, t.eMin, t.eMax),
    step8: (rule, B, step, sc, p, g, c1, a1, c2, a2) => void step8(NATIVE_RULES[rule], B, step, sc, p, g, c1, a1, c2, a2),
    step32: (rule, step, sc, p, g, s1, s2) => void step32(NATIVE_RULES[rule], step, sc, p, g, s1, s2),
    quantize: (x, B, signed, codes, absmax) => void quantize(x, B, signed, codes, absmax),
    triad: (elements, repeats) => triad(elements, repeats) as number,
    threads: () => threads() as number,
    simd: () => simd() as 'avx512' | 'avx2' | 'scalar',
    searchCheck: (signed, first, last, stride) => {
      const [checked, guarded, wrong] = searchCheck(signed, first, last, stride) as [number, number, number];
      return { checked, guarded, wrong };
    },
  });
}

/** For tests: forget the cached facade. */
export function resetOptimNativeForTests(): void {
  cached = undefined;
}
