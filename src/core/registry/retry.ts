/**
 * The one retry policy for calls to a registry endpoint (the OCI distribution API, and the Docker
 * Engine's push and pull, which speak it for us): a connection reset, a timeout, 429 (waiting as
 * long as its Retry-After asks) and 5xx (but 501 and 505, which will not change) are retried with
 * capped exponential backoff and jitter, a bounded number of attempts; a 4xx that means the
 * request is wrong (400, 403, 404, 405, 409, 412, 413, 416…) never is. A 401 is the credentials'
 * business (the client asks for a fresh token once), not this policy's.
 *
 * ECR documents throttling (ThrottlingException, HTTP 429) and 5xx as retryable with backoff:
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html ("requests are
 * throttled … retry with exponential backoff"), https://docs.aws.amazon.com/general/latest/gr/api-retries.html.
 * Retry-After is RFC 9110 §10.2.3 (seconds or an HTTP date); the distribution spec names 429
 * TOOMANYREQUESTS among its error codes.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first wait; doubled for each further retry. */
  baseDelayMs: number;
  /** No wait is longer (a Retry-After too is capped here). */
  maxDelayMs: number;
  /** 0..1; tests pass a fixed value. */
  random?: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 20_000 };

/** One retry about to happen: written to the ECR log and shown in the progress. */
export interface RetryNotice {
  /** What is being retried, e.g. "PUT manifest team/app:1.0". */
  what: string;
  /** Why: "HTTP 503", "ECONNRESET"… */
  reason: string;
  /** The attempt about to start (2 for the first retry). */
  attempt: number;
  attempts: number;
  delayMs: number;
}

export type RetryListener = (notice: RetryNotice) => void;

/** "retrying in 2 s, attempt 2 of 5" */
export function retryText(notice: RetryNotice): string {
  const seconds = notice.delayMs < 1000 ? (notice.delayMs / 1000).toFixed(1) : String(Math.round(notice.delayMs / 1000));
  return `${notice.what}: ${notice.reason}; retrying in ${seconds} s, attempt ${notice.attempt} of ${notice.attempts}`;
}

/** Statuses worth another attempt: 408, 429 and 5xx but 501 (not implemented) and 505 (version). */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return false;
  return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const TRANSIENT_TEXT = /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|other side closed|premature close|timed out|terminated|connection (?:reset|refused|closed)|aborted by the server/i;

/** A network failure (reset, refused, timeout, a body cut short), from its code or its words. */
export function isTransientNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === 'string' && TRANSIENT_TEXT.test(message)) return true;
  }
  return false;
}

/** Milliseconds a Retry-After header asks for (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `retry` (1 for the first): base·2^(retry-1), capped, with "equal
 * jitter" (half fixed, half random) so that clients that failed together do not return together;
 * a Retry-After is honoured (never waited less than it asks), capped at maxDelayMs.
 */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfter?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = ceiling / 2 + (policy.random ?? Math.random)() * (ceiling / 2);
  return Math.round(retryAfter !== undefined ? Math.min(policy.maxDelayMs, Math.max(retryAfter, jittered)) : jittered);
}

/** How a failure reads to the policy. */
export interface RetryVerdict {
  retry: boolean;
  /** Shown with the notice: "HTTP 503", "ECONNRESET". */
  reason: string;
  retryAfterMs?: number;
}

export interface RetryOptions {
  policy?: RetryPolicy;
  signal?: AbortSignal;
  onRetry?: RetryListener;
  /** Whether a failure is worth another attempt (default: `classifyFailure`). */
  classify?: (error: unknown) => RetryVerdict;
}

/** The default reading: an error's HTTP `status` (and `retryAfterMs`), else a transient network error. */
export function classifyFailure(error: unknown): RetryVerdict {
  const status = (error as { status?: unknown })?.status;
  if (typeof status === 'number' && status > 0) {
    const after = (error as { retryAfterMs?: unknown }).retryAfterMs;
    return { retry: isRetryableStatus(status), reason: `HTTP ${status}`, ...(typeof after === 'number' ? { retryAfterMs: after } : {}) };
  }
  if ((error as { retryable?: unknown })?.retryable === true || isTransientNetworkError(error)) {
    const code = (error as { code?: unknown; cause?: { code?: unknown } })?.cause?.code ?? (error as { code?: unknown })?.code;
    return { retry: true, reason: typeof code === 'string' && code === code.toUpperCase() ? code : firstLine(error) };
  }
  return { retry: false, reason: firstLine(error) };
}

function firstLine(error: unknown): string {
  return String((error as { message?: unknown } | null | undefined)?.message ?? error).split('\n')[0].slice(0, 160);
}

/**
 * Runs `work` until it succeeds, a failure is not retryable, the attempts are spent or the signal
 * aborts (then the abort is what is thrown). `work` gets the attempt number (1-based).
 */
export async function withRetry<T>(what: string, work: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await work(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason ?? error;
      const verdict = (options.classify ?? classifyFailure)(error);
      if (!verdict.retry || attempt >= policy.attempts) throw error;
      const delayMs = retryDelay(policy, attempt, verdict.retryAfterMs);
      options.onRetry?.({ what, reason: verdict.reason, attempt: attempt + 1, attempts: policy.attempts, delayMs });
      await waitFor(delayMs, options.signal);
    }
  }
}

/** Waits `ms`, or until the signal aborts (then throws its reason). */
export function waitFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
