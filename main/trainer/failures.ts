// Turns what went wrong in a trainer into a message that says what happened and what to do.
import type { RunConfig } from '../../common/runConfig.ts';

const OOM = /out of memory|OOM when allocating|Array buffer allocation failed|Invalid typed array length|Cannot enlarge memory|Aborted\(OOM\)|allocation failed|heap out of memory/i;

export function isOutOfMemory(err: unknown): boolean {
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return OOM.test(msg) || (err instanceof RangeError && /length|allocation/i.test(err.message));
}

export function describeFailure(err: unknown, config: RunConfig): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (isOutOfMemory(err)) {
    const t = config.training;
    return (
      `out of memory at batch size ${t.batchSize}, max length ${t.maxLength} with ${config.optimizer.name} (${msg.split('\n')[0]}). ` +
      'Lower training.batchSize (keep the effective batch with training.gradAccumSteps), lower training.maxLength, ' +
      'use an 8-bit optimizer, or freeze embeddings; `octet plan` shows what fits.'
    );
  }
  return msg.split('\n').slice(0, 20).join('\n');
}
