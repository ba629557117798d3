// The services behind the StudioApi, shared by the CLI, `octet serve` and the Electron app.
import type { StudioApi } from '../../common/api.ts';
import type { RunEvent } from '../../common/runs.ts';
import type { TrainerLauncher } from '../trainer/launcher.ts';

export interface StudioServiceOptions {
  /** Where runs, checkpoints and exports live (default: the user data directory, see main/paths.ts). */
  dataDir?: string;
  /** SQLite database path (default: <dataDir>/octet.db). */
  dbPath?: string;
  /** How trainer processes are started (default: child processes). */
  launcher?: TrainerLauncher;
}

export interface StudioService extends StudioApi {
  readonly dataDir: string;
  readonly dbPath: string;
  /** Live events, delivered in batches. Returns an unsubscribe function. */
  onEvents(handler: (events: RunEvent[]) => void): () => void;
  /** Stops running trainers gracefully (checkpoint first) and closes the database. */
  close(): Promise<void>;
}
