// The one optimizer engine (bitsandbytes' Optimizer1State/Optimizer2State in one class): a tf.Optimizer
// that keeps each parameter's state in 8-bit block-wise form (or 32-bit for small tensors and overrides)
// and hands every step to a kernel from the registry. The algorithms are the thin descriptions in
// algorithms.ts; the arithmetic is in kernel/.
import * as tf from '@tensorflow/tfjs-core';
import type { BlockSize, OptimizerName, ParamOverride, StateBits } from '../common/optimizers.ts';
import { parseOptimizerName } from '../common/optimizers.ts';
import type { Algorithm, Hyper } from './algorithms.ts';
import { ALGORITHMS, stepScalars } from './algorithms.ts';
import { checkBlockSize, numBlocks, packCodes, packedLength, unpackCodes } from './quantize.ts';
import { getKernel, pickKernel } from './kernel/registry.ts';
import type { KernelName, OptimKernel, SlotTensors } from './kernel/types.ts';

/** tfjs-core's NamedTensor (not exported from its entry point). */
type NamedTensor = { name: string; tensor: tf.Tensor };

/** One parameter's state: which variable, its shape, its own step counter (as bitsandbytes) and tensors. */
export interface Slot extends SlotTensors {
  name: string;
  shape: number[];
  step: number;
}

export interface ResolvedConfig {
  name: OptimizerName;
  algorithm: Algorithm;
  stateBits: StateBits;
  blockSize: BlockSize;
  min8bitSize: number;
  hyper: Hyper;
  overrides: ParamOverride[];
  kernel: KernelName | 'auto';
}

/** What state save/load reads and writes (see stateFile.ts). */
export interface StateSnapshot {
  name: OptimizerName;
  blockSize: number;
  min8bitSize: number;
  hyper: Hyper;
  overrides: ParamOverride[];
  iterations: number;
  slots: Array<{
    name: string;
    shape: number[];
    bits: 8 | 32;
    step: number;
    /** 8-bit: uint8 codes (n) and float32 absmax (ceil(n/B)) per state; 32-bit: float32 (n) per state */
    arrays: Array<{ role: Role; data: Uint8Array | Float32Array }>;
  }>;
}

type Role = 'state1' | 'absmax1' | 'state2' | 'absmax2';
const SLOT_KEY = { state1: 's1', absmax1: 'a1', state2: 's2', absmax2: 'a2' } as const;

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export class BlockwiseOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'OctetBlockwiseOptimizer';
  }

  readonly name: OptimizerName;
  readonly algorithm: Algorithm;
  readonly stateBits: StateBits;
  readonly blockSize: BlockSize;
  readonly min8bitSize: number;
  private hyper: Hyper;
  private overrides = new Map<string, ParamOverride>();
  private readonly kernelChoice: KernelName | 'auto';
  private readonly slots = new Map<string, Slot>();

  constructor(config: ResolvedConfig) {
    super();
    checkBlockSize(config.blockSize);
    config.algorithm.validate(config.hyper);
    this.name = config.name;
    this.algorithm = config.algorithm;
    this.stateBits = config.stateBits;
    this.blockSize = config.blockSize;
    this.min8bitSize = config.min8bitSize;
    this.hyper = { ...config.hyper };
    this.kernelChoice = config.kernel;
    for (const o of config.overrides) this.setOverride(o);
  }

  /** The kernel a step on this backend uses. */
  kernelFor(backendName: string = tf.getBackend()): OptimKernel {
    if (this.kernelChoice === 'auto') return getKernel(pickKernel(backendName));
    const k = getKernel(this.kernelChoice);
    if (!k.available(backendName)) {
      throw new Error(`optimizer kernel "${k.name}" cannot run on the "${backendName}" backend here; use kernel "auto" or one of the available kernels`);
    }
    return k;
  }

  get kernelName(): KernelName {
    return this.kernelFor().name;
  }

  get learningRate(): number {
    return this.hyper.lr;
  }

  /** For schedules: the learning rate of every parameter without an lr override, from the next step on. */
  setLearningRate(lr: number): void {
    if (!(Number.isFinite(lr) && lr >= 0)) throw new Error(`learning rate must be a finite number >= 0, got ${lr}`);
    this.hyper.lr = lr;
  }

  get hyperParameters(): Readonly<Hyper> {
    return { ...this.hyper };
  }

  /** Adds or replaces the override of one variable; state bits apply when its state is created. */
  setOverride(o: ParamOverride): void {
    if (!o.variableName) throw new Error('a parameter override needs the tf variable name (variableName)');
    if (o.stateBits !== undefined && o.stateBits !== 8 && o.stateBits !== 32) throw new Error(`override for ${o.variableName}: stateBits must be 8 or 32`);
    if (o.lr !== undefined && !(o.lr >= 0)) throw new Error(`override for ${o.variableName}: lr must be >= 0`);
    if (o.weightDecay !== undefined && !(o.weightDecay >= 0)) throw new Error(`override for ${o.variableName}: weightDecay must be >= 0`);
    this.overrides.set(o.variableName, { ...o });
  }

  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs: Array<[string, tf.Tensor | undefined]> = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor])
      : Object.entries(variableGradients);
    const kernel = this.kernelFor();
    for (const [name, grad] of pairs) {
      if (grad == null) continue;
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`no tf.Variable named "${name}": gradients must be keyed by variable name`);
      if (variable.dtype !== 'float32' || grad.dtype !== 'float32') {
        throw new Error(`${name}: only float32 parameters and gradients are supported (got ${variable.dtype} / ${grad.dtype})`);
      }
      if (!sameShape(variable.shape, grad.shape)) {
        throw new Error(`${name}: gradient shape ${shapeText(grad.shape)} does not match the variable's ${shapeText(variable.shape)}`);
      }
      const slot = this.slots.get(name) ?? this.createSlot(name, variable);
      if (!sameShape(slot.shape, variable.shape)) {
        throw new Error(`${name}: the variable's shape changed from ${shapeText(slot.shape)} to ${shapeText(variable.shape)}; the optimizer state no longer fits`);
      }
      slot.step += 1;
      kernel.apply(variable, grad, slot, stepScalars(this.algorithm.rule, this.hyperFor(name), slot.step), this.blockSize);
    }
    this.incrementIterations();
  }

  /** The hyper-parameters of one variable, overrides applied (re-read every step, as bitsandbytes). */
  hyperFor(variableName: string): Hyper {
    const o = this.overrides.get(variableName);
    if (!o) return this.hyper;
    return { ...this.hyper, lr: o.lr ?? this.hyper.lr, weightDecay: o.weightDecay ?? this.hyper.weightDecay };
  }

  /** State bits a variable of n elements gets: its override, else 32 under min8bitSize, else the optimizer's. */
  bitsFor(variableName: string, n: number): 8 | 32 {
    const o = this.overrides.get(variableName);
    if (o?.stateBits) return o.stateBits;
    return this.stateBits === 8 && n >= this.min8bitSize ? 8 : 32;
  }

  private createSlot(name: string, variable: tf.Variable): Slot {
    const n = variable.size;
    const bits = this.bitsFor(name, n);
    const slot: Slot = { name, shape: [...variable.shape], step: 0, bits, n, ...this.zeroTensors(bits, n) };
    this.slots.set(name, slot);
    return slot;
  }

  private zeroTensors(bits: 8 | 32, n: number): Pick<SlotTensors, 's1' | 'a1' | 's2' | 'a2'> {
    const two = this.algorithm.numStates === 2;
    if (bits === 32) {
      const z = () => tf.keep(tf.tensor1d(new Float32Array(n), 'float32'));
      return { s1: z(), s2: two ? z() : undefined };
    }
    const codes = () => tf.keep(tf.tensor1d(new Int32Array(packedLength(n)), 'int32'));
    const absmax = () => tf.keep(tf.tensor1d(new Float32Array(numBlocks(n, this.blockSize)), 'float32'));
    return two ? { s1: codes(), a1: absmax(), s2: codes(), a2: absmax() } : { s1: codes(), a1: absmax() };
  }

  /** Variables with state, in the order they were first updated. */
  stateSummary(): Array<{ variableName: string; shape: number[]; bits: 8 | 32; step: number; bytes: number }> {
    return [...this.slots.values()].map((s) => ({ variableName: s.name, shape: [...s.shape], bits: s.bits, step: s.step, bytes: slotBytes(s) }));
  }

  /** Bytes of optimizer state held in tensors (codes, absmax, 32-bit states). */
  stateBytes(): number {
    let total = 0;
    for (const s of this.slots.values()) total += slotBytes(s);
    return total;
  }

  override dispose(): void {
    this.replaceSlots([]);
    super.dispose();
  }

  // --- tf.Optimizer weights contract -------------------------------------------------------------
  // Names: "iter", then per variable "<name>/step" (int32 scalar), "<name>/state1" (int32 packed codes,
  // or float32 for 32-bit state), "<name>/absmax1", and state2/absmax2 for Adam. Tensors are copies.

  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const s of this.slots.values()) {
      out.push({ name: `${s.name}/step`, tensor: tf.scalar(s.step, 'int32') });
      for (const [role, t] of slotTensors(s)) {
        out.push({ name: `${s.name}/${role}`, tensor: tf.tensor((await t.data()).slice(), t.shape, t.dtype) });
      }
    }
    return out;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    const byVar = new Map<string, Map<string, tf.Tensor>>();
    for (const { name, tensor } of rest) {
      const cut = name.lastIndexOf('/');
      if (cut <= 0) throw new Error(`optimizer weight "${name}" is not "<variable>/<state>"`);
      const v = name.slice(0, cut);
      if (!byVar.has(v)) byVar.set(v, new Map());
      byVar.get(v)!.set(name.slice(cut + 1), tensor);
    }
    const fresh: Slot[] = [];
    for (const [name, parts] of byVar) {
      const variable = tf.engine().registeredVariables[name];
      if (!variable) throw new Error(`optimizer weights name variable "${name}", which does not exist`);
      const s1 = parts.get('state1');
      if (!s1) throw new Error(`optimizer weights for "${name}" lack state1`);
      const bits: 8 | 32 = s1.dtype === 'int32' ? 8 : 32;
      const arrays: StateSnapshot['slots'][number]['arrays'] = [];
      for (const role of roles(bits, this.algorithm.numStates)) {
        const t = parts.get(role);
        if (!t) throw new Error(`optimizer weights for "${name}" lack ${role}`);
        arrays.push({ role, data: savedArray(await t.data(), bits === 8 && role.startsWith('state'), variable.size) });
      }
      const step = parts.get('step');
      fresh.push(this.slotFromArrays(name, variable.shape, bits, step ? (await step.data())[0] : this.iterations, arrays));
    }
    this.replaceSlots(fresh);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      name: this.name,
      blockSize: this.blockSize,
      min8bitSize: this.min8bitSize,
      learningRate: this.hyper.lr,
      beta1: this.hyper.beta1,
      beta2: this.hyper.beta2,
      epsilon: this.hyper.eps,
      weightDecay: this.hyper.weightDecay,
      kernel: this.kernelChoice,
      overrides: [...this.overrides.values()].map((o) => ({ ...o }) as unknown as tf.serialization.ConfigDict),
    };
  }

  // --- save / load (stateFile.ts does the bytes) -------------------------------------------------

  async snapshot(): Promise<StateSnapshot> {
    const slots: StateSnapshot['slots'] = [];
    for (const s of this.slots.values()) {
      const arrays: StateSnapshot['slots'][number]['arrays'] = [];
      for (const [role, t] of slotTensors(s)) {
        arrays.push({ role, data: savedArray(await t.data(), s.bits === 8 && role.startsWith('state'), s.n) });
      }
      slots.push({ name: s.name, shape: [...s.shape], bits: s.bits, step: s.step, arrays });
    }
    return {
      name: this.name,
      blockSize: this.blockSize,
      min8bitSize: this.min8bitSize,
      hyper: { ...this.hyper },
      overrides: [...this.overrides.values()].map((o) => ({ ...o })),
      iterations: this.iterations,
      slots,
    };
  }

  /** Replaces all state with a snapshot, after checking it fits this optimizer and the model's variables. */
  restore(snap: StateSnapshot, source = 'optimizer state'): void {
    if (snap.blockSize !== this.blockSize) {
      throw new Error(`${source} was saved with block size ${snap.blockSize}, but this optimizer uses ${this.blockSize}; create the optimizer with blockSize ${snap.blockSize} to resume from it`);
    }
    const saved = parseOptimizerName(snap.name);
    if (ALGORITHMS[saved.algorithm].rule !== this.algorithm.rule) {
      throw new Error(`${source} was saved by ${snap.name}, which cannot be loaded into ${this.name}`);
    }
    const fresh = snap.slots.map((s) => {
      const variable = tf.engine().registeredVariables[s.name];
      if (!variable) throw new Error(`${source} has state for variable "${s.name}", which does not exist in this model`);
      if (!sameShape(variable.shape, s.shape)) {
        throw new Error(`${source}: variable "${s.name}" has shape ${shapeText(variable.shape)} but the state was saved for shape ${shapeText(s.shape)}`);
      }
      return this.slotFromArrays(s.name, s.shape, s.bits, s.step, s.arrays);
    });
    this.hyper = { ...snap.hyper };
    this.overrides = new Map(snap.overrides.map((o) => [o.variableName, { ...o }]));
    this.iterations_ = snap.iterations;
    this.replaceSlots(fresh);
  }

  private slotFromArrays(name: string, shape: number[], bits: 8 | 32, step: number, arrays: StateSnapshot['slots'][number]['arrays']): Slot {
    const n = shape.reduce((a, b) => a * b, 1);
    const nb = numBlocks(n, this.blockSize);
    const slot: Partial<Slot> = { name, shape: [...shape], bits, n, step };
    for (const role of roles(bits, this.algorithm.numStates)) {
      const a = arrays.find((x) => x.role === role);
      if (!a) throw new Error(`state of "${name}" lacks ${role}`);
      const want = role.startsWith('absmax') ? nb : n;
      if (a.data.length !== want) {
        const hint = role.startsWith('absmax') ? ' (it was made with another block size)' : '';
        throw new Error(`state of "${name}": ${role} has ${a.data.length} values, expected ${want}${hint}`);
      }
      const isCodes = bits === 8 && role.startsWith('state');
      slot[SLOT_KEY[role]] = tf.keep(isCodes ? tf.tensor1d(packCodes(a.data as Uint8Array), 'int32') : tf.tensor1d(new Float32Array(a.data), 'float32'));
    }
    return slot as Slot;
  }

  private replaceSlots(fresh: Slot[]): void {
    for (const s of this.slots.values()) for (const [, t] of slotTensors(s)) t.dispose();
    this.slots.clear();
    for (const s of fresh) this.slots.set(s.name, s);
  }
}

function roles(bits: 8 | 32, numStates: 1 | 2): Role[] {
  if (bits === 32) return numStates === 2 ? ['state1', 'state2'] : ['state1'];
  return numStates === 2 ? ['state1', 'absmax1', 'state2', 'absmax2'] : ['state1', 'absmax1'];
}

/** A state tensor's values as saved (a copy): the n one-byte codes of packed 8-bit state, else float32. */
function savedArray(data: Float32Array | Int32Array | Uint8Array, isCodes: boolean, n: number): Uint8Array | Float32Array {
  return isCodes ? unpackCodes(data as Int32Array, n) : new Float32Array(data);
}

function slotTensors(s: Slot): Array<[Role, tf.Tensor]> {
  const out: Array<[Role, tf.Tensor]> = [['state1', s.s1]];
  if (s.a1) out.push(['absmax1', s.a1]);
  if (s.s2) out.push(['state2', s.s2]);
  if (s.a2) out.push(['absmax2', s.a2]);
  return out;
}

function slotBytes(s: Slot): number {
  let b = 0;
  for (const [, t] of slotTensors(s)) b += t.size * 4;
  return b;
}

