// createOptimizer(name, options): the one entry point the trainer uses. Options are validated here (zod),
// so everything behind it works with typed, complete settings.
import { z } from 'zod';
import type { BlockSize, OptimizerName } from '../common/optimizers.ts';
import { BLOCK_SIZES, DEFAULT_BLOCK_SIZE, DEFAULT_MIN_8BIT_SIZE, OPTIMIZER_NAMES, parseOptimizerName } from '../common/optimizers.ts';
import { ALGORITHMS } from './algorithms.ts';
import { KERNEL_NAMES } from './kernel/types.ts';
import { BlockwiseOptimizer } from './optimizer.ts';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const overrideSchema = z.object({
  variableName: z.string().min(1),
  stateBits: z.union([z.literal(8), z.literal(32)]).optional(),
  lr: finite.min(0).optional(),
  weightDecay: finite.min(0).optional(),
  reason: z.string().optional(),
});

export const optimizerOptionsSchema = z
  .object({
    learningRate: finite.min(0).optional(),
    /** Adam/AdamW/Lion beta1 */
    beta1: finite.min(0).max(1).optional(),
    /** Adam/AdamW/Lion beta2 */
    beta2: finite.min(0).max(1).optional(),
    /** SGD momentum (the same slot as beta1) */
    momentum: finite.min(0).max(1).optional(),
    /** RMSprop smoothing constant (the same slot as beta1) */
    alpha: finite.min(0).max(1).optional(),
    epsilon: finite.min(0).optional(),
    weightDecay: finite.min(0).optional(),
    blockSize: z
      .custom<BlockSize>((v) => (BLOCK_SIZES as readonly unknown[]).includes(v), { message: `block size must be one of ${BLOCK_SIZES.join(', ')}` })
      .optional(),
    /** tensors with fewer elements keep 32-bit state (default 4096, as bitsandbytes) */
    min8bitSize: z.number().int().min(0).optional(),
    overrides: z.array(overrideSchema).optional(),
    /** a kernel name, or "auto": fused native/JS on cpu and wasm, composed tfjs ops elsewhere */
    kernel: z.enum([...KERNEL_NAMES, 'auto']).optional(),
  })
  .strict();

export type OptimizerOptions = z.input<typeof optimizerOptionsSchema>;

/**
 * An 8-bit (or 32-bit) block-wise optimizer by name, e.g. `createOptimizer('adamw8bit', { learningRate: 2e-5 })`.
 * Defaults are bitsandbytes' (AdamW weight decay 1e-2, Lion lr 1e-4, ...); block size 2048 (the paper's).
 */
export function createOptimizer(name: OptimizerName, options: OptimizerOptions = {}): BlockwiseOptimizer {
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new Error(`unknown optimizer "${name}"; use one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  const parsed = optimizerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new Error(`invalid options for ${name}: ${issues}`);
  }
  const o = parsed.data;
  const { algorithm: algoName, bits } = parseOptimizerName(name);
  const algorithm = ALGORITHMS[algoName];
  const d = algorithm.defaults;
  return new BlockwiseOptimizer({
    name,
    algorithm,
    stateBits: bits,
    blockSize: o.blockSize ?? DEFAULT_BLOCK_SIZE,
    min8bitSize: o.min8bitSize ?? DEFAULT_MIN_8BIT_SIZE,
    hyper: {
      lr: o.learningRate ?? d.lr,
      beta1: o.beta1 ?? o.momentum ?? o.alpha ?? d.beta1,
      beta2: o.beta2 ?? d.beta2,
      eps: o.epsilon ?? d.eps,
      weightDecay: o.weightDecay ?? d.weightDecay,
      gnormScale: 1,
    },
    overrides: o.overrides ?? [],
    kernel: o.kernel ?? 'auto',
  });
}
