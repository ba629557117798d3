// Reuse of the cpu backend's output arrays for our kernels. A fresh Float32Array costs V8 a zeroed
// allocation (page faults for large ones) and a garbage-collection debt: for a training step's
// activations that was 2–3× the time of the kernels themselves. Arrays our kernels allocated return
// here when their tensor's data is disposed and are handed out again for the same length (our kernels
// overwrite every element).
//
// An array is never reused once something outside the backend may hold it: values read out
// (dataSync, data, arraySync: readSync/read) and arrays that the stock slicing kernels view without a
// copy (Slice, StridedSlice, SplitV, Unpack, BatchToSpaceND: kernels/escapeKernels.ts marks them).
// The pool serves only while the fast kernels are registered; switching them off retires every array
// made so far (the slicing kernels are then unwatched).
import { totalmem } from 'node:os';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/**
 * Pooled arrays kept at most (bytes); beyond, freed arrays are left to the garbage collector. An eighth
 * of the machine's memory, within [256 MiB, 1 GiB]: a step's large buffers (an mT5 vocabulary's
 * [32128, 512] gradient) must fit beside its activations to be reused — with 512 MiB, mt5-ref's step on
 * cpu reallocated 64 MB arrays every step (649 ms per step; 576 ms at 1 GiB, peak RSS 1.1 GB both) —
 * while arrays of sizes a step does not ask for again stay held: at 2 GiB one mT5-base step peaked at
 * 7.17 GiB RSS, at 1 GiB 5.44 GiB.
 */
export const POOL_CAP_BYTES = Math.min(1 * 2 ** 30, Math.max(256 * 2 ** 20, Math.floor(totalmem() / 8)));

export class CpuBufferPool {
  private readonly free = new Map<number, Float32Array[]>();
  /** Our arrays and the epoch they were made in. */
  private readonly ours = new WeakMap<Float32Array, number>();
  private readonly escaped = new WeakSet<Float32Array>();
  private pooledBytes = 0;
  private epoch = 0;
  private on = false;
  hits = 0;

  get enabled(): boolean {
    return this.on;
  }

  setEnabled(on: boolean): void {
    if (this.on && !on) {
      this.epoch++;
      this.clear();
    }
    this.on = on;
  }

  take(length: number): Float32Array {
    if (!this.on) return new Float32Array(length);
    const list = this.free.get(length);
    const reused = list?.pop();
    if (reused) {
      this.pooledBytes -= 4 * length;
      this.hits++;
      return reused;
    }
    const a = new Float32Array(length);
    this.ours.set(a, this.epoch);
    return a;
  }

  escape(values: unknown): void {
    if (values instanceof Float32Array) this.escaped.add(values);
  }

  /** Called when a tensor's data is gone from the backend. */
  release(values: unknown): void {
    if (!this.on || !(values instanceof Float32Array) || this.ours.get(values) !== this.epoch || this.escaped.has(values)) return;
    if (this.pooledBytes + values.byteLength > POOL_CAP_BYTES) return;
    let list = this.free.get(values.length);
    if (!list) this.free.set(values.length, (list = []));
    list.push(values);
    this.pooledBytes += values.byteLength;
  }

  clear(): void {
    this.free.clear();
    this.pooledBytes = 0;
  }

  get bytes(): number {
    return this.pooledBytes;
  }
}

const pools = new WeakMap<object, CpuBufferPool>();

interface CpuInternals {
  data: { get(id: object): { values?: unknown } | undefined; has(id: object): boolean };
  disposeData(dataId: object, force?: boolean): boolean;
  readSync(dataId: object): unknown;
}

/** The pool of a cpu backend instance, installing the disposal and read-out hooks on first use. */
export function cpuBufferPool(backend: MathBackendCPU): CpuBufferPool {
  let pool = pools.get(backend);
  if (pool) return pool;
  const p = (pool = new CpuBufferPool());
  pools.set(backend, p);
  const b = backend as unknown as CpuInternals;
  const dispose = b.disposeData.bind(b);
  const readSync = b.readSync.bind(b);
  b.disposeData = (dataId, force) => {
    const values = b.data.get(dataId)?.values;
    const done = dispose(dataId, force);
    if (values !== undefined && !b.data.has(dataId)) p.release(values);
    return done;
  };
  // read() goes through readSync.
  b.readSync = (dataId) => {
    p.escape(b.data.get(dataId)?.values);
    return readSync(dataId);
  };
  return p;
}

/** The pool if one was installed (escape marking needs no pool otherwise). */
export function existingCpuBufferPool(backend: object): CpuBufferPool | undefined {
  return pools.get(backend);
}
