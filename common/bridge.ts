// The Electron preload's bridge (`window.octet`) as the renderer sees it. Calls answer with the same
// result/error shapes as the WebSocket (ServerMessage); live events arrive in batches.
import type { ApiMethod, ServerMessage } from './api.ts';
import type { RunEvent } from './runs.ts';

export type CallReply = Extract<ServerMessage, { kind: 'result' } | { kind: 'error' }>;

export interface PathPickOptions {
  kind: 'file' | 'folder';
  title?: string;
  /** File dialogs only, e.g. [{ name: 'Datasets', extensions: ['csv', 'jsonl'] }]. */
  filters?: { name: string; extensions: string[] }[];
}

/** Commands sent by the native application menu to the window. */
export const MENU_COMMANDS = ['new-run', 'runs', 'compare', 'toggle-theme'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export interface OctetBridge {
  readonly version: string;
  call(method: ApiMethod, params: unknown): Promise<CallReply>;
  onEvents(handler: (events: RunEvent[]) => void): () => void;
  /** A native open dialog; null when cancelled. */
  pickPath(options: PathPickOptions): Promise<string | null>;
  onMenu(handler: (command: MenuCommand) => void): () => void;
}

/** IPC channel names shared by the preload and the main process. */
export const IPC_CHANNELS = {
  call: 'octet:call',
  events: 'octet:events',
  pickPath: 'octet:pick-path',
  menu: 'octet:menu',
} as const;
