// One registry of optimizer kernels by name (DESIGN §3): `reference` (the ground truth), `fused-js` and
// `fused-native` (cpu/wasm, in place), `composed` (tfjs ops, any backend — meant for GPU backends).
import { composedKernel } from './composed.ts';
import { arrayBackedKernel } from './arrayBacked.ts';
import { fusedJsArrayKernel } from './fusedJs.ts';
import { nativeArrayKernel } from './fusedNative.ts';
import { referenceArrayKernel } from './reference.ts';
import type { KernelName, OptimKernel } from './types.ts';
import { KERNEL_NAMES } from './types.ts';

const registry = new Map<KernelName, OptimKernel>();

export function registerKernel(k: OptimKernel): void {
  registry.set(k.name, k);
}

export function getKernel(name: KernelName): OptimKernel {
  const k = registry.get(name);
  if (!k) throw new Error(`unknown optimizer kernel "${name}"; known: ${[...registry.keys()].join(', ')}`);
  return k;
}

export function listKernels(): OptimKernel[] {
  return KERNEL_NAMES.map((n) => registry.get(n)).filter((k): k is OptimKernel => k !== undefined);
}

/** Kernels that can run on this backend right now. */
export function availableKernels(backendName: string): KernelName[] {
  return listKernels().filter((k) => k.available(backendName)).map((k) => k.name);
}

/**
 * The kernel to use on a backend: fused native on cpu/wasm when the addon is built, else fused JS;
 * composed tfjs ops on every other backend (webgl, webgpu, tensorflow).
 */
export function pickKernel(backendName: string): KernelName {
  for (const name of ['fused-native', 'fused-js', 'composed'] as const) {
    if (registry.get(name)?.available(backendName)) return name;
  }
  return 'reference';
}

export function isKernelName(s: string): s is KernelName {
  return (KERNEL_NAMES as readonly string[]).includes(s);
}

registerKernel(
  arrayBackedKernel({
    name: 'reference',
    exact: true,
    description: 'plain TypeScript, Math.fround after every operation (the ground truth); any backend',
    impl: () => referenceArrayKernel,
    anyBackend: true,
  }),
);
registerKernel(
  arrayBackedKernel({
    name: 'fused-js',
    exact: true,
    description: 'fused TypeScript, in place in the cpu/wasm backend buffers, one pass per block',
    impl: () => fusedJsArrayKernel,
    anyBackend: false,
  }),
);
registerKernel(
  arrayBackedKernel({
    name: 'fused-native',
    exact: true,
    description: 'fused multi-threaded C++ (N-API addon), in place in the cpu/wasm backend buffers',
    impl: nativeArrayKernel,
    anyBackend: false,
  }),
);
registerKernel(composedKernel);
