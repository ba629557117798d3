// Registers Octet's kernels on a TensorFlow.js backend, replacing the stock ones (kept, so that they can
// be restored). Calling it again with other options makes the registered set match them exactly
// (fast kernels on/off in one process); call after importing the backend package.
//
// Two kinds: the base kernels (correctness and memory: scatter-add UnsortedSegmentSum, wasm Identity,
// transpose-free wasm matmuls, cpu matmuls in the wasm module) and the fast kernels of issue 7 (native
// multi-threaded SGEMM and the fused ops listed in kernels/fastKernels.ts), which `fast: false` — or
// OCTET_FAST_KERNELS=0 — leaves out.
import * as tf from '@tensorflow/tfjs-core';
import { BatchMatMul, Identity, PadV2, Slice, UnsortedSegmentSum, type KernelConfig } from '@tensorflow/tfjs-core';
import { tensorKernelsNative } from '../native/tensorKernels.ts';
import { batchMatMulWasmConfig } from './batchMatMulWasm.ts';
import { cpuBufferPool } from './cpuBufferPool.ts';
import { cpuMatMulViaWasmConfig, wasmBackendReady } from './cpuMatMulViaWasm.ts';
import { VIEWING_KERNELS, markingViews } from './escapeKernels.ts';
import { fastKernelProviders } from './fastKernels.ts';
import type { KernelProvider, KernelSetOptions } from './provider.ts';
import { identityWasm } from './identityWasm.ts';
import { padByRuns, sliceByRuns } from './runsCpu.ts';
import { unsortedSegmentSumCpu, unsortedSegmentSumWasm } from './unsortedSegmentSum.ts';

export type { KernelSetOptions } from './provider.ts';

const BASE: KernelProvider[] = [
  { id: 'uss-cpu', backend: 'cpu', kernelName: UnsortedSegmentSum, required: true, make: () => unsortedSegmentSumCpu },
  { id: 'uss-wasm', backend: 'wasm', kernelName: UnsortedSegmentSum, required: true, make: () => unsortedSegmentSumWasm },
  { id: 'identity-wasm', backend: 'wasm', kernelName: Identity, make: () => identityWasm },
  { id: 'matmul-wasm-xnnpack', backend: 'wasm', kernelName: BatchMatMul, make: (stock) => (stock ? batchMatMulWasmConfig(stock) : null) },
  {
    id: 'matmul-cpu-via-wasm', backend: 'cpu', kernelName: BatchMatMul, when: (o) => o.wasmMatMul && wasmBackendReady(),
    make: (stock) => (stock ? cpuMatMulViaWasmConfig(stock) : null),
  },
  // Watch the cpu slicing kernels for the buffer pool of the fast kernels (kernels/cpuBufferPool.ts).
  ...VIEWING_KERNELS.map((kernelName): KernelProvider => ({
    id: `${kernelName}-cpu-views`, backend: 'cpu', kernelName, when: (o) => o.fast,
    make: (stock) => (stock ? markingViews(kernelName === Slice ? sliceByRuns(stock) : stock) : null),
  })),
  // The gradient of a slice, copied run by run (kernels/runsCpu.ts).
  { id: 'padv2-cpu-runs', backend: 'cpu', kernelName: PadV2, when: (o) => o.fast, make: (stock) => (stock ? padByRuns(stock) : null) },
];

/** Fast kernels first: for one kernel name the first provider that applies wins. */
function providers(backendName: string, o: KernelSetOptions): KernelProvider[] {
  const native = o.native ? tensorKernelsNative() : null;
  const fast = o.fast ? fastKernelProviders(native) : [];
  return [...fast, ...BASE].filter((p) => p.backend === backendName && (o.base || p.required) && (p.when?.(o) ?? true));
}

const stockKernels = new Map<string, KernelConfig | undefined>();
const registered = new Map<string, { providerId: string; config: KernelConfig }>();
const lastOptions = new Map<string, KernelSetOptions>();
const key = (kernel: string, backend: string) => `${backend}/${kernel}`;

export function defaultKernelOptions(): KernelSetOptions {
  return { fast: process.env.OCTET_FAST_KERNELS !== '0', native: process.env.OCTET_NATIVE !== '0', wasmMatMul: true, base: true };
}

function setKernel(kernelName: string, backendName: string, config: KernelConfig | undefined): void {
  if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
  if (config) tf.registerKernel(config);
}

function setCpuPoolEnabled(on: boolean): void {
  const cpu = (tf.engine() as unknown as { registry: Record<string, object> }).registry.cpu;
  if (cpu) cpuBufferPool(cpu as never).setEnabled(on);
}

/** Returns the kernel names now served by our implementations on `backendName`. */
export function registerOctetKernels(backendName: string, opts: Partial<KernelSetOptions> = {}): string[] {
  const o = { ...(lastOptions.get(backendName) ?? defaultKernelOptions()), ...opts };
  lastOptions.set(backendName, o);
  const wanted = providers(backendName, o);
  const names = new Set([...wanted.map((p) => p.kernelName), ...[...registered.keys()].filter((k) => k.startsWith(`${backendName}/`)).map((k) => k.slice(backendName.length + 1))]);
  const served: string[] = [];
  for (const kernelName of names) {
    const k = key(kernelName, backendName);
    if (!stockKernels.has(k)) stockKernels.set(k, tf.getKernel(kernelName, backendName));
    const stock = stockKernels.get(k);
    const mine = registered.get(k);
    let done = false;
    for (const p of wanted.filter((q) => q.kernelName === kernelName)) {
      if (mine?.providerId === p.id && tf.getKernel(kernelName, backendName) === mine.config) {
        done = true;
        break;
      }
      const ours = p.make(stock);
      if (!ours) continue;
      // Keep the stock setupFunc: a wasm kernel binds its C function there when the backend starts.
      setKernel(kernelName, backendName, { ...ours, setupFunc: ours.setupFunc ?? stock?.setupFunc, disposeFunc: ours.disposeFunc ?? stock?.disposeFunc });
      registered.set(k, { providerId: p.id, config: tf.getKernel(kernelName, backendName)! });
      done = true;
      break;
    }
    if (done) {
      served.push(kernelName);
    } else if (mine) {
      setKernel(kernelName, backendName, stock);
      registered.delete(k);
    }
  }
  // The cpu buffer pool serves the fast kernels only while the slicing kernels are watched.
  if (backendName === 'cpu') setCpuPoolEnabled(o.fast && o.base && served.includes('Slice'));
  return served.sort();
}

/** Restores every stock kernel of `backendName` (tests comparing against them; the benchmark's baseline). */
export function unregisterOctetKernels(backendName: string): void {
  for (const [k] of [...registered]) {
    const [backend, kernelName] = k.split('/');
    if (backend !== backendName) continue;
    setKernel(kernelName, backendName, stockKernels.get(k));
    registered.delete(k);
  }
  lastOptions.delete(backendName);
  if (backendName === 'cpu') setCpuPoolEnabled(false);
}

/** Which provider serves each kernel on `backendName` now (for tests and the benchmark's notes). */
export function octetKernelProviders(backendName: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of registered) if (k.startsWith(`${backendName}/`)) out[k.slice(backendName.length + 1)] = v.providerId;
  return out;
}
