// The main-process side of the preload bridge: every message's sender frame is checked (our window's
// main frame, on app://octet), params are validated like on the WebSocket, events go out in batches.
import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent, type WebFrameMain } from 'electron';
import { z } from 'zod';
import { IPC_CHANNELS, type CallReply, type MenuCommand } from '../common/bridge.ts';
import { dispatchCall } from '../main/server/dispatch.ts';
import { EventBatcher } from '../main/server/eventBatcher.ts';
import type { StudioService } from '../main/service/studioService.ts';
import { isAppUrl } from './protocol.ts';

const PickOptionsSchema = z.strictObject({
  kind: z.enum(['file', 'folder']),
  title: z.string().max(200).optional(),
  filters: z.array(z.strictObject({ name: z.string().max(100), extensions: z.array(z.string().regex(/^[A-Za-z0-9*]{1,16}$/)).max(20) })).max(10).optional(),
});

/** Only the main frame of one of our windows, showing our own page, may call in. */
export function isTrustedFrame(frame: WebFrameMain | null | undefined): boolean {
  if (!frame || !isAppUrl(frame.url)) return false;
  return BrowserWindow.getAllWindows().some((w) => {
    if (w.isDestroyed()) return false;
    const main = w.webContents.mainFrame;
    return main.processId === frame.processId && main.routingId === frame.routingId;
  });
}

const untrusted: CallReply = { kind: 'error', id: 0, error: { name: 'ForbiddenError', message: 'IPC from a frame that is not the Octet Studio page' } };

export function registerIpc(service: StudioService): () => void {
  ipcMain.handle(IPC_CHANNELS.call, async (event: IpcMainInvokeEvent, method: unknown, params: unknown): Promise<CallReply> => {
    if (!isTrustedFrame(event.senderFrame)) return untrusted;
    const outcome = await dispatchCall(service, method, params);
    return outcome.ok ? { kind: 'result', id: 0, result: outcome.result } : { kind: 'error', id: 0, error: outcome.error };
  });

  ipcMain.handle(IPC_CHANNELS.pickPath, async (event: IpcMainInvokeEvent, options: unknown): Promise<string | null> => {
    if (!isTrustedFrame(event.senderFrame)) return null;
    const parsed = PickOptionsSchema.safeParse(options);
    if (!parsed.success) return null;
    const o = parsed.data;
    const win = BrowserWindow.fromWebContents(event.sender);
    const dialogOptions: Electron.OpenDialogOptions = {
      title: o.title,
      properties: o.kind === 'folder' ? ['openDirectory'] : ['openFile'],
      filters: o.kind === 'file' ? [...(o.filters ?? []), { name: 'All files', extensions: ['*'] }] : undefined,
    };
    const res = win ? await dialog.showOpenDialog(win, dialogOptions) : await dialog.showOpenDialog(dialogOptions);
    return res.canceled ? null : (res.filePaths[0] ?? null);
  });

  const batcher = new EventBatcher((events) => {
    for (const w of BrowserWindow.getAllWindows()) {
      if (!w.isDestroyed() && isTrustedFrame(w.webContents.mainFrame)) w.webContents.send(IPC_CHANNELS.events, events);
    }
  }, 150);
  const off = service.onEvents((events) => batcher.push(events));

  return () => {
    off();
    batcher.close();
    ipcMain.removeHandler(IPC_CHANNELS.call);
    ipcMain.removeHandler(IPC_CHANNELS.pickPath);
  };
}

export function sendMenuCommand(win: BrowserWindow | null, command: MenuCommand): void {
  if (win && !win.isDestroyed() && isTrustedFrame(win.webContents.mainFrame)) win.webContents.send(IPC_CHANNELS.menu, command);
}
