// float32 arithmetic helpers shared by the kernels (spec §1c-numerics: every op rounded to float32).

export const fround = Math.fround;

/** Largest finite float32; the kernels' absmax reduction starts from its negation (fmaxf from -FLT_MAX). */
export const FLT_MAX = 3.4028234663852886e38;

/** `__powf(b, n)` as the spec models it: float64 pow of the float32 base, rounded once to float32. */
export function powf(base: number, exponent: number): number {
  return Math.fround(Math.pow(Math.fround(base), exponent));
}

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** The IEEE sign bit of a float32 value, including -0 and the sign of NaN (as the hardware produced it). */
export function signbitF32(x: number): boolean {
  if (x < 0) return true;
  if (x > 0) return false;
  scratchF32[0] = x;
  return scratchU32[0] >>> 31 === 1;
}

/** numpy's sign(): +1, -1, +0 for ±0, and the NaN itself for NaN (ref.py's Lion uses np.sign). */
export function npSign(x: number): number {
  if (x > 0) return 1;
  if (x < 0) return -1;
  return x === x ? 0 : x;
}
