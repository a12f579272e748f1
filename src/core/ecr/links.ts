import { partitionOfRegion } from './registryHost';

/** What a repository or image URI is built from. `registryHost` already honours any host override. */
export interface ImageLocation {
  registryHost: string;
  repository: string;
}

export const repositoryUri = (at: ImageLocation) => `${at.registryHost}/${at.repository}`;
export const imageUriByTag = (at: ImageLocation, tag: string) => `${repositoryUri(at)}:${tag}`;
export const imageUriByDigest = (at: ImageLocation, digest: string) => `${repositoryUri(at)}@${digest}`;

/** A `docker pull` line; by tag when one is given, else by digest. */
export function pullCommand(at: ImageLocation, image: { tag?: string; digest: string }): string {
  return `docker pull ${image.tag ? imageUriByTag(at, image.tag) : imageUriByDigest(at, image.digest)}`;
}

/** The AWS console's origin for a region, or undefined where there is no public console (ISO, EUSC). */
export function consoleOrigin(region: string): string | undefined {
  switch (partitionOfRegion(region)) {
    case 'aws':
      return `https://${region}.console.aws.amazon.com`;
    case 'aws-cn':
      return `https://${region}.console.amazonaws.cn`;
    case 'aws-us-gov':
      return `https://${region}.console.amazonaws-us-gov.com`;
    default:
      return undefined;
  }
}

export interface ConsoleTarget {
  region: string;
  accountId?: string;
  repository?: string;
  digest?: string;
}

/** The ECR console page for a registry, a repository or one image. */
export function consoleUrl(target: ConsoleTarget): string | undefined {
  const origin = consoleOrigin(target.region);
  if (!origin) return undefined;
  const query = `?region=${encodeURIComponent(target.region)}`;
  if (!target.repository || !target.accountId) return `${origin}/ecr/private-registry/repositories${query}`;
  const repository = `${origin}/ecr/repositories/private/${target.accountId}/${target.repository}`;
  if (!target.digest) return `${repository}${query}`;
  return `${repository}/_/image/${encodeURIComponent(target.digest)}/details${query}`;
}
