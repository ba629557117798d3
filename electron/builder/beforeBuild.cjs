// electron-builder `beforeBuild` hook: rebuilds our N-API addon (native/) against the headers of the
// Electron version and architecture being packaged. Returning true lets electron-builder go on and
// rebuild the native dependencies (better-sqlite3) for Electron too.
/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads hooks with require() */
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

/** @param {{ appDir: string; electronVersion: string; arch: string | number; platform: { nodeName: string } }} context */
module.exports = async function beforeBuild(context) {
  const nativeDir = path.join(context.appDir, 'native');
  if (!existsSync(path.join(nativeDir, 'binding.gyp'))) return true;
  const archName = typeof context.arch === 'number' ? ['ia32', 'x64', 'armv7l', 'arm64', 'universal'][context.arch] : context.arch;
  const gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [context.appDir] });
  const args = [gyp, 'rebuild', '--directory', nativeDir, `--target=${context.electronVersion}`, `--arch=${archName}`, '--dist-url=https://electronjs.org/headers'];
  const res = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`rebuilding native/ for Electron ${context.electronVersion} (${archName}) failed; see the node-gyp output above`);
  return true;
};
