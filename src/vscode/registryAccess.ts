import type { Logger, SecretRedactor } from '../core/log';
import type { RegistryClient } from '../core/registry/client';
import type { RegistryConnection } from './explorer/api';

/**
 * A registry client for one configured registry, speaking to its registry endpoint (the
 * registry-host override when set, as pull and build-and-push do), with the token from the
 * connection's cache per request (core/registry/client.ts: registryClientFrom), registered with the
 * redactor and never written anywhere. Every retry of the one retry policy is written to `log` (the ECR log).
 */
export async function registryClientFor(connection: RegistryConnection, redactor: SecretRedactor, log?: Logger): Promise<RegistryClient> {
  const [{ registryClientFrom }, { retryText }] = await Promise.all([import('../core/registry/client'), import('../core/registry/retry')]);
  return registryClientFrom(
    (options) => connection.auth(options),
    (secret) => redactor.add(secret),
    log && ((notice) => log.warn(`registry: ${retryText(notice)}`)),
  );
}
