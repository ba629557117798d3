// Which golden fixture folders to run: every folder under testdata/models/ with a golden.json, plus
// the folders in OCTET_EXTRA_FIXTURES (colon-separated; a fixture folder or a folder of fixtures).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

function expand(dir: string): string[] {
  if (existsSync(join(dir, 'golden.json'))) return [dir];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .map((f) => join(dir, f))
    .filter((f) => existsSync(join(f, 'golden.json')))
    .sort();
}

export function goldenFixtureDirs(repoRoot: string, extra = process.env.OCTET_EXTRA_FIXTURES ?? ''): string[] {
  const dirs = expand(join(repoRoot, 'testdata', 'models'));
  for (const entry of extra.split(':').map((s) => s.trim()).filter(Boolean)) {
    const found = expand(resolve(entry));
    if (found.length === 0) throw new Error(`OCTET_EXTRA_FIXTURES: ${entry} holds no golden.json (neither it nor its subfolders)`);
    dirs.push(...found);
  }
  return [...new Set(dirs)];
}
