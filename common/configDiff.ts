// Config diff for comparing runs: flattens each config to dotted paths and keeps only the paths whose
// values differ. Pure (no Node, no DOM) so the UI and the run manager share it.
import type { ConfigDiffEntry } from './runs.ts';

type Leaf = unknown;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Flattens nested objects to dotted paths. Arrays are leaves (e.g. `optimizer.betas`, `tags`): a
 * list compares as a whole, which reads better than `tags.0`, `tags.1`. An empty object is a leaf too,
 * so `{}` versus absent still shows up.
 */
export function flattenConfig(value: unknown, prefix = '', out: Map<string, Leaf> = new Map()): Map<string, Leaf> {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      flattenConfig(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

/** Structural equality for JSON-like values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * One entry per dotted path whose values are not all equal across `configs` (a path missing from some
 * configs counts as different, with `undefined` there). Paths keep the order in which they first appear,
 * so the diff reads like the config file.
 */
export function diffConfigs(configs: readonly unknown[]): ConfigDiffEntry[] {
  const flats = configs.map((c) => flattenConfig(c));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const f of flats) {
    for (const p of f.keys()) {
      if (!seen.has(p)) {
        seen.add(p);
        paths.push(p);
      }
    }
  }
  const out: ConfigDiffEntry[] = [];
  for (const path of paths) {
    const values = flats.map((f) => (f.has(path) ? f.get(path) : undefined));
    const present = flats.map((f) => f.has(path));
    const allSame = present.every(Boolean) && values.every((v) => jsonEqual(v, values[0]));
    if (!allSame) out.push({ path, values });
  }
  return out;
}
