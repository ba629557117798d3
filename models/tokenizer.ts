// tokenizer.json (+ tokenizer_config.json) of a model folder through @huggingface/tokenizers: pure JS,
// local files only. Adds batching: truncation (longest first, special tokens kept) and right padding.
import { Tokenizer } from '@huggingface/tokenizers';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';
/** Files written next to tokenizer.json by save_pretrained; copied as they are when present. */
const EXTRA_FILES = ['special_tokens_map.json', 'added_tokens.json', 'spiece.model', 'sentencepiece.bpe.model', 'vocab.json', 'merges.txt'];

export interface Encoded {
  ids: number[];
  tokens: string[];
}

export interface BatchEncoding {
  /** [B, L] ids, right-padded with the pad id. */
  inputIds: number[][];
  /** [B, L] 1 for tokens, 0 for padding. */
  attentionMask: number[][];
}

export interface BatchEncodeOptions {
  /** Second segments (RoBERTa sentence pairs). */
  pairs?: (string | null | undefined)[];
  /** Truncate each row to this many ids, special tokens included. */
  maxLength?: number;
  /** 'longest' (default) pads to the longest row; 'max_length' pads to maxLength. */
  padding?: 'longest' | 'max_length';
}

export class TokenizerError extends Error {
  override name = 'TokenizerError';
}

export class HfTokenizer {
  readonly tokenizerJson: Record<string, unknown>;
  readonly tokenizerConfig: Record<string, unknown>;
  private readonly tok: Tokenizer;
  private readonly sourceDir: string | null;

  constructor(tokenizerJson: Record<string, unknown>, tokenizerConfig: Record<string, unknown>, sourceDir: string | null = null) {
    this.tokenizerJson = tokenizerJson;
    this.tokenizerConfig = tokenizerConfig;
    this.sourceDir = sourceDir;
    try {
      this.tok = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (err) {
      throw new TokenizerError(`cannot build the tokenizer${sourceDir ? ` of ${sourceDir}` : ''}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** The tokenizer of a model folder, or null when it has no tokenizer.json. */
  static fromDir(dir: string): HfTokenizer | null {
    const file = join(dir, TOKENIZER_FILE);
    if (!existsSync(file)) return null;
    const json = readJson(file);
    const cfgFile = join(dir, TOKENIZER_CONFIG_FILE);
    const cfg = existsSync(cfgFile) ? readJson(cfgFile) : {};
    return new HfTokenizer(json, cfg, dir);
  }

  private specialId(key: string): number | null {
    const v = this.tokenizerConfig[key];
    const content = typeof v === 'string' ? v : v && typeof v === 'object' && 'content' in v ? String((v as { content: unknown }).content) : null;
    if (content === null) return null;
    return this.tok.token_to_id(content) ?? null;
  }

  get padTokenId(): number | null {
    return this.specialId('pad_token');
  }

  get eosTokenId(): number | null {
    return this.specialId('eos_token');
  }

  get maskTokenId(): number | null {
    return this.specialId('mask_token');
  }

  /** Number of ids the tokenizer can produce (added tokens included). */
  get size(): number {
    return this.tok.get_vocab(true).size;
  }

  encode(text: string, pair?: string | null): Encoded {
    const e = this.tok.encode(text, pair ? { text_pair: pair } : undefined);
    return { ids: e.ids, tokens: e.tokens };
  }

  /** Ids with special tokens, truncated to maxLength (longest segment first, specials kept). */
  encodeIds(text: string, pair: string | null | undefined, maxLength?: number): number[] {
    const full = this.tok.encode(text, pair ? { text_pair: pair } : undefined).ids;
    if (maxLength === undefined || full.length <= maxLength) return full;
    const a = this.tok.encode(text, { add_special_tokens: false }).ids;
    const b = pair ? this.tok.encode(pair, { add_special_tokens: false }).ids : null;
    const template = splitTemplate(full, a, b);
    const budget = maxLength - template.pre.length - template.mid.length - template.post.length;
    if (budget < (b ? 2 : 1)) throw new TokenizerError(`maxLength ${maxLength} leaves no room for text once special tokens are added`);
    let la = a.length;
    let lb = b ? b.length : 0;
    while (la + lb > budget) {
      if (la >= lb) la--;
      else lb--;
    }
    return [...template.pre, ...a.slice(0, la), ...template.mid, ...(b ? b.slice(0, lb) : []), ...template.post];
  }

  encodeBatch(texts: string[], options: BatchEncodeOptions = {}): BatchEncoding {
    const rows = texts.map((t, i) => this.encodeIds(t, options.pairs?.[i], options.maxLength));
    return padBatch(rows, this.requirePad(), options.padding === 'max_length' ? options.maxLength : undefined);
  }

  /** Target ids for seq2seq labels, padded with -100 (ignored by the loss). */
  encodeTargets(texts: string[], maxLength?: number): number[][] {
    const rows = texts.map((t) => this.encodeIds(t, null, maxLength));
    return padBatch(rows, -100).inputIds;
  }

  decode(ids: number[], skipSpecialTokens = true): string {
    const known = ids.filter((id) => this.tok.id_to_token(id) !== undefined);
    return this.tok.decode(known, { skip_special_tokens: skipSpecialTokens });
  }

  idToToken(id: number): string | undefined {
    return this.tok.id_to_token(id);
  }

  /** Writes tokenizer.json, tokenizer_config.json and the other tokenizer files it was loaded with. */
  save(dir: string): string[] {
    const written = [TOKENIZER_FILE, TOKENIZER_CONFIG_FILE];
    if (this.sourceDir && this.sourceDir === dir) return written;
    const copyOrWrite = (file: string, value: Record<string, unknown>) => {
      if (this.sourceDir && existsSync(join(this.sourceDir, file))) copyFileSync(join(this.sourceDir, file), join(dir, file));
      else writeFileSync(join(dir, file), JSON.stringify(value, null, 2));
    };
    copyOrWrite(TOKENIZER_FILE, this.tokenizerJson);
    copyOrWrite(TOKENIZER_CONFIG_FILE, this.tokenizerConfig);
    if (this.sourceDir) {
      for (const f of EXTRA_FILES) {
        if (existsSync(join(this.sourceDir, f))) {
          copyFileSync(join(this.sourceDir, f), join(dir, f));
          written.push(f);
        }
      }
    }
    return written;
  }

  private requirePad(): number {
    const pad = this.padTokenId;
    if (pad === null) throw new TokenizerError('the tokenizer has no pad_token (tokenizer_config.json); batches cannot be padded');
    return pad;
  }
}

/** Right-pads rows to the longest row (or `length`). */
export function padBatch(rows: number[][], padValue: number, length?: number): BatchEncoding {
  const len = length ?? Math.max(1, ...rows.map((r) => r.length));
  return {
    inputIds: rows.map((r) => [...r, ...new Array<number>(Math.max(0, len - r.length)).fill(padValue)]),
    attentionMask: rows.map((r) => [...new Array<number>(r.length).fill(1), ...new Array<number>(Math.max(0, len - r.length)).fill(0)]),
  };
}

/** Finds where the segments sit inside the encoded ids, to learn the special-token template. */
function splitTemplate(full: number[], a: number[], b: number[] | null): { pre: number[]; mid: number[]; post: number[] } {
  const at = (hay: number[], needle: number[], from: number) => {
    for (let i = from; i + needle.length <= hay.length; i++) if (needle.every((v, j) => hay[i + j] === v)) return i;
    return -1;
  };
  const ia = at(full, a, 0);
  if (ia < 0) throw new TokenizerError('cannot locate the text inside its encoding (unusual post-processor); truncate the text yourself');
  if (!b) return { pre: full.slice(0, ia), mid: [], post: full.slice(ia + a.length) };
  const ib = at(full, b, ia + a.length);
  if (ib < 0) throw new TokenizerError('cannot locate the text pair inside its encoding; truncate the texts yourself');
  return { pre: full.slice(0, ia), mid: full.slice(ia + a.length, ib), post: full.slice(ib + b.length) };
}

function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new TokenizerError(`${file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}
