// A model head's task (common/models.ts) as the run-config task it trains.
import type { ModelTask } from '../../../common/models.ts';
import type { Task } from '../../../common/runConfig.ts';

export function runTaskOf(task: ModelTask | null | undefined): Task | null {
  switch (task) {
    case 'sequence-classification':
    case 'multi-label-classification':
      return 'classification';
    case 'regression':
      return 'regression';
    case 'seq2seq':
      return 'seq2seq';
    default:
      return null;
  }
}
