// Matrix-product FLOPs of one training step, written by hand from the architectures (models/roberta,
// models/mt5): 2·m·n·k per product, forward; backward computes two products of the same size per
// forward product (the gradients of both operands), so a step is 3× the forward. Elementwise work,
// lookups and the optimizer are not counted (they are what the step spends beyond the products).

export interface RobertaShape {
  layers: number;
  hidden: number;
  intermediate: number;
  labels: number;
  batch: number;
  seq: number;
}

export function robertaStepFlops(s: RobertaShape): number {
  const n = s.batch * s.seq; // tokens
  const h = s.hidden;
  // q, k, v, attention output (h×h each) and the FFN (h×I, I×h), per token
  const linear = 2 * n * (4 * h * h + 2 * h * s.intermediate);
  // q·kᵀ and probs·v: batch·heads·L·L·d each = batch·L²·h
  const attention = 2 * 2 * s.batch * s.seq * s.seq * h;
  // classification head on the <s> token: dense h×h, out_proj h×labels
  const head = 2 * s.batch * (h * h + h * s.labels);
  return 3 * (s.layers * (linear + attention) + head);
}

export interface Mt5Shape {
  encoderLayers: number;
  decoderLayers: number;
  dModel: number;
  /** heads · d_kv */
  inner: number;
  dFf: number;
  gated: boolean;
  vocab: number;
  batch: number;
  source: number;
  target: number;
}

export function mt5StepFlops(s: Mt5Shape): number {
  const ne = s.batch * s.source;
  const nd = s.batch * s.target;
  const d = s.dModel;
  const ffn = (tokens: number) => 2 * tokens * d * s.dFf * (s.gated ? 3 : 2); // wi_0, wi_1 (gated), wo
  const selfAttention = (tokens: number, len: number) => 2 * tokens * 4 * d * s.inner + 2 * 2 * s.batch * len * len * s.inner;
  // cross-attention: q and o on decoder tokens, k and v on encoder tokens, products T×Ls
  const cross = 2 * nd * 2 * d * s.inner + 2 * ne * 2 * d * s.inner + 2 * 2 * s.batch * s.target * s.source * s.inner;
  const encoder = s.encoderLayers * (selfAttention(ne, s.source) + ffn(ne));
  const decoder = s.decoderLayers * (selfAttention(nd, s.target) + cross + ffn(nd));
  const lmHead = 2 * nd * d * s.vocab;
  return 3 * (encoder + decoder + lmHead);
}
