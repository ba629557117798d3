// Helpers for optim's tests and the benchmark: seeded random float32 data and the shared vector files.
// (Test-only: nothing in the library imports this file.)
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLenientJson, parseVectorFile } from './vectors.ts';
import type { VectorCase } from './vectors.ts';

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** float32 N(0, scale²) samples (Box–Muller). */
export function randn(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - r();
    const v = r();
    const m = Math.sqrt(-2 * Math.log(u)) * scale;
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** float32 U[0, 1) samples. */
export function rand(n: number, seed: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, r);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VECTOR_DIRS = [join(root, 'testdata', 'vectors'), join(root, 'optim', 'testdata', 'vectors')];

/** Every shared-format vector file of the repository (testdata/vectors and optim/testdata/vectors). */
export function loadAllVectors(): Array<{ file: string; cases: VectorCase[] }> {
  return VECTOR_DIRS.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => ({ file: f, cases: parseVectorFile(parseLenientJson(readFileSync(join(dir, f), 'utf8')), f) })),
  );
}

export function loadVector(dir: string, file: string): VectorCase[] {
  return parseVectorFile(parseLenientJson(readFileSync(join(dir, file), 'utf8')), file);
}
