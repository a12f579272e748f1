import { repositoryNameProblem, tagProblem } from './names';
import { splitImageReference } from '../imageReference';

/**
 * ECR registry hosts and URIs. The host pattern follows amazon-ecr-credential-helper's `ecrPattern`:
 * `<12 digits>.dkr[.-]ecr[-fips].<region>.<partition domain>`. It is matched against the parsed
 * hostname as a whole, so look-alikes such as `…amazonaws.com.evil.com` never match.
 */
const ECR_HOST =
  /^(\d{12})\.dkr([.-])ecr(-fips)?\.([a-z0-9][a-z0-9-_]*)\.(amazonaws\.(?:com(?:\.cn)?|eu)|on\.(?:aws|amazonwebservices\.com\.cn)|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-iso-e' | 'aws-iso-f' | 'aws-eusc';

export interface RegistryHost {
  /** The hostname, lower-cased, without port. */
  host: string;
  accountId: string;
  region: string;
  fips: boolean;
  /** `dkr-ecr.<region>.on.aws` style (IPv4 + IPv6) endpoints. */
  dualStack: boolean;
  /** The DNS suffix after the region, e.g. `amazonaws.com.cn`. */
  domain: string;
  partition: Partition;
}

/** The registry behind an ECR host name, or undefined when the host is not an ECR private registry. */
export function parseRegistryHost(hostname: string): RegistryHost | undefined {
  const host = hostname.trim().toLowerCase().replace(/\.$/, '');
  const match = ECR_HOST.exec(host);
  if (!match) return undefined;
  const [, accountId, separator, fips, region, domain] = match;
  return {
    host,
    accountId,
    region,
    fips: Boolean(fips),
    dualStack: separator === '-' || domain.startsWith('on.'),
    domain,
    partition: partitionOf(region, domain),
  };
}

export interface RegistryUri extends RegistryHost {
  /** Repository path after the host, when the URI named one. */
  repository?: string;
  tag?: string;
  digest?: string;
}

/**
 * Parses what a user pastes: a bare host, `https://host`, `host/repo`, `host/repo:tag` or
 * `host/repo@sha256:…`. Throws an Error whose message says what is wrong.
 */
export function parseRegistryUri(input: string): RegistryUri {
  const text = input.trim();
  if (!text) throw new Error('The registry URI is empty. Paste one like 123456789012.dkr.ecr.us-east-1.amazonaws.com.');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new Error(`"${text}" is not a URI. Paste a registry URI like 123456789012.dkr.ecr.us-east-1.amazonaws.com.`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`ECR registries are served over HTTPS; "${url.protocol.replace(/:$/, '')}://" is not a registry URI.`);
  }
  if (url.port && url.port !== '443') {
    throw new Error(`ECR registry hosts take no port (got :${url.port}). Paste the URI without it.`);
  }
  if (url.username || url.password) {
    throw new Error('The registry URI must not contain credentials; ECR credentials come from your AWS profile.');
  }
  const registry = parseRegistryHost(url.hostname);
  if (!registry) {
    throw new Error(
      `"${url.hostname}" is not an ECR registry host. ECR hosts look like <12-digit account>.dkr.ecr.<region>.amazonaws.com (or .amazonaws.com.cn, .on.aws for dual-stack, ecr-fips for FIPS).`,
    );
  }
  let path: string;
  try {
    path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  } catch {
    throw new Error(`"${text}" has a malformed %-escape in its path. Paste the URI as ECR shows it.`);
  }
  if (!path) return registry;
  const { name: repository, tag, digest } = splitImageReference(path);
  // Checked with the same rules as Create Repository, so a pasted URI is never half-understood.
  const problem = repositoryNameProblem(repository) ?? (tag !== undefined ? tagProblem(tag) : undefined);
  if (problem) throw new Error(problem);
  if (digest !== undefined && !/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest)) {
    throw new Error(`"${digest}" is not an image digest (sha256:<64 hex digits>).`);
  }
  return { ...registry, repository, tag, digest };
}

function partitionOf(region: string, domain: string): Partition {
  if (domain.endsWith('.cn') || region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (domain === 'amazonaws.eu' || region.startsWith('eusc-')) return 'aws-eusc';
  if (domain === 'c2s.ic.gov') return 'aws-iso';
  if (domain === 'sc2s.sgov.gov') return 'aws-iso-b';
  if (domain === 'cloud.adc-e.uk') return 'aws-iso-e';
  if (domain === 'csp.hci.ic.gov') return 'aws-iso-f';
  return 'aws';
}

/** The partition of a region name (for building hosts and console links without a host at hand). */
export function partitionOfRegion(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

const DOMAINS: Record<Partition, string> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-eusc': 'amazonaws.eu',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
};

/** The DNS suffixes of ECR's dual-stack API endpoints (`ecr.<region>.api.aws`), beside the partitions' domains above. */
const DUAL_STACK_DOMAINS = ['api.aws', 'api.amazonwebservices.com.cn'];

/**
 * True when an ECR API endpoint override is still AWS (a VPC, FIPS or dual-stack endpoint of any
 * partition), false for another server (a local ECR-compatible stack, a proxy) or text that is no URL.
 */
export function isAwsEndpoint(endpoint: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(endpoint).hostname;
  } catch {
    return false;
  }
  return [...new Set(Object.values(DOMAINS)), ...DUAL_STACK_DOMAINS].some((domain) => hostname.endsWith(`.${domain}`));
}

/** The standard registry host of an account in a region: `<account>.dkr.ecr.<region>.<domain>`. */
export function registryHostFor(accountId: string, region: string): string {
  return `${accountId}.dkr.ecr.${region}.${DOMAINS[partitionOfRegion(region)]}`;
}
