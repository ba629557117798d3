// Optimizer state bytes per parameter tensor, following docs/8bit-optimizers.md §2 and bitsandbytes:
// 8-bit state = 1 byte of code per element per state + one float32 absmax per block per state;
// tensors with fewer than min8bitSize elements, the stable embedding weight and explicit overrides
// keep 32-bit state (4 bytes per element per state); frozen tensors have no state at all.
import { parseOptimizerName, type OptimizerName, type StateBits } from '../../common/optimizers.ts';
import type { ParamTensor } from './parameters.ts';

export interface StateOptions {
  optimizer: OptimizerName;
  blockSize: number;
  min8bitSize: number;
  stableEmbedding: boolean;
  /** Per-tensor state precision requested by name (exact Hugging Face tensor name). */
  overrides?: readonly { tensor: string; stateBits: StateBits }[];
}

export interface TensorState {
  name: string;
  bits: StateBits;
  bytes: number;
  /** Why a tensor keeps 32-bit state under an 8-bit optimizer. */
  reason: 'small' | 'stable-embedding' | 'override' | null;
}

/** Adam/AdamW keep two states (m, v); momentum, Lion, RMSprop and Adagrad keep one. */
export function stateCount(optimizer: OptimizerName): 1 | 2 {
  const { algorithm } = parseOptimizerName(optimizer);
  return algorithm === 'adam' || algorithm === 'adamw' ? 2 : 1;
}

/**
 * Codes travel in int32 words (TensorFlow.js has no uint8 dtype), four codes per word, so a state of
 * n codes takes 4·ceil(n/4) bytes: the same as n bytes up to 3 bytes of padding.
 */
export function codeBytes(n: number): number {
  return 4 * Math.ceil(n / 4);
}

export function stateForTensor(t: ParamTensor, opts: StateOptions): TensorState {
  const { bits: optimBits } = parseOptimizerName(opts.optimizer);
  const states = stateCount(opts.optimizer);
  let bits: StateBits = optimBits;
  let reason: TensorState['reason'] = null;
  const override = opts.overrides?.find((o) => o.tensor === t.name);
  if (override) {
    if (override.stateBits !== optimBits) reason = 'override';
    bits = override.stateBits;
  } else if (optimBits === 8 && t.tokenEmbedding && opts.stableEmbedding) {
    bits = 32;
    reason = 'stable-embedding';
  } else if (optimBits === 8 && t.size < opts.min8bitSize) {
    bits = 32;
    reason = 'small';
  }
  const perState = bits === 32 ? 4 * t.size : codeBytes(t.size) + 4 * Math.ceil(t.size / opts.blockSize);
  return { name: t.name, bits, bytes: states * perState, reason };
}
