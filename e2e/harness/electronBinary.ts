// Where the Electron binary is, without require('electron') (which tries to download it when absent).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.ts';

export function electronBinary(): { path: string } | { missing: string } {
  const pkgDir = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: `no Electron binary (${pathFile} is absent: the electron package downloads its binary on first use, which needs network)` };
  const rel = readFileSync(pathFile, 'utf8').trim();
  const full = process.env.ELECTRON_OVERRIDE_DIST_PATH ? join(process.env.ELECTRON_OVERRIDE_DIST_PATH, rel) : join(pkgDir, 'dist', rel);
  return existsSync(full) ? { path: full } : { missing: `no Electron binary at ${full}` };
}
