// The main window: sandboxed, context-isolated renderer on app://octet with a tiny preload; no
// navigation away, no new windows (http links open in the browser), no permissions granted.
import { BrowserWindow, nativeTheme, session, shell } from 'electron';
import { APP_URL, isAppUrl } from './protocol.ts';

export function lockDownSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

export function createMainWindow(opts: { preload: string; version: string }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Octet Studio',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#101217' : '#f5f6f8',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      additionalArguments: [`--octet-version=${opts.version}`],
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  void win.loadURL(APP_URL);
  return win;
}
