// The planner derives parameter shapes by its own formulas; models/ builds them from its specs. The two
// must agree on every tensor name and shape, for the public configs and the variants the planner plans.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseModelConfig, specsFor, type Architecture } from '../../models/index.ts';
import { archFromConfig } from './modelConfig.ts';
import { parameterTensors } from './parameters.ts';

const configs = join(import.meta.dirname, '..', '..', 'models', 'configs');
const read = (name: string) => JSON.parse(readFileSync(join(configs, `${name}.json`), 'utf8')) as Record<string, unknown>;

describe('planner parameter shapes = models/ parameter specs', () => {
  const cases: { name: string; raw: Record<string, unknown>; arch: Architecture; numLabels?: number; stable?: boolean }[] = [
    { name: 'roberta-base', raw: { ...read('roberta-base'), num_labels: 2 }, arch: 'RobertaForSequenceClassification', numLabels: 2 },
    { name: 'roberta-large', raw: { ...read('roberta-large'), num_labels: 2 }, arch: 'RobertaForSequenceClassification', numLabels: 2 },
    { name: 'roberta-large regression, stable embedding', raw: { ...read('roberta-large'), num_labels: 1 }, arch: 'RobertaForSequenceClassification', numLabels: 1, stable: true },
    { name: 'mt5-small', raw: read('mt5-small'), arch: 'MT5ForConditionalGeneration' },
    { name: 'mt5-base', raw: read('mt5-base'), arch: 'MT5ForConditionalGeneration' },
    { name: 'mt5-base stable embedding', raw: read('mt5-base'), arch: 'MT5ForConditionalGeneration', stable: true },
    { name: 'mt5-large', raw: read('mt5-large'), arch: 'MT5ForConditionalGeneration' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const config = parseModelConfig(c.raw);
      config.stableEmbedding = c.stable ?? false;
      const theirs = new Map(specsFor(config, c.arch).map((s) => [s.name, s.shape]));
      const ours = new Map(parameterTensors(archFromConfig(c.raw), { numLabels: c.numLabels, stableEmbedding: c.stable }).map((t) => [t.name, t.shape]));
      expect(new Map([...ours].sort())).toEqual(new Map([...theirs].sort()));
    });
  }

  it('counts: roberta-large (2 labels) 355,361,794 and mt5-base 582,401,280 (models/; the shapes above hold the planner to the same)', () => {
    const count = (raw: Record<string, unknown>, arch: Architecture) =>
      specsFor(parseModelConfig(raw), arch).reduce((s, p) => s + p.shape.reduce((a, b) => a * b, 1), 0);
    expect(count({ ...read('roberta-large'), num_labels: 2 }, 'RobertaForSequenceClassification')).toBe(355_361_794);
    expect(count(read('mt5-base'), 'MT5ForConditionalGeneration')).toBe(582_401_280);
  });
});
