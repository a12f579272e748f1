import { errorMessage } from '../errors';
import { isLoopbackHost } from '../registry/client';
import { retryDelay, waitFor, type RetryPolicy } from '../registry/retry';
import { isConnectionReset, type RegistryAuth } from './engine';
import { isUnauthorized } from './registryResponses';

export interface RegistryRetryOptions {
  /** What is being done, for the lines it prints: "push" or "pull". */
  what: string;
  /** The credentials to start with. */
  auth: RegistryAuth;
  /** A new token after the registry refused one (ECR tokens can be revoked, and clocks lie). */
  refreshAuth(): Promise<RegistryAuth>;
  /** Retries of transient failures (resets, 5xx, 429): how many after the first attempt, and the first delay (doubled each time, with jitter, capped at maxDelayMs). */
  retry: { attempts: number; baseDelayMs: number; maxDelayMs?: number; random?: () => number };
  signal?: AbortSignal;
  /** A line for the person watching (the terminal, the log). */
  say(line: string): void;
  /**
   * Asks the registry itself what it answers (GET /v2/ with the credentials): the engine passes on
   * words, not statuses, and when its own /v2/ check gets a 503 it goes on without credentials and
   * reports "unauthorized". Undefined when it cannot tell (not reachable).
   */
  probe?: (auth: RegistryAuth, signal?: AbortSignal) => Promise<number | undefined>;
}

/** The registry kept failing (5xx, 429, resets) through every attempt: not a permission problem. */
export class RegistryUnavailableError extends Error {
  constructor(
    readonly what: string,
    readonly host: string,
    readonly attempts: number,
    readonly last: string,
  ) {
    super(`The registry ${host} kept failing during the ${what} (${last}), ${attempts} attempt${attempts === 1 ? '' : 's'}: a fault of the registry or the network, not of your credentials. Try again later.`);
    this.name = 'RegistryUnavailableError';
  }
}

/** The engine's words for a registry answering 5xx or 429 (the status is in the text, when it is anywhere). */
export function isServerTrouble(message: string): boolean {
  // dockerode puts the Engine API's own status first ("(HTTP code 500) server error - …"): that is the daemon's, not the registry's.
  message = message.replace(/^\(HTTP code \d+\)[^-]*- /, '');
  return /\b5(?:0[02-4]|[1-9]\d)\b|service unavailable|bad gateway|gateway time-?out|internal server error|toomanyrequests|too many requests|\b429\b/i.test(message);
}

/** GET /v2/ at the registry with the credentials: its status, or undefined when it cannot be reached within 10 s. */
export async function probeRegistry(auth: RegistryAuth, signal?: AbortSignal): Promise<number | undefined> {
  const url = `${isLoopbackHost(auth.registryHost) ? 'http' : 'https'}://${auth.registryHost}/v2/`;
  try {
    const response = await fetch(url, {
      headers: { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` },
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(10_000)]) : AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    return response.status;
  } catch {
    return undefined;
  }
}

/**
 * Runs a registry operation (a push, a pull) under the one retry policy (core/registry/retry.ts):
 * when the registry refuses the token, fetch a new one and try again, once (never a loop, even
 * when a server reports every token as expired); when the connection drops or the registry
 * answers 5xx or 429, back off (capped, with jitter) and try again, a bounded number of times,
 * each retry said ("retrying in 2 s, attempt 2 of 5"). An "unauthorized" from the engine is
 * checked against the registry's own answer first (`probe`): a 5xx there is the registry's
 * trouble, retried and, at the end, reported as such (RegistryUnavailableError), never as a
 * permission problem. Any other failure, and a cancel, is thrown as it came, for the caller to classify.
 */
export async function withRegistryRetries<T>(run: (auth: RegistryAuth) => Promise<T>, options: RegistryRetryOptions): Promise<T> {
  let auth = options.auth;
  let refreshed = false;
  let retries = 0;
  const policy: RetryPolicy = { attempts: options.retry.attempts + 1, baseDelayMs: options.retry.baseDelayMs, maxDelayMs: options.retry.maxDelayMs ?? 20_000, random: options.retry.random };
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      return await run(auth);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const message = errorMessage(error);
      let transient: string | undefined;
      if (isConnectionReset(error) || isConnectionReset(message)) transient = message;
      else if (isServerTrouble(message)) transient = message;
      else if (isUnauthorized(message) && options.probe) {
        const status = await options.probe(auth, options.signal);
        if (status !== undefined && (status >= 500 || status === 429)) transient = `the registry answers HTTP ${status} to /v2/, so the engine went on without credentials and was told "${message}"`;
      }
      if (!transient && !refreshed && isUnauthorized(message)) {
        refreshed = true;
        options.say(`The registry refused the token (${message}); fetching a new one and retrying.`);
        auth = await options.refreshAuth();
        continue;
      }
      if (!transient) throw error;
      if (retries >= options.retry.attempts) throw new RegistryUnavailableError(options.what, auth.registryHost, retries + 1, transient);
      retries++;
      const delay = retryDelay(policy, retries);
      const seconds = delay < 1000 ? (delay / 1000).toFixed(1) : String(Math.round(delay / 1000));
      options.say(`The ${options.what} failed (${transient}); retrying in ${seconds} s, attempt ${retries + 1} of ${policy.attempts}.`);
      await waitFor(delay, options.signal).catch(() => {});
    }
  }
}
