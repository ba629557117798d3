import { describe, expect, it } from 'vitest';
import type { ClientMessage, ServerMessage } from '../../../common/api.ts';
import type { ConnectionState } from './transport.ts';
import { createWsTransport } from './wsTransport.ts';

/** A WebSocket stand-in driven by the test (the real server side is tested in main/server). */
class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  sent: ClientMessage[] = [];
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: ((ev: { reason: string }) => void) | null = null;
  send(text: string) {
    this.sent.push(JSON.parse(text) as ClientMessage);
  }
  open() {
    this.readyState = 1;
  }
  receive(msg: ServerMessage) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

function setup(token: string | null = null) {
  (globalThis as { WebSocket?: unknown }).WebSocket = FakeSocket;
  const sockets: FakeSocket[] = [];
  const store = new Map<string, string>();
  const t = createWsTransport({
    url: 'ws://x/api',
    initialToken: token,
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s as unknown as WebSocket;
    },
  });
  const states: ConnectionState[] = [];
  t.onState((s) => states.push(s));
  return { t, sockets, states, store };
}

describe('WebSocket transport', () => {
  it('queues calls until hello, then resolves results and rejects errors by id', async () => {
    const { t, sockets } = setup();
    const s = sockets[0];
    const a = t.call('listRuns', {});
    const b = t.call('getRun', { id: 9 });
    expect(s.sent).toEqual([]);
    s.open();
    s.receive({ kind: 'hello', authRequired: false, version: '1.0' });
    expect(t.state).toEqual({ kind: 'open', version: '1.0' });
    expect(s.sent.map((m) => m.kind === 'call' && m.method)).toEqual(['listRuns', 'getRun']);
    s.receive({ kind: 'error', id: 2, error: { name: 'NotFoundError', message: 'no run 9' } });
    s.receive({ kind: 'result', id: 1, result: { total: 0 } });
    await expect(a).resolves.toEqual({ total: 0 });
    await expect(b).rejects.toMatchObject({ name: 'NotFoundError', message: 'no run 9' });
  });

  it('asks for a token, sends it, and forgets a refused one', () => {
    const { t, sockets, states, store } = setup();
    const s = sockets[0];
    s.open();
    s.receive({ kind: 'hello', authRequired: true, version: '1' });
    expect(t.state).toEqual({ kind: 'auth-required', error: null });
    t.authenticate(' abc ');
    expect(s.sent.at(-1)).toEqual({ kind: 'auth', token: 'abc' });
    s.receive({ kind: 'error', id: 0, error: { name: 'AuthError', message: 'wrong token' } });
    expect(t.state).toEqual({ kind: 'auth-required', error: 'wrong token' });
    t.authenticate('right');
    s.receive({ kind: 'hello', authRequired: false, version: '1' });
    expect(states.at(-1)).toEqual({ kind: 'open', version: '1' });
    expect(store.get('octet.token')).toBe('right');
  });

  it('hands event batches to subscribers and fails pending calls on disconnect', async () => {
    const { t, sockets } = setup();
    const s = sockets[0];
    s.open();
    s.receive({ kind: 'hello', authRequired: false, version: '1' });
    const got: unknown[] = [];
    t.onEvents((e) => got.push(e));
    s.receive({ kind: 'events', events: [{ type: 'run-deleted', runId: 3 }] });
    expect(got).toEqual([[{ type: 'run-deleted', runId: 3 }]]);
    const pending = t.call('listRuns', {});
    s.onclose?.({ reason: '' });
    await expect(pending).rejects.toMatchObject({ name: 'ConnectionError' });
    expect(t.state.kind).toBe('closed');
  });
});
