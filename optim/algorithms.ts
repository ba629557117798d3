// The six algorithms as thin descriptions (bitsandbytes' Adam8bit, AdamW8bit, SGD8bit, Lion8bit,
// RMSprop8bit, Adagrad8bit): which update rule the kernels run, how many states, which map each state
// uses (spec §1a table), default hyper-parameters. The arithmetic itself lives in the kernels.
import type { OptimizerAlgorithm } from '../common/optimizers.ts';
import { fround, powf } from './f32.ts';
import type { MapName } from './maps.ts';

/** The update rule a kernel runs: AdamW is the "adam" rule with decay, as in bitsandbytes. */
export type UpdateRule = 'adam' | 'momentum' | 'lion' | 'rmsprop' | 'adagrad';
export const UPDATE_RULES: readonly UpdateRule[] = ['adam', 'momentum', 'lion', 'rmsprop', 'adagrad'];

/** Hyper-parameters as the user gives them (numbers; rounded to float32 when a step runs). */
export interface Hyper {
  lr: number;
  /** Adam/Lion beta1, the momentum of SGD, RMSprop's alpha; unused by Adagrad */
  beta1: number;
  /** Adam/Lion beta2; unused by the others */
  beta2: number;
  eps: number;
  weightDecay: number;
  /** bitsandbytes' gnorm_scale, always 1 since percentile clipping was removed; kept for the vectors */
  gnormScale: number;
}

export class Algorithm {
  constructor(
    readonly name: OptimizerAlgorithm,
    readonly rule: UpdateRule,
    readonly defaults: Hyper,
    /** map of each state; 1-state rules use the signed map even for non-negative accumulators */
    readonly stateMaps: readonly MapName[],
  ) {}

  /** How weight decay is applied: decoupled (scales p) for Adam and Lion, coupled (L2 into g) otherwise. */
  get decay(): 'decoupled' | 'coupled' {
    return this.rule === 'adam' || this.rule === 'lion' ? 'decoupled' : 'coupled';
  }

  get numStates(): 1 | 2 {
    return this.stateMaps.length as 1 | 2;
  }

  /** Rejects what bitsandbytes rejects (momentum 0, alpha 0), with a message that says how to fix it. */
  validate(h: Hyper): void {
    const bad = (what: string) => {
      throw new Error(`${this.name}: ${what}`);
    };
    for (const [k, v] of Object.entries(h)) if (!Number.isFinite(v)) bad(`hyper-parameter ${k} must be a finite number, got ${v}`);
    if (!(h.lr >= 0)) bad(`learning rate must be >= 0, got ${h.lr}`);
    if (!(h.weightDecay >= 0)) bad(`weight decay must be >= 0, got ${h.weightDecay}`);
    if (!(h.eps >= 0)) bad(`epsilon must be >= 0, got ${h.eps}`);
    if (this.rule === 'momentum' && h.beta1 === 0) bad('momentum must be > 0 (use plain SGD for momentum 0)');
    if (this.rule === 'rmsprop' && h.beta1 === 0) bad('alpha must be > 0');
    if ((this.rule === 'adam' || this.rule === 'lion') && !(h.beta1 >= 0 && h.beta1 < 1 && h.beta2 >= 0 && h.beta2 < 1)) {
      bad(`betas must be in [0, 1), got ${h.beta1}, ${h.beta2}`);
    }
  }
}

const base = { eps: 1e-8, weightDecay: 0, gnormScale: 1, beta2: 0 };
export const ALGORITHMS: Readonly<Record<OptimizerAlgorithm, Algorithm>> = {
  adam: new Algorithm('adam', 'adam', { ...base, lr: 1e-3, beta1: 0.9, beta2: 0.999 }, ['dynamic-signed', 'dynamic-unsigned']),
  adamw: new Algorithm('adamw', 'adam', { ...base, lr: 1e-3, beta1: 0.9, beta2: 0.999, weightDecay: 1e-2 }, ['dynamic-signed', 'dynamic-unsigned']),
  momentum: new Algorithm('momentum', 'momentum', { ...base, lr: 1e-2, beta1: 0.9 }, ['dynamic-signed']),
  lion: new Algorithm('lion', 'lion', { ...base, lr: 1e-4, beta1: 0.9, beta2: 0.99 }, ['dynamic-signed']),
  rmsprop: new Algorithm('rmsprop', 'rmsprop', { ...base, lr: 1e-2, beta1: 0.99 }, ['dynamic-signed']),
  adagrad: new Algorithm('adagrad', 'adagrad', { ...base, lr: 1e-2, beta1: 0, eps: 1e-10 }, ['dynamic-signed']),
};

/**
 * Per-step float32 scalars (the hyper-parameters rounded to float32, and what follows from them), computed once in TypeScript and handed to every kernel (JS, native, composed)
 * so that they all start from the same bits. Names follow the CUDA source.
 */
export interface StepScalars extends Hyper {
  rule: UpdateRule;
  step: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  /** Adam: sqrtf(1 - beta2^t) */
  correction2: number;
  /** Adam: -lr * correction2 / (1 - beta1^t) */
  stepSize: number;
  /** Adam: correction2 * eps */
  epsC2: number;
  /** 1 - lr * weightDecay (decoupled decay factor) */
  decayFactor: number;
}

export function stepScalars(rule: UpdateRule, h: Hyper, step: number): StepScalars {
  const lr = fround(h.lr);
  const beta1 = fround(h.beta1);
  const beta2 = fround(h.beta2);
  const eps = fround(h.eps);
  const correction1 = fround(1 - powf(beta1, step));
  const correction2 = fround(Math.sqrt(fround(1 - powf(beta2, step))));
  return {
    rule,
    step,
    lr,
    beta1,
    beta2,
    eps,
    weightDecay: fround(h.weightDecay),
    gnormScale: fround(h.gnormScale),
    oneMinusBeta1: fround(1 - beta1),
    oneMinusBeta2: fround(1 - beta2),
    correction2,
    stepSize: fround(fround(-lr * correction2) / correction1),
    epsC2: fround(correction2 * eps),
    decayFactor: fround(1 - fround(lr * fround(h.weightDecay))),
  };
}
