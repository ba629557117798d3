// Where the app's parts are, for the bundles in dist/electron (dev checkout or packaged app.asar).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface AppPaths {
  /** Folder holding package.json, dist/, assets/ (app.asar when packaged). */
  root: string;
  bundleDir: string;
  rendererDir: string;
  preload: string;
  worker: string;
  /** The native addon, from app.asar.unpacked when packaged (native files can't load from an asar). */
  nativeAddon: string;
}

function unpacked(p: string): string {
  const u = p.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  return u !== p && existsSync(u) ? u : p;
}

/** bundleDir is dist/electron (the bundles' __dirname). */
export function appPaths(bundleDir: string): AppPaths {
  const root = join(bundleDir, '..', '..');
  return {
    root,
    bundleDir,
    rendererDir: join(root, 'dist', 'renderer'),
    preload: join(bundleDir, 'preload.cjs'),
    worker: unpacked(join(bundleDir, 'worker.cjs')),
    nativeAddon: unpacked(join(root, 'native', 'build', 'Release', 'octet_native.node')),
  };
}

/** --data-dir=… and --db=… from the command line (also used by the end-to-end specs). */
export function storeArgs(argv: readonly string[]): { dataDir?: string; db?: string } {
  const get = (name: string) => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i < 0) return undefined;
    return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
  };
  return { dataDir: get('data-dir'), db: get('db') };
}
