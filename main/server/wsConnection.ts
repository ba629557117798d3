// One browser's WebSocket: hello → (auth when a token is set) → calls; events only once authorized.
import type { WebSocket } from 'ws';
import type { ServerMessage, StudioApi } from '../../common/api.ts';
import { parseClientMessage } from './clientMessage.ts';
import { dispatchCall } from './dispatch.ts';
import { tokensMatch } from './token.ts';

const MAX_AUTH_FAILURES = 5;

export interface ConnectionOptions {
  api: StudioApi;
  token: string | null;
  version: string;
}

export class WsConnection {
  authorized: boolean;
  private failures = 0;
  alive = true;

  constructor(
    readonly socket: WebSocket,
    private readonly opts: ConnectionOptions,
  ) {
    this.authorized = opts.token === null;
    socket.on('message', (data, isBinary) => {
      if (isBinary) return this.send({ kind: 'error', id: 0, error: { name: 'ProtocolError', message: 'binary messages are not accepted' } });
      void this.onMessage(data.toString());
    });
    socket.on('pong', () => (this.alive = true));
    this.send({ kind: 'hello', authRequired: !this.authorized, version: opts.version });
  }

  send(msg: ServerMessage): void {
    this.sendRaw(JSON.stringify(msg));
  }

  sendRaw(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }

  private async onMessage(raw: string): Promise<void> {
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) {
      this.send({ kind: 'error', id: parsed.id, error: { name: 'ProtocolError', message: parsed.reason } });
      return;
    }
    const msg = parsed.msg;
    if (msg.kind === 'auth') {
      if (this.opts.token === null || tokensMatch(this.opts.token, msg.token)) {
        this.authorized = true;
        this.send({ kind: 'hello', authRequired: false, version: this.opts.version });
      } else {
        this.failures++;
        this.send({ kind: 'error', id: 0, error: { name: 'AuthError', message: 'That token is not the one this server printed at start. Check it and try again.' } });
        if (this.failures >= MAX_AUTH_FAILURES) this.socket.close(1008, 'too many wrong tokens');
      }
      return;
    }
    if (!this.authorized) {
      this.send({ kind: 'error', id: msg.id, error: { name: 'AuthError', message: 'authenticate with the access token first' } });
      return;
    }
    const outcome = await dispatchCall(this.opts.api, msg.method, msg.params);
    this.send(outcome.ok ? { kind: 'result', id: msg.id, result: outcome.result } : { kind: 'error', id: msg.id, error: outcome.error });
  }
}
