// Builds the typed StudioClient (every StudioApi method + onEvents) on top of a transport.
import { API_METHODS, type ApiMethod, type StudioApi, type StudioClient } from '../../../common/api.ts';
import type { Transport } from './transport.ts';

export function createStudioClient(transport: Transport): StudioClient {
  const methods: Partial<Record<ApiMethod, (params: unknown) => Promise<unknown>>> = {};
  for (const method of API_METHODS) methods[method] = (params: unknown) => transport.call(method, params ?? {});
  return { ...(methods as unknown as StudioApi), onEvents: (handler) => transport.onEvents(handler) };
}
