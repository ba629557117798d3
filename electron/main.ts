// Electron main process: one instance, one window, the studio services with trainers in
// utilityProcesses, native dialogs through the preload, runs checkpointed and stopped on quit.
import { existsSync } from 'node:fs';
import { app, BrowserWindow, dialog, Menu } from 'electron';
import type { StudioService } from '../main/service/studioService.ts';
import { appPaths, storeArgs } from './appPaths.ts';
import { registerIpc, sendMenuCommand } from './ipc.ts';
import { buildMenu } from './menu.ts';
import { registerAppScheme, serveRenderer } from './protocol.ts';
import { startAppServices } from './services.ts';
import { utilityProcessLauncher } from './trainerLauncher.ts';
import { createMainWindow, lockDownSession } from './window.ts';

// The bundles live in dist/electron; this file only ever runs bundled (CommonJS).
const paths = appPaths(__dirname);
if (existsSync(paths.nativeAddon)) process.env.OCTET_NATIVE_PATH ??= paths.nativeAddon;
if (process.env.OCTET_USER_DATA) app.setPath('userData', process.env.OCTET_USER_DATA);

let service: StudioService | null = null;
let mainWindow: BrowserWindow | null = null;
let quitting: 'no' | 'closing' | 'done' = 'no';

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('activate', () => {
    if (service && BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  // Trainers get a graceful stop (checkpoint first) before the app goes away.
  app.on('before-quit', (event) => {
    if (quitting === 'done' || !service) return;
    event.preventDefault();
    if (quitting === 'closing') return;
    quitting = 'closing';
    const s = service;
    void s
      .close()
      .catch((err: unknown) => console.error('octet: closing the services failed', err))
      .finally(() => {
        quitting = 'done';
        app.quit();
      });
  });

  void app.whenReady().then(start).catch((err: unknown) => {
    dialog.showErrorBox('Octet Studio could not start', err instanceof Error ? err.message : String(err));
    quitting = 'done';
    app.exit(1);
  });
}

function openWindow(): void {
  mainWindow = createMainWindow({ preload: paths.preload, version: app.getVersion() });
  mainWindow.on('closed', () => (mainWindow = null));
}

async function start(): Promise<void> {
  if (!existsSync(`${paths.rendererDir}/index.html`)) throw new Error(`the studio UI is not built (${paths.rendererDir}); run \`npm run build\``);
  lockDownSession();
  serveRenderer(paths.rendererDir);
  const launcher = utilityProcessLauncher(paths.worker, process.env.OCTET_NATIVE_PATH ? { OCTET_NATIVE_PATH: process.env.OCTET_NATIVE_PATH } : {});
  service = await startAppServices({ ...storeArgs(process.argv), launcher });
  registerIpc(service);
  const dataDir = service.dataDir;
  Menu.setApplicationMenu(buildMenu({ send: (c) => sendMenuCommand(mainWindow, c), dataDir }));
  openWindow();
}
