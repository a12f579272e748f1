import { errorMessage } from '../errors';
import { isConnectionReset, type RegistryAuth } from './engine';
import { isUnauthorized, sleep } from './registryResponses';

export interface RegistryRetryOptions {
  /** What is being done, for the lines it prints: "push" or "pull". */
  what: string;
  /** The credentials to start with. */
  auth: RegistryAuth;
  /** A new token after the registry refused one (ECR tokens can be revoked, and clocks lie). */
  refreshAuth(): Promise<RegistryAuth>;
  /** Connection-reset retries: how many, and the first delay (doubled each time). */
  retry: { attempts: number; baseDelayMs: number };
  signal?: AbortSignal;
  /** A line for the person watching (the terminal, the log). */
  say(line: string): void;
}

/**
 * Runs a registry operation (a push, a pull) with the two recoveries both flows need: when the
 * registry refuses the token, fetch a new one and try again, once (never a loop, even when a
 * server reports every token as expired); when the connection drops, back off and try again, a
 * few times. Any other failure, and a cancel, is thrown as it came, for the caller to classify.
 * (The successor of TokenCache.withToken, which only the tests used.)
 */
export async function withRegistryRetries<T>(run: (auth: RegistryAuth) => Promise<T>, options: RegistryRetryOptions): Promise<T> {
  let auth = options.auth;
  let refreshed = false;
  let resets = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      return await run(auth);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const message = errorMessage(error);
      if (!refreshed && isUnauthorized(message)) {
        refreshed = true;
        options.say(`The registry refused the token (${message}); fetching a new one and retrying.`);
        auth = await options.refreshAuth();
        continue;
      }
      if ((isConnectionReset(error) || isConnectionReset(message)) && resets < options.retry.attempts) {
        const delay = options.retry.baseDelayMs * 2 ** resets;
        resets++;
        options.say(`Connection lost during the ${options.what} (${message}); retrying in ${(delay / 1000).toFixed(1)} s (attempt ${resets + 1} of ${options.retry.attempts + 1}).`);
        await sleep(delay, options.signal);
        continue;
      }
      throw error;
    }
  }
}
