// Element-wise comparison with numpy.allclose semantics: |got − expected| ≤ atol + rtol·|expected|.
export interface Comparison {
  pass: boolean;
  count: number;
  maxAbs: number;
  maxRel: number;
  worstIndex: number;
  worstGot: number;
  worstExpected: number;
}

export function compareTensor(
  got: ArrayLike<number>, gotShape: number[], expected: ArrayLike<number>, expectedShape: number[], atol: number, rtol: number,
): Comparison {
  const sameShape = gotShape.length === expectedShape.length && gotShape.every((d, i) => d === expectedShape[i]);
  if (!sameShape || got.length !== expected.length) {
    return { pass: false, count: 0, maxAbs: Infinity, maxRel: Infinity, worstIndex: -1, worstGot: NaN, worstExpected: NaN };
  }
  let pass = true;
  let maxAbs = 0;
  let maxRel = 0;
  let worst = 0;
  let worstExcess = -Infinity;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - expected[i]);
    const limit = atol + rtol * Math.abs(expected[i]);
    if (!(d <= limit)) pass = false;
    if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
    const rel = d / Math.max(Math.abs(expected[i]), 1e-30);
    if (rel > maxRel) maxRel = rel;
    const excess = Number.isNaN(d) ? Infinity : d - limit;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  return { pass, count: got.length, maxAbs, maxRel, worstIndex: worst, worstGot: got[worst], worstExpected: expected[worst] };
}

export function sameInts(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
