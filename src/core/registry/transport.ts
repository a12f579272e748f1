/**
 * The registry client's transport: one request with auth per request (basic `AWS:<password>` from a
 * credentials callback, asked again with `refresh: true` on a 401, then the request retried once when
 * its body can be sent again), streamed requests and answers over node:http(s), idle timeouts, and the
 * one retry policy (`retry.ts`). The password is only ever placed in the Authorization header: never
 * logged, never in an error. Loopback registries are spoken to over plain HTTP, every other over HTTPS.
 * `blobs.ts` and `client.ts` build the registry's API on it.
 */
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../errors';
import { registryErrorFrom, RegistryError } from './errors';
import { readText } from './streams';
import { classifyFailure, DEFAULT_RETRY_POLICY, isRetryableStatus, retryAfterMs, withRetry, type RetryListener, type RetryNotice, type RetryPolicy, type RetryVerdict } from './retry';

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

/** True for hosts in 127.0.0.0/8, localhost and ::1: those are spoken to over plain HTTP. */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.split(':')[0];
  return name === 'localhost' || name === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

export class RegistryTransport {
  readonly host: string;
  readonly baseUrl: string;
  private credentials?: RegistryCredentials;
  private readonly fetchImpl: typeof fetch;
  private readonly observers = new Set<RetryListener>();
  readonly policy: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(protected readonly options: RegistryClientOptions) {
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

  /**
   * One request streaming its body through node:http(s) with backpressure (PATCH of an upload, or
   * a monolithic PUT). Not through fetch: undici keeps every chunk of a streamed request body until
   * the request ends (a 200 MiB layer held 200 MiB). Returns the answer's Location.
   */
  protected async streamRequest(method: 'PATCH' | 'PUT', location: string, body: Readable, subject: string, extra: Record<string, string>, signal?: AbortSignal): Promise<string> {
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
  protected async openStream(path: string, subject: string, signal?: AbortSignal, offset = 0): Promise<http.IncomingMessage> {
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

  protected location(response: Response, subject: string): string {
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
  protected async send(
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
