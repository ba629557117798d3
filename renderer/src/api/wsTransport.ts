// StudioClient transport over WebSocket (`octet serve`): hello → optional auth → calls; reconnects.
import { ApiError, type ApiMethod, type ClientMessage, type ServerMessage } from '../../../common/api.ts';
import type { RunEvent } from '../../../common/runs.ts';
import { Listeners, type ConnectionState, type Transport } from './transport.ts';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

const TOKEN_KEY = 'octet.token';

export interface WsTransportOptions {
  url: string;
  /** Token from the page URL (?token=…) or an earlier session. */
  initialToken?: string | null;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  createSocket?: (url: string) => WebSocket;
}

export function createWsTransport(options: WsTransportOptions): Transport {
  const stateListeners = new Listeners<ConnectionState>();
  const eventListeners = new Listeners<RunEvent[]>();
  const pending = new Map<number, Pending>();
  const queue: ClientMessage[] = [];
  const storage = options.storage ?? null;
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url));
  let token = options.initialToken ?? storage?.getItem(TOKEN_KEY) ?? null;
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retryMs = 300;
  let state: ConnectionState = { kind: 'connecting' };

  const setState = (next: ConnectionState) => {
    state = next;
    stateListeners.emit(next);
  };

  const send = (msg: ClientMessage) => {
    if (state.kind === 'open' && socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(msg));
    else queue.push(msg);
  };

  const flushQueue = () => {
    while (queue.length && socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(queue.shift()));
  };

  const sendAuth = (t: string) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ kind: 'auth', token: t } satisfies ClientMessage));
  };

  const onMessage = (raw: string) => {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(raw) as ServerMessage;
    } catch {
      return;
    }
    switch (msg.kind) {
      case 'hello':
        retryMs = 300;
        if (!msg.authRequired) {
          if (token) storage?.setItem(TOKEN_KEY, token);
          setState({ kind: 'open', version: msg.version });
          flushQueue();
        } else if (token) {
          sendAuth(token);
        } else {
          setState({ kind: 'auth-required', error: null });
        }
        return;
      case 'events':
        eventListeners.emit(msg.events);
        return;
      case 'result':
      case 'error': {
        if (msg.kind === 'error' && msg.id === 0) {
          // Connection-level error: a refused token.
          token = null;
          storage?.removeItem(TOKEN_KEY);
          setState({ kind: 'auth-required', error: msg.error.message });
          return;
        }
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (msg.kind === 'result') p.resolve(msg.result);
        else p.reject(new ApiError(msg.error.name, msg.error.message));
        return;
      }
    }
  };

  const connect = () => {
    setState({ kind: 'connecting' });
    const ws = createSocket(options.url);
    socket = ws;
    ws.onmessage = (ev) => onMessage(typeof ev.data === 'string' ? ev.data : '');
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      const reason = ev.reason || 'the connection to the Octet server was lost';
      for (const [id, p] of pending) {
        p.reject(new ApiError('ConnectionError', `${reason}; retry once it is back`));
        pending.delete(id);
      }
      setState({ kind: 'closed', error: `${reason}. Reconnecting…` });
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  };

  connect();

  return {
    get state() {
      return state;
    },
    call(method: ApiMethod, params: unknown) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ kind: 'call', id, method, params });
      });
    },
    onEvents: (handler) => eventListeners.add(handler),
    onState: (handler) => stateListeners.add(handler),
    authenticate(t: string) {
      token = t.trim();
      if (token) sendAuth(token);
    },
  };
}
