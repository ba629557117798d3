// The one door from the renderer to the app: picks the Electron bridge when present, else WebSocket.
import type { StudioClient } from '../../../common/api.ts';
import type { MenuCommand, OctetBridge, PathPickOptions } from '../../../common/bridge.ts';
import { createBridgeTransport } from './bridgeTransport.ts';
import { createStudioClient } from './studioClient.ts';
import type { Transport } from './transport.ts';
import { createWsTransport } from './wsTransport.ts';

export interface Host {
  mode: 'electron' | 'browser';
  client: StudioClient;
  transport: Transport;
  /** Native file/folder dialogs (Electron only); null in the browser, where paths are typed. */
  pickPath: ((options: PathPickOptions) => Promise<string | null>) | null;
  onMenu(handler: (command: MenuCommand) => void): () => void;
}

function bridgeFromWindow(): OctetBridge | null {
  const candidate = (window as unknown as { octet?: OctetBridge }).octet;
  return candidate && typeof candidate.call === 'function' ? candidate : null;
}

/** Takes ?token=… from the address bar once (so it is not kept in history or bookmarks). */
function takeTokenFromUrl(): string | null {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return null;
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url.toString());
  return token;
}

export function connectHost(): Host {
  const bridge = bridgeFromWindow();
  if (bridge) {
    const transport = createBridgeTransport(bridge);
    return {
      mode: 'electron',
      client: createStudioClient(transport),
      transport,
      pickPath: (options) => bridge.pickPath(options),
      onMenu: (handler) => bridge.onMenu(handler),
    };
  }
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const transport = createWsTransport({
    url: `${scheme}://${window.location.host}/api`,
    initialToken: takeTokenFromUrl(),
    storage: window.sessionStorage,
  });
  return {
    mode: 'browser',
    client: createStudioClient(transport),
    transport,
    pickPath: null,
    onMenu: () => () => {},
  };
}
