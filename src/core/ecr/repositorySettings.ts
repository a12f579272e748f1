/**
 * Repository settings beyond scanning: tag mutability and the repository (resource) policy.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { errorName } from '../errors';
import { baseIsImmutable, tagMutabilityFrom, tagMutabilityRequest, type TagMutabilitySettings } from './tagMutability';

/**
 * Whether the mode's base is immutable; the *_WITH_EXCLUSION forms count as their base. For one tag,
 * ask `tagIsImmutable` (tagMutability.ts), which knows the exclusion filters.
 */
export const isImmutable = (tagMutability: string) => baseIsImmutable(tagMutability);

/** The plain setting a toggle moves to: immutable ↔ mutable (exclusion filters are not carried over). */
export const toggledMutability = (tagMutability: string): 'MUTABLE' | 'IMMUTABLE' => (isImmutable(tagMutability) ? 'MUTABLE' : 'IMMUTABLE');

/** PutImageTagMutability; returns the setting ECR now holds. */
export async function setTagMutability(client: ECRClient, repository: string, mutability: 'MUTABLE' | 'IMMUTABLE', registryId?: string): Promise<string> {
  const { PutImageTagMutabilityCommand } = await import('@aws-sdk/client-ecr');
  const response = await client.send(new PutImageTagMutabilityCommand({ registryId, repositoryName: repository, imageTagMutability: mutability }));
  return response.imageTagMutability ?? mutability;
}

/**
 * PutImageTagMutability with any of the four modes and its exclusion filters; the settings are
 * checked as ECR checks them first (no call is made when ECR would refuse them). Returns what ECR now holds.
 */
export async function putTagMutability(client: ECRClient, repository: string, settings: TagMutabilitySettings, registryId?: string): Promise<TagMutabilitySettings> {
  const request = tagMutabilityRequest(settings);
  const { PutImageTagMutabilityCommand } = await import('@aws-sdk/client-ecr');
  const response = await client.send(new PutImageTagMutabilityCommand({ registryId, repositoryName: repository, ...request }));
  return tagMutabilityFrom(response.imageTagMutability ?? request.imageTagMutability, response.imageTagMutabilityExclusionFilters ?? request.imageTagMutabilityExclusionFilters);
}

/**
 * GetRepositoryPolicy, pretty-printed (ECR returns it as it was stored, often on one line).
 * Undefined when the repository has no policy: then only IAM policies in the account grant access.
 */
export async function getRepositoryPolicy(client: ECRClient, repository: string, registryId?: string): Promise<string | undefined> {
  const { GetRepositoryPolicyCommand } = await import('@aws-sdk/client-ecr');
  try {
    const response = await client.send(new GetRepositoryPolicyCommand({ registryId, repositoryName: repository }));
    return response.policyText ? prettyJson(response.policyText) : undefined;
  } catch (error) {
    if (errorName(error) === 'RepositoryPolicyNotFoundException') return undefined;
    throw error;
  }
}

/** Two-space JSON; text that does not parse is returned as it came, so nothing is hidden. */
export function prettyJson(text: string): string {
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
  } catch {
    return text;
  }
}
