// Seeded shuffling batches whose position (epoch, index in the epoch, RNG state at the epoch's start)
// is plain data: save it with a checkpoint, restore it, and the same batches follow as if never stopped.
import { Rng, type RngState } from './rng.ts';

export interface BatchPosition {
  /** 0-based epoch of the next batch. */
  epoch: number;
  /** Offset of the next batch in this epoch's order. */
  index: number;
  /** Generator state before this epoch's permutation was drawn. */
  rngState: RngState;
  /** What the position was taken over; a resume with other numbers is refused. */
  numExamples: number;
  batchSize: number;
}

export interface NextBatch {
  epoch: number;
  /** Batch number within the epoch, 0-based. */
  batchInEpoch: number;
  /** Example indices, in batch order. */
  indices: number[];
  /** True for the epoch's last batch (evaluate at epoch end). */
  lastInEpoch: boolean;
}

export interface BatchOptions {
  seed: number;
  shuffle?: boolean;
  /** Drop a final batch smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Continue from a saved position instead of the start. */
  position?: BatchPosition;
}

export class ShuffledBatches {
  private rng: Rng;
  private epochStart: RngState;
  private order: number[] = [];
  private epoch: number;
  private index: number;
  private readonly shuffle: boolean;
  private readonly dropLast: boolean;

  constructor(
    readonly numExamples: number,
    readonly batchSize: number,
    opts: BatchOptions,
  ) {
    if (!Number.isInteger(numExamples) || numExamples <= 0) throw new Error(`no examples to batch (${numExamples})`);
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`batch size must be a positive integer, got ${batchSize}`);
    this.shuffle = opts.shuffle ?? true;
    this.dropLast = opts.dropLast ?? false;
    if (this.dropLast && numExamples < batchSize) throw new Error(`${numExamples} examples make no full batch of ${batchSize} (dropLast)`);
    const p = opts.position;
    if (p) {
      if (p.numExamples !== numExamples || p.batchSize !== batchSize) {
        throw new Error(
          `the saved data position is for ${p.numExamples} examples in batches of ${p.batchSize}, but now there are ${numExamples} in batches of ${batchSize}; the dataset or batch size changed since the checkpoint`,
        );
      }
      this.rng = new Rng(p.rngState);
      this.epoch = p.epoch;
      this.index = p.index;
    } else {
      this.rng = new Rng(opts.seed);
      this.epoch = 0;
      this.index = 0;
    }
    this.epochStart = this.rng.state;
    this.drawOrder();
  }

  /** Batches per epoch. */
  get batchesPerEpoch(): number {
    return this.dropLast ? Math.floor(this.numExamples / this.batchSize) : Math.ceil(this.numExamples / this.batchSize);
  }

  /** Where the next batch starts; save this with a checkpoint. */
  get position(): BatchPosition {
    return { epoch: this.epoch, index: this.index, rngState: [...this.epochStart] as RngState, numExamples: this.numExamples, batchSize: this.batchSize };
  }

  next(): NextBatch {
    const end = Math.min(this.index + this.batchSize, this.numExamples);
    const batch: NextBatch = {
      epoch: this.epoch,
      batchInEpoch: Math.floor(this.index / this.batchSize),
      indices: this.order.slice(this.index, end),
      lastInEpoch: false,
    };
    this.index = end;
    const remaining = this.numExamples - this.index;
    if (remaining === 0 || (this.dropLast && remaining < this.batchSize)) {
      batch.lastInEpoch = true;
      this.epoch++;
      this.index = 0;
      this.epochStart = this.rng.state;
      this.drawOrder();
    }
    return batch;
  }

  private drawOrder(): void {
    const order = Array.from({ length: this.numExamples }, (_, i) => i);
    this.order = this.shuffle ? this.rng.shuffle(order) : order;
  }
}

/** Consecutive index batches for evaluation (no shuffling, last batch may be short). */
export function sequentialBatches(numExamples: number, batchSize: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < numExamples; i += batchSize) out.push(Array.from({ length: Math.min(batchSize, numExamples - i) }, (_, k) => i + k));
  return out;
}
