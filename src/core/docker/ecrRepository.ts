import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  type Repository,
} from '@aws-sdk/client-ecr';

/** What build-and-push needs from ECR's API before it pushes. */
export interface RepositoryGate {
  /** Makes sure the repository exists; creates it when allowed. */
  ensureRepository(name: string, create: boolean): Promise<{ created: boolean; immutable: boolean }>;
  /** Tags that already exist in the repository (only asked for immutable repositories). */
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
      let repository: Repository | undefined;
      try {
        const found = await client.send(new DescribeRepositoriesCommand({ registryId, repositoryNames: [name] }));
        repository = found.repositories?.[0];
      } catch (error) {
        if (errorName(error) !== 'RepositoryNotFoundException') throw error;
      }
      if (repository) return { created: false, immutable: repository.imageTagMutability?.startsWith('IMMUTABLE') ?? false };
      if (!create) throw new RepositoryMissingError(name);
      try {
        const made = await client.send(new CreateRepositoryCommand({ registryId, repositoryName: name }));
        return { created: true, immutable: made.repository?.imageTagMutability?.startsWith('IMMUTABLE') ?? false };
      } catch (error) {
        // Someone else created it between our two calls: fine.
        if (errorName(error) === 'RepositoryAlreadyExistsException') return this.ensureRepository(name, false);
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
