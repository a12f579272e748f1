/**
 * An error's name and text, read the same way everywhere in the core: SDK errors carry a `name`
 * (RepositoryNotFoundException, …); dockerode passes the engine's JSON body on as `json.message`.
 */
export function errorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

export function errorMessage(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | undefined)?.json;
  if (json && typeof json.message === 'string') return json.message;
  return error instanceof Error ? error.message : String(error);
}
