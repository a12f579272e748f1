/**
 * Blobs of the registry client: HEAD, streamed GET (verified by digest as it streams, or from an
 * offset for a resumed upload), small blobs read whole, cross-repository mounts, and monolithic,
 * streamed and chunked uploads with their status for resuming.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { RegistryError } from './errors';
import { counting, rechunk, skipping, verifying } from './streams';
import { RegistryTransport } from './transport';

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

export class RegistryBlobs extends RegistryTransport {

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
}

function withQuery(location: string, name: string, value: string): string {
  return `${location}${location.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}`;
}
