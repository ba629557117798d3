// The "13a" tokenizer of mteval-v13a.pl as sacrebleu implements it (its default for BLEU): split off
// punctuation and symbols, split periods and commas except inside numbers, and dashes after digits.
// Using the same tokenization as sacrebleu keeps our BLEU comparable with published numbers; scoring
// on subword ids or on raw whitespace splits would not be.

const ENTITIES: [string, string][] = [
  ['&quot;', '"'],
  ['&amp;', '&'],
  ['&lt;', '<'],
  ['&gt;', '>'],
];

// Character ranges of mteval's language-dependent rule: { | } ~, [ \ ] ^ _ `, space ! " # $ % &,
// ( ) * +, : ; < = > ? @, and / — each becomes its own token. The apostrophe (0x27), the hyphen, the
// period and the comma are not in it (the latter two are handled by the next rules).
const SYMBOLS = /([{-~[-` -&(-+:-@/])/g;
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/g;
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/g;
const DASH_AFTER_DIGIT = /([0-9])(-)/g;

export function tokenize13a(text: string): string[] {
  let line = text.trimEnd().replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  for (const [from, to] of ENTITIES) line = line.replaceAll(from, to);
  line = ` ${line} `;
  line = line
    .replace(SYMBOLS, ' $1 ')
    .replace(PERIOD_COMMA_AFTER_NON_DIGIT, '$1 $2 ')
    .replace(PERIOD_COMMA_BEFORE_NON_DIGIT, ' $1 $2')
    .replace(DASH_AFTER_DIGIT, '$1 $2 ');
  return line.split(/\s+/).filter(Boolean);
}
