// `npm run build:electron`: bundles the Electron main process, the preload, the main-side services and
// the trainer worker with esbuild into dist/electron (CommonJS, as Electron's sandboxed preload and
// utilityProcess load it). TensorFlow.js stays in node_modules, where tfjs-backend-wasm finds its own
// .wasm files (electron-builder unpacks them from the asar).
//
// Our sources are ESM and find their data files from import.meta.url (migrations, model configs,
// assets, package.json). In a bundle every file shares one location, so each source file's
// import.meta.url is rewritten to "<app root>/<its path in the repo>", computed at run time from the
// bundle's own folder: the same layout works in a checkout and inside the packaged app.asar.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'electron');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;

// Loaded from node_modules at run time: native modules, packages that find their own files, electron.
const external = ['electron', 'better-sqlite3', '@tensorflow/*', '@huggingface/tokenizers', 'tsx', 'tsx/*', 'esbuild', 'vite', 'fsevents'];

const banner = [
  '"use strict";',
  'const __octetPath = require("node:path"), __octetUrlMod = require("node:url");',
  'const __octetRoot = __octetPath.join(__dirname, "..", "..");',
  'const __octetUrl = (rel) => __octetUrlMod.pathToFileURL(__octetPath.join(__octetRoot, rel)).href;',
  'const __octetResolve = (spec) => __octetUrlMod.pathToFileURL(require.resolve(spec)).href;',
  'const __octetFile = (rel) => __octetPath.join(__octetRoot, rel);',
].join('\n');

/** Rewrites import.meta.{url,dirname,filename,resolve} in our own sources (not node_modules). */
const importMetaPlugin = {
  name: 'octet-import-meta',
  setup(b) {
    b.onLoad({ filter: /\.(ts|mts|js|mjs)$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const rel = relative(root, args.path).split(sep).join('/');
      let code = readFileSync(args.path, 'utf8');
      if (!code.includes('import.meta')) return undefined;
      const dir = rel.split('/').slice(0, -1).join('/');
      code = code
        .replaceAll('import.meta.url', `__octetUrl(${JSON.stringify(rel)})`)
        .replaceAll('import.meta.dirname', `__octetFile(${JSON.stringify(dir)})`)
        .replaceAll('import.meta.filename', `__octetFile(${JSON.stringify(rel)})`)
        .replaceAll('import.meta.resolve(', '__octetResolve(');
      return { contents: code, loader: args.path.endsWith('s') && !args.path.endsWith('.js') ? 'ts' : 'js' };
    });
  },
};

/** main.cjs loads services.cjs at run time instead of bundling it, so both run the same file. */
const servicesExternal = {
  name: 'octet-services-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/services\.ts$/ }, (args) => (args.importer.endsWith(`electron${sep}main.ts`) ? { path: './services.cjs', external: true } : undefined));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node22`,
  sourcemap: 'linked',
  logLevel: 'warning',
  external,
  banner: { js: banner },
  plugins: [importMetaPlugin, servicesExternal],
  define: { 'process.env.OCTET_ELECTRON_VERSION': JSON.stringify(electronVersion) },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const entries = [
  { in: 'electron/main.ts', out: 'main.cjs' },
  { in: 'electron/services.ts', out: 'services.cjs' },
  { in: 'electron/preload.ts', out: 'preload.cjs', preload: true },
];
const worker = join(root, 'main', 'trainer', 'worker.ts');
if (existsSync(worker)) entries.push({ in: 'main/trainer/worker.ts', out: 'worker.cjs' });
else console.warn('build:electron: main/trainer/worker.ts is missing; the app is built without its trainer');

const t0 = Date.now();
await Promise.all(
  entries.map((e) =>
    build({
      ...common,
      entryPoints: [join(root, e.in)],
      outfile: join(out, e.out),
      // The sandboxed preload may only require('electron'): it gets no Node builtins and no banner.
      ...(e.preload ? { platform: 'browser', external: ['electron'], banner: {}, plugins: [] } : {}),
    }),
  ),
);

console.log(`build:electron: ${entries.map((e) => e.out).join(', ')} in ${relative(root, out)} (${Date.now() - t0} ms, Electron ${electronVersion})`);
