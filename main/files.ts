// Small filesystem helpers shared by the trainer and the services.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Total bytes of the files under `dir`. */
export function folderSize(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? folderSize(p) : statSync(p).size;
  }
  return total;
}
