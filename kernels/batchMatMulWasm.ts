// BatchMatMul for `wasm`. The stock kernel runs XNNPACK only for an un-batched product without
// transpose flags; anything else takes a naive loop that is 10–20× slower (every Linear layer,
// x @ W^T, and its weight gradient, dy^T @ x, sets a flag). On that XNNPACK path the stock kernel also
// caches a packed copy of operand b keyed by its tensor id until b is disposed: with a weight as b
// (dx = dy @ W in the backward pass) that is a second copy of every weight matrix for as long as the
// weight lives, which is what makes RoBERTa-large training overflow the 4 GiB wasm heap.
//
// This kernel feeds the XNNPACK path operands it owns (made contiguous, transient, disposed right
// after), choosing the cheaper of two plans:
//   direct: C = op(A) · op(B)                     (transpose flagged operands, copy B if not flagged)
//   swap:   C = (op(B)^T · op(A)^T)^T              (the transposes land on the smaller operands and C)
// Batched products (attention) go to the stock loop unchanged: it handles flags itself, caches nothing.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { BatchMatMul, util } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { transposeLastTwo } from './transpose.ts';

/** A float32 copy of `t` with its last two axes swapped. */
function transposed(backend: BackendWasm, t: TensorInfo): TensorInfo {
  const rank = t.shape.length;
  const rows = t.shape[rank - 2];
  const cols = t.shape[rank - 1];
  const out = backend.makeOutput([...t.shape.slice(0, -2), cols, rows], 'float32');
  // Views are taken after the allocation, which may grow (and move) the heap.
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  transposeLastTwo(backend.typedArrayFromHeap(t) as Float32Array, dst, util.sizeFromShape(t.shape.slice(0, -2)), rows, cols);
  return out;
}

function copied(backend: BackendWasm, t: TensorInfo): TensorInfo {
  const out = backend.makeOutput([...t.shape], 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(backend.typedArrayFromHeap(t) as Float32Array);
  return out;
}

export type MatMulPlan = 'stock' | 'direct' | 'swap';

// Relative cost per element: a JS tiled transpose, a heap copy, XNNPACK packing operand b.
const TRANSPOSE = 4;
const COPY = 0.5;
const PACK = 1;
/** Above this many transient elements, prefer the plan that allocates less (the heap is 4 GiB). */
const LARGE = 1 << 26;

export function chooseMatMulPlan(aShape: number[], bShape: number[], transposeA: boolean, transposeB: boolean): MatMulPlan {
  if (util.sizeFromShape(aShape.slice(0, -2)) !== 1 || util.sizeFromShape(bShape.slice(0, -2)) !== 1) return 'stock';
  const sa = util.sizeFromShape(aShape);
  const sb = util.sizeFromShape(bShape);
  const m = transposeA ? aShape[aShape.length - 1] : aShape[aShape.length - 2];
  const n = transposeB ? bShape[bShape.length - 2] : bShape[bShape.length - 1];
  const sc = m * n;
  // direct: a' = op(A), b' = op(B) (packed); swap: a' = op(B)^T, b' = op(A)^T (packed), then C^T → C.
  const direct = (transposeA ? TRANSPOSE * sa : 0) + (transposeB ? TRANSPOSE : COPY) * sb + PACK * sb;
  const swap = (transposeB ? 0 : TRANSPOSE * sb) + (transposeA ? COPY : TRANSPOSE) * sa + PACK * sa + TRANSPOSE * sc;
  const directMemory = (transposeA ? sa : 0) + 2 * sb;
  const swapMemory = (transposeB ? 0 : sb) + 2 * sa + 2 * sc;
  if (Math.max(directMemory, swapMemory) > LARGE && directMemory !== swapMemory) return directMemory < swapMemory ? 'direct' : 'swap';
  return swap < direct ? 'swap' : 'direct';
}

export function makeBatchMatMulWasm(stock: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const plan = a.dtype === 'float32' && b.dtype === 'float32' ? chooseMatMulPlan(a.shape, b.shape, transposeA, transposeB) : 'stock';
    if (plan === 'stock') return stock(args);
    const backend = args.backend as BackendWasm;
    const temps: TensorInfo[] = [];
    const temp = (t: TensorInfo) => (temps.push(t), t);
    const run = (x: TensorInfo, y: TensorInfo) =>
      stock({ ...args, inputs: { a: x, b: y }, attrs: { ...args.attrs, transposeA: false, transposeB: false } as NamedAttrMap }) as TensorInfo;
    try {
      if (plan === 'direct') {
        return run(transposeA ? temp(transposed(backend, a)) : a, temp(transposeB ? transposed(backend, b) : copied(backend, b)));
      }
      // op(B)^T is B itself when B was flagged, else B^T; op(A)^T likewise (copied so that we own it).
      const left = transposeB ? b : temp(transposed(backend, b));
      const right = temp(transposeA ? copied(backend, a) : transposed(backend, a));
      return transposed(backend, temp(run(left, right)));
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
}

export function batchMatMulWasmConfig(stock: KernelConfig): KernelConfig {
  return { ...stock, kernelName: BatchMatMul, backendName: 'wasm', kernelFunc: makeBatchMatMulWasm(stock.kernelFunc) };
}
