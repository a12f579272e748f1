import type { ECRClient } from '@aws-sdk/client-ecr';
import { fetchAuthorization } from '../../src/core/ecr/management';
import { decodeAuthorizationToken } from '../../src/core/ecr/tokenCache';
import type { RegistryAuth } from '../../src/core/docker/engine';

/**
 * One GetAuthorizationToken call turned into Docker credentials (no caching), for tests and benches: the
 * extension's RegistryConnection caches tokens itself.
 */
export async function fetchRegistryAuth(client: ECRClient, options: { registryHostOverride?: string } = {}): Promise<RegistryAuth> {
  const { authorizationToken, proxyEndpoint } = await fetchAuthorization(client);
  const { username, password } = decodeAuthorizationToken(authorizationToken);
  return { username, password, registryHost: options.registryHostOverride || new URL(proxyEndpoint).host };
}
