// `octet predict --model <dir> --input <file.jsonl> [--output <file.jsonl>]`: batch inference with a
// Hugging Face model folder. Input lines: {"text", "text_pair"?} or {"input_ids", "attention_mask"?,
// "labels"? (seq2seq)}. Output lines: "logits" plus "label" (classification), "value" (regression)
// or generated "text" and "ids" (seq2seq). Bad lines are reported by line number before any work.
import type { Command } from 'commander';

interface PredictCliOptions {
  model: string;
  input: string;
  output?: string;
  backend: string;
  batchSize: string;
  maxLength?: string;
  maxNewTokens: string;
  numBeams: string;
  architecture?: string;
}

function positiveInt(value: string, flag: string, UserError: new (m: string) => Error): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

export function register(program: Command): void {
  program
    .command('predict')
    .description('run a RoBERTa / mT5 model folder on a JSONL file (one prediction per line)')
    .requiredOption('--model <dir>', 'Hugging Face model folder (config.json, model.safetensors, tokenizer.json)')
    .requiredOption('--input <file>', 'JSONL input: {"text", "text_pair"?} or {"input_ids", "attention_mask"?, "labels"?} per line')
    .option('--output <file>', 'JSONL output (default: standard output)')
    .option('--backend <name>', 'TensorFlow.js backend: wasm or cpu', 'wasm')
    .option('--batch-size <n>', 'rows per forward pass', '8')
    .option('--max-length <n>', 'truncate tokenized text to n ids (default: the model limit)')
    .option('--max-new-tokens <n>', 'seq2seq: tokens to generate', '64')
    .option('--num-beams <n>', 'seq2seq: beam search width (1 = greedy)', '1')
    .option('--architecture <name>', 'class to build, e.g. RobertaForSequenceClassification (default: config.json architectures)')
    .action(async (opts: PredictCliOptions) => {
      const { existsSync, readFileSync, createWriteStream } = await import('node:fs');
      const { UserError } = await import('../errors.ts');
      if (opts.backend !== 'wasm' && opts.backend !== 'cpu') throw new UserError(`unknown backend "${opts.backend}"; use wasm or cpu`);
      if (!existsSync(opts.input)) throw new UserError(`${opts.input}: no such input file`);
      if (!existsSync(opts.model)) throw new UserError(`${opts.model}: no such model folder`);
      const predictOpts = {
        batchSize: positiveInt(opts.batchSize, '--batch-size', UserError),
        maxLength: opts.maxLength === undefined ? undefined : positiveInt(opts.maxLength, '--max-length', UserError),
        maxNewTokens: positiveInt(opts.maxNewTokens, '--max-new-tokens', UserError),
        numBeams: positiveInt(opts.numBeams, '--num-beams', UserError),
      };
      const { setupBackend } = await import('../../../kernels/setup.ts');
      const models = await import('../../../models/index.ts');
      await setupBackend(opts.backend);
      let loaded;
      try {
        loaded = models.loadPretrained(opts.model, { architecture: opts.architecture as never });
      } catch (err) {
        throw new UserError(err instanceof Error ? err.message : String(err));
      }
      try {
        let rows;
        try {
          rows = models.parsePredictInput(readFileSync(opts.input, 'utf8'), loaded, predictOpts);
        } catch (err) {
          throw new UserError(`${opts.input}: ${err instanceof Error ? err.message : String(err)}`);
        }
        const out = opts.output ? createWriteStream(opts.output) : process.stdout;
        for await (const row of models.predictRows(loaded, rows, predictOpts)) out.write(`${JSON.stringify(row)}\n`);
        if (opts.output) await new Promise<void>((resolveEnd, reject) => (out as ReturnType<typeof createWriteStream>).end((err?: Error | null) => (err ? reject(err) : resolveEnd())));
      } finally {
        loaded.model.dispose();
      }
    });
}
