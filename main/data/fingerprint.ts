// A short hash of the examples, stored with a checkpoint: a resume over a changed file is caught
// even when the row count happens to match.
import { createHash } from 'node:crypto';
import type { Example } from './types.ts';

export function fingerprintExamples(examples: readonly Example[]): string {
  const h = createHash('sha256');
  for (const ex of examples) h.update(JSON.stringify([ex.text, ex.textPair ?? null, ex.label ?? null, ex.target ?? null])).update('\n');
  return h.digest('hex').slice(0, 16);
}
