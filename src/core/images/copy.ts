/**
 * Copy / promote without pulling: an image, or an index with every platform image and attachment,
 * from one repository to another of the same or another registry (region, account). Blobs the
 * target has are skipped (HEAD), same-registry blobs are mounted (POST ?mount=&from=), others are
 * streamed from GET to PATCH without being held whole. Manifests are PUT by digest with their exact
 * bytes and media type, children before the index; tags are PUT last, after every check of the
 * signal, so a cancelled copy leaves no tag at the target. The result is verified by digest.
 */
import type { RepositoryGate } from '../docker/ecrRepository';
import type { RegistryClient, UploadMode } from '../registry/client';
import { isIndexType, type Descriptor, type Manifest } from '../registry/mediaTypes';

export interface CopyProgress {
  bytesDone: number;
  bytesTotal: number;
  blobsDone: number;
  blobsTotal: number;
}

export interface CopyRequest {
  source: { client: RegistryClient; repository: string; reference: string };
  target: { client: RegistryClient; repository: string; tags: string[] };
  /** Digests of manifests in the source naming the image (or its platform images) as subject: signatures, SBOMs. */
  attachments?: string[];
  /** Creates the target repository when missing (as build and push does); skipped when absent. */
  gate?: RepositoryGate;
  createRepository?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: CopyProgress) => void;
  uploadMode?: UploadMode;
  /** Mount same-registry blobs (default true); false streams them (benchmarks, registries that refuse mounts). */
  mount?: boolean;
  /** Blobs copied at once (default 3). */
  concurrency?: number;
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
}

interface ManifestToCopy {
  digest: string;
  bytes: Buffer;
  mediaType: string;
  manifest: Manifest;
}

export class CopyCancelledError extends Error {
  constructor() {
    super('The copy was cancelled; no tag was written at the target.');
    this.name = 'CopyCancelledError';
  }
}

export async function copyImage(request: CopyRequest): Promise<CopyResult> {
  const { source, target, signal } = request;
  const checkSignal = () => {
    if (signal?.aborted) throw new CopyCancelledError();
  };
  let createdRepository = false;
  if (request.gate) {
    createdRepository = (await request.gate.ensureRepository(target.repository, request.createRepository ?? true)).created;
  }
  checkSignal();

  // 1. Every manifest: children (platform images, attestations) before the root, attachments after.
  const root = await source.client.getManifest(source.repository, source.reference, { signal });
  const ordered: ManifestToCopy[] = [];
  const seen = new Set<string>();
  const collect = async (item: ManifestToCopy) => {
    if (seen.has(item.digest)) return;
    seen.add(item.digest);
    if (isIndexType(item.mediaType) || Array.isArray(item.manifest.manifests)) {
      for (const descriptor of item.manifest.manifests ?? []) {
        await collect(await source.client.getManifest(source.repository, descriptor.digest, { signal }));
      }
    }
    ordered.push(item);
  };
  await collect(root);
  for (const digest of request.attachments ?? []) {
    await collect(await source.client.getManifest(source.repository, digest, { signal }));
  }

  // 2. Blobs: configs and layers, once each (foreign layers with urls are not copied, as registries do not hold them).
  const blobs = new Map<string, Descriptor>();
  for (const item of ordered) {
    for (const blob of [item.manifest.config, ...(item.manifest.layers ?? [])]) {
      if (blob && !blob.urls?.length && !blobs.has(blob.digest)) blobs.set(blob.digest, blob);
    }
  }
  const progress: CopyProgress = { bytesDone: 0, bytesTotal: [...blobs.values()].reduce((sum, blob) => sum + blob.size, 0), blobsDone: 0, blobsTotal: blobs.size };
  const report = () => request.onProgress?.({ ...progress });
  report();
  const counts = { streamed: 0, mounted: 0, skipped: 0 };
  let bytesStreamed = 0;
  const sameRegistry = source.client.host === target.client.host && request.mount !== false;

  const copyBlob = async (blob: Descriptor) => {
    checkSignal();
    if ((await target.client.headBlob(target.repository, blob.digest, { signal })) !== undefined) {
      counts.skipped++;
    } else {
      const session = await target.client.startUpload(target.repository, {
        signal,
        ...(sameRegistry && source.repository !== target.repository ? { mount: { digest: blob.digest, from: source.repository } } : {}),
      });
      if (session.mounted) {
        counts.mounted++;
      } else {
        const { body } = await source.client.getBlob(source.repository, blob.digest, { signal });
        let last = 0;
        await target.client.upload(session.location, blob.digest, blob.size, body, {
          signal,
          mode: request.uploadMode,
          onBytes: (sent) => {
            progress.bytesDone += sent - last;
            bytesStreamed += sent - last;
            last = sent;
            report();
          },
        });
        progress.bytesDone += blob.size - last;
        counts.streamed++;
        progress.blobsDone++;
        report();
        return;
      }
    }
    progress.bytesDone += blob.size;
    progress.blobsDone++;
    report();
  };
  try {
    await pool([...blobs.values()], request.concurrency ?? 3, copyBlob);
    // 3. Manifests by digest, children first; then the tags, last.
    for (const item of ordered) {
      checkSignal();
      await target.client.putManifest(target.repository, item.digest, item.bytes, item.mediaType, { signal });
    }
    for (const tag of target.tags) {
      checkSignal();
      await target.client.putManifest(target.repository, tag, root.bytes, root.mediaType, { signal });
    }
  } catch (error) {
    if (signal?.aborted) throw new CopyCancelledError();
    throw error;
  }
  // 4. Verify: every tag names the source's digest.
  for (const tag of target.tags) {
    const head = await target.client.headManifest(target.repository, tag);
    if (head?.digest !== root.digest) throw new Error(`After the copy ${target.repository}:${tag} names ${head?.digest ?? 'nothing'}, not ${root.digest}.`);
  }
  return { digest: root.digest, mediaType: root.mediaType, manifests: ordered.map((item) => item.digest), blobs: counts, bytesStreamed, tags: [...target.tags], createdRepository };
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
