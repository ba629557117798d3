// One place that turns any thrown value into the line the user sees.
export class UserError extends Error {
  override name = 'UserError';
}

export function formatCliError(err: unknown): string {
  if (err instanceof Error) {
    const debug = process.env.OCTET_DEBUG === '1';
    return debug && err.stack ? err.stack : `octet: ${err.message}`;
  }
  return `octet: ${String(err)}`;
}
