// One call from the edge: known method, params validated with zod, errors as { name, message }.
// Shared by the WebSocket server and the Electron IPC handler.
import { API_METHODS, toWireError, type ApiMethod, type StudioApi, type WireError } from '../../common/api.ts';
import { paramSchemas } from './paramSchemas.ts';

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: WireError };

export function isApiMethod(method: unknown): method is ApiMethod {
  return typeof method === 'string' && (API_METHODS as readonly string[]).includes(method);
}

export class ValidationError extends Error {
  override name = 'ValidationError';
}

function describeIssues(method: string, issues: { path: PropertyKey[]; message: string }[]): string {
  const lines = issues.map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message));
  return `invalid params for ${method}:\n${lines.join('\n')}`;
}

export async function dispatchCall(api: StudioApi, method: unknown, params: unknown): Promise<CallOutcome> {
  if (!isApiMethod(method)) {
    return { ok: false, error: { name: 'UnknownMethod', message: `unknown method ${JSON.stringify(method)}; known: ${API_METHODS.join(', ')}` } };
  }
  const parsed = paramSchemas[method].safeParse(params ?? {});
  if (!parsed.success) {
    return { ok: false, error: toWireError(new ValidationError(describeIssues(method, parsed.error.issues))) };
  }
  try {
    // Each schema's output is exactly ApiParams<method>; the union call needs one cast.
    const fn = api[method] as (p: unknown) => Promise<unknown>;
    return { ok: true, result: await fn.call(api, parsed.data) };
  } catch (err) {
    return { ok: false, error: toWireError(err) };
  }
}
