// The reference kernel: plain TypeScript, Math.fround after every float operation, in the CUDA source's
// operation order (spec §1c), lane by lane as one CUDA block would see it, padding lanes included.
// Slow and obvious on purpose: it is the ground truth the other kernels are compared with.
import type { StepScalars } from '../algorithms.ts';
import { FLT_MAX, npSign, signbitF32 } from '../f32.ts';
import { SIGNED_DYNAMIC_MAP as Q1, UNSIGNED_DYNAMIC_MAP as Q2 } from '../maps.ts';
import { numBlocks, quantizeBlockwise } from '../quantize.ts';
import { quantizeCodeTree } from '../search.ts';
import type { ArrayKernel, Buffers32, Buffers8 } from './types.ts';

// a module-local binding lets V8 inline it (an imported one is called every time)
const f = Math.fround;

/** quantize_2D<signed>(s / absmax) and the sign fix-up (a value whose code has the wrong sign moves one code). */
function requantizeSigned(s: number, absmax: number): number {
  let c = quantizeCodeTree(Q1, f(s / absmax));
  if (signbitF32(Q1[c]) !== signbitF32(s)) c = (s > 0 ? c + 1 : c - 1) & 0xff;
  return c;
}

function requantizeUnsigned(s: number, absmax: number): number {
  return quantizeCodeTree(Q2, f(s / absmax));
}

/** fmaxf reduction from -FLT_MAX over all lanes of a block: NaN lanes are skipped. */
function blockAbsmax(s: Float32Array): number {
  let m = -FLT_MAX;
  for (let j = 0; j < s.length; j++) {
    const a = Math.abs(s[j]);
    if (a > m) m = a;
  }
  return m;
}

function adam8(sc: StepScalars, B: number, b: Buffers8): void {
  const { p: P, g: G, c1: C1, a1: A1 } = b;
  const C2 = b.c2!;
  const A2 = b.a2!;
  const n = P.length;
  const s1 = new Float32Array(B);
  const s2 = new Float32Array(B);
  for (let k = 0; k < numBlocks(n, B); k++) {
    const start = k * B;
    const am1 = A1[k];
    const am2 = A2[k];
    for (let j = 0; j < B; j++) {
      const i = start + j;
      const valid = i < n;
      const g = valid ? G[i] : 0;
      const finite = Number.isFinite(g);
      const gv = f((finite ? g : 0) * sc.gnormScale);
      let v = f(Q2[valid ? C2[i] : 0] * am2);
      v = f(f(v * sc.beta2) + f(f(sc.oneMinusBeta2 * gv) * gv));
      let m = f(Q1[valid ? C1[i] : 128] * am1);
      m = f(f(m * sc.beta1) + f(sc.oneMinusBeta1 * gv));
      s1[j] = finite ? m : 0;
      s2[j] = finite ? v : 0;
    }
    const new1 = blockAbsmax(s1);
    const new2 = blockAbsmax(s2);
    A1[k] = new1;
    A2[k] = new2;
    for (let j = 0; j < B && start + j < n; j++) {
      const i = start + j;
      if (Number.isFinite(G[i])) {
        const denom = f(f(Math.sqrt(s2[j])) + sc.epsC2);
        let p = f(P[i] + f(sc.stepSize * f(s1[j] / denom)));
        if (sc.weightDecay > 0) p = f(p * sc.decayFactor);
        P[i] = p;
      }
      C1[i] = requantizeSigned(s1[j], new1);
      C2[i] = requantizeUnsigned(s2[j], new2);
    }
  }
}

function oneState8(sc: StepScalars, B: number, b: Buffers8): void {
  const { p: P, g: G, c1: C1, a1: A1 } = b;
  const n = P.length;
  const s = new Float32Array(B);
  const pNew = new Float32Array(B);
  const lionUpdate = new Float32Array(B);
  const decay = sc.weightDecay > 0;
  for (let k = 0; k < numBlocks(n, B); k++) {
    const start = k * B;
    const am = A1[k];
    for (let j = 0; j < B; j++) {
      const i = start + j;
      const valid = i < n;
      const graw = valid ? G[i] : 0;
      let p = valid ? P[i] : 0;
      let gv = f(graw * sc.gnormScale);
      if (decay) {
        if (sc.rule === 'lion') p = f(p * sc.decayFactor);
        else gv = f(gv + f(p * sc.weightDecay));
      }
      let st = f(Q1[valid ? C1[i] : 128] * am);
      switch (sc.rule) {
        case 'momentum':
          st = sc.step === 1 ? gv : f(f(st * sc.beta1) + gv);
          break;
        case 'lion': {
          const inner = f(f(st * sc.beta1) + f(sc.oneMinusBeta1 * gv));
          lionUpdate[j] = f(sc.lr * npSign(inner));
          st = f(f(st * sc.beta2) + f(sc.oneMinusBeta2 * gv));
          break;
        }
        case 'rmsprop':
          st = f(f(st * sc.beta1) + f(sc.oneMinusBeta1 * f(gv * gv)));
          break;
        case 'adagrad':
          st = f(st + f(gv * gv));
          break;
        default:
          throw new Error(`1-state kernel cannot run rule ${sc.rule}`);
      }
      s[j] = st;
      pNew[j] = p;
    }
    const newAm = blockAbsmax(s);
    A1[k] = newAm;
    for (let j = 0; j < B && start + j < n; j++) {
      const i = start + j;
      let p = pNew[j];
      if (sc.rule === 'momentum') p = f(p - f(sc.lr * s[j]));
      else if (sc.rule === 'lion') p = f(p - lionUpdate[j]);
      else p = f(p - f(sc.lr * f(G[i] / f(f(Math.sqrt(s[j])) + sc.eps)))); // raw gradient numerator
      P[i] = p;
      C1[i] = requantizeSigned(s[j], newAm);
    }
  }
}

/** bitsandbytes' 32-bit kernels (kOptimizer32bit2State / kOptimizer32bit1State), update_scale 1. */
function step32(sc: StepScalars, b: Buffers32): void {
  const { p: P, g: G, s1: S1 } = b;
  const decay = sc.weightDecay > 0;
  for (let i = 0; i < P.length; i++) {
    let gv = f(G[i] * sc.gnormScale);
    let p = P[i];
    switch (sc.rule) {
      case 'adam': {
        const S2 = b.s2!;
        const m = f(f(S1[i] * sc.beta1) + f(sc.oneMinusBeta1 * gv));
        const v = f(f(S2[i] * sc.beta2) + f(sc.oneMinusBeta2 * f(gv * gv)));
        S1[i] = m;
        S2[i] = v;
        p = f(p + f(sc.stepSize * f(m / f(f(Math.sqrt(v)) + sc.epsC2))));
        if (decay) p = f(p * sc.decayFactor);
        break;
      }
      case 'lion': {
        if (decay) p = f(p * sc.decayFactor);
        const inner = f(f(S1[i] * sc.beta1) + f(sc.oneMinusBeta1 * gv));
        p = f(p - f(sc.lr * npSign(inner)));
        S1[i] = f(f(S1[i] * sc.beta2) + f(sc.oneMinusBeta2 * gv));
        break;
      }
      default: {
        if (decay) gv = f(gv + f(p * sc.weightDecay)); // coupled (L2) decay
        let s: number;
        if (sc.rule === 'momentum') s = sc.step === 1 ? gv : f(f(S1[i] * sc.beta1) + gv);
        else if (sc.rule === 'rmsprop') s = f(f(S1[i] * sc.beta1) + f(sc.oneMinusBeta1 * f(gv * gv)));
        else s = f(S1[i] + f(gv * gv));
        S1[i] = s;
        // the 32-bit kernels divide the decayed gradient (the 8-bit ones the raw one)
        if (sc.rule === 'momentum') p = f(p + f(-sc.lr * s));
        else p = f(p + f(-sc.lr * f(gv / f(f(Math.sqrt(s)) + sc.eps))));
      }
    }
    P[i] = p;
  }
}

export const referenceArrayKernel: ArrayKernel = {
  step8(sc, blockSize, b) {
    if (sc.rule === 'adam') adam8(sc, blockSize, b);
    else oneState8(sc, blockSize, b);
  },
  step32,
  quantize: (x, blockSize, code) => quantizeBlockwise(x, blockSize, code),
};
