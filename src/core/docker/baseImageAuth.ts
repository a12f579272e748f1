/**
 * Registry credentials for a build's base images. The Docker Engine does not read ~/.docker/config.json:
 * the CLI sends credentials with each build (the classic builder's X-Registry-Config header, BuildKit's
 * session Auth/Credentials). So a `FROM <account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>` (a private
 * base, or a pull-through-cache path) pulls only when we send a token for that host. Tokens go only to
 * hosts of connected registries, per request, never written anywhere (DESIGN: the ECR token).
 */
import { parseDockerfile, substituteVariables } from '../dockerfile/parse';
import { registryHostOf, splitImageReference } from '../imageReference';
import { parseRegistryHost } from '../ecr/registryHost';
import type { RegistryAuth } from './engine';
import { errorMessage } from '../errors';

/** A connected registry base images may come from (a RegistryConnection fits). */
export interface BaseRegistry {
  /** Unknown until settings or a token name it; such a registry matches no ECR host. */
  readonly accountId: string | undefined;
  readonly region: string;
  /** Its cached token (one GetAuthorizationToken per registry while the cache holds it). */
  auth(options: { forceRefresh: boolean }): Promise<RegistryAuth>;
}

/**
 * The registry hosts the FROM lines of every stage name, lower-cased, each once. Variables resolve from the
 * Dockerfile's ARG defaults before the first FROM, overridden by the build's build args (as the engine
 * does); a FROM that names an earlier stage, `scratch`, an unresolvable variable or Docker Hub names none.
 */
export function baseImageHosts(dockerfileText: string, buildArgs: Record<string, string> = {}): string[] {
  const model = parseDockerfile(dockerfileText);
  const values = new Map(model.globalArgs);
  // Only declared ARGs take a build arg (the engine warns about, and ignores, the others).
  for (const [name, value] of Object.entries(buildArgs)) if (values.has(name)) values.set(name, value);
  const hosts = new Set<string>();
  for (const stage of model.stages) {
    const { written, usesVariables, parentStage } = stage.from;
    if (written === undefined || parentStage !== undefined) continue;
    const resolved = usesVariables ? substituteVariables(written, values) : written;
    if (!resolved) continue;
    const host = registryHostOf(splitImageReference(resolved).name);
    if (host) hosts.add(host.toLowerCase());
  }
  return [...hosts];
}

export interface BaseImageAuth {
  /** One entry per host that gets a token, keyed by the host as the FROM names it. */
  auth: RegistryAuth[];
  /** Hosts of connected registries whose token could not be fetched, with the reason (the build goes on; its pull will say no). */
  problems: string[];
}

/**
 * Credentials for each host: the push registry's own host takes the push token; an ECR host
 * (`<account>.dkr.ecr[-fips].<region>.<domain>`) takes the token of the connected registry with that account
 * and region. Any other host gets nothing, so no token ever reaches a host that is not that registry's.
 */
export async function baseImageAuth(hosts: readonly string[], push: RegistryAuth, registries: readonly BaseRegistry[]): Promise<BaseImageAuth> {
  const auth: RegistryAuth[] = [];
  const problems: string[] = [];
  for (const host of hosts) {
    if (host === push.registryHost.toLowerCase()) {
      auth.push({ username: push.username, password: push.password, registryHost: host });
      continue;
    }
    const ecr = parseRegistryHost(host);
    if (!ecr) continue;
    const registry = registries.find((candidate) => candidate.accountId === ecr.accountId && candidate.region === ecr.region);
    if (!registry) continue;
    try {
      const token = await registry.auth({ forceRefresh: false });
      auth.push({ username: token.username, password: token.password, registryHost: host });
    } catch (error) {
      problems.push(`${host}: ${errorMessage(error)}`);
    }
  }
  return { auth, problems };
}
