// The shape of messages a browser may send (common/api.ts ClientMessage), checked before use.
import { z } from 'zod';
import type { ClientMessage } from '../../common/api.ts';

const ClientMessageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('call'), id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), method: z.string().max(64), params: z.unknown() }),
  z.strictObject({ kind: z.literal('auth'), token: z.string().max(1024) }),
]);

/** The message, or a reason it was refused (with the call id when one could be read). */
export function parseClientMessage(raw: string): { ok: true; msg: ClientMessage } | { ok: false; id: number; reason: string } {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, id: 0, reason: 'message is not JSON' };
  }
  const res = ClientMessageSchema.safeParse(data);
  if (res.success) return { ok: true, msg: res.data as ClientMessage };
  const id = typeof data === 'object' && data && typeof (data as { id?: unknown }).id === 'number' ? (data as { id: number }).id : 0;
  return { ok: false, id, reason: `malformed message: ${res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
}
