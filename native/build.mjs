// Builds the optional N-API addon during `npm install`. A failed build is not an install failure:
// every caller falls back to the TypeScript kernels (see native/loadAddon.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
if (process.env.OCTET_SKIP_NATIVE === '1') {
  console.log('octet: OCTET_SKIP_NATIVE=1, not building the native addon (TypeScript kernels will be used)');
  process.exit(0);
}
const gypJs = process.env.npm_config_node_gyp;
const localGyp = join(here, '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
// Build against the running Node's own headers when they are installed (no header download offline).
const nodeRoot = dirname(dirname(process.execPath));
const nodedir = process.env.npm_config_nodedir
  || (existsSync(join(nodeRoot, 'include', 'node', 'node_api.h')) ? nodeRoot : undefined);
const args = ['rebuild', '--directory', here, '--jobs', 'max', ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const cmd = gypJs && existsSync(gypJs) ? [process.execPath, [gypJs, ...args]]
  : existsSync(localGyp) ? [process.execPath, [localGyp, ...args]]
  : ['npx', ['--no-install', 'node-gyp', ...args]];
const started = Date.now();
const res = spawnSync(cmd[0], cmd[1], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
if (res.status === 0) {
  console.log(`octet: native addon built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} else {
  const tail = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
  console.warn(`octet: native addon not built (exit ${res.status}); the TypeScript kernels will be used.\n${tail}`);
}
