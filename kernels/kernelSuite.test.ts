// The shared kernel test suite: every kernel we register, on every backend we register on (cpu, wasm),
// with the native addon (its vector path and its scalar path) and without it (OCTET_NATIVE=0), checked
// against the stock TensorFlow.js kernels on seeded random inputs — forward results and gradients
// (kernels/testing/*Cases.ts). A registered kernel without a case fails the suite. The stock side keeps
// only the scatter-add UnsortedSegmentSum (wasm has none), except for that kernel's own cases.
import * as tf from '@tensorflow/tfjs-core';
import { UnsortedSegmentSum } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetAddonCacheForTests } from '../native/loadAddon.ts';
import { resetTensorKernelsNativeForTests, tensorKernelsNative, type SimdLevel } from '../native/tensorKernels.ts';
import { octetKernelProviders, registerOctetKernels, unregisterOctetKernels } from './register.ts';
import { setupBackend } from './setup.ts';
import { KERNEL_CASES, type KernelCase } from './testing/cases.ts';

interface Mode {
  label: string;
  native: boolean;
  simd?: SimdLevel;
}

const widest = tensorKernelsNative(() => {})?.simd();
const MODES: Mode[] = [
  { label: 'native addon', native: true },
  // Where the widest path is AVX-512, the AVX2 one too (kernels with both, e.g. softmax, attention).
  ...(widest === 'avx512' ? [{ label: 'native addon, AVX2 path', native: true, simd: 'avx2' as const }] : []),
  { label: 'native addon, scalar path', native: true, simd: 'scalar' },
  { label: 'no addon (OCTET_NATIVE=0)', native: false },
];
const BACKENDS = ['cpu', 'wasm'] as const;
const KERNEL_NAMES = [...new Set(KERNEL_CASES.map((c) => c.kernel))];

function setNativeEnv(on: boolean): void {
  if (on) delete process.env.OCTET_NATIVE;
  else process.env.OCTET_NATIVE = '0';
  resetAddonCacheForTests();
  resetTensorKernelsNativeForTests();
}

async function values(run: () => tf.Tensor[]): Promise<Float32Array[]> {
  const outs = tf.tidy(run);
  const data = await Promise.all(outs.map(async (t) => Float32Array.from(await t.data())));
  tf.dispose(outs);
  return data;
}

function expectClose(got: Float32Array[], want: ArrayLike<number>[], tol: number, what: string): void {
  expect(got.length, `${what}: number of outputs`).toBe(want.length);
  got.forEach((g, k) => {
    expect(g.length, `${what}: output ${k} length`).toBe(want[k].length);
    for (let i = 0; i < g.length; i++) {
      const w = want[k][i];
      const ok = tol === 0 ? Object.is(g[i], w) : g[i] === w || Math.abs(g[i] - w) <= tol * (1 + Math.abs(w)) || (Number.isNaN(g[i]) && Number.isNaN(w));
      if (!ok) throw new Error(`${what}: output ${k}[${i}] = ${g[i]}, stock ${w} (tolerance ${tol})`);
    }
  });
}

const nativeBuilt = tensorKernelsNative(() => {}) !== null;
const NO_ADDON = 'the native addon is not built (node native/build.mjs)';
setNativeEnv(true);

describe.each(BACKENDS.flatMap((b) => MODES.map((m) => [b, m] as const)))('%s, %o', (backend, mode) => {
  let registered: Record<string, string> = {};
  let simdBefore: SimdLevel | undefined;
  const skip = mode.native && !nativeBuilt;

  beforeAll(async () => {
    if (skip) return;
    setNativeEnv(mode.native);
    await setupBackend(backend, { fastKernels: true });
    if (mode.simd) {
      simdBefore = tensorKernelsNative()!.simd();
      tensorKernelsNative()!.simd(mode.simd);
    }
    registered = octetKernelProviders(backend);
  });
  afterAll(() => {
    if (simdBefore) tensorKernelsNative()?.simd(simdBefore);
    setNativeEnv(true);
  });

  it('registers what the mode provides, and every registered kernel has cases', (ctx) => {
    if (skip) ctx.skip(NO_ADDON);
    const names = Object.keys(registered);
    expect(names.filter((n) => !KERNEL_NAMES.includes(n))).toEqual([]);
    if (mode.native) expect(registered.BatchMatMul).toBe(`matmul-${backend}-native`);
    else expect(registered.BatchMatMul).toBe(backend === 'wasm' ? 'matmul-wasm-xnnpack' : 'matmul-cpu-via-wasm');
  });

  it.for(KERNEL_NAMES)('%s: ours equal the stock kernels (forward and gradient)', async (kernel, ctx) => {
    if (skip) ctx.skip(NO_ADDON);
    if (!registered[kernel]) ctx.skip(`this mode registers no ${kernel}`);
    for (const c of KERNEL_CASES.filter((k) => k.kernel === kernel)) await check(c);
  });

  async function check(c: KernelCase): Promise<void> {
    const what = `${backend} ${mode.label} ${c.kernel} (${registered[c.kernel]}) ${c.name}`;
    const ours = await values(c.run);
    let stock: ArrayLike<number>[];
    // Stock kernels, but for another kernel's case keep the scatter-add (wasm has no UnsortedSegmentSum
    // of its own: gradients of lookups would fail) — it has its own cases.
    if (c.kernel === UnsortedSegmentSum) unregisterOctetKernels(backend);
    else registerOctetKernels(backend, { fast: false, base: false });
    try {
      if (!tf.getKernel(c.kernel, backend) && c.reference) stock = c.reference();
      else stock = await values(c.stock ? () => c.stock!(backend) : c.run);
    } finally {
      registerOctetKernels(backend, { fast: true, native: mode.native, wasmMatMul: true, base: true });
    }
    expectClose(ours, stock, c.tol ?? 1e-5, what);
  }
});
