// Turns an ArrayKernel into an OptimKernel. On cpu/wasm it runs in place on the backend's own buffers
// (no tensor is allocated: the parameter, the packed codes and the absmax live where tfjs keeps them).
// Elsewhere (webgl, webgpu, tensorflow) only a kernel that allows it reads the values back, runs, and
// writes new tensors: correct on any backend, but it copies, so it is for the reference kernel only.
import * as tf from '@tensorflow/tfjs-core';
import type { StepScalars } from '../algorithms.ts';
import { codeBytes } from '../quantize.ts';
import { ensurePrivate, inPlaceBackendName, liveView, onCurrentBackend, readView } from './backendBuffers.ts';
import type { ArrayKernel, KernelName, OptimKernel, SlotTensors } from './types.ts';

export interface ArrayBackedOptions {
  name: KernelName;
  exact: boolean;
  description: string;
  /** null when the implementation is missing (e.g. the native addon is not built) */
  impl: () => ArrayKernel | null;
  /** allow the read-back path on backends without direct buffer access */
  anyBackend: boolean;
}

function replace(slot: SlotTensors, key: 's1' | 'a1' | 's2' | 'a2', t: tf.Tensor): void {
  slot[key]?.dispose();
  slot[key] = tf.keep(t);
}

/** State made on another backend (the app switched backends) is copied over once. */
function ensureHere(slot: SlotTensors): void {
  for (const key of ['s1', 'a1', 's2', 'a2'] as const) {
    const t = slot[key];
    if (t && !onCurrentBackend(t)) replace(slot, key, tf.tensor(t.dataSync().slice(), t.shape, t.dtype));
  }
}

function inPlace(k: ArrayKernel, param: tf.Variable, grad: tf.Tensor, slot: SlotTensors, sc: StepScalars, B: number): void {
  ensureHere(slot);
  ensurePrivate(param);
  // every view is taken after the last allocation: the wasm heap can move when it grows
  const g = readView(grad);
  const p = liveView(param, Float32Array);
  if (slot.bits === 8) {
    k.step8(sc, B, {
      p,
      g,
      c1: codeBytes(liveView(slot.s1, Int32Array), slot.n),
      a1: liveView(slot.a1!, Float32Array),
      c2: slot.s2 ? codeBytes(liveView(slot.s2, Int32Array), slot.n) : undefined,
      a2: slot.a2 ? liveView(slot.a2, Float32Array) : undefined,
    });
  } else {
    k.step32(sc, { p, g, s1: liveView(slot.s1, Float32Array), s2: slot.s2 ? liveView(slot.s2, Float32Array) : undefined });
  }
}

function readBack(k: ArrayKernel, param: tf.Variable, grad: tf.Tensor, slot: SlotTensors, sc: StepScalars, B: number): void {
  const copy = <T extends Float32Array | Int32Array>(t: tf.Tensor): T => (t.dataSync() as T).slice() as T;
  const p = copy<Float32Array>(param);
  const g = copy<Float32Array>(grad);
  if (slot.bits === 8) {
    const s1 = copy<Int32Array>(slot.s1);
    const a1 = copy<Float32Array>(slot.a1!);
    const s2 = slot.s2 ? copy<Int32Array>(slot.s2) : undefined;
    const a2 = slot.a2 ? copy<Float32Array>(slot.a2) : undefined;
    k.step8(sc, B, { p, g, c1: codeBytes(s1, slot.n), a1, c2: s2 && codeBytes(s2, slot.n), a2 });
    replace(slot, 's1', tf.tensor(s1, slot.s1.shape, 'int32'));
    replace(slot, 'a1', tf.tensor(a1, slot.a1!.shape, 'float32'));
    if (s2 && a2) {
      replace(slot, 's2', tf.tensor(s2, slot.s2!.shape, 'int32'));
      replace(slot, 'a2', tf.tensor(a2, slot.a2!.shape, 'float32'));
    }
  } else {
    const s1 = copy<Float32Array>(slot.s1);
    const s2 = slot.s2 ? copy<Float32Array>(slot.s2) : undefined;
    k.step32(sc, { p, g, s1, s2 });
    replace(slot, 's1', tf.tensor(s1, slot.s1.shape, 'float32'));
    if (s2) replace(slot, 's2', tf.tensor(s2, slot.s2!.shape, 'float32'));
  }
  const next = tf.tensor(p, param.shape, 'float32');
  param.assign(next);
  next.dispose();
}

export function arrayBackedKernel(o: ArrayBackedOptions): OptimKernel {
  return {
    name: o.name,
    exact: o.exact,
    description: o.description,
    available: (backendName) => o.impl() !== null && (o.anyBackend || inPlaceBackendName(backendName) !== null),
    apply(param, grad, slot, sc, blockSize) {
      const k = o.impl();
      if (!k) throw new Error(`kernel ${o.name} is not available (see the log line above)`);
      if (inPlaceBackendName()) inPlace(k, param, grad, slot, sc, blockSize);
      else if (o.anyBackend) readBack(k, param, grad, slot, sc, blockSize);
      else throw new Error(`kernel ${o.name} runs only on the cpu and wasm backends (current: ${tf.getBackend()}); use "composed" or "auto"`);
    },
  };
}
