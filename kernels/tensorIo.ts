// The same kernel code for `cpu` and `wasm`: making outputs and reading a tensor's live buffer.
// On wasm, making an output may grow the heap (which detaches every view): a kernel makes all its
// outputs first, then takes its views.
import type { KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { cpuBufferPool } from './cpuBufferPool.ts';

export interface TensorIo {
  /** A new tensor of `shape`, uninitialized: the kernel must write every element. */
  make(shape: number[], dtype?: 'float32' | 'int32'): TensorInfo;
  /** Live float32 view of a float32 tensor's buffer (a copy for cpu's Uint8Array-backed casts of bool); null for other dtypes. */
  f32(t: TensorInfo): Float32Array | null;
  /** Live int32 view of an int32 tensor's buffer (a copy for cpu's Uint8Array-backed casts of bool); null for other dtypes. */
  i32(t: TensorInfo): Int32Array | null;
  /** Frees a temporary made with make(). */
  dispose(t: TensorInfo): void;
}

function cpuIo(cpu: MathBackendCPU): TensorIo {
  const values = (t: TensorInfo) => cpu.data.get(t.dataId)?.values;
  const pool = cpuBufferPool(cpu);
  return {
    // Float32 outputs from the buffer pool: not zeroed, every kernel using this overwrites all of it.
    make: (shape, dtype = 'float32') =>
      cpu.makeTensorInfo(shape, dtype, dtype === 'float32' ? pool.take(util.sizeFromShape(shape)) : util.getTypedArrayFromDType(dtype, util.sizeFromShape(shape))),
    f32: (t) => {
      const v = values(t);
      if (t.dtype !== 'float32') return null;
      if (v instanceof Float32Array) return v;
      // A bool tensor cast to float32 keeps its Uint8Array: read it as a float32 copy.
      return v instanceof Uint8Array || v instanceof Int32Array ? Float32Array.from(v) : null;
    },
    i32: (t) => {
      const v = values(t);
      if (t.dtype !== 'int32') return null;
      if (v instanceof Int32Array) return v;
      // A bool tensor cast to int32 keeps its Uint8Array too.
      return v instanceof Uint8Array ? Int32Array.from(v) : null;
    },
    dispose: (t) => void cpu.disposeData(t.dataId),
  };
}

function wasmIo(wasm: BackendWasm): TensorIo {
  return {
    make: (shape, dtype = 'float32') => wasm.makeOutput(shape, dtype),
    f32: (t) => (t.dtype === 'float32' ? (wasm.typedArrayFromHeap(t) as Float32Array) : null),
    i32: (t) => (t.dtype === 'int32' ? (wasm.typedArrayFromHeap(t) as Int32Array) : null),
    dispose: (t) => void wasm.disposeData(t.dataId),
  };
}

/** Throws unless every given tensor is float32 (the native kernels read Float32Arrays). */
export function assertFloat32(kernel: string, ...ts: (TensorInfo | undefined)[]): void {
  for (const t of ts) if (t && t.dtype !== 'float32') throw new Error(`${kernel} takes float32 tensors, got ${t.dtype}`);
}

const cache = new WeakMap<object, TensorIo>();

export function tensorIo(backend: KernelBackend | unknown): TensorIo {
  const b = backend as object;
  let io = cache.get(b);
  if (!io) {
    io = 'typedArrayFromHeap' in b ? wasmIo(b as BackendWasm) : cpuIo(b as MathBackendCPU);
    cache.set(b, io);
  }
  return io;
}
