// The tiny models and datasets that ship with the app (assets/manifest.json).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { BundledAssets } from '../../common/api.ts';

export const ASSETS_DIR = fileURLToPath(new URL('../../assets/', import.meta.url));

export function bundledAssets(): BundledAssets {
  const manifest = resolve(ASSETS_DIR, 'manifest.json');
  if (!existsSync(manifest)) return { models: [], datasets: [] };
  const raw = JSON.parse(readFileSync(manifest, 'utf8')) as BundledAssets;
  const abs = (p: string) => resolve(dirname(manifest), p);
  return {
    models: raw.models.map((m) => ({ ...m, path: abs(m.path) })),
    datasets: raw.datasets.map((d) => ({ ...d, path: abs(d.path) })),
  };
}
