// Writes the bundled demo datasets (assets/datasets/) and the dataset test files (testdata/datasets/)
// from a fixed seed, so they can be re-made and reviewed byte for byte.
// usage: npx tsx scripts/make-demo-datasets.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { Rng } from '../main/data/rng.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (rel: string, data: string | Uint8Array): void => {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, data);
  console.log(`${rel.padEnd(52)} ${String(typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength).padStart(7)} bytes`);
};
const rng = new Rng(20250101);
const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)];

// ---------------------------------------------------------------------------------------------------
// (a) topics: 3-class short English sentences; the topic words decide the class, the frames are shared.
// Sentences stay under 60 characters: the tiny RoBERTa fixture reads at most 64 tokens and its
// byte-level BPE has few merges (about one token per character).
const TOPICS = {
  food: ['pizza', 'soup', 'bread', 'cheese', 'pasta', 'salad', 'curry', 'noodles', 'the chef', 'the bakery', 'the recipe', 'dessert', 'a sandwich', 'the menu', 'garlic', 'the oven', 'pancakes', 'the cake', 'fresh fruit', 'the dinner'],
  sports: ['soccer', 'tennis', 'hockey', 'rugby', 'golf', 'boxing', 'cricket', 'baseball', 'the striker', 'the referee', 'the match', 'the league', 'the coach', 'a penalty', 'the stadium', 'the team', 'the final', 'the goalie', 'a marathon', 'the trophy'],
  weather: ['rain', 'snow', 'fog', 'the wind', 'a storm', 'thunder', 'the forecast', 'hail', 'frost', 'dark clouds', 'a heatwave', 'drizzle', 'sunshine', 'the breeze', 'a blizzard', 'lightning', 'the humidity', 'a rainbow', 'the sky', 'cold air'],
} as const;
type Topic = keyof typeof TOPICS;
const LABELS = Object.keys(TOPICS) as Topic[];

const FRAMES = [
  'I keep thinking about {x}.',
  '{X} was all anyone talked about.',
  'Everyone at work mentioned {x}.',
  'We read a long article on {x}.',
  'My neighbour loves {x}.',
  'Nobody expected {x} this week.',
  'Did you hear about {x}?',
  '{X} made my morning.',
  'The news tonight covered {x}.',
  'Honestly, {x} was a surprise.',
  'Tell me more about {x}.',
  'Grandma still talks about {x}.',
  'What a day for {x}!',
  '{X} again, like last year.',
  'I wrote a short poem about {x}.',
  'They argued about {x} for hours.',
  'Ask Sam about {x} later.',
  'Is {x} really that good?',
  'Another post about {x}, sigh.',
  'Kids were excited about {x}.',
];
const PAIR_FRAMES = ['{X} and {y}, what a combo.', 'First {x}, then {y}.', 'We talked about {x} and {y}.', 'Both {x} and {y} today.'];
const FILLERS = ['', '', '', '', 'Wow, ', 'Well, ', 'Oh, ', 'So, ', 'Hmm, '];

const cap = (s: string): string => (s ? s[0].toUpperCase() + s.slice(1) : s);
const fill = (frame: string, x: string, y = ''): string =>
  frame.replace('{X}', cap(x)).replace('{x}', x).replace('{Y}', cap(y)).replace('{y}', y);

/** Drops one letter of a word (a typo), for some noise the model must tolerate. */
function typo(s: string): string {
  const letters = [...s].map((c, i) => (/[a-z]/.test(c) ? i : -1)).filter((i) => i > 0);
  if (letters.length < 4) return s;
  const i = pick(letters);
  return s.slice(0, i) + s.slice(i + 1);
}

function sentence(topic: Topic): string {
  const words = TOPICS[topic];
  let s: string;
  if (rng.next() < 0.15) {
    const x = pick(words);
    let y = pick(words);
    while (y === x) y = pick(words);
    s = fill(pick(PAIR_FRAMES), x, y);
  } else {
    s = fill(pick(FRAMES), pick(words));
  }
  const f = pick(FILLERS);
  if (f) s = f + s[0].toLowerCase() + s.slice(1);
  if (rng.next() < 0.05) s = typo(s);
  return s.length <= 60 ? s : sentence(topic);
}

const LABEL_NOISE = 0.03;
function topicRows(n: number): { text: string; label: Topic }[] {
  const rows: { text: string; label: Topic }[] = [];
  for (let i = 0; i < n; i++) {
    const topic = LABELS[i % 3];
    const text = sentence(topic);
    // a few wrong labels, as real annotations have
    const label = rng.next() < LABEL_NOISE ? LABELS[(LABELS.indexOf(topic) + 1 + rng.int(2)) % 3] : topic;
    rows.push({ text, label });
  }
  return rng.shuffle(rows);
}

const csvField = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const toCsv = (rows: { text: string; label: string }[]): string => `text,label\n${rows.map((r) => `${csvField(r.text)},${r.label}`).join('\n')}\n`;
const toTsv = (rows: { text: string; label: string }[]): string => `sentence\tlabel\n${rows.map((r) => `${r.text}\t${r.label}`).join('\n')}\n`;
const toJsonl = (rows: object[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

const topicsTrain = topicRows(3000);
// Validation sentences never appear verbatim in training: the score measures the topic words, not recall.
const trainTexts = new Set(topicsTrain.map((r) => r.text));
const topicsValidation: { text: string; label: Topic }[] = [];
while (topicsValidation.length < 600) {
  for (const r of topicRows(600 - topicsValidation.length)) {
    if (!trainTexts.has(r.text)) {
      trainTexts.add(r.text);
      topicsValidation.push(r);
    }
  }
}
out('assets/datasets/topics/train.csv', toCsv(topicsTrain));
out('assets/datasets/topics/validation.csv', toCsv(topicsValidation));

// ---------------------------------------------------------------------------------------------------
// (b) digits: spell digit strings with one code word per digit. Every code word is a single piece of
// the tiny mT5 fixture's 300-piece Unigram vocabulary (so no <unk>, one target token per digit), and
// the source digits are pieces too: "3 1 4" -> ▁ 3 ▁ 1 ▁ 4, target "vector garden test".
const CODE_WORDS = ['rain', 'garden', 'model', 'vector', 'test', 'piece', 'weather', 'every', 'look', 'become'];
function digitRow(len: number): { source: string; target: string } {
  const ds = Array.from({ length: len }, () => rng.int(10));
  return { source: ds.join(' '), target: ds.map((d) => CODE_WORDS[d]).join(' ') };
}
const digitsTrain = Array.from({ length: 2000 }, () => digitRow(1 + rng.int(4)));
const seen = new Set(digitsTrain.map((r) => r.source));
const digitsValidation: { source: string; target: string }[] = [];
while (digitsValidation.length < 200) {
  // held-out strings: lengths 3–4 never seen in training (the short ones are nearly all seen)
  const r = digitRow(3 + rng.int(2));
  if (!seen.has(r.source)) {
    seen.add(r.source);
    digitsValidation.push(r);
  }
}
out('assets/datasets/digits/train.jsonl', toJsonl(digitsTrain));
out('assets/datasets/digits/validation.jsonl', toJsonl(digitsValidation));

// ---------------------------------------------------------------------------------------------------
// (c) format samples: the first 120 training rows of topics in every format.
const sample = topicsTrain.slice(0, 120);
out('testdata/datasets/topics-sample.csv', toCsv(sample));
out('testdata/datasets/topics-sample.tsv', toTsv(sample));
out('testdata/datasets/topics-sample.jsonl', toJsonl(sample));
out(
  'testdata/datasets/topics-sample.parquet',
  new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'text', data: sample.map((r) => r.text) }, { name: 'label', data: sample.map((r) => r.label) }] })),
);
// GLUE-style TSV: unescaped quotes inside sentences, numeric labels.
out(
  'testdata/datasets/glue-style.tsv',
  'sentence\tlabel\nit \'s a "classic" , and it shows .\t1\n" the movie is a mess\t0\nshe said "no" twice .\t1\n',
);

// ---------------------------------------------------------------------------------------------------
// Malformed files, one per documented dataset error (docs/datasets.md); main/data/bad-files.test.ts
// checks each one gives its error.
const utf16le = (s: string): Uint8Array => new Uint8Array([0xff, 0xfe, ...Buffer.from(s, 'utf16le')]);
const mixed = ['text,label', ...Array.from({ length: 55 }, (_, i) => `row ${i + 2},${i % 3}`), 'great film,pos ', 'dull film,neg', ''].join('\n');
const bad: Record<string, string | Uint8Array> = {
  'empty.csv': '',
  'utf16.csv': utf16le('text,label\nhello,food\n'),
  'latin1.csv': new Uint8Array([...Buffer.from('text,label\nfine,food\ncaf'), 0xe9, ...Buffer.from(' au lait,food\n')]),
  'unclosed-quote.csv': 'text,label\n"fine",food\n"never closed,food\nmore,food\n',
  'field-count.csv': 'text,label\ngood,food\nsoup, salad and bread,food\n',
  'not-json.jsonl': '{"text": "a", "label": "food"}\n{"text": "b", label: food}\n',
  'not-an-object.jsonl': '{"text": "a", "label": "food"}\n["b", "food"]\n',
  'not-parquet.parquet': 'text,label\nsoup,food\n',
  'header-only.csv': 'text,label\n',
  'missing-column.csv': 'body,label\nsoup,food\nrain,weather\n',
  'empty-text.csv': 'text,label\nsoup,food\n,sports\n"   ",weather\n',
  'missing-label.csv': 'text,label\nsoup,food\nrain,\n',
  'mixed-labels.csv': mixed,
  'class-out-of-range.csv': 'text,label\nsoup,0\nrain,1\ngoal,5\n',
  'fractional-class.csv': 'text,label\nsoup,0\nrain,1.5\n',
  'unknown-label.csv': 'text,label\ngood,positive\nbad,negative\nmeh,neutral\n',
  'too-many-labels.csv': 'text,label\na,food\nb,sports\nc,weather\nd,music\n',
  'regression-target.csv': 'sentence1,sentence2,score\na cat,a dog,3.5\na car,a bus,n/a\n',
  'empty-target.jsonl': '{"source": "1 2", "target": "garden model"}\n{"source": "3", "target": ""}\n',
  'no-label.csv': 'text\nsoup\nrain\n',
  'one-row.csv': 'text,label\nsoup,food\n',
  'notes.txt': 'text,label\nsoup,food\n',
};
for (const [name, data] of Object.entries(bad)) out(`testdata/datasets/bad/${name}`, data);
