// Errors a user can act on: what was wrong, where, and how to fix it.
import type { z } from 'zod';

export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
}

/** One line per zod issue: `key.path: message`. */
export function formatIssues(file: string, error: z.ZodError): string {
  const lines = error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  return `${file}: invalid config\n${lines.join('\n')}`;
}
