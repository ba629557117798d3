// The tiny model and datasets the specs train on (bundled assets when present, else testdata/).
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.ts';

export function tinyModelPath(): string {
  const bundled = join(ROOT, 'assets', 'models', 'tiny-roberta-cls');
  return existsSync(join(bundled, 'config.json')) ? bundled : join(ROOT, 'testdata', 'models', 'tiny-roberta-cls');
}

const WORDS = ['good', 'bad', 'fine', 'movie', 'plot', 'actor', 'great', 'awful', 'okay', 'scene', 'music', 'story'];

/** A small 3-class CSV (the tiny model has 3 labels) with a learnable signal. */
export function writeTinyCsv(dir: string, rows = 96): string {
  const lines = ['text,label'];
  for (let i = 0; i < rows; i++) {
    const label = i % 3;
    const lead = ['great good', 'awful bad', 'okay fine'][label];
    const filler = Array.from({ length: 3 + (i % 4) }, (_, k) => WORDS[(i * 7 + k * 5) % WORDS.length]).join(' ');
    lines.push(`"${lead} ${filler}",${label}`);
  }
  const path = join(dir, 'tiny-train.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** A CSV with problems on known lines: a missing label (line 3) and a row with too many fields (line 4). */
export function writeBrokenCsv(dir: string): string {
  const path = join(dir, 'broken.csv');
  writeFileSync(path, 'text,label\n"a fine movie",1\n"no label here",\n"too many",1,extra\n"ok again",2\n');
  return path;
}
