// Physical tensor memory of a TensorFlow.js engine, tracked allocation by allocation.
//
// Why not tf.memory().numBytes: it counts bytes per *tensor*, and TensorFlow.js makes many tensors
// that share one buffer (clone, reshape, the copies the tape saves for the backward pass, variables).
// During a training step that over-counts by the weights once more (every matMul saves its weight,
// every gather its table) and more. A GPU (and the CPU heap) holds each buffer once, so we count
// distinct data buffers: the engine adds a buffer when it first tracks a dataId and drops it in
// removeDataId. Works with any backend (cpu, wasm, tensorflow).

interface TensorLike {
  dataId: object;
  shape: number[];
  dtype: string;
}

/** The part of tfjs-core's Engine (tf.engine()) that we wrap; structural so no tfjs import is needed. */
export interface EngineLike {
  state: { tensorInfo: WeakMap<object, { bytes: number }>; numBytes: number };
  trackTensor(a: TensorLike, backend: unknown): void;
  removeDataId(dataId: object, backend: unknown): void;
}

export interface LiveBuffer {
  shape: number[];
  dtype: string;
  bytes: number;
  /** Allocation order (0-based). */
  seq: number;
}

export interface TensorPeakTracker {
  /** Bytes in distinct buffers right now. */
  current(): number;
  /** Highest current() since start or the last resetPeak(). */
  peak(): number;
  /** Highest tf.memory().numBytes seen at an allocation over the same span (counts shared buffers again). */
  logicalPeak(): number;
  resetPeak(): void;
  /** With recordPeakSet: the buffers alive at the peak (for explaining a prediction). */
  peakBuffers(): LiveBuffer[];
  /** Restores the engine's methods. */
  stop(): void;
}

export function trackTensorPeak(engine: EngineLike, opts: { recordPeakSet?: boolean } = {}): TensorPeakTracker {
  const origTrack = engine.trackTensor;
  const origRemove = engine.removeDataId;
  const sizes = new WeakMap<object, number>();
  let current = 0;
  let peak = 0;
  let logical = 0;
  // Only with recordPeakSet: a log of allocations and frees to rebuild the live set at the peak.
  const live = new Map<object, LiveBuffer>();
  let seq = 0;
  let peakSet: LiveBuffer[] = [];
  let peakDirty = false;
  const snapshot = () => {
    peakSet = [...live.values()];
    peakDirty = false;
  };

  engine.trackTensor = function (this: EngineLike, a: TensorLike, backend: unknown) {
    const isNew = !this.state.tensorInfo.has(a.dataId);
    origTrack.call(this, a, backend);
    if (this.state.numBytes > logical) logical = this.state.numBytes;
    if (!isNew) return;
    const bytes = this.state.tensorInfo.get(a.dataId)?.bytes ?? 0;
    sizes.set(a.dataId, bytes);
    current += bytes;
    if (opts.recordPeakSet) live.set(a.dataId, { shape: [...a.shape], dtype: a.dtype, bytes, seq: seq++ });
    if (current > peak) {
      peak = current;
      peakDirty = true;
    }
  };
  engine.removeDataId = function (this: EngineLike, dataId: object, backend: unknown) {
    const had = this.state.tensorInfo.has(dataId);
    origRemove.call(this, dataId, backend);
    if (had && !this.state.tensorInfo.has(dataId)) {
      // The peak set must be taken before the first free after reaching the peak.
      if (opts.recordPeakSet && peakDirty) snapshot();
      current -= sizes.get(dataId) ?? 0;
      sizes.delete(dataId);
      live.delete(dataId);
    }
  };
  return {
    current: () => current,
    peak: () => peak,
    logicalPeak: () => logical,
    resetPeak: () => {
      peak = current;
      logical = engine.state.numBytes;
      if (opts.recordPeakSet) snapshot();
    },
    peakBuffers: () => {
      if (peakDirty) snapshot();
      return peakSet;
    },
    stop: () => {
      engine.trackTensor = origTrack;
      engine.removeDataId = origRemove;
    },
  };
}
