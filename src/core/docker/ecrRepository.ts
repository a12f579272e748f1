import { DescribeImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { ensureRepository } from '../ecr/management';
import { isImmutable } from '../ecr/repositorySettings';
import { tagMutabilityFrom, type TagMutabilitySettings } from '../ecr/tagMutability';

/** What build-and-push needs from ECR's API before it pushes. */
export interface RepositoryGate {
  /**
   * Makes sure the repository exists; creates it when allowed. `immutable`: the mode's base;
   * `tagMutability` (mode and exclusion filters) decides tag by tag when present.
   */
  ensureRepository(name: string, create: boolean): Promise<{ created: boolean; immutable: boolean; tagMutability?: TagMutabilitySettings }>;
  /** Which of these tags already exist in the repository (only asked for tags that are immutable there). */
  existingTags(name: string, tags: string[]): Promise<string[]>;
}

export class RepositoryMissingError extends Error {
  constructor(readonly repository: string) {
    super(
      `Repository "${repository}" does not exist in ECR and "createRepository" is false. ECR refuses pushes to missing repositories: create it (ECR: Create Repository…) or set "createRepository": true.`,
    );
    this.name = 'RepositoryMissingError';
  }
}

const errorName = (error: unknown) => (error as { name?: string })?.name;

/** A RepositoryGate over the ECR API. */
export function ecrRepositoryGate(client: ECRClient, registryId?: string): RepositoryGate {
  return {
    async ensureRepository(name, create) {
      // The ECR core owns the existence check, creation and the creation race; this gate only
      // turns "missing and not allowed to create" into the task's own message.
      try {
        const { created, repository } = await ensureRepository(client, name, { create, registryId });
        return {
          created,
          immutable: isImmutable(repository.tagMutability),
          tagMutability: tagMutabilityFrom(repository.tagMutability, repository.tagMutabilityExclusionFilters),
        };
      } catch (error) {
        if (!create && errorName(error) === 'RepositoryNotFoundException') throw new RepositoryMissingError(name);
        throw error;
      }
    },
    async existingTags(name, tags) {
      const taken: string[] = [];
      // One call per tag: DescribeImages fails the whole call when any listed id is missing.
      for (const tag of tags) {
        try {
          const found = await client.send(new DescribeImagesCommand({ registryId, repositoryName: name, imageIds: [{ imageTag: tag }] }));
          if (found.imageDetails?.length) taken.push(tag);
        } catch (error) {
          if (errorName(error) !== 'ImageNotFoundException') throw error;
        }
      }
      return taken;
    },
  };
}
