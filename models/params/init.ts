// Seeded initial values for parameters (what `transformers` _init_weights does), in plain JS so the
// same seed gives the same weights on every backend.
import { numel, type ParamSpec } from './spec.ts';

/** xorshift128 on 32-bit words, seeded through a murmur3 finalizer: small, fast and seedable. */
export class Rng {
  private readonly s = new Uint32Array(4);
  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (!this.s.some((v) => v !== 0)) this.s[0] = 1;
  }
  /** Uniform in (0, 1). */
  uniform(): number {
    const s = this.s;
    let t = s[3];
    const u = s[0];
    s[3] = s[2];
    s[2] = s[1];
    s[1] = u;
    t ^= t << 11;
    t ^= t >>> 8;
    s[0] = t ^ u ^ (u >>> 19);
    return (s[0] + 0.5) / 4294967296;
  }
  /** Marsaglia's polar method: two normals per accepted pair, no trigonometry. */
  fillNormal(out: Float32Array, std: number): void {
    for (let i = 0; i < out.length; i += 2) {
      let u: number;
      let v: number;
      let s: number;
      do {
        u = 2 * this.uniform() - 1;
        v = 2 * this.uniform() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const m = Math.sqrt((-2 * Math.log(s)) / s) * std;
      out[i] = u * m;
      if (i + 1 < out.length) out[i + 1] = v * m;
    }
  }
  fillUniform(out: Float32Array, bound: number): void {
    for (let i = 0; i < out.length; i++) out[i] = (2 * this.uniform() - 1) * bound;
  }
}

export function initialValues(spec: ParamSpec, rng: Rng): Float32Array {
  const out = new Float32Array(numel(spec.shape));
  const init = spec.init;
  switch (init.kind) {
    case 'zeros':
      break;
    case 'ones':
      out.fill(1);
      break;
    case 'normal':
      rng.fillNormal(out, init.std);
      break;
    case 'xavierUniform': {
      // torch: fan_in = size(1), fan_out = size(0) for a 2-D weight.
      const [fanOut, fanIn] = spec.shape;
      rng.fillUniform(out, Math.sqrt(6 / (fanIn + fanOut)));
      break;
    }
  }
  if ((init.kind === 'normal' || init.kind === 'xavierUniform') && init.zeroRow !== undefined) {
    const dim = spec.shape[1];
    out.fill(0, init.zeroRow * dim, (init.zeroRow + 1) * dim);
  }
  return out;
}
