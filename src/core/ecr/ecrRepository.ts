import { BatchDeleteImageCommand, DeleteRepositoryCommand, DescribeImagesCommand, ListImagesCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { describeRepository, ensureRepository } from './management';
import { classifyEcrError } from './errors';
import { describeTemplate, templateFor, templateLabel, type CreationTemplate } from './creationTemplates';
import { isImmutable } from './repositorySettings';
import { errorName } from '../errors';
import { baseIsImmutable, tagMutabilityFrom, type TagMutabilitySettings } from './tagMutability';

/** The repository as the gate found (or made) it. */
export interface RepositoryState {
  created: boolean;
  immutable: boolean;
  tagMutability?: TagMutabilitySettings;
  note?: string;
}

/** What build-and-push needs from ECR's API before it pushes. */
export interface RepositoryGate {
  /**
   * Makes sure the repository exists; creates it when allowed. `immutable`: the mode's base;
   * `tagMutability` (mode and exclusion filters) decides tag by tag when present.
   */
  ensureRepository(name: string, create: boolean): Promise<RepositoryState>;
  /** Which of these tags already exist in the repository (only asked for tags that are immutable there). */
  existingTags(name: string, tags: string[]): Promise<string[]>;
  /**
   * Deletes a repository that holds no image (a copy's undo of the repository it created); false
   * when it holds some. ECR's DeleteRepository without `force` refuses a repository with images
   * (RepositoryNotEmptyException): https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DeleteRepository.html
   */
  removeIfEmpty?(name: string): Promise<boolean>;
  /**
   * Deletes images by digest, one at a time in the order given (an index before what it lists: ECR
   * refuses to delete a manifest an index still lists, ImageReferencedByManifestList); returns
   * those ECR deleted. Through the API, which ECR documents for deleting images (its registry endpoint's
   * DELETE has long been reported missing, e.g. aws/containers-roadmap#1229):
   * https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html
   */
  deleteImages?(name: string, digests: string[]): Promise<string[]>;
}

export class RepositoryMissingError extends Error {
  constructor(readonly repository: string) {
    super(
      `Repository "${repository}" does not exist in ECR and "createRepository" is false. ECR refuses pushes to missing repositories: create it (ECR: Create Repository…) or set "createRepository": true.`,
    );
    this.name = 'RepositoryMissingError';
  }
}

export interface GateOptions {
  /**
   * The registry's repository creation templates (DescribeRepositoryCreationTemplates), asked only
   * when a missing repository may be created. When a CREATE_ON_PUSH template applies, the gate does not
   * create the repository: ECR creates it on push with the template's settings, not ours.
   */
  creationTemplates?: () => Promise<CreationTemplate[]>;
}

/** What the gate says when ECR will create the repository on push from a template. */
export function createOnPushNote(name: string, template: CreationTemplate): string {
  return `Repository ${name} does not exist yet: ECR creates it on push with the creation template ${templateLabel(template)} (${describeTemplate(template).join('; ')}), so this task does not create it with settings of its own.`;
}

/** A RepositoryGate over the ECR API. */
export function ecrRepositoryGate(client: ECRClient, registryId?: string, options: GateOptions = {}): RepositoryGate {
  return {
    ensureRepository: (name, create) => ensureForPush(client, name, create, registryId, options),
    async deleteImages(name, digests) {
      const deleted: string[] = [];
      for (const digest of digests) {
        const answer = await client.send(new BatchDeleteImageCommand({ registryId, repositoryName: name, imageIds: [{ imageDigest: digest }] }));
        if (answer.imageIds?.some((id) => id.imageDigest === digest)) deleted.push(digest);
      }
      return deleted;
    },
    async removeIfEmpty(name) {
      // The registry endpoint and the API can disagree for moments after a delete: asked a few times.
      for (let attempt = 1; ; attempt++) {
        const listed = await client.send(new ListImagesCommand({ registryId, repositoryName: name, maxResults: 1 }));
        if (!listed.imageIds?.length) {
          try {
            await client.send(new DeleteRepositoryCommand({ registryId, repositoryName: name, force: false }));
            return true;
          } catch (error) {
            if (errorName(error) === 'RepositoryNotFoundException') return true;
            if (errorName(error) !== 'RepositoryNotEmptyException') throw error;
          }
        }
        if (attempt >= 5) return false;
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    },
    async existingTags(name, tags) {
      const taken: string[] = [];
      // One call per tag: DescribeImages fails the whole call when any listed id is missing.
      for (const tag of tags) {
        try {
          // imageStatus ANY (ECR API model, DescribeImagesFilter: "If not specified, only images with
          // ACTIVE status are returned"): a tag held by an archived image is taken too.
          const found = await client.send(new DescribeImagesCommand({ registryId, repositoryName: name, imageIds: [{ imageTag: tag }], filter: { imageStatus: 'ANY' } }));
          if (found.imageDetails?.length) taken.push(tag);
        } catch (error) {
          // A repository ECR will create on push has no tags yet.
          if (errorName(error) === 'RepositoryNotFoundException') return taken;
          if (errorName(error) !== 'ImageNotFoundException') throw error;
        }
      }
      return taken;
    },
  };
}

/**
 * The gate's ensureRepository: the repository exists, is created, or is left to ECR's create-on-push
 * when a CREATE_ON_PUSH creation template applies (ECR then applies the template's settings, not ours).
 */
async function ensureForPush(client: ECRClient, name: string, create: boolean, registryId: string | undefined, options: GateOptions): Promise<RepositoryState> {
  let noTemplate: string | undefined;
  if (create && options.creationTemplates && !(await describeRepository(client, name, registryId))) {
    let templates: CreationTemplate[] | undefined;
    let unreadable: string | undefined;
    try {
      templates = await options.creationTemplates();
    } catch (error) {
      unreadable = classifyEcrError(error).message;
    }
    const template = templates && templateFor(name, templates, 'CREATE_ON_PUSH');
    if (template) {
      return { created: false, immutable: baseIsImmutable(template.tagMutability.mode), tagMutability: template.tagMutability, note: createOnPushNote(name, template) };
    }
    if (unreadable) {
      const { created, repository } = await ensureRepository(client, name, { create, registryId });
      return {
        created,
        immutable: isImmutable(repository.tagMutability),
        tagMutability: tagMutabilityFrom(repository.tagMutability, repository.tagMutabilityExclusionFilters),
        note: `Could not read the registry's repository creation templates (${unreadable}); created ${name} with this task's settings.`,
      };
    }
    noTemplate = `No repository creation template applies to ${name} on push; created it with this task's settings.`;
  }
  // The ECR core owns the existence check, creation and the creation race; this gate only
  // turns "missing and not allowed to create" into the task's own message.
  try {
    const { created, repository } = await ensureRepository(client, name, { create, registryId });
    return {
      created,
      immutable: isImmutable(repository.tagMutability),
      tagMutability: tagMutabilityFrom(repository.tagMutability, repository.tagMutabilityExclusionFilters),
      ...(created && noTemplate ? { note: noTemplate } : {}),
    };
  } catch (error) {
    if (!create && errorName(error) === 'RepositoryNotFoundException') throw new RepositoryMissingError(name);
    throw error;
  }
}
