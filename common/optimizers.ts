// Optimizer names and per-parameter overrides: the same words in configs, CLI, UI and optim/.

export const OPTIMIZER_ALGORITHMS = ['adam', 'adamw', 'momentum', 'lion', 'rmsprop', 'adagrad'] as const;
export type OptimizerAlgorithm = (typeof OPTIMIZER_ALGORITHMS)[number];

export const OPTIMIZER_NAMES = [
  'adam8bit', 'adam32bit', 'adamw8bit', 'adamw32bit', 'momentum8bit', 'momentum32bit',
  'lion8bit', 'lion32bit', 'rmsprop8bit', 'rmsprop32bit', 'adagrad8bit', 'adagrad32bit',
] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export type StateBits = 8 | 32;

/** Block sizes the block-wise quantizer accepts (powers of two, as bitsandbytes). */
export const BLOCK_SIZES = [64, 128, 256, 512, 1024, 2048, 4096] as const;
export type BlockSize = (typeof BLOCK_SIZES)[number];
/** The paper's block size; bitsandbytes >= 0.44 uses 256. */
export const DEFAULT_BLOCK_SIZE: BlockSize = 2048;
/** Tensors with fewer elements keep 32-bit state (strict <, as bitsandbytes). */
export const DEFAULT_MIN_8BIT_SIZE = 4096;

export function parseOptimizerName(name: OptimizerName): { algorithm: OptimizerAlgorithm; bits: StateBits } {
  const m = /^(adamw|adam|momentum|lion|rmsprop|adagrad)(8|32)bit$/.exec(name);
  if (!m) throw new Error(`unknown optimizer "${name}"; allowed: ${OPTIMIZER_NAMES.join(', ')}`);
  return { algorithm: m[1] as OptimizerAlgorithm, bits: Number(m[2]) as StateBits };
}

export function isOptimizerName(name: string): name is OptimizerName {
  return (OPTIMIZER_NAMES as readonly string[]).includes(name);
}

/**
 * A model's request for one parameter, handed by the trainer to the optimizer as data
 * (models/ and optim/ do not import each other). `variableName` is the TensorFlow.js variable name.
 */
export interface ParamOverride {
  variableName: string;
  stateBits?: StateBits;
  lr?: number;
  weightDecay?: number;
  /** Why the model asks for it, shown in logs and the UI (e.g. "stable embedding keeps 32-bit state"). */
  reason?: string;
}
