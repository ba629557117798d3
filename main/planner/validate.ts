// Checks a PlanInput at the edge and says what was wrong and which values are allowed.
import { BLOCK_SIZES, isOptimizerName, OPTIMIZER_NAMES } from '../../common/optimizers.ts';
import type { PlanInput } from '../../common/planner.ts';
import { BACKENDS, TASKS } from '../../common/runConfig.ts';

const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

export function validatePlanInput(input: PlanInput): void {
  const errors: string[] = [];
  /** An optional field that must be one of `allowed`. */
  const oneOf = (k: 'blockSize' | 'backend' | 'task', allowed: readonly unknown[]) => {
    if (input[k] !== undefined && !allowed.includes(input[k])) errors.push(`${k}: got ${JSON.stringify(input[k])}; allowed values: ${allowed.join(', ')}`);
  };
  if (!isOptimizerName(input.optimizer)) errors.push(`optimizer: got ${JSON.stringify(input.optimizer)}; allowed values: ${OPTIMIZER_NAMES.join(', ')}`);
  oneOf('blockSize', BLOCK_SIZES);
  if (input.min8bitSize !== undefined && !(Number.isInteger(input.min8bitSize) && input.min8bitSize >= 0)) {
    errors.push(`min8bitSize: got ${JSON.stringify(input.min8bitSize)}; must be a whole number ≥ 0`);
  }
  for (const k of ['batchSize', 'seqLength'] as const) {
    if (!positiveInt(input[k])) errors.push(`${k}: got ${JSON.stringify(input[k])}; must be a whole number ≥ 1`);
  }
  for (const k of ['targetLength', 'numLabels', 'gradAccumSteps'] as const) {
    if (input[k] !== undefined && !positiveInt(input[k])) errors.push(`${k}: got ${JSON.stringify(input[k])}; must be a whole number ≥ 1`);
  }
  oneOf('backend', BACKENDS);
  oneOf('task', TASKS);
  if (!(typeof input.gpuBytes === 'number' && input.gpuBytes > 0 && Number.isFinite(input.gpuBytes))) {
    errors.push(`gpuBytes: got ${JSON.stringify(input.gpuBytes)}; must be a positive number of bytes (e.g. parseByteSize("6GB"))`);
  }
  for (const o of input.stateOverrides ?? []) {
    if (o.stateBits !== 8 && o.stateBits !== 32) errors.push(`stateOverrides[${o.tensor}].stateBits: got ${JSON.stringify(o.stateBits)}; allowed values: 8, 32`);
  }
  if (errors.length) throw new Error(`invalid plan input:\n  ${errors.join('\n  ')}`);
}
