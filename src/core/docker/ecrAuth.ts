import type { ECRClient } from '@aws-sdk/client-ecr';
import { fetchAuthorization } from '../ecr/management';
import { decodeAuthorizationToken } from '../ecr/tokenCache';
import type { RegistryAuth } from './engine';

/**
 * One GetAuthorizationToken call turned into Docker credentials (no caching: the explorer's
 * RegistryConnection caches tokens for the extension; this serves tests, benches and scripts).
 */
export async function fetchRegistryAuth(client: ECRClient, options: { registryHostOverride?: string } = {}): Promise<RegistryAuth> {
  const { authorizationToken, proxyEndpoint } = await fetchAuthorization(client);
  const { username, password } = decodeAuthorizationToken(authorizationToken);
  return { username, password, registryHost: options.registryHostOverride || new URL(proxyEndpoint).host };
}
