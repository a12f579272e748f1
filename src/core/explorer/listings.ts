import type { ImageSummary, RepositorySummary } from '../ecr/listing';
import { isArchived } from '../ecr/storageClass';
import type { ImageRows } from './imageRows';
import { RepositoryManifests } from './manifests';
import { Listing } from './pagedListing';
import type { ExplorerRegistry } from './source';

export type ImageListing = Listing<ImageSummary, ImageRows & { key: string }>;

const SEPARATOR = '\u0000';
/** The key of a repository's image listing, manifests and marks. */
export const imageKey = (registryKey: string, repositoryName: string) => `${registryKey}${SEPARATOR}${repositoryName}`;

/**
 * What the explorer has listed: per registry its repositories, per repository its images and the
 * index manifests (and candidate attachments) read so far. Manifests are kept across refreshes (a
 * digest's manifest never changes); only their failures are forgotten.
 */
export class ExplorerListings {
  private readonly repositoryListings = new Map<string, Listing<RepositorySummary>>();
  private readonly imageListings = new Map<string, ImageListing>();
  private readonly manifestsByKey = new Map<string, RepositoryManifests>();

  /** A registry's repository listing (an empty one, not started, the first time). */
  repositoryListing(registryKey: string): Listing<RepositorySummary> {
    let listing = this.repositoryListings.get(registryKey);
    if (!listing) this.repositoryListings.set(registryKey, (listing = new Listing()));
    return listing;
  }

  /** A registry's repository listing, if there is one (nothing is created). */
  existingRepositoryListing(registryKey: string): Listing<RepositorySummary> | undefined {
    return this.repositoryListings.get(registryKey);
  }

  /** A repository's image listing (an empty one, not started, the first time). */
  imageListing(key: string): ImageListing {
    let listing = this.imageListings.get(key);
    if (!listing) this.imageListings.set(key, (listing = new Listing()));
    return listing;
  }

  /** A repository's image listing, if there is one (nothing is created). */
  existingImageListing(key: string): ImageListing | undefined {
    return this.imageListings.get(key);
  }

  manifestsOf(key: string): RepositoryManifests {
    return this.manifestsByKey.get(key) ?? this.manifestsByKey.set(key, new RepositoryManifests()).get(key)!;
  }

  existingManifests(key: string): RepositoryManifests | undefined {
    return this.manifestsByKey.get(key);
  }

  /** Forgets everything, manifests too (a new set of registries). */
  clear(): void {
    this.repositoryListings.clear();
    this.imageListings.clear();
    this.manifestsByKey.clear();
  }

  /** Forgets every listing (manifests are kept). */
  forgetListings(): void {
    this.repositoryListings.clear();
    this.imageListings.clear();
  }

  /** Forgets a repository's image listing and which of its manifests failed to load. */
  forgetImages(registryKey: string, repositoryName: string): void {
    this.imageListings.delete(imageKey(registryKey, repositoryName));
    this.manifestsByKey.get(imageKey(registryKey, repositoryName))?.failed.clear();
  }

  /** Forgets a registry's repository listing and the image listings of its repositories. */
  forgetRegistry(registryKey: string): void {
    this.repositoryListings.delete(registryKey);
    for (const key of [...this.imageListings.keys()]) {
      if (key.startsWith(registryKey + SEPARATOR)) this.imageListings.delete(key);
    }
  }

  /** Repositories and tags listed so far, archived images left out (no API call). */
  knownImages(registries: ExplorerRegistry[]): Array<{ registryHost: string; repository: string; tags: string[] }> {
    return registries.flatMap((registry) =>
      (this.repositoryListings.get(registry.key)?.items ?? []).map((repository) => ({
        registryHost: registry.registryHost(repository.uri),
        repository: repository.name,
        // Archived images cannot be built from (nor pulled) until restored: not offered.
        tags: (this.imageListings.get(imageKey(registry.key, repository.name))?.items ?? []).flatMap((image) => (isArchived(image) ? [] : image.tags)),
      })),
    );
  }
}
