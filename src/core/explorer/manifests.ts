/**
 * The manifests the tree needs to know which images belong together, fetched lazily per
 * repository: only indexes (DescribeImages' imageManifestMediaType says which), then the untagged
 * OCI manifests no index lists (they may be signatures or SBOMs naming an image as `subject`;
 * Docker schema 2 manifests cannot). Plain images are never read: DescribeImages' artifactMediaType
 * holding an image config type says so (ECR returns it on ordinary images too). A digest's manifest
 * never changes, so each is read once per machine: through the manifest cache (images/manifestCache.ts),
 * which keeps them across sessions, since on ECR every manifest read is a pull and updates the
 * image's lastRecordedPullTime. Archived images are never asked for (ECR answers 404); a cached
 * manifest still groups them.
 */
import type { ImageSummary } from '../ecr/listing';
import { isIndexType, OCI_MANIFEST, type Manifest } from '../registry/mediaTypes';
import { artifactTypeOf } from '../ecr/format';
import { isArchived } from '../ecr/storageClass';
import { ManifestCache } from '../images/manifestCache';
import { errorMessage } from '../errors';
import type { Logger } from '../log';
import type { ExplorerRegistry, ExplorerSource } from './source';

/** At most this many candidate attachments are fetched per repository (old untagged builds are many). */
const ATTACHMENT_FETCH_LIMIT = 100;
const PARALLEL = 4;

export class RepositoryManifests {
  readonly manifests = new Map<string, Manifest>();
  /** Digests whose manifest could not be read (shown without their details; not asked again until a refresh). */
  readonly failed = new Set<string>();
  private pending: Promise<boolean> | undefined;

  /** Index digests still without a manifest: their rows say "loading". */
  missingIndexes(images: readonly ImageSummary[]): Set<string> {
    return new Set(images.filter((image) => isIndexType(image.mediaType) && !this.known(image.digest)).map((image) => image.digest));
  }

  /**
   * Fetches what `images` still need (indexes first, then candidate attachments); resolves true
   * when any row changes (a manifest arrived or failed). Concurrent calls share one run.
   */
  load(images: readonly ImageSummary[], fetch: (digest: string) => Promise<Manifest>, onError: (digest: string, error: unknown) => void, cached: (digest: string) => Promise<Manifest | undefined> = async () => undefined): Promise<boolean> {
    this.pending ??= (async () => {
      try {
        const missing = this.missingIndexes(images);
        // An archived index: only what this machine already read (ECR refuses to serve it).
        const archived = images.filter((image) => missing.has(image.digest) && isArchived(image)).map((image) => image.digest);
        let learnt = await this.fetchAll(archived, async (digest) => {
          const manifest = await cached(digest);
          if (!manifest) throw new Error('archived: ECR does not serve its manifest until it is restored');
          return manifest;
        }, () => undefined);
        const indexes = [...missing].filter((digest) => !archived.includes(digest));
        learnt = (await this.fetchAll(indexes, fetch, onError)) || learnt;
        const candidates = this.attachmentCandidates(images);
        learnt = (await this.fetchAll(candidates, fetch, onError)) || learnt;
        return learnt;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  /** True when nothing is left to fetch for `images`. */
  complete(images: readonly ImageSummary[]): boolean {
    return this.missingIndexes(images).size === 0 && this.attachmentCandidates(images).length === 0;
  }

  private known(digest: string): boolean {
    return this.manifests.has(digest) || this.failed.has(digest);
  }

  private attachmentCandidates(images: readonly ImageSummary[]): string[] {
    const listed = new Set<string>();
    for (const manifest of this.manifests.values()) for (const child of manifest.manifests ?? []) listed.add(child.digest);
    const checked = images.filter((image) => image.tags.length === 0 && image.mediaType === OCI_MANIFEST && this.known(image.digest)).length;
    return images
      .filter(
        (image) =>
          image.tags.length === 0 &&
          !isArchived(image) &&
          image.mediaType === OCI_MANIFEST &&
          !listed.has(image.digest) &&
          !this.known(image.digest) &&
          !(image.artifactMediaType && !artifactTypeOf(image)),
      )
      .slice(0, Math.max(0, ATTACHMENT_FETCH_LIMIT - checked))
      .map((image) => image.digest);
  }

  private async fetchAll(digests: string[], fetch: (digest: string) => Promise<Manifest>, onError: (digest: string, error: unknown) => void): Promise<boolean> {
    const queue = [...digests];
    const worker = async () => {
      for (let digest = queue.shift(); digest; digest = queue.shift()) {
        try {
          this.manifests.set(digest, await fetch(digest));
        } catch (error) {
          this.failed.add(digest);
          onError(digest, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
    // A failure changes the rows too (an index stops saying "loading").
    return digests.length > 0;
  }
}

/**
 * Reads the index manifests (and candidate attachments) of a repository's listed images that are not
 * known yet, through the source's registry client; true when something new was read (rows redraw).
 */
export function loadIndexManifests(
  manifests: RepositoryManifests,
  source: ExplorerSource,
  registry: ExplorerRegistry,
  repositoryName: string,
  images: readonly ImageSummary[],
  logger: Logger,
  cache: ManifestCache = new ManifestCache(),
): Promise<boolean> {
  if (!source.manifest || manifests.complete(images)) return Promise.resolve(false);
  const read = source.manifest.bind(source, registry, repositoryName);
  const fetch = (digest: string) => cache.read(digest, () => read(digest));
  return manifests.load(images, fetch, (digest, error) => logger.warn(`manifest of ${repositoryName}@${digest}: ${errorMessage(error)}`), (digest) => cache.cached(digest));
}

