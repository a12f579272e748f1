/**
 * A small OCI distribution client over `fetch`, for ECR's registry endpoint (and any registry that
 * speaks the distribution spec): manifests by tag or digest with explicit Accept types and their
 * bytes kept exact, blobs streamed, cross-repository mounts, monolithic, streamed and chunked
 * uploads, and the referrers API.
 *
 * Why not a library: the npm packages that speak the distribution API are either unmaintained
 * (docker-registry-client, last release 2019, callback-based, holds blobs whole) or wrap a CLI;
 * what ECR needs is a few dozen requests with basic auth, which `fetch` does directly, typed,
 * testable, and without buffering a layer in memory.
 *
 * Auth is per request: basic `AWS:<password>` from a credentials callback (the ECR token), asked
 * again with `refresh: true` on a 401, then the request is retried once (when its body can be
 * sent again). Every request whose body can be sent again goes through the one retry policy
 * (`retry.ts`: resets, timeouts, 429 with Retry-After, 5xx; backoff with jitter; bounded), each
 * retry told to `onRetry` and to whoever `observeRetries`; streamed uploads are resumed by their
 * caller from the offset the registry acknowledges (`uploadStatus`). The password is only ever placed in the Authorization header: never logged, never
 * in an error. Loopback registries (127.0.0.0/8, localhost, ::1) are spoken to over plain HTTP,
 * every other over HTTPS.
 *
 * The client is built in layers, one job a file: `transport.ts` (auth per request, retries, timeouts,
 * streamed requests), `blobs.ts` (blobs and uploads), and here manifests, tags and referrers.
 */
import { createHash } from 'node:crypto';
import { RegistryError } from './errors';
import { RegistryBlobs } from './blobs';
import type { RetryListener } from './retry';
import { MANIFEST_ACCEPT, manifestMediaType, type Manifest } from './mediaTypes';

export { isLoopbackHost } from './transport';

export interface ManifestResult {
  /** The bytes exactly as the registry sent them: their sha256 is the digest. */
  bytes: Buffer;
  mediaType: string;
  digest: string;
  manifest: Manifest;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
export const isDigest = (reference: string) => DIGEST.test(reference);

/** Registry credentials from ECR's GetAuthorizationToken through a token cache (a connection's `auth()`), with the registry host to use. */
export type RegistryAuth = (options?: { forceRefresh?: boolean }) => Promise<{ username: string; password: string; registryHost: string }>;

/**
 * A client for the registry `auth` serves (its host: the registry-host override when one is set). The
 * token is asked of `auth` (a cache) for each request and afresh after a 401; it goes only into the
 * Authorization header, is handed to `onSecret` (the redactor) and is never written anywhere.
 */
export async function registryClientFrom(auth: RegistryAuth, onSecret?: (secret: string) => void, onRetry?: RetryListener): Promise<RegistryClient> {
  const first = await auth();
  onSecret?.(first.password);
  const credentials = async ({ refresh }: { refresh: boolean }) => {
    const token = await auth(refresh ? { forceRefresh: true } : undefined);
    onSecret?.(token.password);
    return { username: token.username, password: token.password };
  };
  return new RegistryClient({ host: first.registryHost, credentials, userAgent: 'ecr-workbench', onRetry });
}

export class RegistryClient extends RegistryBlobs {
  // ---- manifests ----

  /** GET a manifest by tag or digest with every manifest type accepted; verifies the digest. */
  async getManifest(repository: string, reference: string, options: { accept?: readonly string[]; signal?: AbortSignal } = {}): Promise<ManifestResult> {
    const subject = `manifest ${repository}${refText(reference)}`;
    return this.retrying(`GET ${subject}`, () => this.getManifestOnce(repository, reference, subject, options), options.signal);
  }

  private async getManifestOnce(repository: string, reference: string, subject: string, options: { accept?: readonly string[]; signal?: AbortSignal }): Promise<ManifestResult> {
    const response = await this.send('GET', `/v2/${repository}/manifests/${reference}`, {
      subject,
      signal: options.signal,
      headers: { accept: (options.accept ?? MANIFEST_ACCEPT).join(', ') },
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = sha256Digest(bytes);
    const claimed = response.headers.get('docker-content-digest');
    if ((isDigest(reference) && reference !== digest) || (claimed && claimed.startsWith('sha256:') && claimed !== digest)) {
      throw new RegistryError('DIGEST_MISMATCH', subject, response.status, `got ${digest}`);
    }
    let manifest: Manifest;
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    } catch {
      throw new RegistryError('MANIFEST_INVALID', subject, response.status, 'not JSON');
    }
    return { bytes, digest, manifest, mediaType: manifestMediaType(manifest, response.headers.get('content-type') ?? undefined) };
  }

  /** HEAD a manifest: its digest, media type and size, or undefined when the registry has none. */
  async headManifest(repository: string, reference: string, options: { signal?: AbortSignal } = {}): Promise<ManifestHead | undefined> {
    return this.retrying(`HEAD manifest ${repository}${refText(reference)}`, () => this.headManifestOnce(repository, reference, options), options.signal);
  }

  private async headManifestOnce(repository: string, reference: string, options: { signal?: AbortSignal }): Promise<ManifestHead | undefined> {
    const response = await this.send('HEAD', `/v2/${repository}/manifests/${reference}`, {
      subject: `manifest ${repository}${refText(reference)}`,
      signal: options.signal,
      headers: { accept: MANIFEST_ACCEPT.join(', ') },
      allow: [404],
    });
    if (response.status === 404) return undefined;
    const digest = response.headers.get('docker-content-digest') ?? (isDigest(reference) ? reference : undefined);
    if (!digest) {
      // A registry that does not name the digest on HEAD: ask for the bytes and hash them.
      const got = await this.getManifestOnce(repository, reference, `manifest ${repository}${refText(reference)}`, options);
      return { digest: got.digest, mediaType: got.mediaType, size: got.bytes.length };
    }
    return { digest, mediaType: (response.headers.get('content-type') ?? '').split(';')[0], size: Number(response.headers.get('content-length') ?? 0) };
  }

  /**
   * PUT manifest bytes under a tag or their digest, with their media type; returns the digest, checked
   * against the registry's (Docker-Content-Digest). With `confirm`, also whether the registry named it.
   */
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string, options: { signal?: AbortSignal; confirm?: false }): Promise<string>;
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<string>;
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string, options: { signal?: AbortSignal; confirm: true }): Promise<{ digest: string; confirmed: boolean }>;
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string, options: { signal?: AbortSignal; confirm?: boolean } = {}): Promise<string | { digest: string; confirmed: boolean }> {
    const digest = sha256Digest(bytes);
    const subject = `manifest ${repository}${refText(reference)}`;
    if (isDigest(reference) && reference !== digest) throw new RegistryError('DIGEST_MISMATCH', subject, undefined, `the bytes hash to ${digest}`);
    return this.retrying(
      `PUT ${subject}`,
      async () => {
        const response = await this.send('PUT', `/v2/${repository}/manifests/${reference}`, {
          subject,
          signal: options.signal,
          headers: { 'content-type': mediaType },
          body: bytes,
        });
        await response.body?.cancel();
        const answered = response.headers.get('docker-content-digest');
        if (answered && answered !== digest) throw new RegistryError('DIGEST_MISMATCH', subject, response.status, `the registry stored ${answered}`);
        return options.confirm ? { digest, confirmed: answered === digest } : digest;
      },
      options.signal,
    );
  }

  /** DELETE a manifest by digest; false when the registry did not have it (also after a retry whose first answer was lost). */
  async deleteManifest(repository: string, digest: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    const subject = `manifest ${repository}@${digest}`;
    return this.retrying(
      `DELETE ${subject}`,
      async (attempt) => {
        const response = await this.send('DELETE', `/v2/${repository}/manifests/${digest}`, { subject, signal: options.signal, allow: [404] });
        await response.body?.cancel();
        return response.status !== 404 || attempt > 1;
      },
      options.signal,
    );
  }

  /** Tags of a repository (GET /v2/<name>/tags/list, paged by `last`). */
  async listTags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repository}/tags/list?n=1000`;
    while (path) {
      const current: string = path;
      const { page, response } = await this.retrying(`GET tags of ${repository}`, async () => {
        const response: Response = await this.send('GET', current, { subject: `tags of ${repository}` });
        return { response, page: (await response.json()) as { tags?: string[] | null } };
      });
      tags.push(...(page.tags ?? []));
      const next = /<([^>]+)>;\s*rel="?next"?/.exec(response.headers.get('link') ?? '')?.[1];
      path = next ? new URL(next, this.baseUrl).pathname + new URL(next, this.baseUrl).search : undefined;
    }
    return tags;
  }

  /**
   * Manifests naming `digest` as their subject (OCI 1.1 referrers API), or undefined when the
   * registry does not offer the API (404 or 405), so callers fall back to what they listed.
   */
  async referrers(repository: string, digest: string, artifactType?: string): Promise<Manifest['manifests'] | undefined> {
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    return this.retrying(`GET referrers of ${repository}@${digest}`, async () => {
      const response = await this.send('GET', `/v2/${repository}/referrers/${digest}${query}`, {
        subject: `referrers of ${repository}@${digest}`,
        headers: { accept: 'application/vnd.oci.image.index.v1+json' },
        allow: [404, 405],
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return undefined;
      }
      const index = (await response.json()) as Manifest;
      return index.manifests ?? [];
    });
  }
}

function refText(reference: string): string {
  return isDigest(reference) ? `@${reference}` : `:${reference}`;
}
