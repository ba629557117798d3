// Transport tests with a small in-test StudioApi: the server's own behaviour (wire shapes, validation
// at the edge, batching, token, Host/Origin checks, static files), not the services behind it.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ServerMessage, StudioApi } from '../../common/api.ts';
import type { RunEvent, RunSummary } from '../../common/runs.ts';
import { startStudioServer, type StudioServer } from './server.ts';

function summary(id: number, name: string): RunSummary {
  return {
    id, name, status: 'completed', createdAt: '2026-01-01T00:00:00Z', startedAt: null, finishedAt: null, durationMs: 0,
    model: 'm', modelType: 'roberta', task: 'classification', dataset: 'd.csv', optimizer: 'adamw8bit', backend: null, device: null,
    step: 0, totalSteps: null, epoch: 0, bestMetric: null, finalMetrics: {}, predictedPeakBytes: null, measuredPeakBytes: null,
    tags: [], error: null, resumedFrom: null, lossSparkline: [],
  };
}

/** In-test StudioApi: listRuns and getRun answer from a list; the rest is not needed here. */
class TestApi implements Partial<StudioApi> {
  calls: { method: string; params: unknown }[] = [];
  handlers = new Set<(e: RunEvent[]) => void>();
  runs = [summary(1, 'first'), summary(2, 'second')];

  async listRuns(params: Parameters<StudioApi['listRuns']>[0]) {
    this.calls.push({ method: 'listRuns', params });
    return { items: this.runs, total: this.runs.length, offset: params.offset ?? 0, limit: params.limit ?? 50 };
  }
  async getRun(params: { id: number }): Promise<never> {
    this.calls.push({ method: 'getRun', params });
    throw Object.assign(new Error(`no run with id ${params.id}`), { name: 'NotFoundError' });
  }
  async createRun(params: Parameters<StudioApi['createRun']>[0]) {
    this.calls.push({ method: 'createRun', params });
    return summary(3, 'created');
  }
  onEvents(handler: (e: RunEvent[]) => void) {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }
  emit(events: RunEvent[]) {
    for (const h of this.handlers) h(events);
  }
}

let staticDir: string;
let api: TestApi;
let server: StudioServer | null = null;

beforeAll(() => {
  staticDir = mkdtempSync(join(tmpdir(), 'octet-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'a.js'), 'export {}');
});
afterAll(() => rmSync(staticDir, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
  server = null;
});

async function start(extra: { token?: string; flushIntervalMs?: number } = {}) {
  api = new TestApi();
  server = await startStudioServer({ api: api as unknown as StudioApi, events: api, staticDir, port: 0, version: '9.9.9', ...extra });
  return server;
}

/** A WebSocket client that records every message. */
async function connect(s: StudioServer, headers: Record<string, string> = { Origin: `http://127.0.0.1:${s.port}` }) {
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}/api`, { headers });
  const messages: ServerMessage[] = [];
  const waiters: { pred: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as ServerMessage;
    messages.push(m);
    for (const w of [...waiters]) if (w.pred(m)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = (pred: (m: ServerMessage) => boolean) =>
    new Promise<ServerMessage>((resolve, reject) => {
      const found = messages.find(pred);
      if (found) return resolve(found);
      waiters.push({ pred, resolve });
      setTimeout(() => reject(new Error('no such message within 3 s')), 3000);
    });
  let id = 0;
  const call = async (method: string, params: unknown) => {
    const myId = ++id;
    ws.send(JSON.stringify({ kind: 'call', id: myId, method, params }));
    return next((m) => (m.kind === 'result' || m.kind === 'error') && m.id === myId);
  };
  return { ws, messages, next, call };
}

function httpGet(port: number, path: string, host = `127.0.0.1:${port}`) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('octet serve transport', () => {
  it('greets, answers calls with result/error shapes, and validates params at the edge', async () => {
    const s = await start();
    expect(s.url).toBe(`http://127.0.0.1:${s.port}/`);
    const c = await connect(s);
    expect(await c.next((m) => m.kind === 'hello')).toEqual({ kind: 'hello', authRequired: false, version: '9.9.9' });

    const ok = await c.call('listRuns', { limit: 10, sort: 'name' });
    expect(ok).toMatchObject({ kind: 'result', result: { total: 2, limit: 10 } });
    expect(api.calls[0]).toEqual({ method: 'listRuns', params: { limit: 10, sort: 'name' } });

    const bad = await c.call('listRuns', { limit: 'ten', sort: 'nope', extra: 1 });
    expect(bad.kind).toBe('error');
    if (bad.kind !== 'error') return;
    expect(bad.error.name).toBe('ValidationError');
    expect(bad.error.message).toContain('limit');
    expect(bad.error.message).toContain('sort');
    expect(api.calls).toHaveLength(1); // the service never saw the bad call

    const thrown = await c.call('getRun', { id: 7 });
    expect(thrown).toMatchObject({ kind: 'error', error: { name: 'NotFoundError', message: 'no run with id 7' } });

    const unknown = await c.call('__proto__', {});
    expect(unknown).toMatchObject({ kind: 'error', error: { name: 'UnknownMethod' } });

    const malformed = await new Promise<ServerMessage>((resolve) => {
      c.ws.send('{"kind":"call","id":99}');
      void c.next((m) => m.kind === 'error' && m.id === 99).then(resolve);
    });
    expect(malformed).toMatchObject({ error: { name: 'ProtocolError' } });
    c.ws.close();
  });

  it('checks run configs with the field-naming messages of parseRunConfig', async () => {
    const s = await start();
    const c = await connect(s);
    const res = await c.call('createRun', { config: { model: 'm', dataset: { train: 't.csv' }, optimizer: { blockSize: 100, name: 'sgd' } } });
    expect(res.kind).toBe('error');
    if (res.kind !== 'error') return;
    expect(res.error.message).toContain('optimizer.blockSize: must be a power of two from 64 to 4096');
    expect(res.error.message).toContain('optimizer.name: got "sgd"; allowed values:');
    expect(api.calls.filter((x) => x.method === 'createRun')).toHaveLength(0);

    const good = await c.call('createRun', { config: { model: 'm', dataset: { train: 't.csv' } }, start: false });
    expect(good).toMatchObject({ kind: 'result', result: { id: 3 } });
    c.ws.close();
  });

  it('delivers live events in batches', async () => {
    const s = await start({ flushIntervalMs: 120 });
    const c = await connect(s);
    await c.next((m) => m.kind === 'hello');
    for (let step = 1; step <= 50; step++) {
      api.emit([
        { type: 'progress', runId: 1, progress: { step, totalSteps: 50, epoch: 0, samplesPerSecond: null, etaMs: null } },
        { type: 'metrics', runId: 1, points: [{ step, epoch: 0, split: 'train', name: 'loss', value: 1 / step, time: step }] },
      ]);
    }
    await c.next((m) => m.kind === 'events');
    await new Promise((r) => setTimeout(r, 300));
    const batches = c.messages.filter((m): m is Extract<ServerMessage, { kind: 'events' }> => m.kind === 'events');
    expect(batches.length).toBeLessThanOrEqual(2);
    const all = batches.flatMap((b) => b.events);
    expect(all.filter((e) => e.type === 'metrics')).toHaveLength(50);
    const progress = all.filter((e) => e.type === 'progress');
    expect(progress.length).toBeLessThanOrEqual(2);
    expect(progress.at(-1)).toMatchObject({ progress: { step: 50 } });
    c.ws.close();
  });

  it('with a token: asks for it, refuses calls and events until it is given', async () => {
    const s = await start({ token: 's3cret', flushIntervalMs: 20 });
    const c = await connect(s);
    expect(await c.next((m) => m.kind === 'hello')).toMatchObject({ authRequired: true });
    expect(await c.call('listRuns', {})).toMatchObject({ kind: 'error', error: { name: 'AuthError' } });
    api.emit([{ type: 'run-deleted', runId: 1 }]);
    await new Promise((r) => setTimeout(r, 80));
    expect(c.messages.some((m) => m.kind === 'events')).toBe(false);

    c.ws.send(JSON.stringify({ kind: 'auth', token: 'wrong' }));
    expect(await c.next((m) => m.kind === 'error' && m.id === 0)).toMatchObject({ error: { name: 'AuthError' } });

    c.ws.send(JSON.stringify({ kind: 'auth', token: 's3cret' }));
    await c.next((m) => m.kind === 'hello' && !m.authRequired);
    expect(await c.call('listRuns', {})).toMatchObject({ kind: 'result' });
    api.emit([{ type: 'run-deleted', runId: 2 }]);
    expect(await c.next((m) => m.kind === 'events')).toEqual({ kind: 'events', events: [{ type: 'run-deleted', runId: 2 }] });
    c.ws.close();
  });

  it('refuses to bind beyond this machine without a token', async () => {
    await expect(startStudioServer({ api: new TestApi() as unknown as StudioApi, events: new TestApi(), staticDir, host: '0.0.0.0', port: 0, version: '1' })).rejects.toThrow(
      /requires an access token/,
    );
  });

  it('refuses other Hosts (DNS rebinding) and cross-origin WebSockets', async () => {
    const s = await start();
    expect((await httpGet(s.port, '/', `evil.example:${s.port}`)).status).toBe(421);
    await expect(connect(s, { Origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(connect(s, { Origin: `http://evil.example:${s.port}`, Host: `evil.example:${s.port}` })).rejects.toThrow(/421/);
    const ok = await connect(s, { Origin: `http://localhost:${s.port}`, Host: `localhost:${s.port}` });
    ok.ws.close();
  });

  it('serves the renderer with its security headers and nothing outside it', async () => {
    const s = await start();
    const index = await httpGet(s.port, '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>t</title>');
    expect(String(index.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const asset = await httpGet(s.port, '/assets/a.js');
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect((await httpGet(s.port, '/../../etc/passwd')).status).toBe(404);
    expect((await httpGet(s.port, '/missing.js')).status).toBe(404);
  });
});
