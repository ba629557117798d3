// What the renderer needs from a connection to the app: calls, batched live events, connection state.
import type { ApiMethod } from '../../../common/api.ts';
import type { RunEvent } from '../../../common/runs.ts';

export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'open'; version: string }
  | { kind: 'auth-required'; error: string | null }
  | { kind: 'closed'; error: string };

export interface Transport {
  call(method: ApiMethod, params: unknown): Promise<unknown>;
  onEvents(handler: (events: RunEvent[]) => void): () => void;
  onState(handler: (state: ConnectionState) => void): () => void;
  readonly state: ConnectionState;
  /** Sends an access token (browser mode against a server bound to a non-local address). */
  authenticate(token: string): void;
}

/** A tiny listener set, shared by transports. */
export class Listeners<T> {
  private readonly handlers = new Set<(value: T) => void>();

  add(handler: (value: T) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  emit(value: T): void {
    for (const h of [...this.handlers]) {
      try {
        h(value);
      } catch (err) {
        console.error('octet: event handler failed', err);
      }
    }
  }
}
