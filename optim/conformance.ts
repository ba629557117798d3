// Runs shared-format vector cases through a kernel on the current tfjs backend and measures how far it
// lands from the file. Used by `octet conformance` and by the tests. Each trajectory step starts from the
// file's state after the previous step (as bitsandbytes' own test re-synchronises), so one kernel's
// deviation does not snowball; exact kernels must match every byte of every step anyway.
import * as tf from '@tensorflow/tfjs-core';
import { stepScalars } from './algorithms.ts';
import { composedQuantize } from './kernel/composed.ts';
import { fusedJsArrayKernel } from './kernel/fusedJs.ts';
import { nativeArrayKernel } from './kernel/fusedNative.ts';
import { referenceArrayKernel } from './kernel/reference.ts';
import type { ArrayKernel, KernelName, OptimKernel, SlotTensors } from './kernel/types.ts';
import { SIGNED_DYNAMIC_MAP, UNSIGNED_DYNAMIC_MAP } from './maps.ts';
import { dequantizeBlockwise, packCodes, unpackCodes } from './quantize.ts';
import type { MapCase, QuantCase, TrajectoryCase, VectorCase } from './vectors.ts';

/** bitsandbytes' test tolerances (spec §1f) for kernels that are not exact. */
export const CONFORMANCE_TOLERANCES = {
  /** stored codes may differ by one step (circularly: 0 and 255 are neighbours through the sign fix-up) */
  maxCodeDistance: 1,
  /** per step, dequantized states not isclose(atol 3e-3, rtol 1e-3) must be fewer than 20 */
  stateAtol: 3e-3,
  stateRtol: 1e-3,
  maxStatesNotClose: 20,
  /** per step, mean |Δp| < 6e-5 and mean |Δp|/(|p|+1e-9) < 6e-4 */
  meanParamErr: 6e-5,
  meanParamRelErr: 6e-4,
  /** and no parameter outside isclose(atol 1e-5, rtol 1e-3) (the every-10-steps check, applied every step) */
  paramAtol: 1e-5,
  paramRtol: 1e-3,
} as const;

export interface ConformanceRow {
  file: string;
  case: string;
  kernel: KernelName | 'maps';
  backend: string;
  what: string;
  exactRequired: boolean;
  /** max |Δ| of parameters (trajectories) or dequantized values (quantization) */
  maxParamDiff: number;
  /** max |Δ| of dequantized states (8-bit) or states (32-bit) */
  maxStateDiff: number;
  /** stored codes that differ */
  codeMismatches: number;
  maxCodeDistance: number;
  /** float values (parameters, absmax, 32-bit states) whose bits differ */
  floatMismatches: number;
  pass: boolean;
  note: string;
}

const sameFloat = (a: number, b: number) => Object.is(a, b) || (a !== a && b !== b);
function absDiff(a: number, b: number): number {
  if (a !== a || b !== b) return a !== a && b !== b ? 0 : Infinity;
  if (a === b) return 0;
  return Math.abs(a - b);
}
const isClose = (a: number, b: number, atol: number, rtol: number) => a === b || (a !== a && b !== b) || Math.abs(a - b) <= atol + rtol * Math.abs(b);

interface Tally {
  maxParam: number;
  maxState: number;
  codes: number;
  codeDist: number;
  floats: number;
  tolFail: string[];
}
const newTally = (): Tally => ({ maxParam: 0, maxState: 0, codes: 0, codeDist: 0, floats: 0, tolFail: [] });

function compareFloats(t: Tally, got: ArrayLike<number>, want: ArrayLike<number>, into: 'maxParam' | 'maxState' | null): void {
  for (let i = 0; i < want.length; i++) {
    if (!sameFloat(got[i], want[i])) t.floats++;
    if (into) t[into] = Math.max(t[into], absDiff(got[i], want[i]));
  }
}

function compareCodes(t: Tally, got: Uint8Array, want: Uint8Array): void {
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      t.codes++;
      const d = Math.abs(got[i] - want[i]);
      t.codeDist = Math.max(t.codeDist, Math.min(d, 256 - d));
    }
  }
}

let counter = 0;

function toRow(file: string, label: string, kernel: OptimKernel | { name: KernelName; exact: boolean }, what: string, t: Tally, note = ''): ConformanceRow {
  const tol = CONFORMANCE_TOLERANCES;
  const exactOk = t.codes === 0 && t.floats === 0;
  const tolOk = t.codeDist <= tol.maxCodeDistance && t.tolFail.length === 0;
  return {
    file,
    case: label,
    kernel: kernel.name,
    backend: tf.getBackend(),
    what,
    exactRequired: kernel.exact,
    maxParamDiff: t.maxParam,
    maxStateDiff: t.maxState,
    codeMismatches: t.codes,
    maxCodeDistance: t.codeDist,
    floatMismatches: t.floats,
    pass: kernel.exact ? exactOk : tolOk,
    note: note || (t.tolFail.length ? t.tolFail.slice(0, 2).join('; ') : ''),
  };
}

function runTrajectory(file: string, c: TrajectoryCase, kernel: OptimKernel): ConformanceRow {
  const tol = CONFORMANCE_TOLERANCES;
  const t = newTally();
  const n = c.n;
  const name = `octet-conformance/${++counter}`;
  const variable = tf.variable(tf.tensor1d(c.init.p.slice()), true, name);
  const slot: SlotTensors = { bits: c.bits, n, s1: tf.tensor1d([0]) };
  const setState = (s1: Uint8Array | Float32Array, s2?: Uint8Array | Float32Array, a1?: Float32Array, a2?: Float32Array) => {
    for (const k of ['s1', 'a1', 's2', 'a2'] as const) slot[k]?.dispose();
    const t8 = (codes: Uint8Array | Float32Array) => tf.tensor1d(packCodes(codes as Uint8Array), 'int32');
    const tf32 = (x: Float32Array | Uint8Array) => tf.tensor1d((x as Float32Array).slice(), 'float32');
    slot.s1 = c.bits === 8 ? t8(s1) : tf32(s1);
    slot.s2 = s2 ? (c.bits === 8 ? t8(s2) : tf32(s2)) : undefined;
    slot.a1 = a1 ? tf32(a1) : undefined;
    slot.a2 = a2 ? tf32(a2) : undefined;
  };
  try {
    let prev = { p: c.init.p, s1: c.init.state1, s2: c.init.state2, a1: c.init.absmax1, a2: c.init.absmax2 };
    for (const step of c.steps) {
      const p0 = tf.tensor1d(prev.p.slice());
      variable.assign(p0);
      p0.dispose();
      setState(prev.s1, prev.s2, prev.a1, prev.a2);
      const g = tf.tensor1d(step.g.slice());
      kernel.apply(variable, g, slot, stepScalars(c.rule, c.hyper, step.step), c.blockSize);
      g.dispose();
      const p = variable.dataSync() as Float32Array;
      compareFloats(t, p, step.p, 'maxParam');
      // tolerance checks (bitsandbytes' test_optimizer8bit thresholds)
      let err = 0;
      let rel = 0;
      let far = 0;
      for (let i = 0; i < n; i++) {
        const d = absDiff(p[i], step.p[i]);
        err += d;
        if (d > 0) rel += d / (Math.abs(step.p[i]) + 1e-9);
        if (!isClose(p[i], step.p[i], tol.paramAtol, tol.paramRtol)) far++;
      }
      if (!(err / n < tol.meanParamErr && rel / n < tol.meanParamRelErr) || far > 0) {
        t.tolFail.push(`step ${step.step}: mean|Δp| ${(err / n).toExponential(2)}, mean rel ${(rel / n).toExponential(2)}, ${far} params not close`);
      }
      const states: Array<[tf.Tensor | undefined, tf.Tensor | undefined, Uint8Array | Float32Array | undefined, Float32Array | undefined, Float32Array]> = [
        [slot.s1, slot.a1, step.state1, step.absmax1, SIGNED_DYNAMIC_MAP],
        [slot.s2, slot.a2, step.state2, step.absmax2, UNSIGNED_DYNAMIC_MAP],
      ];
      for (const [st, am, wantState, wantAbsmax, map] of states) {
        if (!st || !wantState) continue;
        if (c.bits === 32) {
          compareFloats(t, st.dataSync() as Float32Array, wantState, 'maxState');
          continue;
        }
        const codes = unpackCodes(st.dataSync() as Int32Array, n);
        const absmax = am!.dataSync() as Float32Array;
        compareCodes(t, codes, wantState as Uint8Array);
        compareFloats(t, absmax, wantAbsmax!, null);
        const ours = dequantizeBlockwise(codes, absmax, c.blockSize, map);
        const theirs = dequantizeBlockwise(wantState as Uint8Array, wantAbsmax!, c.blockSize, map);
        let notClose = 0;
        for (let i = 0; i < n; i++) {
          t.maxState = Math.max(t.maxState, absDiff(ours[i], theirs[i]));
          if (!isClose(ours[i], theirs[i], tol.stateAtol, tol.stateRtol)) notClose++;
        }
        if (notClose >= tol.maxStatesNotClose) t.tolFail.push(`step ${step.step}: ${notClose} states not close`);
      }
      prev = { p: step.p, s1: step.state1, s2: step.state2, a1: step.absmax1, a2: step.absmax2 };
    }
  } catch (err) {
    return toRow(file, c.label, kernel, describe(c), { ...t, floats: t.floats + 1, tolFail: ['error'] }, `error: ${(err as Error).message}`);
  } finally {
    for (const k of ['s1', 'a1', 's2', 'a2'] as const) slot[k]?.dispose();
    variable.dispose();
  }
  return toRow(file, c.label, kernel, describe(c), t);
}

function describe(c: TrajectoryCase): string {
  const wd = c.hyper.weightDecay > 0 ? ` wd=${c.hyper.weightDecay}` : '';
  return `${c.rule} ${c.bits}-bit${c.bits === 8 ? ` B=${c.blockSize}` : ''} n=${c.n} ${c.steps.length} steps${wd}`;
}

function quantizerFor(kernel: KernelName): ((x: Float32Array, B: number, signed: boolean) => { codes: Uint8Array; absmax: Float32Array }) | null {
  const viaArray = (k: ArrayKernel | null) => (k ? (x: Float32Array, B: number, signed: boolean) => k.quantize(x, B, signed ? SIGNED_DYNAMIC_MAP : UNSIGNED_DYNAMIC_MAP) : null);
  switch (kernel) {
    case 'reference':
      return viaArray(referenceArrayKernel);
    case 'fused-js':
      return viaArray(fusedJsArrayKernel);
    case 'fused-native':
      return viaArray(nativeArrayKernel());
    case 'composed':
      return composedQuantize;
  }
}

function runQuant(file: string, c: QuantCase, kernel: OptimKernel): ConformanceRow {
  const t = newTally();
  const q = quantizerFor(kernel.name);
  if (!q) return toRow(file, c.label, kernel, 'quantize', { ...t, floats: 1 }, 'kernel unavailable');
  const map = c.signed ? SIGNED_DYNAMIC_MAP : UNSIGNED_DYNAMIC_MAP;
  const { codes, absmax } = q(c.input, c.blockSize, c.signed);
  compareCodes(t, codes, c.codes);
  compareFloats(t, absmax, c.absmax, null);
  const ours = dequantizeBlockwise(codes, absmax, c.blockSize, map);
  compareFloats(t, ours, c.dequantized ?? dequantizeBlockwise(c.codes, c.absmax, c.blockSize, map), 'maxParam');
  return toRow(file, c.label, kernel, `quantize ${c.signed ? 'signed' : 'unsigned'} B=${c.blockSize} n=${c.input.length}`, t);
}

function runMap(file: string, c: MapCase): ConformanceRow {
  const t = newTally();
  compareFloats(t, c.signed ? SIGNED_DYNAMIC_MAP : UNSIGNED_DYNAMIC_MAP, c.values, 'maxParam');
  return toRow(file, file, { name: 'maps' as KernelName, exact: true }, `${c.signed ? 'signed' : 'unsigned'} dynamic map (256 values)`, t);
}

/** One row per case for this kernel on the current backend (a map file gives one kernel-independent row). */
export function runConformance(file: string, cases: VectorCase[], kernel: OptimKernel): ConformanceRow[] {
  return cases.map((c) => (c.kind === 'trajectory' ? runTrajectory(file, c, kernel) : c.kind === 'quant' ? runQuant(file, c, kernel) : runMap(file, c)));
}

