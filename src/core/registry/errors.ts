/**
 * The OCI distribution spec's error codes (distribution-spec, "Error Codes"), mapped to sentences a
 * user acts on. The registry's own words go into `detail`; neither ever carries the password.
 */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'UNAVAILABLE'
  | 'TAG_INVALID'
  | 'DIGEST_MISMATCH'
  | 'UNREACHABLE'
  | 'UNKNOWN';

const MESSAGES: Record<RegistryErrorCode, (what: string) => string> = {
  BLOB_UNKNOWN: (what) => `The registry has no blob ${what}: the image refers to a layer or config that is gone.`,
  BLOB_UPLOAD_INVALID: (what) => `The registry refused the upload of ${what}; try again.`,
  BLOB_UPLOAD_UNKNOWN: (what) => `The registry forgot the upload of ${what} (it may have timed out); try again.`,
  DIGEST_INVALID: (what) => `The registry says the content of ${what} does not match its digest; try again.`,
  MANIFEST_BLOB_UNKNOWN: (what) => `The registry refused manifest ${what}: a blob or child manifest it names was not pushed first.`,
  MANIFEST_INVALID: (what) => `The registry refused manifest ${what} as invalid.`,
  MANIFEST_UNKNOWN: (what) => `No image ${what}: the tag or digest does not exist (it may have been deleted or moved).`,
  NAME_INVALID: (what) => `${what}: the repository name is not valid.`,
  NAME_UNKNOWN: (what) => `Repository of ${what} does not exist in this registry; create it first.`,
  SIZE_INVALID: (what) => `The registry says the size of ${what} does not match its content.`,
  UNAUTHORIZED: (what) => `The registry did not accept the ECR token for ${what}: sign in again or check the profile's credentials.`,
  DENIED: (what) => `Access to ${what} was denied: the profile needs ECR permissions (e.g. ecr:BatchGetImage, ecr:PutImage) on that repository.`,
  UNSUPPORTED: (what) => `The registry does not support this operation on ${what}.`,
  TOOMANYREQUESTS: (what) => `The registry is throttling requests (${what}); wait a moment and try again.`,
  UNAVAILABLE: (what) => `The registry is unavailable or failing (${what}); it was retried, try again later.`,
  TAG_INVALID: (what) => `${what}: the tag is not valid.`,
  DIGEST_MISMATCH: (what) => `The content received for ${what} does not hash to its digest; nothing was written.`,
  UNREACHABLE: (what) => `The registry could not be reached (${what}); check the network or the registry host setting.`,
  UNKNOWN: (what) => `The registry failed on ${what}.`,
};

export class RegistryError extends Error {
  constructor(
    readonly code: RegistryErrorCode,
    /** What was asked, e.g. "GET manifest team/app:1.0". */
    readonly subject: string,
    readonly status?: number,
    /** The registry's own message (never containing credentials). */
    readonly detail?: string,
    /** What a 429 or 503's Retry-After asked for. */
    readonly retryAfterMs?: number,
  ) {
    super(MESSAGES[code](subject) + (detail ? ` (${detail})` : ''));
    this.name = 'RegistryError';
  }
}

const KNOWN = new Set(Object.keys(MESSAGES));

/**
 * Builds the error for a failed response from its status and the spec's JSON error body. The
 * status decides first for 429 and 5xx: a server hiccup is never read as a permission problem,
 * whatever a proxy's body says.
 */
export function registryErrorFrom(status: number, body: string, subject: string, retryAfterMs?: number): RegistryError {
  let code: RegistryErrorCode | undefined;
  let detail: string | undefined;
  try {
    const first = (JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> }).errors?.[0];
    if (first?.code && KNOWN.has(first.code)) code = first.code as RegistryErrorCode;
    detail = first?.message || undefined;
  } catch {
    // Not the spec's JSON (a proxy's HTML page): fall back to the status.
    detail = body.trim().slice(0, 200) || undefined;
  }
  if (status === 429) code = 'TOOMANYREQUESTS';
  else if (status >= 500) code = 'UNAVAILABLE';
  code ??= status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'DENIED' : status === 429 ? 'TOOMANYREQUESTS' : status === 404 ? 'MANIFEST_UNKNOWN' : 'UNKNOWN';
  const statusText = code === 'UNKNOWN' || code === 'UNAVAILABLE' || code === 'TOOMANYREQUESTS' ? `HTTP ${status}` : undefined;
  return new RegistryError(code, subject, status, [statusText, detail].filter(Boolean).join(': ') || undefined, retryAfterMs);
}
