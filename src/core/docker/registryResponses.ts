/**
 * How a registry's refusals read once the Docker Engine has passed them on as text (push and pull
 * streams carry messages, not status codes). The waits between retries are the retry policy's
 * (core/registry/retry.ts).
 */

/** The registry did not accept the credentials (a fresh ECR token may fix it). */
export function isUnauthorized(message: string): boolean {
  return /unauthorized|authentication required|no basic auth credentials|authorization token has expired|\b401\b/i.test(message);
}

/** The credentials were accepted but lack a permission. */
export function isDenied(message: string): boolean {
  return /denied|forbidden|not authorized|\b403\b/i.test(message);
}

/** ECR refused to move an existing tag in an immutable repository. */
export function isImmutableTagError(message: string): boolean {
  return /cannot be overwritten because the repository is immutable|ImageTagAlreadyExists|tag invalid/i.test(message);
}

/** The repository, tag or digest is not there. */
export function isNotFound(message: string): boolean {
  return /manifest unknown|not found|name unknown|does not exist|\b404\b/i.test(message);
}
