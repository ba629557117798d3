// `octet plan`: will this fine-tuning run fit in GPU memory? Bytes by component, verdict, and the
// largest batch size / sequence length that fit.
import { InvalidArgumentError, type Command } from 'commander';

interface PlanCliOptions {
  model: string;
  gpu: string;
  optim: string;
  batch: string;
  seq: string;
  targetLen?: string;
  blockSize?: string;
  min8bitSize?: string;
  stableEmbedding?: boolean;
  freezeEmbeddings?: boolean;
  freezeLmHead?: boolean;
  task?: string;
  numLabels?: string;
  gradAccum?: string;
  backend?: string;
  kernel?: string;
  dropout?: boolean;
  parts?: boolean;
  json?: boolean;
}

function wholeNumber(name: string, min: number): (v: string) => string {
  return (v) => {
    if (!/^\d+$/.test(v.trim()) || Number(v) < min) throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}, got "${v}"`);
    return v.trim();
  };
}

export function register(program: Command): void {
  program
    .command('plan')
    .description('predict GPU memory for fine-tuning a model: bytes by component, verdict (fits/tight/exceeds), largest batch and sequence length')
    .requiredOption('--model <dir|name>', 'model folder with config.json, or roberta-base, roberta-large, mt5-small, mt5-base, mt5-large')
    .option('--gpu <size>', 'GPU memory, e.g. 6GB, 11GiB, 6144MB (GB = GiB = 2^30 bytes, as GPU makers count)', '6GB')
    .option('--optim <name>', 'adam8bit, adam32bit, adamw8bit, adamw32bit, momentum8bit, momentum32bit, lion8bit, lion32bit, rmsprop8bit, rmsprop32bit, adagrad8bit, adagrad32bit', 'adamw8bit')
    .option('--batch <n>', 'batch size', wholeNumber('--batch', 1), '8')
    .option('--seq <n>', 'input length in tokens (encoder length for mT5)', wholeNumber('--seq', 1), '128')
    .option('--target-len <n>', 'mT5 target length in tokens (default 64)', wholeNumber('--target-len', 1))
    .option('--block-size <n>', '8-bit block size: 64, 128, 256, 512, 1024, 2048 or 4096 (default 2048)', wholeNumber('--block-size', 1))
    .option('--min-8bit-size <n>', 'tensors with fewer elements keep 32-bit state (default 4096)', wholeNumber('--min-8bit-size', 0))
    .option('--stable-embedding', 'stable embedding: token embedding keeps 32-bit state, plus a LayerNorm')
    .option('--freeze-embeddings', 'do not train the embedding matrices')
    .option('--freeze-lm-head', 'do not train the mT5 lm_head')
    .option('--task <task>', 'classification, regression or seq2seq (default: from the model)')
    .option('--num-labels <n>', 'classification labels (default: from config.json, else 2)', wholeNumber('--num-labels', 1))
    .option('--grad-accum <n>', 'gradient accumulation steps', wholeNumber('--grad-accum', 1))
    .option('--backend <name>', 'auto, tensorflow-gpu, tensorflow, wasm or cpu (auto plans for tensorflow-gpu)')
    .option('--kernel <kind>', 'optimizer kernel: auto (in-place on cpu/wasm, composed on GPU backends), in-place or composed', 'auto')
    .option('--no-dropout', 'plan an eval-mode step (training uses the config\'s dropout rates)')
    .option('--parts', 'also list the parts of each component (activations by kind)')
    .option('--json', 'print the plan as JSON (with a "verdict" field)')
    .action(async (opts: PlanCliOptions) => {
      const { UserError } = await import('../errors.ts');
      const { parseByteSize } = await import('../../planner/byteSize.ts');
      const { isOptimizerName, OPTIMIZER_NAMES } = await import('../../../common/optimizers.ts');
      const { BACKENDS, TASKS } = await import('../../../common/runConfig.ts');
      const { planRun } = await import('../../planner/plan.ts');
      const { formatPlan } = await import('../../planner/formatPlan.ts');
      if (!isOptimizerName(opts.optim)) throw new UserError(`unknown optimizer "${opts.optim}"; allowed values: ${OPTIMIZER_NAMES.join(', ')}`);
      if (opts.backend !== undefined && !(BACKENDS as readonly string[]).includes(opts.backend)) {
        throw new UserError(`unknown backend "${opts.backend}"; allowed values: ${BACKENDS.join(', ')}`);
      }
      if (opts.task !== undefined && !(TASKS as readonly string[]).includes(opts.task)) {
        throw new UserError(`unknown task "${opts.task}"; allowed values: ${TASKS.join(', ')}`);
      }
      if (opts.kernel !== undefined && !['auto', 'in-place', 'composed'].includes(opts.kernel)) {
        throw new UserError(`unknown optimizer kernel "${opts.kernel}"; allowed values: auto, in-place, composed`);
      }
      let gpuBytes: number;
      try {
        gpuBytes = parseByteSize(opts.gpu);
      } catch (err) {
        throw new UserError(`--gpu: ${(err as Error).message}`);
      }
      const n = (v: string | undefined) => (v === undefined ? undefined : Number(v));
      let result;
      try {
        result = planRun({
          model: opts.model,
          optimizer: opts.optim,
          gpuBytes,
          batchSize: Number(opts.batch),
          seqLength: Number(opts.seq),
          targetLength: n(opts.targetLen),
          blockSize: n(opts.blockSize),
          min8bitSize: n(opts.min8bitSize),
          stableEmbedding: opts.stableEmbedding,
          freezeEmbeddings: opts.freezeEmbeddings,
          freezeLmHead: opts.freezeLmHead,
          task: opts.task as 'classification' | undefined,
          numLabels: n(opts.numLabels),
          gradAccumSteps: n(opts.gradAccum),
          backend: opts.backend as 'auto' | undefined,
          optimizerKernel: opts.kernel as 'auto' | undefined,
          dropout: opts.dropout,
        });
      } catch (err) {
        throw new UserError((err as Error).message);
      }
      process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatPlan(result, { parts: opts.parts })}\n`);
    });
}
