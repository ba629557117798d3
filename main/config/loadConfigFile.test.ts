import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile } from './loadConfigFile.ts';

const dir = mkdtempSync(join(tmpdir(), 'octet-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('loadConfigFile', () => {
  it('reads YAML, fills defaults and resolves paths relative to the file', () => {
    const cfg = loadConfigFile(file('ok.yaml', 'model: ./m\ndataset:\n  train: data/train.csv\n'));
    expect(cfg.model).toBe(join(dir, 'm'));
    expect(cfg.dataset.train).toBe(join(dir, 'data/train.csv'));
    expect(cfg.optimizer).toMatchObject({ name: 'adamw8bit', blockSize: 2048, min8bitSize: 4096 });
    expect(cfg.training.epochs).toBe(3); // neither epochs nor maxSteps given
  });
  it('names each wrong field with the allowed values', () => {
    const p = file('bad.yaml', 'model: m\ndataset: {train: t.csv}\noptimizer: {name: adam9bit, blockSize: 100}\ntraining: {schedule: step}\nfoo: 1\n');
    let msg = '';
    try {
      loadConfigFile(p);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      msg = (e as Error).message;
    }
    expect(msg).toContain('has 4 problem(s)');
    expect(msg).toMatch(/optimizer\.name: got "adam9bit"; allowed values: "adam8bit", "adam32bit", "adamw8bit"/);
    expect(msg).toMatch(/optimizer\.blockSize: must be a power of two from 64 to 4096; allowed values: 64, 128, 256, 512, 1024, 2048, 4096/);
    expect(msg).toMatch(/training\.schedule: got "step"; allowed values: "linear", "cosine", "constant"/);
    expect(msg).toMatch(/unknown field\(s\) "foo"/);
  });
  it('says when the file is missing or not YAML/JSON', () => {
    expect(() => loadConfigFile(join(dir, 'nope.yaml'))).toThrow(/cannot read config/);
    expect(() => loadConfigFile(file('broken.json', '{"model": '))).toThrow(/is not valid JSON/);
    expect(() => loadConfigFile(file('broken.yaml', 'model: [unclosed\n'))).toThrow(/is not valid YAML/);
  });
  it('names missing required fields', () => {
    expect(() => loadConfigFile(file('empty.yaml', 'name: x\n'))).toThrow(/model: .*\n.*dataset: /s);
  });
});
