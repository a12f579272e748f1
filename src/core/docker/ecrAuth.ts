import { GetAuthorizationTokenCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { RegistryAuth } from './engine';

/**
 * One GetAuthorizationToken call turned into Docker credentials (no caching: the explorer's
 * RegistryConnection caches tokens for the extension; this serves tests, benches and scripts).
 * The token is base64 "AWS:<password>".
 */
export async function fetchRegistryAuth(client: ECRClient, options: { registryHostOverride?: string } = {}): Promise<RegistryAuth> {
  const response = await client.send(new GetAuthorizationTokenCommand({}));
  const data = response.authorizationData?.[0];
  if (!data?.authorizationToken) throw new Error('ECR returned no authorization token');
  const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) throw new Error('ECR returned a malformed authorization token');
  const registryHost = options.registryHostOverride || new URL(data.proxyEndpoint ?? '').host;
  return { username: decoded.slice(0, separator), password: decoded.slice(separator + 1), registryHost };
}
