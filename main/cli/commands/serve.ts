// `octet serve`: the studio in a browser, for a headless or remote GPU machine. Serves the built
// renderer over http and the StudioApi over WebSocket; localhost only unless a token is used.
import { InvalidArgumentError, type Command } from 'commander';
import { addStoreOptions, resolveStorePaths, type StoreOptions } from '../serviceOptions.ts';

interface ServeOptions extends StoreOptions {
  host: string;
  port: number;
  token?: string;
  allowHost?: string[];
  build: boolean;
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n > 65535) throw new InvalidArgumentError(`--port must be a whole number from 0 to 65535 (0 = any free port), got "${v}"`);
  return n;
}

export function register(program: Command): void {
  const cmd = program
    .command('serve')
    .description('serve the studio UI and API (http + WebSocket) for a headless or remote GPU machine')
    .option('--host <address>', 'address to listen on; anything but this machine (127.0.0.1, localhost, ::1) requires an access token', '127.0.0.1')
    .option('--port <n>', 'port (0 = any free port)', parsePort, 8737)
    .option('--token <token>', 'access token the page asks for (generated and printed when --host is not local)')
    .option('--allow-host <names...>', 'extra names this machine is reached by (checked against the Host header, against DNS rebinding)')
    .option('--no-build', 'serve dist/renderer as it is, without building the UI when it is missing or out of date');
  addStoreOptions(cmd).action(async (opts: ServeOptions) => {
    const { fileURLToPath } = await import('node:url');
    const { UserError } = await import('../errors.ts');
    const { ensureRendererBuilt, RendererBuildError } = await import('../../server/rendererBuild.ts');
    const { startStudioServer, ServerConfigError } = await import('../../server/server.ts');
    const { isLoopbackHost, isWildcardHost } = await import('../../server/hostCheck.ts');
    const { generateToken } = await import('../../server/token.ts');
    const { createStudioService } = await import('../../service/createStudioService.ts');
    const { packageVersion } = await import('../../service/systemInfo.ts');

    const rootDir = fileURLToPath(new URL('../../../', import.meta.url));
    const version = packageVersion();
    const log = (line: string) => process.stderr.write(`${line}\n`);

    let staticDir: string;
    try {
      staticDir = await ensureRendererBuilt({ rootDir, build: opts.build, log });
    } catch (err) {
      if (err instanceof RendererBuildError) throw new UserError(err.message);
      throw err;
    }

    const token = opts.token?.trim() || (isLoopbackHost(opts.host) ? null : generateToken());
    const service = await createStudioService(resolveStorePaths(opts));
    let server;
    try {
      server = await startStudioServer({ api: service, events: service, staticDir, host: opts.host, port: opts.port, token, allowedHosts: opts.allowHost, version });
    } catch (err) {
      await service.close();
      if (err instanceof ServerConfigError) throw new UserError(err.message);
      throw err;
    }

    process.stdout.write(`Octet Studio is serving ${server.url}\n`);
    if (isWildcardHost(opts.host)) {
      const { networkInterfaces, hostname } = await import('node:os');
      const addrs = Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && !a.internal && a.family === 'IPv4')
        .map((a) => `http://${a?.address}:${server.port}/`);
      process.stdout.write(`Also reachable as http://${hostname()}:${server.port}/${addrs.length ? ` and ${addrs.join(', ')}` : ''}\n`);
    }
    if (token) {
      process.stdout.write(`Access token: ${token}\n`);
      process.stdout.write(`Open ${server.url}?token=${encodeURIComponent(token)} (the page asks for the token otherwise)\n`);
    }
    process.stdout.write(`Data: ${service.dataDir} (database ${service.dbPath}). Ctrl+C stops; running trainings are checkpointed first.\n`);

    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        if (stopping) {
          log(`octet: ${signal} again, exiting without waiting`);
          process.exit(130);
        }
        stopping = true;
        log('octet: stopping (checkpointing running trainings)…');
        void (async () => {
          await server.close();
          await service.close();
          resolve();
        })();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  });
}
