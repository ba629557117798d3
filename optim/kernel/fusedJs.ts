// The fused JS kernel: the reference's arithmetic (same float32 operations in the same order, so the same
// bits), arranged for speed: one pass per block over the buffers, states kept in a block-sized scratch,
// padding lanes computed once per partial block, and the code search done with the one-lookup table
// (search.ts) instead of the 7-probe tree. Allocates nothing per step.
import type { StepScalars } from '../algorithms.ts';
import { FLT_MAX } from '../f32.ts';
import { SIGNED_DYNAMIC_MAP as Q1, UNSIGNED_DYNAMIC_MAP as Q2 } from '../maps.ts';
import { numBlocks } from '../quantize.ts';
import { buildSearchTable, BUCKETS_PER_SIGN, E_MAX as EMAX, E_MIN as EMIN } from '../search.ts';
import type { SearchTable } from '../search.ts';
import type { ArrayKernel, Buffers32, Buffers8 } from './types.ts';
import { referenceArrayKernel } from './reference.ts';

// Local bindings on purpose: V8 inlines Math.fround and constant-folds the maps only when they are this
// module's own constants, not imported bindings (measured: 10x slower through imports).
const f = Math.fround;
const MAP1 = Q1;
const MAP2 = Q2;
const E_MIN = EMIN;
const E_MAX = EMAX;
const BPS = BUCKETS_PER_SIGN;

let tables: { signed: SearchTable; unsigned: SearchTable } | undefined;
/** The lookup tables for both maps, built on first use (a few ms) and shared with the native kernel. */
export function searchTables(): { signed: SearchTable; unsigned: SearchTable } {
  return (tables ??= { signed: buildSearchTable(Q1), unsigned: buildSearchTable(Q2) });
}

// signbit of each signed-map code (code 127 is +0)
const Q1_NEG = new Uint8Array(256).map((_, c) => (MAP1[c] < 0 ? 1 : 0));

// block-sized scratch, with bit views for the table keys and the sign fix-up
let sA = new Float32Array(0);
let sAbits = new Uint32Array(0);
let sB = new Float32Array(0);
let sX = new Float32Array(0);
let sXbits = new Uint32Array(0);
let sP = new Float32Array(0);
function scratch(B: number): void {
  if (sA.length < B) {
    sA = new Float32Array(B);
    sAbits = new Uint32Array(sA.buffer);
    sB = new Float32Array(B);
    sX = new Float32Array(B);
    sXbits = new Uint32Array(sX.buffer);
    sP = new Float32Array(B);
  }
}

/** The search table's code for x (bits: x's float32 bit pattern); see search.ts. */
function lookup(base: Uint8Array, T: Float32Array, x: number, bits: number): number {
  if (x !== x) return 0;
  const e = (bits >>> 23) & 0xff;
  const row = (e < E_MIN ? E_MIN : e > E_MAX ? E_MAX : e) - E_MIN;
  const b = base[(bits >>> 31) * BPS + (row << 7) + ((bits >>> 16) & 127)];
  return x >= T[b + 1] ? b + 1 : b;
}

/** codes[start..start+len) = quantize_2D<signed>(s / absmax) with the sign fix-up; s is the sA scratch. */
function requantSigned(s: Float32Array, len: number, absmax: number, C: Uint8Array, start: number): void {
  const { base, thresholds } = searchTables().signed;
  const x = sX;
  const xb = sXbits;
  const sb = sAbits;
  for (let j = 0; j < len; j++) x[j] = s[j] / absmax;
  for (let j = 0; j < len; j++) {
    let c = lookup(base, thresholds, x[j], xb[j]);
    if (Q1_NEG[c] !== sb[j] >>> 31) c = (s[j] > 0 ? c + 1 : c - 1) & 0xff;
    C[start + j] = c;
  }
}

function requantUnsigned(s: Float32Array, len: number, absmax: number, C: Uint8Array, start: number): void {
  const { base, thresholds } = searchTables().unsigned;
  const x = sX;
  const xb = sXbits;
  for (let j = 0; j < len; j++) x[j] = s[j] / absmax;
  for (let j = 0; j < len; j++) C[start + j] = lookup(base, thresholds, x[j], xb[j]);
}

function adam8(sc: StepScalars, B: number, b: Buffers8): void {
  const { p: P, g: G, c1: C1, a1: A1 } = b;
  const C2 = b.c2!;
  const A2 = b.a2!;
  const n = P.length;
  scratch(B);
  const s1 = sA;
  const s2 = sB;
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, gnormScale, stepSize, epsC2, decayFactor } = sc;
  const decay = sc.weightDecay > 0;
  for (let k = 0, nb = numBlocks(n, B); k < nb; k++) {
    const start = k * B;
    const len = Math.min(B, n - start);
    const am1 = A1[k];
    const am2 = A2[k];
    let max1 = -FLT_MAX;
    let max2 = -FLT_MAX;
    for (let j = 0; j < len; j++) {
      const i = start + j;
      const g = G[i];
      let m = 0;
      let v = 0;
      if (g - g === 0) {
        const gv = f(g * gnormScale);
        v = f(f(f(MAP2[C2[i]] * am2) * beta2) + f(f(oneMinusBeta2 * gv) * gv));
        m = f(f(f(MAP1[C1[i]] * am1) * beta1) + f(oneMinusBeta1 * gv));
      }
      s1[j] = m;
      s2[j] = v;
      const a = Math.abs(m);
      if (a > max1) max1 = a;
      const c = Math.abs(v);
      if (c > max2) max2 = c;
    }
    if (len < B) {
      // padding lanes: g = 0, code1 = 128, code2 = 0, all alike
      const gv = f(0 * gnormScale);
      const a = Math.abs(f(f(f(MAP1[128] * am1) * beta1) + f(oneMinusBeta1 * gv)));
      if (a > max1) max1 = a;
      const c = Math.abs(f(f(f(MAP2[0] * am2) * beta2) + f(f(oneMinusBeta2 * gv) * gv)));
      if (c > max2) max2 = c;
    }
    A1[k] = max1;
    A2[k] = max2;
    for (let j = 0; j < len; j++) {
      const i = start + j;
      const g = G[i];
      if (g - g === 0) {
        let p = f(P[i] + f(stepSize * f(s1[j] / f(f(Math.sqrt(s2[j])) + epsC2))));
        if (decay) p = f(p * decayFactor);
        P[i] = p;
      }
    }
    requantSigned(s1, len, A1[k], C1, start);
    requantUnsigned(s2, len, A2[k], C2, start);
  }
}

/** The 1-state rules share the block loop; each rule is its own loop so that V8 keeps it monomorphic. */
function oneState8(sc: StepScalars, B: number, b: Buffers8): void {
  const { p: P, g: G, c1: C1, a1: A1 } = b;
  const n = P.length;
  scratch(B);
  const s = sA;
  const u = sP; // Lion's sign update
  const { rule, lr, beta1, beta2, eps, oneMinusBeta1, oneMinusBeta2, gnormScale, weightDecay: wd, decayFactor } = sc;
  const decay = wd > 0;
  const first = sc.step === 1;
  for (let k = 0, nb = numBlocks(n, B); k < nb; k++) {
    const start = k * B;
    const len = Math.min(B, n - start);
    const am = A1[k];
    let max = -FLT_MAX;
    // padding lanes (p = 0, g = 0, code 128): same formulas, once per partial block
    let pad = NaN;
    if (len < B) {
      let gv = f(0 * gnormScale);
      if (decay && rule !== 'lion') gv = f(gv + f(0 * wd));
      const st = f(MAP1[128] * am);
      if (rule === 'momentum') pad = first ? gv : f(f(st * beta1) + gv);
      else if (rule === 'lion') pad = f(f(st * beta2) + f(oneMinusBeta2 * gv));
      else if (rule === 'rmsprop') pad = f(f(st * beta1) + f(oneMinusBeta1 * f(gv * gv)));
      else pad = f(st + f(gv * gv));
    }
    if (rule === 'momentum') {
      for (let j = 0; j < len; j++) {
        const i = start + j;
        let gv = f(G[i] * gnormScale);
        if (decay) gv = f(gv + f(P[i] * wd));
        const st = first ? gv : f(f(f(MAP1[C1[i]] * am) * beta1) + gv);
        s[j] = st;
        const a = Math.abs(st);
        if (a > max) max = a;
        P[i] = f(P[i] - f(lr * st));
      }
    } else if (rule === 'lion') {
      for (let j = 0; j < len; j++) {
        const i = start + j;
        const gv = f(G[i] * gnormScale);
        const st = f(MAP1[C1[i]] * am);
        const inner = f(f(st * beta1) + f(oneMinusBeta1 * gv));
        const sg = inner > 0 ? 1 : inner < 0 ? -1 : inner === inner ? 0 : inner;
        const ns = f(f(st * beta2) + f(oneMinusBeta2 * gv));
        s[j] = ns;
        const a = Math.abs(ns);
        if (a > max) max = a;
        u[j] = f(lr * sg);
      }
      for (let j = 0; j < len; j++) {
        const i = start + j;
        const p = decay ? f(P[i] * decayFactor) : P[i];
        P[i] = f(p - u[j]);
      }
    } else {
      const rms = rule === 'rmsprop';
      for (let j = 0; j < len; j++) {
        const i = start + j;
        const g = G[i];
        let gv = f(g * gnormScale);
        if (decay) gv = f(gv + f(P[i] * wd));
        const st = f(MAP1[C1[i]] * am);
        const ns = rms ? f(f(st * beta1) + f(oneMinusBeta1 * f(gv * gv))) : f(st + f(gv * gv));
        s[j] = ns;
        const a = Math.abs(ns);
        if (a > max) max = a;
        P[i] = f(P[i] - f(lr * f(g / f(f(Math.sqrt(ns)) + eps))));
      }
    }
    if (len < B) {
      const a = Math.abs(pad);
      if (a > max) max = a;
    }
    A1[k] = max;
    requantSigned(s, len, max, C1, start);
  }
}

function step32(sc: StepScalars, b: Buffers32): void {
  const { p: P, g: G, s1: S1 } = b;
  const { lr, beta1, beta2, eps, oneMinusBeta1, oneMinusBeta2, gnormScale, weightDecay: wd, decayFactor, stepSize, epsC2 } = sc;
  const decay = wd > 0;
  const n = P.length;
  switch (sc.rule) {
    case 'adam': {
      const S2 = b.s2!;
      for (let i = 0; i < n; i++) {
        const gv = f(G[i] * gnormScale);
        const m = f(f(S1[i] * beta1) + f(oneMinusBeta1 * gv));
        const v = f(f(S2[i] * beta2) + f(oneMinusBeta2 * f(gv * gv)));
        S1[i] = m;
        S2[i] = v;
        let p = f(P[i] + f(stepSize * f(m / f(f(Math.sqrt(v)) + epsC2))));
        if (decay) p = f(p * decayFactor);
        P[i] = p;
      }
      return;
    }
    case 'lion':
      for (let i = 0; i < n; i++) {
        const gv = f(G[i] * gnormScale);
        const p = decay ? f(P[i] * decayFactor) : P[i];
        const inner = f(f(S1[i] * beta1) + f(oneMinusBeta1 * gv));
        const sg = inner > 0 ? 1 : inner < 0 ? -1 : inner === inner ? 0 : inner;
        P[i] = f(p - f(lr * sg));
        S1[i] = f(f(S1[i] * beta2) + f(oneMinusBeta2 * gv));
      }
      return;
    case 'momentum': {
      const first = sc.step === 1;
      for (let i = 0; i < n; i++) {
        let gv = f(G[i] * gnormScale);
        if (decay) gv = f(gv + f(P[i] * wd));
        const s = first ? gv : f(f(S1[i] * beta1) + gv);
        S1[i] = s;
        P[i] = f(P[i] + f(-lr * s));
      }
      return;
    }
    default: {
      const rms = sc.rule === 'rmsprop';
      for (let i = 0; i < n; i++) {
        let gv = f(G[i] * gnormScale);
        if (decay) gv = f(gv + f(P[i] * wd));
        const s = rms ? f(f(S1[i] * beta1) + f(oneMinusBeta1 * f(gv * gv))) : f(S1[i] + f(gv * gv));
        S1[i] = s;
        P[i] = f(P[i] + f(-lr * f(gv / f(f(Math.sqrt(s)) + eps))));
      }
    }
  }
}

function quantize(x: Float32Array, B: number, code: Float32Array): { codes: Uint8Array; absmax: Float32Array } {
  const table = code === Q1 ? searchTables().signed : code === Q2 ? searchTables().unsigned : undefined;
  if (!table) return referenceArrayKernel.quantize(x, B, code);
  const n = x.length;
  const codes = new Uint8Array(n);
  const absmax = new Float32Array(numBlocks(n, B));
  scratch(B);
  const xb = sXbits;
  for (let k = 0; k < absmax.length; k++) {
    const start = k * B;
    const len = Math.min(B, n - start);
    let am = 0;
    for (let j = 0; j < len; j++) {
      const a = Math.abs(x[start + j]);
      if (a > am || a !== a) am = a;
    }
    absmax[k] = am;
    const inv = f(1 / am);
    for (let j = 0; j < len; j++) sX[j] = x[start + j] * inv;
    for (let j = 0; j < len; j++) codes[start + j] = lookup(table.base, table.thresholds, sX[j], xb[j]);
  }
  return { codes, absmax };
}

export const fusedJsArrayKernel: ArrayKernel = {
  step8(sc, blockSize, b) {
    if (sc.rule === 'adam') adam8(sc, blockSize, b);
    else oneState8(sc, blockSize, b);
  },
  step32,
  quantize,
};
