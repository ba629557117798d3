// Reader for the shared test-vector format (spec §4, written by scripts/ref.py): maps, block-wise
// quantization cases and optimizer trajectories. Used by the tests and by `octet conformance`, so it is
// lenient about layout (top-level trajectories, or several keyed ones as in edge_cases_*.json) and reads
// every setting (optimizer, block size, hyper-parameters, initial state) from the file.
import { z } from 'zod';
import type { Hyper, UpdateRule } from './algorithms.ts';
import { ALGORITHMS } from './algorithms.ts';

const arraySchema = z.object({
  dtype: z.enum(['float32', 'uint8']),
  shape: z.array(z.number().int().nonnegative()),
  b64: z.string(),
  sha256: z.string().optional(),
});
type ArrayJson = z.infer<typeof arraySchema>;

function decode(a: ArrayJson, what: string): Float32Array | Uint8Array {
  const raw = Buffer.from(a.b64, 'base64');
  const count = a.shape.reduce((x, y) => x * y, 1);
  const width = a.dtype === 'float32' ? 4 : 1;
  if (raw.length !== count * width) throw new Error(`${what}: ${raw.length} bytes for shape [${a.shape}] ${a.dtype}`);
  const bytes = new Uint8Array(raw.length);
  bytes.set(raw);
  return a.dtype === 'float32' ? new Float32Array(bytes.buffer) : bytes;
}

function f32(v: unknown, what: string): Float32Array {
  const a = decode(arraySchema.parse(v), what);
  if (!(a instanceof Float32Array)) throw new Error(`${what}: expected float32`);
  return a;
}
function u8(v: unknown, what: string): Uint8Array {
  const a = decode(arraySchema.parse(v), what);
  if (!(a instanceof Uint8Array)) throw new Error(`${what}: expected uint8`);
  return a;
}
const isArrayJson = (v: unknown): boolean => arraySchema.safeParse(v).success;

export interface MapCase {
  kind: 'map';
  signed: boolean;
  values: Float32Array;
}

export interface QuantCase {
  kind: 'quant';
  label: string;
  signed: boolean;
  blockSize: number;
  input: Float32Array;
  codes: Uint8Array;
  absmax: Float32Array;
  dequantized?: Float32Array;
}

export interface TrajectoryStep {
  step: number;
  g: Float32Array;
  p: Float32Array;
  /** uint8 codes for 8-bit trajectories, float32 states for 32-bit ones */
  state1: Uint8Array | Float32Array;
  state2?: Uint8Array | Float32Array;
  absmax1?: Float32Array;
  absmax2?: Float32Array;
}

export interface TrajectoryCase {
  kind: 'trajectory';
  label: string;
  rule: UpdateRule;
  /** the optimizer as the file names it */
  optimizerLabel: string;
  bits: 8 | 32;
  blockSize: number;
  hyper: Hyper;
  n: number;
  init: { p: Float32Array; state1: Uint8Array | Float32Array; state2?: Uint8Array | Float32Array; absmax1?: Float32Array; absmax2?: Float32Array };
  steps: TrajectoryStep[];
}

export type VectorCase = MapCase | QuantCase | TrajectoryCase;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Which update rule a trajectory runs, from the most specific field that names one. */
export function detectRule(...hints: unknown[]): { rule: UpdateRule; adamw: boolean } | null {
  for (const h of hints) {
    if (typeof h !== 'string' || !h) continue;
    const template = /<\s*\w+\s*,\s*([A-Z_0-9]+)\s*,/.exec(h); // kOptimizer...<float, ADAM, B, N>
    const text = (template ? template[1] : h).toLowerCase();
    if (/ademamix/.test(text)) throw new Error(`AdEMAMix is not implemented (named by "${h}")`);
    if (/lamb|lars/.test(text)) throw new Error(`LAMB/LARS have no 8-bit block-wise kernel in bitsandbytes (named by "${h}")`);
    if (/adamw/.test(text)) return { rule: 'adam', adamw: true };
    if (/adam/.test(text)) return { rule: 'adam', adamw: false };
    if (/momentum|sgd/.test(text)) return { rule: 'momentum', adamw: false };
    if (/lion/.test(text)) return { rule: 'lion', adamw: false };
    if (/rmsprop/.test(text)) return { rule: 'rmsprop', adamw: false };
    if (/adagrad/.test(text)) return { rule: 'adagrad', adamw: false };
  }
  return null;
}

function num(h: Json, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = h[k];
    if (typeof v === 'number') return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

function hyperFrom(rule: UpdateRule, adamw: boolean, h: Json): Hyper {
  const algo = adamw ? ALGORITHMS.adamw : ALGORITHMS[rule === 'adam' ? 'adam' : rule];
  const d = algo.defaults;
  const betas = Array.isArray(h.betas) ? (h.betas as unknown[]) : [];
  const beta1Keys = rule === 'momentum' ? ['momentum', 'beta1'] : rule === 'rmsprop' ? ['alpha', 'beta1'] : ['beta1'];
  return {
    lr: num(h, 'lr', 'learning_rate', 'learningRate') ?? d.lr,
    beta1: num(h, ...beta1Keys) ?? (typeof betas[0] === 'number' ? betas[0] : d.beta1),
    beta2: num(h, 'beta2') ?? (typeof betas[1] === 'number' ? betas[1] : d.beta2),
    eps: num(h, 'eps', 'epsilon') ?? d.eps,
    weightDecay: num(h, 'weight_decay', 'weightDecay', 'wd') ?? d.weightDecay,
    gnormScale: num(h, 'gnorm_scale', 'gnormScale') ?? 1,
  };
}

function stateArray(v: unknown, n: number, what: string, bits: 8 | 32): Uint8Array | Float32Array {
  if (isArrayJson(v)) {
    const a = decode(arraySchema.parse(v), what);
    if (a.length !== n) throw new Error(`${what}: ${a.length} elements, expected ${n}`);
    return a;
  }
  return bits === 8 ? new Uint8Array(n) : new Float32Array(n); // "uint8 zeros(n)" and the like
}

function trajectory(label: string, c: Json, parent: Json, fileName: string): TrajectoryCase {
  const get = (k: string): unknown => c[k] ?? parent[k];
  // the case's own fields first, then its key in the file, then the file's fields and name
  const found = detectRule(c.kernel, c.optimizer, c.name, c.algorithm, label.split('#')[1], parent.kernel, parent.optimizer, parent.algorithm, fileName);
  if (!found) throw new Error(`${label}: cannot tell which optimizer this trajectory runs (no kernel/optimizer field names one)`);
  const init = isObj(c.init) ? c.init : {};
  const pInit = init.p ?? c.p0 ?? c.p_init ?? c.p ?? parent.p0;
  if (!isArrayJson(pInit)) throw new Error(`${label}: no initial parameters (init.p or p0)`);
  const p = f32(pInit, `${label} init.p`);
  const n = p.length;
  const rawSteps = c.steps as unknown[];
  const first = isObj(rawSteps[0]) ? rawSteps[0] : {};
  const s1 = first.state1_after;
  const bits: 8 | 32 = isObj(s1) && s1.dtype === 'float32' ? 32 : 8;
  const blockSize = num(c, 'blocksize', 'block_size', 'blockSize') ?? num(parent, 'blocksize', 'block_size', 'blockSize');
  if (bits === 8 && blockSize === undefined) throw new Error(`${label}: no blocksize field`);
  const nb = blockSize ? Math.ceil(n / blockSize) : 0;
  const twoState = found.rule === 'adam';
  const hyperJson = isObj(c.hyper) ? c.hyper : isObj(parent.hyper) ? parent.hyper : {};
  const absInit = (k: string) => (isArrayJson(init[k]) ? f32(init[k], `${label} init.${k}`) : new Float32Array(nb));
  const steps: TrajectoryStep[] = rawSteps.map((s, i) => {
    if (!isObj(s)) throw new Error(`${label}: step ${i} is not an object`);
    const at = `${label} step ${i + 1}`;
    return {
      step: num(s, 'step') ?? i + 1,
      g: f32(s.g, `${at} g`),
      p: f32(s.p_after, `${at} p_after`),
      state1: bits === 8 ? u8(s.state1_after, `${at} state1_after`) : f32(s.state1_after, `${at} state1_after`),
      state2: twoState ? (bits === 8 ? u8(s.state2_after, `${at} state2_after`) : f32(s.state2_after, `${at} state2_after`)) : undefined,
      absmax1: bits === 8 ? f32(s.absmax1_after, `${at} absmax1_after`) : undefined,
      absmax2: bits === 8 && twoState ? f32(s.absmax2_after, `${at} absmax2_after`) : undefined,
    };
  });
  const optimizerLabel = String(get('optimizer') ?? get('kernel') ?? found.rule);
  return {
    kind: 'trajectory',
    label,
    rule: found.rule,
    optimizerLabel,
    bits,
    blockSize: blockSize ?? 0,
    hyper: hyperFrom(found.rule, found.adamw, hyperJson),
    n,
    init: {
      p,
      state1: stateArray(init.state1, n, `${label} init.state1`, bits),
      state2: twoState ? stateArray(init.state2, n, `${label} init.state2`, bits) : undefined,
      absmax1: bits === 8 ? absInit('absmax1') : undefined,
      absmax2: bits === 8 && twoState ? absInit('absmax2') : undefined,
    },
    steps,
  };
}

function signedFrom(...hints: unknown[]): boolean {
  for (const h of hints) {
    if (typeof h === 'boolean') return h;
    if (typeof h === 'string' && /unsigned|udynamic/i.test(h)) return false;
    if (typeof h === 'string' && /signed|dynamic/i.test(h)) return true;
  }
  return true;
}

/** Every case in one vector file (a parsed JSON object). */
export function parseVectorFile(json: unknown, fileName: string): VectorCase[] {
  if (!isObj(json)) throw new Error(`${fileName}: not a JSON object`);
  const out: VectorCase[] = [];
  if (Array.isArray(json.values) && json.values.length === 256) {
    const hex = Array.isArray(json.float32_bits_hex) ? (json.float32_bits_hex as string[]) : null;
    const values = hex
      ? new Float32Array(new Uint32Array(hex.map((h) => parseInt(h, 16))).buffer)
      : Float32Array.from(json.values as number[]);
    out.push({ kind: 'map', signed: signedFrom(json.name, json.call, fileName), values });
  }
  if (isArrayJson(json.input)) {
    const input = f32(json.input, `${fileName} input`);
    const quantCase = (c: Json, label: string, signed: boolean, x: Float32Array): QuantCase => ({
      kind: 'quant',
      label,
      signed,
      blockSize: num(c, 'blocksize', 'block_size') ?? 4096,
      input: x,
      codes: u8(c.codes, `${label} codes`),
      absmax: f32(c.absmax, `${label} absmax`),
      dequantized: isArrayJson(c.dequantized) ? f32(c.dequantized, `${label} dequantized`) : undefined,
    });
    const signedCases = Array.isArray(json.signed_cases) ? json.signed_cases : [];
    signedCases.forEach((c, i) => {
      if (!isObj(c)) return;
      const x = isArrayJson(c.input) ? f32(c.input, 'input') : input;
      out.push(quantCase(c, `${fileName}#signed[${i}] B=${String(c.blocksize)}`, signedFrom(c.code, c.map, true), x));
    });
    const unsignedCases = Array.isArray(json.unsigned_cases) ? json.unsigned_cases : isObj(json.unsigned_case) ? [json.unsigned_case] : [];
    unsignedCases.forEach((c, i) => {
      if (!isObj(c)) return;
      // "input": "abs(input)" in ref.py's file; an explicit array wins
      const x = isArrayJson(c.input) ? f32(c.input, 'input') : input.map(Math.abs);
      out.push(quantCase(c, `${fileName}#unsigned[${i}] B=${String(c.blocksize)}`, false, x));
    });
  }
  if (Array.isArray(json.steps)) out.push(trajectory(fileName, json, {}, fileName));
  for (const [key, v] of Object.entries(json)) {
    if (key !== 'init' && isObj(v) && Array.isArray(v.steps)) out.push(trajectory(`${fileName}#${key}`, v, json, fileName));
  }
  if (out.length === 0) throw new Error(`${fileName}: no map, quantization case or optimizer trajectory found`);
  return out;
}

/**
 * JSON.parse that also accepts the bare NaN / Infinity / -Infinity tokens Python's json module writes
 * (they appear in the `head` previews of files with non-finite gradients); they become null.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    let out = '';
    let last = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (inString) {
        if (ch === 92) i++; // backslash: skip the escaped character
        else if (ch === 34) inString = false;
        continue;
      }
      if (ch === 34) {
        inString = true;
        continue;
      }
      const token = text.startsWith('NaN', i) ? 'NaN' : text.startsWith('-Infinity', i) ? '-Infinity' : text.startsWith('Infinity', i) ? 'Infinity' : '';
      if (token) {
        out += text.slice(last, i) + 'null';
        i += token.length - 1;
        last = i + 1;
      }
    }
    return JSON.parse(out + text.slice(last));
  }
}
