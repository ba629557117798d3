// The application menu; commands that concern the page go to it through the bridge.
import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../common/bridge.ts';

export function buildMenu(opts: { send: (command: MenuCommand) => void; dataDir: string }): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'New Run', accelerator: 'CmdOrCtrl+N', click: () => opts.send('new-run') },
        { label: 'Runs', accelerator: 'CmdOrCtrl+1', click: () => opts.send('runs') },
        { label: 'Compare Runs', accelerator: 'CmdOrCtrl+2', click: () => opts.send('compare') },
        { type: 'separator' },
        { label: 'Open Data Folder', click: () => void shell.openPath(opts.dataDir) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { label: 'Toggle Dark Theme', accelerator: 'CmdOrCtrl+Shift+L', click: () => opts.send('toggle-theme') },
        { type: 'separator' },
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: `Octet Studio ${app.getVersion()}`, enabled: false }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
