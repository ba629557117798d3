// `octet serve`'s engine: the built renderer over http and the StudioApi over WebSocket (/api),
// with Host/Origin checks against DNS rebinding, a token for non-local binds, and batched events.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { hostname } from 'node:os';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { ServerMessage, StudioApi } from '../../common/api.ts';
import type { RunEvent } from '../../common/runs.ts';
import { EventBatcher } from './eventBatcher.ts';
import { hostPolicy, isAllowedHost, isAllowedOrigin, isLoopbackHost, type HostPolicy } from './hostCheck.ts';
import { securityHeaders, serveStatic } from './staticFiles.ts';
import { WsConnection } from './wsConnection.ts';

export interface EventSource {
  onEvents(handler: (events: RunEvent[]) => void): () => void;
}

export interface StudioServerOptions {
  api: StudioApi;
  events: EventSource;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Required (and then asked for by the page) when host is not a loopback address. */
  token?: string | null;
  /** Extra names accepted in the Host header (e.g. a DNS name of a remote GPU box). */
  allowedHosts?: string[];
  version: string;
  flushIntervalMs?: number;
  maxPayloadBytes?: number;
}

export interface StudioServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly token: string | null;
  close(): Promise<void>;
}

export class ServerConfigError extends Error {
  override name = 'ServerConfigError';
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}

export async function startStudioServer(opts: StudioServerOptions): Promise<StudioServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? null;
  if (!isLoopbackHost(host) && !token) {
    throw new ServerConfigError(`binding to ${host} (not this machine only) requires an access token: pass --token <t> or let octet serve generate one`);
  }
  let policy: HostPolicy = hostPolicy(host, opts.port ?? 0, opts.allowedHosts, [hostname()]);
  const connections = new Set<WsConnection>();

  const http = createServer((req, res) => {
    if (!isAllowedHost(policy, req.headers.host)) {
      res.writeHead(421, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`this server does not answer to host ${JSON.stringify(req.headers.host ?? '')}; use ${hostForUrl(host)}:${policy.port} or add --allow-host\n`);
      return;
    }
    void serveStatic(opts.staticDir, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes ?? 4 * 1024 * 1024 });
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/api') return refuse(socket, 404, 'not found');
    if (!isAllowedHost(policy, req.headers.host)) return refuse(socket, 421, 'unknown host');
    if (!isAllowedOrigin(policy, req.headers.origin, req.headers.host)) return refuse(socket, 403, 'cross-origin connection refused');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new WsConnection(ws, { api: opts.api, token, version: opts.version });
      connections.add(conn);
      ws.on('close', () => connections.delete(conn));
      ws.on('error', () => ws.terminate());
    });
  });

  const batcher = new EventBatcher((events) => {
    const text = JSON.stringify({ kind: 'events', events } satisfies ServerMessage);
    for (const c of connections) if (c.authorized) c.sendRaw(text);
  }, opts.flushIntervalMs ?? 150);
  const unsubscribe = opts.events.onEvents((events) => batcher.push(events));

  const heartbeat = setInterval(() => {
    for (const c of connections) {
      if (!c.alive) c.socket.terminate();
      else {
        c.alive = false;
        c.socket.ping();
      }
    }
  }, 30_000);
  heartbeat.unref();

  let port: number;
  try {
    port = await listen(http, host, opts.port ?? 0);
  } catch (err) {
    unsubscribe();
    clearInterval(heartbeat);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') throw new ServerConfigError(`port ${opts.port} on ${host} is in use; pick another with --port (0 = any free port)`);
    throw err;
  }
  policy = hostPolicy(host, port, opts.allowedHosts, [hostname()]);
  const url = `http://${hostForUrl(host)}:${port}/`;

  return {
    url,
    host,
    port,
    token,
    async close() {
      unsubscribe();
      clearInterval(heartbeat);
      batcher.close();
      for (const c of connections) c.socket.close(1001, 'server shutting down');
      wss.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
