/** ECR's repository name rule and Docker's tag rule (see DESIGN.md). */
const REPOSITORY_NAME = /^(?=.{2,256}$)[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** amazon-ecr-credential-helper's host pattern: <account>.dkr.ecr[-fips].<region>.<partition domain>. */
const ECR_HOST = /^(\d{12})\.dkr[.-]ecr(-fips)?\.([a-z0-9][a-z0-9-]*[a-z0-9])\.(amazonaws\.com(\.cn)?|on\.aws|sc2s\.sgov\.gov|c2s\.ic\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$/;

export interface RepositoryReference {
  name: string;
  /** Present when the input was a full URI (host/name). */
  registryHost?: string;
  /** Present when that host is an ECR registry host. */
  ecr?: { accountId: string; region: string };
}

/** Accepts "name", "path/name" or "<host>/<name>"; a tag or digest in it is refused with a hint. */
export function parseRepositoryInput(input: string): RepositoryReference {
  const value = input.trim().replace(/^[a-z]+:\/\//i, '');
  if (!value) throw new Error('The repository is empty: name an ECR repository, e.g. "my-team/operator".');
  const segments = value.split('/');
  const first = segments[0];
  const hasHost = segments.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registryHost = hasHost ? first : undefined;
  const name = hasHost ? segments.slice(1).join('/') : value;
  if (/[@]|:[^/]*$/.test(name)) {
    throw new Error(`"${input}" includes a tag or digest; give the repository alone and put tags in "tags".`);
  }
  if (!REPOSITORY_NAME.test(name)) {
    throw new Error(
      `"${name}" is not a valid ECR repository name: use 2-256 lower-case letters, digits and . _ - separators, with / between path parts.`,
    );
  }
  const ecrMatch = registryHost ? ECR_HOST.exec(registryHost) : null;
  return { name, registryHost, ecr: ecrMatch ? { accountId: ecrMatch[1], region: ecrMatch[3] } : undefined };
}

export function invalidTags(tags: string[]): string[] {
  return tags.filter((tag) => !TAG.test(tag));
}
