// Live access to a tensor's storage on the `cpu` and `wasm` backends, reached structurally through
// tf.backend() (optim/ imports no backend package): cpu keeps a TypedArray per dataId
// (`backend.data.get(dataId).values`), wasm hands out a view of its heap (`backend.typedArrayFromHeap`).
// Writes through these views are seen by later ops, which is what lets the fused kernels update
// parameters and states in place with no tensor allocations.
import * as tf from '@tensorflow/tfjs-core';

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } | undefined };
  refCount(dataId: object): number;
}
interface WasmBackendLike {
  typedArrayFromHeap(t: { shape: number[]; dtype: tf.DataType; dataId: object }): unknown;
  refCount(dataId: object): number;
}
interface EngineLike {
  state: { tensorInfo: { get(dataId: object): { backend: unknown } | undefined } };
}

export type InPlaceBackend = 'cpu' | 'wasm';

export function inPlaceBackendName(name: string = tf.getBackend()): InPlaceBackend | null {
  return name === 'cpu' || name === 'wasm' ? name : null;
}

function dataBackend(t: tf.Tensor): unknown {
  return (tf.engine() as unknown as EngineLike).state.tensorInfo.get(t.dataId)?.backend;
}

export function onCurrentBackend(t: tf.Tensor): boolean {
  return dataBackend(t) === tf.backend();
}

/** Live typed-array view of a tensor stored by the current cpu/wasm backend. */
export function liveView<T extends Float32Array | Int32Array>(t: tf.Tensor, ctor: new (...a: never[]) => T): T {
  const backend = tf.backend();
  if (dataBackend(t) !== backend) throw new Error(`tensor ${t.id} is stored by another backend than ${tf.getBackend()}`);
  const name = tf.getBackend();
  let values: unknown;
  if (name === 'cpu') values = (backend as unknown as CpuBackendLike).data.get(t.dataId)?.values;
  else if (name === 'wasm') values = (backend as unknown as WasmBackendLike).typedArrayFromHeap(t);
  else throw new Error(`backend "${name}" gives no direct access to tensor storage`);
  if (!(values instanceof ctor)) throw new Error(`tensor ${t.id} (${t.dtype}) has no ${ctor.name} storage on ${name}`);
  return values;
}

/**
 * Read-only view of a tensor's values: live when the current backend stores it, else a copy
 * (e.g. a gradient still held by another backend).
 */
export function readView(t: tf.Tensor): Float32Array {
  if (dataBackend(t) === tf.backend() && inPlaceBackendName()) return liveView(t, Float32Array);
  return t.dataSync() as Float32Array;
}

/**
 * Makes the variable's storage its own before an in-place write: tfjs shares one buffer between a
 * variable and the tensor it was made from (and with reshapes/clones), and writing through a shared
 * buffer would change those tensors too. Copies once; later steps find a private buffer.
 */
export function ensurePrivate(v: tf.Variable): void {
  const backend = tf.backend() as unknown as { refCount(dataId: object): number };
  if (dataBackend(v) === tf.backend() && backend.refCount(v.dataId) === 1) return;
  const copy = tf.tensor((v.dataSync() as Float32Array).slice(), v.shape, 'float32');
  v.assign(copy);
  copy.dispose();
}
