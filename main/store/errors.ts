// Errors the store throws for the caller to show; `name` survives the API boundary ({ name, message }).
export class RunNotFoundError extends Error {
  override name = 'RunNotFound';
  constructor(readonly runId: number) {
    super(`run ${runId} does not exist (list runs with \`octet runs list\`)`);
  }
}
