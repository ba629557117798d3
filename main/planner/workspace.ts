// Temporary memory after the backward pass, when activations are already freed: gradient clipping and
// the optimizer step work one parameter tensor at a time, so the largest trainable tensor sets it.
import { parseOptimizerName, type OptimizerName } from '../../common/optimizers.ts';
import type { ParamTensor } from './parameters.ts';

const F32 = 4;

/**
 * float32 temporaries of the parameter's size that one optimizer step of one tensor holds at once.
 * 32-bit (composed TensorFlow.js ops, as tf.train.adam): new m, new v, the update and the new weight
 * before the old ones are released → 4. 8-bit (dequantize → update → requantize, composed ops on GPU
 * backends): dequantized m and v, new m and v, update, new weight → 6.
 */
export const OPTIMIZER_TEMPORARIES = { bits32: 4, bits8: 6 } as const;

/** Global-norm clipping squares one gradient at a time (the square is one temporary). */
export const CLIP_TEMPORARIES = 1;

export interface StepWorkspace {
  bytes: number;
  what: string;
}

export function optimizerStepWorkspace(trainable: readonly ParamTensor[], optimizer: OptimizerName): StepWorkspace {
  if (trainable.length === 0) return { bytes: 0, what: 'nothing trains' };
  const largest = trainable.reduce((m, t) => (t.size > m.size ? t : m));
  const { bits } = parseOptimizerName(optimizer);
  const k = Math.max(bits === 8 ? OPTIMIZER_TEMPORARIES.bits8 : OPTIMIZER_TEMPORARIES.bits32, CLIP_TEMPORARIES);
  return { bytes: k * F32 * largest.size, what: `optimizer step of ${largest.name} (${k} float32 temporaries of ${largest.size.toLocaleString('en-US')} elements)` };
}
