/**
 * Copy / promote without pulling: an image, or an index with every platform image and attachment,
 * from one repository to another of the same or another registry (region, account). Blobs the
 * target has are skipped (HEAD), same-registry blobs are mounted (POST ?mount=&from=), others are
 * streamed from GET to PATCH without being held whole. Manifests are PUT by digest with their exact
 * bytes and media type, children before the index; tags are PUT last, after every check of the
 * signal, so a cancelled copy leaves no tag at the target. The result is verified by digest.
 *
 * Under faults it is idempotent and honest: every request goes through the registry client's retry
 * policy, a blob whose transfer broke is resumed from the offset the target acknowledges (or begun
 * again); what the target had before is read by digest first, so only what this copy put is its
 * own. Success is when every target tag names the source digest, whatever the last answer was (a
 * reset after the tag write is a success). On failure or cancel it removes what it created
 * (manifests it put that no tag names, a repository it created that holds nothing) and its error
 * lists what it removed, or what it left and why.
 */
import type { RepositoryGate } from '../ecr/ecrRepository';
import { errorMessage } from '../errors';
import type { RegistryClient } from '../registry/client';
import type { UploadMode } from '../registry/blobs';
import { RegistryError } from '../registry/errors';
import { isIndexType, type Descriptor, type Manifest } from '../registry/mediaTypes';
import { retryText, type RetryNotice } from '../registry/retry';
import { findAttachments, type FoundAttachments, type ReferrerLister } from './attachments';

export interface CopyProgress {
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
}

export interface CopyRequest {
  source: { client: RegistryClient; repository: string; reference: string };
  target: { client: RegistryClient; repository: string; tags: string[] };
  /** Digests of more manifests to copy with the image (attachments the caller knows of, e.g. from ECR's listing). */
  attachments?: string[];
  /** Find and copy the image's attachments (referrers API, fallback tag, cosign tags); default true. */
  withAttachments?: boolean;
  /** The source's referrers from ECR's API (ListImageReferrers), before the registry endpoint's referrers API. */
  listReferrers?: ReferrerLister;
  /** Creates the target repository when missing (as build and push does); skipped when absent. */
  gate?: RepositoryGate;
  createRepository?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
  uploadMode?: UploadMode;
  /** Chunk size of chunked uploads (the client's default when absent). */
  chunkSize?: number;
  /** Mount same-registry blobs (default true); false streams them (benchmarks, registries that refuse mounts). */
  mount?: boolean;
  /** Blobs copied at once (default 3). */
  concurrency?: number;
  /** Each retry, as "…: HTTP 503; retrying in 2 s, attempt 2 of 5" (the progress shows it). */
  onRetry?: (notice: RetryNotice, text: string) => void;
}

export interface CopyResult {
  digest: string;
  mediaType: string;
  /** Every manifest written, children first. */
  manifests: string[];
  blobs: { streamed: number; mounted: number; skipped: number };
  bytesStreamed: number;
  tags: string[];
  createdRepository: boolean;
  /** Attachments copied (signatures, attestations, SBOMs and fallback-tag indexes), with their tags; `nested` of them are attachments of attachments. */
  attachments: { manifests: number; nested: number; tags: string[] };
  /** Manifests the target already had (not written again). */
  alreadyThere: number;
  /** Set when a request failed but the target tags name the source digest all the same. */
  recovered?: string;
}

/** What a failed or cancelled copy removed from the target, and what it left there and why. */
export interface CopyCleanup {
  removed: string[];
  removedRepository?: string;
  left: Array<{ what: string; why: string }>;
}

export function cleanupText(cleanup: CopyCleanup, repository: string): string {
  if (cleanup.left.length === 0) {
    const parts = [cleanup.removed.length ? `${cleanup.removed.length} manifest${cleanup.removed.length === 1 ? '' : 's'} it had written` : '', cleanup.removedRepository ? `the repository ${cleanup.removedRepository} it had created` : ''].filter(Boolean);
    return parts.length ? `Nothing is left at the target: removed ${parts.join(' and ')}.` : `Nothing was written at ${repository}.`;
  }
  return `Left at the target: ${cleanup.left.map((item) => `${item.what} (${item.why})`).join('; ')}.${cleanup.removed.length ? ` Removed ${cleanup.removed.length} other manifest(s) it had written.` : ''}`;
}

/** Levels of attachments copied: the image's own, theirs, and so on (a signature of an SBOM's attestation is 3). */
const MAX_ATTACHMENT_DEPTH = 4;

interface ManifestToCopy {
  digest: string;
  bytes: Buffer;
  mediaType: string;
  manifest: Manifest;
}

export class CopyCancelledError extends Error {
  constructor(
    readonly cleanup: CopyCleanup = { removed: [], left: [] },
    repository = 'the target',
  ) {
    super(`The copy was cancelled; no tag was written at the target. ${cleanupText(cleanup, repository)}`);
    this.name = 'CopyCancelledError';
  }
}

export class CopyFailedError extends Error {
  constructor(
    readonly reason: unknown,
    readonly cleanup: CopyCleanup,
    repository: string,
  ) {
    super(`${errorMessage(reason)} ${cleanupText(cleanup, repository)}`);
    this.name = 'CopyFailedError';
  }
}

/** What this copy did at the target, for verifying and undoing. */
interface Ledger {
  createdRepository: boolean;
  /** Manifests the target had before (by digest). */
  existed: Set<string>;
  /** Manifests this copy PUT by digest, in order. */
  put: string[];
  /** Attachment-scheme tags this copy wrote. */
  tagsWritten: string[];
  root?: { digest: string; mediaType: string };
  counts: { streamed: number; mounted: number; skipped: number };
  bytesStreamed: number;
}

export async function copyImage(request: CopyRequest): Promise<CopyResult> {
  const { target, signal } = request;
  const ledger: Ledger = { createdRepository: false, existed: new Set(), put: [], tagsWritten: [], counts: { streamed: 0, mounted: 0, skipped: 0 }, bytesStreamed: 0 };
  const stopObserving = [request.source.client, target.client].map((client) => client.observeRetries((notice) => request.onRetry?.(notice, retryText(notice))));
  try {
    return await copyOnce(request, ledger);
  } catch (error) {
    const cancelled = signal?.aborted === true;
    // Whatever the last request did: when every tag names the source digest, the copy is done.
    const root = ledger.root;
    if (!cancelled && root && (await tagsName(target.client, target.repository, target.tags, root.digest))) {
      return {
        digest: root.digest,
        mediaType: root.mediaType,
        manifests: ledger.put,
        blobs: ledger.counts,
        bytesStreamed: ledger.bytesStreamed,
        tags: [...target.tags],
        createdRepository: ledger.createdRepository,
        attachments: { manifests: 0, nested: 0, tags: ledger.tagsWritten },
        alreadyThere: ledger.existed.size,
        recovered: errorMessage(error),
      };
    }
    const cleanup = await undo(request, ledger, root?.digest);
    if (cancelled) throw new CopyCancelledError(cleanup, target.repository);
    throw new CopyFailedError(error, cleanup, target.repository);
  } finally {
    for (const stop of stopObserving) stop();
  }
}

async function tagsName(client: RegistryClient, repository: string, tags: string[], digest: string): Promise<boolean> {
  try {
    for (const tag of tags) if ((await client.headManifest(repository, tag))?.digest !== digest) return false;
    return tags.length > 0;
  } catch {
    return false;
  }
}

/** Removes what the copy put that nothing names (newest first), and the repository it created when it holds nothing. */
async function undo(request: CopyRequest, ledger: Ledger, rootDigest: string | undefined): Promise<CopyCleanup> {
  const { client, repository, tags } = request.target;
  const cleanup: CopyCleanup = { removed: [], left: [] };
  const named: string[] = [];
  for (const tag of tags) {
    const head = await client.headManifest(repository, tag).catch(() => undefined);
    if (head && head.digest === rootDigest) named.push(tag);
  }
  if (named.length > 0) {
    // A tag was written before the failure: what it names stays (deleting it would delete the tag).
    cleanup.left.push({ what: `${repository}:${named.join(', :')} and the ${ledger.put.length} manifest(s) of the copy`, why: `the tag${named.length > 1 ? 's name' : ' names'} the copied image; the other tags were not written` });
    return cleanup;
  }
  // Newest first: attachments and the index before what they name. Through ECR's API where there
  // is one (with every tag on the manifest: the attachment-scheme tags this copy wrote); what it
  // does not know (another registry, or not registered yet) through the registry's DELETE.
  const order = [...ledger.put].reverse();
  const viaApi = new Set(request.gate?.deleteImages ? await request.gate.deleteImages(repository, order).catch(() => [] as string[]) : []);
  for (const digest of order) {
    if (viaApi.has(digest)) {
      cleanup.removed.push(digest);
      continue;
    }
    try {
      if (await client.deleteManifest(repository, digest)) cleanup.removed.push(digest);
    } catch (error) {
      cleanup.left.push({ what: `manifest ${digest}, untagged`, why: `could not delete it: ${errorMessage(error)}` });
    }
  }
  if (ledger.createdRepository && request.gate?.removeIfEmpty) {
    if (cleanup.left.length > 0) {
      cleanup.left.push({ what: `repository ${repository}, created by this copy`, why: 'it still holds what could not be deleted' });
    } else {
      try {
        if (await request.gate.removeIfEmpty(repository)) cleanup.removedRepository = repository;
        else cleanup.left.push({ what: `repository ${repository}, created by this copy`, why: 'it holds images now (someone pushed to it meanwhile)' });
      } catch (error) {
        cleanup.left.push({ what: `repository ${repository}, created by this copy`, why: `could not delete it: ${errorMessage(error)}` });
      }
    }
  }
  return cleanup;
}

/** Throws the cancel when the signal has aborted: every step checks it before it writes. */
function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CopyCancelledError();
}

/** What the copy read from the source: every manifest in the order it is written, and the attachments' tags. */
interface CopyContents {
  root: ManifestToCopy;
  /** Children before the index that names them; the image's manifests first, then attachments. */
  ordered: ManifestToCopy[];
  /** How many of `ordered` are the image's own (the root, its platform images and attestations). */
  imageManifests: number;
  /** Attachments of attachments among `ordered`. */
  nested: number;
  /** Attachment-scheme tags (fallback tag, cosign tags) and the digests they name. */
  attachmentTags: FoundAttachments['tags'];
}

async function copyOnce(request: CopyRequest, ledger: Ledger): Promise<CopyResult> {
  const { target, signal } = request;
  if (request.gate) {
    ledger.createdRepository = (await request.gate.ensureRepository(target.repository, request.createRepository ?? true)).created;
  }
  checkCancelled(signal);
  const contents = await readContents(request, ledger);
  await copyBlobs(request, ledger, contents.ordered);
  await writeManifests(request, ledger, contents);
  const { root, ordered, imageManifests, nested } = contents;
  return {
    digest: root.digest,
    mediaType: root.mediaType,
    manifests: ordered.map((item) => item.digest),
    blobs: ledger.counts,
    bytesStreamed: ledger.bytesStreamed,
    tags: [...target.tags],
    createdRepository: ledger.createdRepository,
    attachments: { manifests: ordered.length - imageManifests, nested, tags: ledger.tagsWritten },
    alreadyThere: ledger.existed.size,
  };
}

/** Collects manifests in copy order: an index's children (read from the source) before the index, each once. */
function manifestCollector(request: CopyRequest) {
  const { source, signal } = request;
  const ordered: ManifestToCopy[] = [];
  const seen = new Set<string>();
  const collect = async (item: ManifestToCopy): Promise<void> => {
    if (seen.has(item.digest)) return;
    seen.add(item.digest);
    if (isIndexType(item.mediaType) || Array.isArray(item.manifest.manifests)) {
      for (const descriptor of item.manifest.manifests ?? []) {
        await collect(await source.client.getManifest(source.repository, descriptor.digest, { signal }));
      }
    }
    ordered.push(item);
  };
  return { ordered, seen, collect };
}

/** Step 1 and 2: the manifests to copy, and which of them the target has already (verify-before). */
async function readContents(request: CopyRequest, ledger: Ledger): Promise<CopyContents> {
  const { source, target, signal } = request;
  // 1. Every manifest: children (platform images, attestations) before the root, attachments after.
  const root = await source.client.getManifest(source.repository, source.reference, { signal });
  ledger.root = { digest: root.digest, mediaType: root.mediaType };
  const { ordered, seen, collect } = manifestCollector(request);
  await collect(root);
  const imageManifests = ordered.length;
  // What the target has already, by digest (read while the attachments are looked for): that is not
  // this copy's to write, nor to remove.
  const existing = async (items: ManifestToCopy[]) => {
    const heads = await Promise.all(items.map((item) => target.client.headManifest(target.repository, item.digest, { signal })));
    items.forEach((item, index) => heads[index]?.digest === item.digest && ledger.existed.add(item.digest));
  };
  const wantAttachments = request.withAttachments !== false;
  const [found]: [FoundAttachments, unknown] = await Promise.all([
    wantAttachments ? findAttachments(source.client, source.repository, ordered.map((item) => item.digest), signal, request.listReferrers) : { manifests: [], tags: [] },
    existing([...ordered]),
  ]);
  const imageCount = ordered.length;
  const attachmentDigests = [...new Set([...(wantAttachments ? (request.attachments ?? []) : []), ...found.manifests])];
  for (const digest of attachmentDigests) {
    await collect(await source.client.getManifest(source.repository, digest, { signal }));
  }
  // Attachments of attachments (a signature of an SBOM, cosign's .sig of an .att, a referrer whose
  // subject is a referrer), level by level: each level's new manifests are the next level's
  // subjects. Bounded (MAX_ATTACHMENT_DEPTH levels in all), and `seen` keeps a cycle from coming round.
  let level = ordered.slice(imageCount).map((item) => item.digest);
  const firstLevel = ordered.length - imageCount;
  for (let depth = 2; wantAttachments && depth <= MAX_ATTACHMENT_DEPTH && level.length > 0; depth++) {
    checkCancelled(signal);
    const before = ordered.length;
    const deeper = await findAttachments(source.client, source.repository, level, signal, request.listReferrers);
    for (const entry of deeper.tags) if (!found.tags.some((known) => known.tag === entry.tag)) found.tags.push(entry);
    for (const digest of deeper.manifests) {
      if (!seen.has(digest)) await collect(await source.client.getManifest(source.repository, digest, { signal }));
    }
    level = ordered.slice(before).map((item) => item.digest);
  }
  const nested = ordered.length - imageCount - firstLevel;
  await existing(ordered.slice(imageCount));
  checkCancelled(signal);
  return { root, ordered, imageManifests, nested, attachmentTags: found.tags };
}

/** The progress of the blobs' copy, shared by the blobs copied at once. */
interface BlobTransfer {
  progress: CopyProgress;
  report: () => void;
  /** Within one registry, between two repositories: mount instead of HEAD and stream. */
  mounting: boolean;
}

/** Step 3: the blobs of the manifests the target lacks, a few at once. */
async function copyBlobs(request: CopyRequest, ledger: Ledger, ordered: ManifestToCopy[]): Promise<void> {
  const { source, target } = request;
  // 3. Blobs of the manifests the target lacks: configs and layers, once each (foreign layers with urls are not copied, as registries do not hold them).
  const blobs = new Map<string, Descriptor>();
  for (const item of ordered) {
    if (ledger.existed.has(item.digest)) continue;
    for (const blob of [item.manifest.config, ...(item.manifest.layers ?? [])]) {
      if (blob && !blob.urls?.length && !blobs.has(blob.digest)) blobs.set(blob.digest, blob);
    }
  }
  const progress: CopyProgress = { bytesDone: 0, bytesTotal: [...blobs.values()].reduce((sum, blob) => sum + blob.size, 0), blobsDone: 0, blobsTotal: blobs.size };
  const report = () => request.onProgress?.({ ...progress });
  report();
  const sameRegistry = source.client.host === target.client.host && request.mount !== false;
  const transfer: BlobTransfer = { progress, report, mounting: sameRegistry && source.repository !== target.repository };
  await pool([...blobs.values()], request.concurrency ?? 3, (blob) => copyBlob(request, ledger, transfer, blob));
}

/** One blob: skipped when the target has it, mounted, or streamed (resumed from the target's offset after a break). */
async function copyBlob(request: CopyRequest, ledger: Ledger, transfer: BlobTransfer, blob: Descriptor): Promise<void> {
  const { source, target, signal } = request;
  const { progress, report, mounting } = transfer;
  const counts = ledger.counts;
  checkCancelled(signal);
  // Within a registry the mount request itself answers whether the blob is there (201); elsewhere HEAD first.
  if (!mounting && (await target.client.headBlob(target.repository, blob.digest, { signal })) !== undefined) {
    counts.skipped++;
    progress.bytesDone += blob.size;
    progress.blobsDone++;
    report();
    return;
  }
  let location: string | undefined;
  let offset = 0;
  let counted = 0;
  const how = await target.client.retrying(
    `copy of blob ${blob.digest.slice(0, 19)}`,
    async (attempt) => {
      if (attempt > 1) {
        // Resume where the target says the upload stands; it may even have completed.
        if ((await target.client.headBlob(target.repository, blob.digest, { signal })) !== undefined) return 'done';
        const status = location ? await target.client.uploadStatus(location, { signal }) : undefined;
        location = status?.location;
        offset = status?.offset ?? 0;
        progress.bytesDone -= counted - offset;
        ledger.bytesStreamed -= counted - offset;
        counted = offset;
      }
      if (!location) {
        offset = 0;
        const session = await target.client.startUpload(target.repository, {
          signal,
          ...(mounting ? { mount: { digest: blob.digest, from: source.repository } } : {}),
        });
        if (session.mounted) return 'mounted';
        location = session.location;
      }
      const { body } = await source.client.getBlob(source.repository, blob.digest, { signal, offset });
      try {
        await target.client.upload(location, blob.digest, blob.size, body, {
          signal,
          mode: request.uploadMode,
          chunkSize: request.chunkSize,
          offset,
          onAcknowledged: (status) => (location = status.location),
          onBytes: (sent) => {
            progress.bytesDone += sent - counted;
            ledger.bytesStreamed += sent - counted;
            counted = sent;
            report();
          },
        });
      } catch (error) {
        body.destroy();
        // The session is gone or the guessed offset was wrong: begin this blob again.
        if (error instanceof RegistryError && (error.status === 404 || error.status === 416)) {
          location = undefined;
          throw Object.assign(new Error(error.message), { retryable: true });
        }
        throw error;
      }
      return 'streamed';
    },
    signal,
    { requestsRetried: true },
  );
  if (how === 'mounted') counts.mounted++;
  else counts.streamed++;
  progress.bytesDone += blob.size - counted;
  if (how === 'streamed') ledger.bytesStreamed += blob.size - counted;
  progress.blobsDone++;
  report();
}

/** Steps 4 and 5: manifests, attachment tags and the image's tags written, then verified (verify-after). */
async function writeManifests(request: CopyRequest, ledger: Ledger, contents: CopyContents): Promise<void> {
  const { target, signal } = request;
  const { root, ordered, imageManifests } = contents;
  // 4. Manifests by digest, children first; then the attachment-scheme tags; the image's tags last.
  // The root goes by digest only when attachments (which name it) come along: else its tag's PUT stores it.
  for (const item of ordered) {
    checkCancelled(signal);
    if (ledger.existed.has(item.digest)) continue;
    if (item.digest === root.digest && ordered.length === imageManifests && target.tags.length > 0) continue;
    ledger.put.push(item.digest);
    await target.client.putManifest(target.repository, item.digest, item.bytes, item.mediaType, { signal });
  }
  const byDigest = new Map(ordered.map((item) => [item.digest, item]));
  for (const { tag, digest } of contents.attachmentTags) {
    checkCancelled(signal);
    const there = await target.client.headManifest(target.repository, tag, { signal });
    if (there?.digest === digest) continue;
    // Another signature already answers to this tag at the target: left as it is, never overwritten.
    if (there) continue;
    const item = byDigest.get(digest)!;
    await target.client.putManifest(target.repository, tag, item.bytes, item.mediaType, { signal });
    ledger.tagsWritten.push(tag);
  }
  const confirmed = new Set<string>();
  for (const tag of target.tags) {
    checkCancelled(signal);
    const put = await target.client.putManifest(target.repository, tag, root.bytes, root.mediaType, { signal, confirm: true });
    if (put.confirmed) confirmed.add(tag);
  }
  // 5. Verify: every tag names the source's digest (the registry's answer to the PUT said so, or a HEAD does).
  for (const tag of target.tags) {
    if (confirmed.has(tag)) continue;
    const head = await target.client.headManifest(target.repository, tag, { signal });
    if (head?.digest !== root.digest) throw new Error(`After the copy ${target.repository}:${tag} names ${head?.digest ?? 'nothing'}, not ${root.digest}.`);
  }
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
  if (failed !== undefined) throw failed;
}
