import { parseRegistryHost } from '../ecr/registryHost';
import { repositoryNameProblem, tagProblem } from '../ecr/names';
import { registryHostOf } from '../imageReference';

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
  const registryHost = registryHostOf(value);
  const name = registryHost ? value.slice(registryHost.length + 1) : value;
  if (/[@]|:[^/]*$/.test(name)) {
    throw new Error(`"${input}" includes a tag or digest; give the repository alone and put tags in "tags".`);
  }
  // The same rules as the explorer's, so a URI means the same thing in the tree and in a task.
  const problem = repositoryNameProblem(name);
  if (problem) throw new Error(problem);
  const ecrHost = registryHost ? parseRegistryHost(registryHost) : undefined;
  return { name, registryHost, ecr: ecrHost ? { accountId: ecrHost.accountId, region: ecrHost.region } : undefined };
}

export function invalidTags(tags: string[]): string[] {
  return tags.filter((tag) => tagProblem(tag) !== undefined);
}
