// BatchMatMul for `cpu` computed by the wasm module: operands are copied into the wasm heap,
// multiplied there by the wasm BatchMatMul (XNNPACK; our kernel when registered), and the product is
// copied back. The pure-JS cpu loop runs at ≈0.8 GFLOP/s; this is ≈10–30× faster, while the model's
// tensors stay in JS memory (no 4 GiB wasm heap limit: only one product's operands visit the heap).
// Small products stay on the JS kernel, where the copies would cost more than they save.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { BatchMatMul, util } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Below this many multiply-adds the JS kernel is used. */
export const MIN_MACS_FOR_WASM = 1 << 16;

function wasmBackend(): BackendWasm | null {
  const registry = (tf.engine() as unknown as { registry: Record<string, unknown> }).registry;
  return (registry.wasm as BackendWasm | undefined) ?? null;
}

function macs(a: TensorInfo, b: TensorInfo, transposeA: boolean): number {
  const k = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const size = util.sizeFromShape;
  return (size(a.shape) / k) * (size(b.shape) / k) * k / Math.min(size(a.shape.slice(0, -2)), size(b.shape.slice(0, -2)));
}

export function makeCpuMatMulViaWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA } = args.attrs as { transposeA: boolean };
    const wasm = wasmBackend();
    const wasmKernel = tf.getKernel(BatchMatMul, 'wasm');
    if (!wasm || !wasmKernel || a.dtype !== 'float32' || b.dtype !== 'float32' || macs(a, b, transposeA) < MIN_MACS_FOR_WASM) return stock(args);
    const cpu = args.backend as MathBackendCPU;
    const upload = (t: TensorInfo): TensorInfo => ({ dataId: wasm.write(cpu.data.get(t.dataId).values as Float32Array, t.shape, 'float32'), shape: t.shape, dtype: 'float32' });
    const aw = upload(a);
    const bw = upload(b);
    try {
      const out = wasmKernel.kernelFunc({ inputs: { a: aw, b: bw }, backend: wasm, attrs: args.attrs }) as TensorInfo;
      const values = (wasm.typedArrayFromHeap(out) as Float32Array).slice();
      wasm.disposeData(out.dataId);
      return cpu.makeTensorInfo(out.shape, 'float32', values);
    } finally {
      wasm.disposeData(aw.dataId);
      wasm.disposeData(bw.dataId);
    }
  };
}

export function cpuMatMulViaWasmConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelFunc: makeCpuMatMulViaWasm(stock.kernelFunc) };
}

/** Whether the wasm backend is initialized (its module is what computes the products). */
export function wasmBackendReady(): boolean {
  return wasmBackend() !== null;
}

/** Initializes the wasm backend without leaving it selected (needs @tensorflow/tfjs-backend-wasm imported). */
export async function ensureWasmBackend(): Promise<void> {
  if (wasmBackend()) return;
  const current = tf.getBackend();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialize');
  await tf.setBackend(current);
}
