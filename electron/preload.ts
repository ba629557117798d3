// The tiny preload: exposes window.octet (common/bridge.ts) through contextBridge. Runs sandboxed
// with context isolation; the page never sees ipcRenderer itself.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CHANNELS, MENU_COMMANDS, type CallReply, type MenuCommand, type OctetBridge, type PathPickOptions } from '../common/bridge.ts';
import type { ApiMethod } from '../common/api.ts';
import type { RunEvent } from '../common/runs.ts';

const versionArg = process.argv.find((a) => a.startsWith('--octet-version='));

const bridge: OctetBridge = {
  version: versionArg ? versionArg.slice('--octet-version='.length) : 'unknown',
  call: (method: ApiMethod, params: unknown) => ipcRenderer.invoke(IPC_CHANNELS.call, method, params) as Promise<CallReply>,
  onEvents(handler: (events: RunEvent[]) => void) {
    const listener = (_e: IpcRendererEvent, events: RunEvent[]) => handler(events);
    ipcRenderer.on(IPC_CHANNELS.events, listener);
    return () => void ipcRenderer.removeListener(IPC_CHANNELS.events, listener);
  },
  pickPath: (options: PathPickOptions) => ipcRenderer.invoke(IPC_CHANNELS.pickPath, options) as Promise<string | null>,
  onMenu(handler: (command: MenuCommand) => void) {
    const listener = (_e: IpcRendererEvent, command: MenuCommand) => {
      if ((MENU_COMMANDS as readonly string[]).includes(command)) handler(command);
    };
    ipcRenderer.on(IPC_CHANNELS.menu, listener);
    return () => void ipcRenderer.removeListener(IPC_CHANNELS.menu, listener);
  },
};

contextBridge.exposeInMainWorld('octet', bridge);
