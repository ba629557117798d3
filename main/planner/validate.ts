// Checks a PlanInput at the edge and says what was wrong and which values are allowed.
import { BLOCK_SIZES, isOptimizerName, OPTIMIZER_NAMES } from '../../common/optimizers.ts';
import type { PlanInput } from '../../common/planner.ts';
import { BACKENDS, TASKS } from '../../common/runConfig.ts';

const positiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

export function validatePlanInput(input: PlanInput): void {
  const errors: string[] = [];
  if (!isOptimizerName(input.optimizer)) errors.push(`optimizer: got ${JSON.stringify(input.optimizer)}; allowed values: ${OPTIMIZER_NAMES.join(', ')}`);
  if (input.blockSize !== undefined && !(BLOCK_SIZES as readonly number[]).includes(input.blockSize)) {
    errors.push(`blockSize: got ${JSON.stringify(input.blockSize)}; allowed values: ${BLOCK_SIZES.join(', ')}`);
  }
  if (input.min8bitSize !== undefined && !(Number.isInteger(input.min8bitSize) && input.min8bitSize >= 0)) {
    errors.push(`min8bitSize: got ${JSON.stringify(input.min8bitSize)}; must be a whole number ≥ 0`);
  }
  for (const k of ['batchSize', 'seqLength'] as const) {
    if (!positiveInt(input[k])) errors.push(`${k}: got ${JSON.stringify(input[k])}; must be a whole number ≥ 1`);
  }
  for (const k of ['targetLength', 'numLabels', 'gradAccumSteps'] as const) {
    if (input[k] !== undefined && !positiveInt(input[k])) errors.push(`${k}: got ${JSON.stringify(input[k])}; must be a whole number ≥ 1`);
  }
  if (input.backend !== undefined && !(BACKENDS as readonly string[]).includes(input.backend)) {
    errors.push(`backend: got ${JSON.stringify(input.backend)}; allowed values: ${BACKENDS.join(', ')}`);
  }
  if (input.task !== undefined && !(TASKS as readonly string[]).includes(input.task)) {
    errors.push(`task: got ${JSON.stringify(input.task)}; allowed values: ${TASKS.join(', ')}`);
  }
  if (!(typeof input.gpuBytes === 'number' && input.gpuBytes > 0 && Number.isFinite(input.gpuBytes))) {
    errors.push(`gpuBytes: got ${JSON.stringify(input.gpuBytes)}; must be a positive number of bytes (e.g. parseByteSize("6GB"))`);
  }
  for (const o of input.stateOverrides ?? []) {
    if (o.stateBits !== 8 && o.stateBits !== 32) errors.push(`stateOverrides[${o.tensor}].stateBits: got ${JSON.stringify(o.stateBits)}; allowed values: 8, 32`);
  }
  if (errors.length) throw new Error(`invalid plan input:\n  ${errors.join('\n  ')}`);
}
