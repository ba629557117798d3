// The initial state of seedrandom's Alea for a seed string, computed exactly as seedrandom does (Mash
// hash in double arithmetic): tf.randomUniform(shape, 0, 1, 'float32', seed) draws Alea(String(seed)),
// and the native dropout kernel continues that stream from this state.
import type { AleaState } from '../native/tensorKernels.ts';

/** int32 words of the fused dropouts' kept bits (one per element) for n elements. */
export const keptWords = (n: number): number => Math.ceil(n / 32);

function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000; // 2^32
    }
    return (n >>> 0) * 2.3283064365386963e-10; // 2^-32
  };
}

export function aleaState(seed: string): AleaState {
  const m = mash();
  let s0 = m(' ');
  let s1 = m(' ');
  let s2 = m(' ');
  s0 -= m(seed);
  if (s0 < 0) s0 += 1;
  s1 -= m(seed);
  if (s1 < 0) s1 += 1;
  s2 -= m(seed);
  if (s2 < 0) s2 += 1;
  return { s0, s1, s2, c: 1 };
}
