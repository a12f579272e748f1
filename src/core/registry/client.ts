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
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { errorMessage } from '../errors';
import { registryErrorFrom, RegistryError } from './errors';
import { counting, readText, rechunk, skipping, verifying } from './streams';
import { classifyFailure, DEFAULT_RETRY_POLICY, isRetryableStatus, retryAfterMs, withRetry, type RetryListener, type RetryNotice, type RetryPolicy, type RetryVerdict } from './retry';
import { MANIFEST_ACCEPT, manifestMediaType, type Manifest } from './mediaTypes';

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Returns credentials; `refresh: true` after the registry refused the last ones (401). */
export type CredentialsProvider = (options: { refresh: boolean }) => Promise<RegistryCredentials>;

export interface RegistryRequestRecord {
  method: string;
  /** Path and query, e.g. /v2/team/app/manifests/1.0 */
  path: string;
  status?: number;
}

export interface RegistryClientOptions {
  /** host[:port] of the registry, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com or 127.0.0.1:5000 */
  host: string;
  credentials?: CredentialsProvider;
  fetch?: typeof fetch;
  userAgent?: string;
  /** Sees every request the client makes (tests count them; never sees headers). */
  onRequest?: (request: RegistryRequestRecord) => void;
  /** The retry policy (default DEFAULT_RETRY_POLICY); `{ attempts: 1 }` turns retries off. */
  retry?: RetryPolicy;
  /** Told of every retry (the ECR log). */
  onRetry?: RetryListener;
  /** A request with no answer (headers) or no bytes for this long is abandoned and retried (default 30 s). */
  timeoutMs?: number;
}

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

export interface BlobStream {
  /** The blob's whole size (also when read from an offset). */
  size: number;
  /** The blob's bytes (a Node stream, with backpressure); errors at its end when they do not hash to the digest. */
  body: Readable;
}

/** What an upload reads: a Node stream, a web stream, or bytes in memory (small blobs). */
export type UploadBody = Readable | ReadableStream<Uint8Array> | Buffer;

export type UploadMode = 'stream' | 'chunked' | 'monolithic';

export interface UploadOptions {
  signal?: AbortSignal;
  /** Called with the bytes sent so far for this blob. */
  onBytes?: (sent: number) => void;
  /** stream (default): one PATCH with the body streamed, as docker push does; chunked: PATCHes of chunkSize with Content-Range; monolithic: one PUT. */
  mode?: UploadMode;
  /** For chunked uploads (default 8 MiB; ECR wants at least 5 MiB for every chunk but the last). */
  chunkSize?: number;
  /** Resume: the registry already has the blob's bytes before this offset (from uploadStatus); `body` holds the rest. */
  offset?: number;
  /** After each acknowledged PATCH: where the upload stands (a caller resumes from its Location after a failure). */
  onAcknowledged?: (status: UploadStatus) => void;
}

/** Where an upload session stands: the bytes the registry acknowledged, and the Location to go on from. */
export interface UploadStatus {
  offset: number;
  location: string;
}

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** True for hosts in 127.0.0.0/8, localhost and ::1: those are spoken to over plain HTTP. */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.split(':')[0];
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
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

export class RegistryClient {
  readonly host: string;
  readonly baseUrl: string;
  private credentials?: RegistryCredentials;
  private readonly fetchImpl: typeof fetch;
  private readonly observers = new Set<RetryListener>();
  readonly policy: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(private readonly options: RegistryClientOptions) {
    this.host = options.host;
    this.baseUrl = `${isLoopbackHost(options.host) ? 'http' : 'https'}://${options.host}`;
    this.fetchImpl = options.fetch ?? fetch;
    this.policy = options.retry ?? DEFAULT_RETRY_POLICY;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Hears of every retry this client makes until the returned function is called (a copy's progress). */
  observeRetries(listener: RetryListener): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  /** Tells the log and the observers of a retry (callers that retry whole steps, such as a blob copy, too). */
  notifyRetry(notice: RetryNotice): void {
    this.options.onRetry?.(notice);
    for (const observer of this.observers) observer(notice);
  }

  /**
   * Runs `work` under the client's retry policy. `requestsRetried`: the work's own requests are
   * retried already, so only a broken transfer (a network failure mid-stream) is retried here,
   * never an HTTP status again (which would multiply the attempts).
   */
  retrying<T>(what: string, work: (attempt: number) => Promise<T>, signal?: AbortSignal, options: { requestsRetried?: boolean } = {}): Promise<T> {
    const classify = options.requestsRetried
      ? (error: unknown): RetryVerdict => (error instanceof RegistryError && error.status !== undefined ? { retry: false, reason: `HTTP ${error.status}` } : classifyRegistryFailure(error))
      : classifyRegistryFailure;
    return withRetry(what, work, { policy: this.policy, signal, onRetry: (notice) => this.notifyRetry(notice), classify });
  }

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

  // ---- blobs ----

  /** The blob's size, or undefined when the repository does not have it. */
  async headBlob(repository: string, digest: string, options: { signal?: AbortSignal } = {}): Promise<number | undefined> {
    return this.retrying(
      `HEAD blob ${repository}@${digest}`,
      async () => {
        const response = await this.send('HEAD', `/v2/${repository}/blobs/${digest}`, { subject: `blob ${repository}@${digest}`, signal: options.signal, allow: [404] });
        if (response.status === 404) return undefined;
        return Number(response.headers.get('content-length') ?? 0);
      },
      options.signal,
    );
  }

  /**
   * Streams a blob through node:http(s) (redirects followed; the password is not sent to another
   * origin), verified by digest as it streams. Not through fetch: its web streams moved a 200 MiB
   * layer at well under half the speed of a Node stream here.
   */
  async getBlob(repository: string, digest: string, options: { signal?: AbortSignal; offset?: number } = {}): Promise<BlobStream> {
    const subject = `blob ${repository}@${digest}`;
    const offset = options.offset ?? 0;
    const response = await this.retrying(`GET ${subject}`, () => this.openStream(`/v2/${repository}/blobs/${digest}`, subject, options.signal, offset), options.signal);
    if (offset > 0) {
      // From an offset (a resumed upload): 206 from there, or 200 whole (then skipped to it). The
      // registry checks the digest of the whole blob when the upload completes.
      const partial = response.statusCode === 206;
      const total = partial ? Number(/\/(\d+)$/.exec(String(response.headers['content-range'] ?? ''))?.[1] ?? 0) : Number(response.headers['content-length'] ?? 0);
      const rest = partial ? response : response.pipe(skipping(offset));
      if (!partial) response.once('error', (error) => rest.destroy(error));
      return { size: total, body: rest };
    }
    const verify = verifying(digest, subject);
    response.once('error', (error) => verify.destroy(error));
    response.once('aborted', () => verify.destroy(Object.assign(new Error(`${this.host}: the connection closed before the blob ended`), { code: 'ECONNRESET' })));
    return { size: Number(response.headers['content-length'] ?? 0), body: response.pipe(verify) };
  }

  /** Reads a small blob whole (a config), verified; refuses blobs larger than maxBytes. */
  async getBlobBytes(repository: string, digest: string, options: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Buffer> {
    const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    const { size, body } = await this.getBlob(repository, digest, options);
    if (size > maxBytes) {
      body.destroy();
      throw new RegistryError('SIZE_INVALID', `blob ${repository}@${digest}`, undefined, `${size} bytes is more than the ${maxBytes} read whole`);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * Starts a blob upload; with `mountFrom` asks the registry to mount the blob from that
   * repository of the same registry instead (201: done, nothing to send). A registry that cannot
   * mount answers 202 with an upload session, which is returned for the caller to use.
   */
  async startUpload(repository: string, options: { mount?: { digest: string; from: string }; signal?: AbortSignal } = {}): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const query = options.mount ? `?mount=${encodeURIComponent(options.mount.digest)}&from=${encodeURIComponent(options.mount.from)}` : '';
    const subject = options.mount ? `mount of ${options.mount.digest} into ${repository}` : `upload to ${repository}`;
    return this.retrying(
      `POST ${subject}`,
      async () => {
        const response = await this.send('POST', `/v2/${repository}/blobs/uploads/${query}`, { subject, signal: options.signal, headers: { 'content-length': '0' }, body: Buffer.alloc(0) });
        await response.body?.cancel();
        if (response.status === 201 && options.mount) return { mounted: true as const };
        return { mounted: false as const, location: this.location(response, `upload to ${repository}`) };
      },
      options.signal,
    );
  }

  /**
   * Where an upload session stands (distribution spec, "Resuming an upload": GET the upload URL,
   * 204 with `Range: 0-<last byte>`), or undefined when the registry no longer knows it (404).
   * Distribution answers `0-0` for an empty session as for one byte: read as 0 (a wrong guess is
   * refused with 416 on the next PATCH, and the caller then starts afresh).
   */
  async uploadStatus(location: string, options: { signal?: AbortSignal } = {}): Promise<UploadStatus | undefined> {
    return this.retrying(
      'GET upload status',
      async () => {
        const response = await this.send('GET', location, { subject: 'upload status', signal: options.signal, allow: [404] });
        await response.body?.cancel();
        if (response.status === 404) return undefined;
        const last = Number(/^0-(\d+)$/.exec(response.headers.get('range') ?? '')?.[1] ?? -1);
        return { offset: last > 0 ? last + 1 : 0, location: response.headers.get('location') ?? location };
      },
      options.signal,
    );
  }

  /** Uploads a blob into an upload session (from startUpload) and completes it with the digest. */
  async upload(location: string, digest: string, size: number, body: UploadBody, options: UploadOptions = {}): Promise<void> {
    const subject = `blob ${digest}`;
    const start = options.offset ?? 0;
    const mode = options.mode ?? (Buffer.isBuffer(body) ? 'monolithic' : 'stream');
    if (Buffer.isBuffer(body) && mode === 'monolithic' && start === 0) {
      await this.retrying(
        `PUT ${subject}`,
        async () => {
          const response = await this.send('PUT', withQuery(location, 'digest', digest), {
            subject,
            signal: options.signal,
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
            body,
          });
          await response.body?.cancel();
        },
        options.signal,
      );
      options.onBytes?.(size);
      return;
    }
    const stream = Buffer.isBuffer(body) ? Readable.from([body]) : body instanceof Readable ? body : Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>);
    const onBytes = options.onBytes && ((sent: number) => options.onBytes!(start + sent));
    if (mode === 'monolithic' && start === 0) {
      await this.streamRequest('PUT', withQuery(location, 'digest', digest), counting(stream, onBytes), subject, { 'content-length': String(size) }, options.signal);
      return;
    }
    if (mode === 'stream' || mode === 'monolithic') {
      // From the start: one PATCH streamed as it comes. Resumed: the rest, with the range it covers.
      const headers: Record<string, string> = start > 0 ? { 'content-length': String(size - start), 'content-range': `${start}-${size - 1}` } : { 'transfer-encoding': 'chunked' };
      if (size > start || start === 0) location = await this.streamRequest('PATCH', location, counting(stream, onBytes), subject, headers, options.signal);
      else stream.destroy();
    } else {
      const chunkSize = options.chunkSize ?? 8 * 1024 * 1024;
      let offset = start;
      for await (const chunk of rechunk(stream, chunkSize)) {
        const patched = await this.send('PATCH', location, {
          subject,
          signal: options.signal,
          headers: { 'content-type': 'application/octet-stream', 'content-length': String(chunk.length), 'content-range': `${offset}-${offset + chunk.length - 1}` },
          body: chunk,
        });
        await patched.body?.cancel();
        location = this.location(patched, subject);
        offset += chunk.length;
        options.onAcknowledged?.({ offset, location });
        options.onBytes?.(offset);
      }
    }
    const finish = location;
    await this.retrying(
      `PUT ${subject}`,
      async () => {
        const done = await this.send('PUT', withQuery(finish, 'digest', digest), { subject, signal: options.signal, headers: { 'content-length': '0' }, body: Buffer.alloc(0) });
        await done.body?.cancel();
      },
      options.signal,
    );
  }

  // ---- transport ----

  /**
   * One request streaming its body through node:http(s) with backpressure (PATCH of an upload, or
   * a monolithic PUT). Not through fetch: undici keeps every chunk of a streamed request body until
   * the request ends (a 200 MiB layer held 200 MiB). Returns the answer's Location.
   */
  private async streamRequest(method: 'PATCH' | 'PUT', location: string, body: Readable, subject: string, extra: Record<string, string>, signal?: AbortSignal): Promise<string> {
    const url = new URL(location, this.baseUrl);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...extra };
    const authorization = url.origin === new URL(this.baseUrl).origin ? await this.authorization(false) : undefined;
    if (authorization) headers.authorization = authorization;
    if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
    const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers, signal });
    this.idleTimeout(request);
    const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
      request.once('response', resolve);
      request.once('error', reject);
    });
    answered.catch(() => {});
    try {
      await pipeline(body, request);
    } catch (error) {
      request.destroy();
      if (signal?.aborted) throw signal.reason ?? error;
      // The registry may have answered (and closed) early with an error: report that answer.
      const early = await Promise.race([answered, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 50))]).catch(() => undefined);
      if (!early) throw new RegistryError('UNREACHABLE', `${this.host}: ${causeOf(error)}`);
    }
    const response = await answered.catch((error) => {
      if (signal?.aborted) throw signal.reason ?? error;
      throw new RegistryError('UNREACHABLE', `${this.host}: ${causeOf(error)}`);
    });
    const text = await readText(response);
    const status = response.statusCode ?? 0;
    this.options.onRequest?.({ method, path: url.pathname + url.search, status });
    if (status < 200 || status >= 300) throw registryErrorFrom(status, text, subject, retryAfterMs(headerText(response.headers['retry-after'])));
    return response.headers.location ?? '';
  }

  /** A GET answered as a Node stream: redirects followed (credentials only to the registry's origin), one refresh on 401. */
  private async openStream(path: string, subject: string, signal?: AbortSignal, offset = 0): Promise<http.IncomingMessage> {
    let url = new URL(path, this.baseUrl);
    let refreshed = false;
    for (let hop = 0; hop < 8; hop++) {
      const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
      const authorization = url.origin === new URL(this.baseUrl).origin ? await this.authorization(refreshed) : undefined;
      if (authorization) headers.authorization = authorization;
      if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
      let response: http.IncomingMessage;
      try {
        response = await new Promise<http.IncomingMessage>((resolve, reject) => {
          const request = (url.protocol === 'https:' ? https : http).request(url, { method: 'GET', headers, signal }, resolve);
          this.idleTimeout(request);
          request.once('error', reject);
          request.end();
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason ?? error;
        throw new RegistryError('UNREACHABLE', `${this.host}: ${causeOf(error)}`);
      }
      const status = response.statusCode ?? 0;
      this.options.onRequest?.({ method: 'GET', path: url.pathname + url.search, status });
      if ([301, 302, 303, 307, 308].includes(status) && response.headers.location) {
        response.resume();
        url = new URL(response.headers.location, url);
        continue;
      }
      if (status === 401 && !refreshed && this.options.credentials) {
        response.resume();
        refreshed = true;
        continue;
      }
      if (status >= 200 && status < 300) return response;
      const text = await readText(response);
      const error = registryErrorFrom(status, text, subject, retryAfterMs(headerText(response.headers['retry-after'])));
      throw status === 404 && error.code === 'MANIFEST_UNKNOWN' && !text ? new RegistryError('BLOB_UNKNOWN', subject, 404) : error;
    }
    throw new RegistryError('UNKNOWN', subject, undefined, 'too many redirects');
  }

  /** A request that hears nothing for timeoutMs is destroyed as ETIMEDOUT (and retried by its caller). */
  private idleTimeout(request: http.ClientRequest): void {
    request.setTimeout(this.timeoutMs, () => {
      request.destroy(Object.assign(new Error(`no answer for ${Math.round(this.timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' }));
    });
  }

  private location(response: Response, subject: string): string {
    const location = response.headers.get('location');
    if (!location) throw new RegistryError('BLOB_UPLOAD_INVALID', subject, response.status, 'no Location in the answer');
    return location;
  }

  private async authorization(refresh: boolean): Promise<string | undefined> {
    if (!this.options.credentials) return undefined;
    if (refresh || !this.credentials) this.credentials = await this.options.credentials({ refresh });
    return `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
  }

  /** One request; path may be a registry path or an upload Location (relative or absolute). */
  private async send(
    method: string,
    pathOrUrl: string,
    init: { subject: string; headers?: Record<string, string>; body?: Buffer | ReadableStream<Uint8Array>; signal?: AbortSignal; allow?: number[] },
  ): Promise<Response> {
    const url = new URL(pathOrUrl, this.baseUrl);
    const sameOrigin = url.origin === new URL(this.baseUrl).origin;
    const replayable = init.body === undefined || Buffer.isBuffer(init.body);
    for (let attempt = 0; ; attempt++) {
      const headers: Record<string, string> = { ...init.headers };
      if (this.options.userAgent) headers['user-agent'] = this.options.userAgent;
      const authorization = sameOrigin ? await this.authorization(attempt > 0) : undefined;
      if (authorization) headers.authorization = authorization;
      let response: Response;
      // Answer (headers) within timeoutMs; the body is read by the caller.
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(new RegistryError('UNREACHABLE', `${this.host}: no answer for ${Math.round(this.timeoutMs / 1000)} s`)), this.timeoutMs);
      try {
        response = await this.fetchImpl(url, {
          method,
          headers,
          body: init.body as RequestInit['body'],
          signal: init.signal ? AbortSignal.any([init.signal, timeout.signal]) : timeout.signal,
          redirect: 'follow',
          ...(init.body && !Buffer.isBuffer(init.body) ? { duplex: 'half' } : {}),
        } as RequestInit);
      } catch (error) {
        if (init.signal?.aborted) throw init.signal.reason ?? error;
        if (timeout.signal.aborted) throw timeout.signal.reason as Error;
        throw new RegistryError('UNREACHABLE', `${this.host}: ${causeOf(error)}`);
      } finally {
        clearTimeout(timer);
      }
      this.options.onRequest?.({ method, path: url.pathname + url.search, status: response.status });
      if (response.status === 401 && attempt === 0 && replayable && this.options.credentials) {
        await response.body?.cancel();
        continue;
      }
      if (response.ok || init.allow?.includes(response.status)) return response;
      const text = method === 'HEAD' ? '' : await response.text().catch(() => '');
      const subject = `${method === 'HEAD' ? 'HEAD ' : ''}${init.subject}`;
      const error = registryErrorFrom(response.status, text, subject, retryAfterMs(response.headers.get('retry-after')));
      // A 404 on a blob is BLOB_UNKNOWN, on an upload BLOB_UPLOAD_UNKNOWN, when the body says nothing.
      if (response.status === 404 && error.code === 'MANIFEST_UNKNOWN' && !text) {
        throw new RegistryError(/\/blobs\/uploads\//.test(url.pathname) ? 'BLOB_UPLOAD_UNKNOWN' : /\/blobs\//.test(url.pathname) ? 'BLOB_UNKNOWN' : 'MANIFEST_UNKNOWN', init.subject, 404);
      }
      throw error;
    }
  }
}

/** The policy's reading of this client's failures: a RegistryError by its status, UNREACHABLE as a network failure. */
function classifyRegistryFailure(error: unknown): RetryVerdict {
  if (error instanceof RegistryError) {
    if (error.code === 'UNREACHABLE') return { retry: true, reason: error.subject.replace(/^[^:]*(?::\d+)?: /, '') };
    if (error.status !== undefined) return { retry: isRetryableStatus(error.status), reason: `HTTP ${error.status}`, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) };
    return { retry: false, reason: error.code };
  }
  return classifyFailure(error);
}

function causeOf(error: unknown): string {
  const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
  return code ?? errorMessage(error);
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function refText(reference: string): string {
  return isDigest(reference) ? `@${reference}` : `:${reference}`;
}

function withQuery(location: string, name: string, value: string): string {
  return `${location}${location.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
}
