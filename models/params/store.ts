// The variables of one model instance. TensorFlow.js variable names are global, so each instance gets
// its own scope and names its variables `${scope}/${hfName}`.
import * as tf from '@tensorflow/tfjs-core';
import { numel, type ParamSpec } from './spec.ts';

let instanceCounter = 0;

function nameTaken(name: string): boolean {
  return Object.hasOwn(tf.engine().registeredVariables, name);
}

/** A scope no live variable uses: `base`, else `base-2`, `base-3`, … */
export function uniqueScope(base: string): string {
  const taken = (scope: string) => Object.keys(tf.engine().registeredVariables).some((n) => n.startsWith(`${scope}/`));
  let scope = `${base}`;
  while (taken(scope)) scope = `${base}-${++instanceCounter}`;
  return scope;
}

/** Gives the initial values of one parameter (from a checkpoint or a random initializer). */
export type ParamSource = (spec: ParamSpec) => Float32Array;

export class ParamStore {
  readonly scope: string;
  private readonly vars = new Map<string, tf.Variable>();
  private readonly specs = new Map<string, ParamSpec>();

  constructor(scope: string) {
    this.scope = scope;
  }

  /** Creates one variable from `source(spec)`; the source's array is handed over, not copied twice. */
  create(spec: ParamSpec, source: ParamSource): tf.Variable {
    if (this.vars.has(spec.name)) throw new Error(`parameter "${spec.name}" created twice`);
    const values = source(spec);
    if (values.length !== numel(spec.shape)) {
      throw new Error(`parameter "${spec.name}": ${values.length} values for shape [${spec.shape.join(', ')}]`);
    }
    const varName = `${this.scope}/${spec.name}`;
    if (nameTaken(varName)) throw new Error(`a TensorFlow.js variable named "${varName}" already exists; use another scope`);
    const v = tf.tidy(() => tf.variable(tf.tensor(values, spec.shape, 'float32'), true, varName));
    this.vars.set(spec.name, v);
    this.specs.set(spec.name, spec);
    return v;
  }

  /** Replaces (or adds) a parameter; the old variable is disposed. */
  replace(spec: ParamSpec, source: ParamSource): tf.Variable {
    this.remove(spec.name);
    return this.create(spec, source);
  }

  remove(name: string): void {
    const old = this.vars.get(name);
    if (old) {
      old.dispose();
      this.vars.delete(name);
      this.specs.delete(name);
    }
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`model has no parameter "${name}"`);
    return v;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  spec(name: string): ParamSpec {
    const s = this.specs.get(name);
    if (!s) throw new Error(`model has no parameter "${name}"`);
    return s;
  }

  allSpecs(): ParamSpec[] {
    return [...this.specs.values()];
  }

  /** HF name → variable, in creation order. */
  entries(): Map<string, tf.Variable> {
    return new Map(this.vars);
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
    this.specs.clear();
  }
}
