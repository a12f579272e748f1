import type { SecretRedactor } from '../core/log';
import type { RegistryClient } from '../core/registry/client';
import type { RegistryConnection } from './explorer/api';

/**
 * A registry client for one configured registry, speaking to its registry endpoint (the
 * registry-host override when set, as pull and build-and-push do), with the token from the
 * connection's cache per request (core/registry/client.ts: registryClientFrom), registered with the
 * redactor and never written anywhere.
 */
export async function registryClientFor(connection: RegistryConnection, redactor: SecretRedactor): Promise<RegistryClient> {
  const { registryClientFrom } = await import('../core/registry/client');
  return registryClientFrom((options) => connection.auth(options), (secret) => redactor.add(secret));
}
