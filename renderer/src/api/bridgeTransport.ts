// StudioClient transport over the Electron preload bridge (window.octet): IPC, no network.
import { ApiError, type ApiMethod } from '../../../common/api.ts';
import type { OctetBridge } from '../../../common/bridge.ts';
import type { RunEvent } from '../../../common/runs.ts';
import { Listeners, type ConnectionState, type Transport } from './transport.ts';

export function createBridgeTransport(bridge: OctetBridge): Transport {
  const state: ConnectionState = { kind: 'open', version: bridge.version };
  const stateListeners = new Listeners<ConnectionState>();
  return {
    state,
    async call(method: ApiMethod, params: unknown) {
      const reply = await bridge.call(method, params);
      if (reply.kind === 'error') throw new ApiError(reply.error.name, reply.error.message);
      return reply.result;
    },
    onEvents: (handler: (events: RunEvent[]) => void) => bridge.onEvents(handler),
    onState: (handler) => stateListeners.add(handler),
    authenticate() {},
  };
}
