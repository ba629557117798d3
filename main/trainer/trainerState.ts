// The trainer's own part of a checkpoint (trainer-state.json): where the data was, the schedule, the
// best evaluation so far, and the wall time spent, so a resume continues exactly.
import { z } from 'zod';

const RngStateSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);

export const TrainerStateSchema = z.object({
  version: z.literal(1),
  step: z.number().int().nonnegative(),
  totalSteps: z.number().int().positive(),
  position: z.object({
    epoch: z.number().int().nonnegative(),
    index: z.number().int().nonnegative(),
    rngState: RngStateSchema,
    numExamples: z.number().int().positive(),
    batchSize: z.number().int().positive(),
  }),
  tracker: z.object({
    metric: z.string(),
    higherIsBetter: z.boolean(),
    best: z.object({ value: z.number(), step: z.number() }).nullable(),
    evalsWithoutImprovement: z.number().int().nonnegative(),
  }),
  durationMs: z.number().nonnegative(),
  // NaN metrics are stored as null (JSON has no NaN).
  lastEval: z.record(z.string(), z.number().nullable()).nullable(),
  lastEvalStep: z.number().int().nonnegative(),
  /** Samples seen, for the epoch fraction shown in progress. */
  samplesSeen: z.number().int().nonnegative(),
});
export type TrainerState = z.infer<typeof TrainerStateSchema>;
