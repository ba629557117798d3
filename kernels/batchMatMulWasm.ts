// BatchMatMul for `wasm`: the stock kernel is 10–20× slower with a transpose flag than without (and
// every Linear layer, x @ W^T, and its weight gradient, dy^T @ x, sets one). This kernel makes the
// operands contiguous first and calls the stock kernel without flags, picking the cheaper of:
//   materialize: transpose each flagged operand;
//   swap:        C = (op(B)^T · op(A)^T)^T, which moves the transposes onto the smaller operand and C.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { BatchMatMul } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { transposeLastTwo } from './transpose.ts';

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A float32 copy of `t` with its last two axes swapped. */
function transposed(backend: BackendWasm, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const rows = t.shape[rank - 2];
  const cols = t.shape[rank - 1];
  const out = backend.makeOutput([...t.shape.slice(0, -2), cols, rows], 'float32');
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const src = backend.typedArrayFromHeap(t) as Float32Array;
  transposeLastTwo(src, dst, size(t.shape.slice(0, -2)), rows, cols);
  return out;
}

export type MatMulPlan = 'materialize' | 'swap';

/** Elements moved by each plan; swap needs equal batch sizes (no broadcasting to reason about). */
export function chooseMatMulPlan(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): MatMulPlan {
  const sizeA = size(aShape);
  const sizeB = size(bShape);
  const m = transposeA ? aShape[aShape.length - 1] : aShape[aShape.length - 2];
  const n = transposeB ? bShape[bShape.length - 2] : bShape[bShape.length - 1];
  const batchA = size(aShape.slice(0, -2));
  const batchB = size(bShape.slice(0, -2));
  const sizeC = Math.max(batchA, batchB) * m * n;
  const materialize = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0);
  const swap = (transposeA ? 0 : sizeA) + (transposeB ? 0 : sizeB) + sizeC;
  return batchA === batchB && aShape.length === bShape.length && swap < materialize ? 'swap' : 'materialize';
}

export function makeBatchMatMulWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args);
    const backend = args.backend as BackendWasm;
    const temps: TensorInfo[] = [];
    const keep = (t: TensorInfo) => (temps.push(t), t);
    const run = (x: TensorInfo, y: TensorInfo) =>
      stock({ ...args, inputs: { a: x, b: y }, attrs: { ...args.attrs, transposeA: false, transposeB: false } as NamedAttrMap }) as TensorInfo;
    try {
      if (chooseMatMulPlan(a.shape, b.shape, transposeA, transposeB) === 'materialize') {
        return run(transposeA ? keep(transposed(backend, a)) : a, transposeB ? keep(transposed(backend, b)) : b);
      }
      // op(B)^T is B itself when B was flagged, else B^T (same for A).
      const left = transposeB ? b : keep(transposed(backend, b));
      const right = transposeA ? a : keep(transposed(backend, a));
      const ct = keep(run(left, right));
      return transposed(backend, ct);
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

export function batchMatMulWasmConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelName: BatchMatMul, backendName: 'wasm', kernelFunc: makeBatchMatMulWasm(stock.kernelFunc) };
}
