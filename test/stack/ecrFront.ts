/**
 * The ECR front: one local ECR out of moto (the control-plane API) and the CNCF distribution
 * registry (the registry endpoint), which share no state on their own. Every ECR API call goes
 * through this front to moto unchanged, except where moto differs from ECR in a way the
 * extension would see:
 * - Paging: moto ignores maxResults/nextToken; the front slices DescribeRepositories,
 *   DescribeImages and ListImages answers by maxResults (ECR's default 100, 1-1000) and hands
 *   back a nextToken, as ECR does. Calls that name their items (imageIds, repositoryNames) are
 *   not paged, as in ECR.
 * - Tags that move: when a push or PutImage takes a tag from an image that has no other, ECR
 *   keeps that image, untagged; moto deletes it. The front puts it back, untagged, with its
 *   push time.
 * - Digests and sizes: ECR's digest is the sha256 of the manifest bytes; moto hashes layer
 *   digests (or picks a random one for an index). PutImage without imageDigest gets the real one
 *   added. imageSizeInBytes is the sum of the layers' sizes (moto reports the config's), and for
 *   an index the largest of its platform images (the API reference's rule).
 * - Pushes: the registry's own notifications (config `notifications.endpoints`) reach
 *   POST /_front/registry-events; each pushed manifest is registered with moto through PutImage
 *   with the same bytes, media type, digest and tag. ECR API reads wait while such a
 *   registration is in flight, so a push is listed by the next read, as in ECR. Manifest pulls
 *   (GET) become lastRecordedPullTime.
 * - Deletes: BatchDeleteImage's imageIds name every image deleted by digest (moto leaves untagged
 *   ones out); after BatchDeleteImage, every digest moto no longer holds is deleted from the
 *   registry (DELETE /v2/<name>/manifests/<digest>), so it can no longer be pulled; after
 *   DeleteRepository, every image it held. A delete by tag first catches up with the registry
 *   (the notification of the push that moved the tag may still be on its way). Where the registry cannot follow ECR: distribution
 *   cannot delete one tag of several (it deletes manifests, with all their tags), so a tag removed
 *   from an image that keeps others stays pullable at the registry; a push to a repository ECR
 *   does not have is logged and not registered (ECR would have refused it; the registry cannot).
 * - Pull-through cache rules and repository creation templates: moto answers them with HTML 500;
 *   the front keeps them itself (registryFeatures.ts), and a push to a missing repository that a
 *   CREATE_ON_PUSH template covers creates it with the template's settings, as ECR does.
 *
 * Tests also use it in-process (fault injection, call records with server time) through
 * `EcrFront.start`; the stack runs it as a process: node --import tsx test/stack/ecrFront.ts
 * --moto URL [--registry HOST] [--port N]. Control endpoints: GET /_front/health,
 * GET /_front/calls, POST /_front/reset (calls and faults), POST /_front/faults, POST /_front/archive
 * (archive an image; with UpdateImageStorageClass and DescribeImages' archive fields: ecrArchive.ts),
 * POST /_front/age (an image's push time or last pull set back, standing in for days going by).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryFeatures } from './registryFeatures';
import { ArchiveStates } from './ecrArchive';

const PAGED: Record<string, { items: string; named?: string }> = {
  DescribeRepositories: { items: 'repositories', named: 'repositoryNames' },
  DescribeImages: { items: 'imageDetails', named: 'imageIds' },
  ListImages: { items: 'imageIds' },
};
const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';
const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];
/** Requests the front makes to the registry carry this, so their pull events are not pulls. */
export const BRIDGE_AGENT = 'ecr-workbench-front';
/** The registry's password for user AWS (moto's GetAuthorizationToken password). */
export const DEFAULT_REGISTRY_PASSWORD = '123456789012-auth-token';

export interface FrontCall {
  operation: string;
  maxResults?: number;
  nextToken?: string;
  /** Items in the answer (paged operations only). */
  returned?: number;
  injected?: boolean;
  /** Request received to response sent, in milliseconds: the server's time as a client sees it. */
  serverMs?: number;
  /** Wall-clock times (ms since the epoch, sub-ms) the request arrived and its response was sent, comparable with another process's. */
  receivedAt?: number;
  sentAt?: number;
  /** The region of the caller's credential scope: which registry the call was for. */
  region?: string;
}

interface Fault {
  status: number;
  type: string;
  message: string;
  remaining: number;
}

interface RegistryEvent {
  action?: string;
  timestamp?: string;
  target?: { mediaType?: string; digest?: string; repository?: string; tag?: string };
  request?: { method?: string; useragent?: string };
}

export interface EcrFrontOptions {
  /** moto's URL, e.g. http://127.0.0.1:41001 */
  moto: string;
  /** The registry's host:port; without it pushes and deletes are not mirrored. */
  registry?: string;
  registryPassword?: string;
  port?: number;
  log?: (message: string) => void;
  /** How long a restore from the archive takes (ACTIVATING to ACTIVE); default 3 s. */
  restoreMs?: number;
}

type Json = Record<string, any>;

export class EcrFront {
  readonly calls: FrontCall[] = [];
  private readonly faults = new Map<string, Fault[]>();
  /** `${repository}@${digest}` → size in bytes, learnt from PutImage manifests. */
  private readonly sizes = new Map<string, number>();
  /** `${repository}@${digest}` → last manifest GET at the registry. */
  private readonly pulls = new Map<string, Date>();
  /** `${repository}@${digest}` → imagePushedAt (epoch seconds) of images put back untagged. */
  private readonly pushedAt = new Map<string, number>();
  /** Pull-through cache rules and repository creation templates, which moto lacks. */
  private readonly features = new RegistryFeatures();
  private pending = 0;
  private readonly archives: ArchiveStates;
  private idle: Array<() => void> = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly options: EcrFrontOptions,
  ) {
    this.archives = new ArchiveStates(options.restoreMs);
  }

  static async start(options: EcrFrontOptions): Promise<EcrFront> {
    let front!: EcrFront;
    const server = http.createServer((request, response) => {
      front.route(request, response).catch((error) => {
        front.log(`error: ${error?.stack ?? error}`);
        if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
    });
    // Keep-alive sockets from SDK clients must not hold close() up.
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    front = new EcrFront(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, options);
    return front;
  }

  /** Answers the next `times` calls of `operation` with an AWS JSON 1.1 error of this type. */
  inject(operation: string, fault: { status: number; type: string; message: string }, times = 1): void {
    const queue = this.faults.get(operation) ?? [];
    queue.push({ ...fault, remaining: times });
    this.faults.set(operation, queue);
  }

  callsOf(operation: string): FrontCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  reset(): void {
    this.calls.length = 0;
    this.faults.clear();
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private log(message: string): void {
    (this.options.log ?? (() => {}))(message);
  }

  private async route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const received = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = (request.url ?? '/').split('?')[0];
    if (path.startsWith('/_front/')) return this.control(path, request.method ?? 'GET', body, response);
    const target = String(request.headers['x-amz-target'] ?? '');
    if (!target.startsWith(TARGET_PREFIX)) {
      // moto's own API (/moto-api/reset, scan findings): forwarded as is. A reset forgets sizes and pulls.
      if (path === '/moto-api/reset') {
        this.sizes.clear();
        this.pulls.clear();
        this.pushedAt.clear();
        this.features.reset();
        this.archives.clear();
      }
      const upstream = await this.forward(request, body);
      return this.reply(response, upstream.status, upstream.contentType, upstream.text);
    }
    const operation = target.slice(TARGET_PREFIX.length);
    let input: Json = {};
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      // Not JSON: moto answers it.
    }
    const region = /Credential=[^/]+\/[^/]+\/([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
    const call: FrontCall = { operation, maxResults: input.maxResults, nextToken: input.nextToken, region, receivedAt: performance.timeOrigin + received };
    this.calls.push(call);
    const done = (status: number, text: string, contentType = 'application/x-amz-json-1.1') => {
      this.reply(response, status, contentType, text);
      call.serverMs = performance.now() - received;
      call.sentAt = performance.timeOrigin + received + call.serverMs;
    };
    await this.registrationsSettled();

    const fault = this.faults.get(operation)?.find((candidate) => candidate.remaining > 0);
    if (fault) {
      fault.remaining--;
      call.injected = true;
      return done(fault.status, JSON.stringify({ __type: fault.type, message: fault.message }));
    }
    const emulated = this.features.answer(operation, input);
    if (emulated) return done(emulated.status, JSON.stringify(emulated.body));

    if (operation === 'UpdateImageStorageClass') {
      const listed = await this.motoCall('DescribeImages', { repositoryName: input.repositoryName, imageIds: [input.imageId ?? {}] }, request);
      const answer = this.archives.update(input, input.registryId ?? '123456789012', listed.status === 200);
      return done(answer.status, JSON.stringify(answer.body));
    }
    let forwardBody = body;
    let untagged: Json | undefined;
    // moto knows no imageStatus filter: the front applies it (ECR lists ACTIVE images unless asked).
    const statusFilter: string | undefined = operation === 'DescribeImages' ? input.filter?.imageStatus : undefined;
    if (statusFilter) {
      delete input.filter.imageStatus;
      forwardBody = Buffer.from(JSON.stringify(input));
    }
    if (operation === 'PutImage' && typeof input.imageManifest === 'string') {
      // ECR's digest is the sha256 of the manifest bytes, whoever calls PutImage.
      input.imageDigest ??= sha256(input.imageManifest);
      forwardBody = Buffer.from(JSON.stringify(input));
      untagged = await this.imageLosingItsOnlyTag(input, request);
    }
    const heldImages = operation === 'DeleteRepository' && this.options.registry ? await this.digestsOf(request, input.repositoryName) : [];
    if (operation === 'BatchDeleteImage' && this.options.registry) {
      for (const id of (input.imageIds ?? []) as Json[]) if (id.imageTag) await this.catchUpWithRegistry(input.repositoryName, id.imageTag, request);
    }

    const upstream = await this.forward(request, forwardBody);
    if (upstream.status !== 200) return done(upstream.status, upstream.text, upstream.contentType);
    const answer = JSON.parse(upstream.text || '{}') as Json;

    if (operation === 'PutImage') {
      this.learnSize(input.repositoryName, input.imageDigest, input.imageManifest);
      if (untagged) await this.putBackUntagged(input.repositoryName, untagged, request);
    }
    if (operation === 'DescribeImages') {
      this.patchImageDetails(answer.imageDetails ?? []);
      answer.imageDetails = this.archives.describe(answer.imageDetails ?? [], statusFilter);
    }
    if (operation === 'BatchDeleteImage') await this.reportDeletedByDigest(request, input, answer);
    if (operation === 'BatchDeleteImage' && this.options.registry) await this.mirrorDeletes(request, input.repositoryName, answer.imageIds ?? []);
    if (operation === 'DeleteRepository' && this.options.registry) {
      for (const digest of heldImages) await this.deleteFromRegistry(input.repositoryName, digest);
    }

    const paging = PAGED[operation];
    if (!paging || (paging.named && Array.isArray(input[paging.named]) && input[paging.named].length > 0)) {
      return done(200, JSON.stringify(answer));
    }
    const pageSize = input.maxResults ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      return done(400, JSON.stringify({ __type: 'InvalidParameterException', message: "Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and 1000'" }));
    }
    const offset = input.nextToken ? Number(/^front-offset-(\d+)$/.exec(input.nextToken)?.[1] ?? NaN) : 0;
    if (Number.isNaN(offset)) {
      return done(400, JSON.stringify({ __type: 'InvalidParameterException', message: 'Invalid parameter at nextToken' }));
    }
    const items = (answer[paging.items] ?? []) as unknown[];
    const page = items.slice(offset, offset + pageSize);
    call.returned = page.length;
    const paged: Json = { ...answer, [paging.items]: page };
    delete paged.nextToken;
    if (offset + pageSize < items.length) paged.nextToken = `front-offset-${offset + pageSize}`;
    return done(200, JSON.stringify(paged));
  }

  private reply(response: http.ServerResponse, status: number, contentType: string, text: string): void {
    response.writeHead(status, { 'content-type': contentType });
    response.end(text);
  }

  private async control(path: string, method: string, body: Buffer, response: http.ServerResponse): Promise<void> {
    const json = (value: unknown) => this.reply(response, 200, 'application/json', JSON.stringify(value));
    if (path === '/_front/health') return json({ moto: this.options.moto, registry: this.options.registry ?? null });
    if (path === '/_front/calls') return json(this.calls);
    if (path === '/_front/reset' && method === 'POST') {
      this.reset();
      return json({});
    }
    if (path === '/_front/age' && method === 'POST') {
      // Time cannot pass in a test: an image's push or last pull is set back (ISO dates; null forgets the pull).
      const { repositoryName, imageDigest, pushedAt, pulledAt } = JSON.parse(body.toString('utf8'));
      const key = `${repositoryName}@${imageDigest}`;
      if (pushedAt) this.pushedAt.set(key, new Date(pushedAt).getTime() / 1000);
      if (pulledAt) this.pulls.set(key, new Date(pulledAt));
      else if (pulledAt === null) this.pulls.delete(key);
      return json({});
    }
    if (path === '/_front/archive' && method === 'POST') {
      const { repositoryName, imageDigest } = JSON.parse(body.toString('utf8'));
      this.archives.archive(repositoryName, imageDigest);
      return json({});
    }
    if (path === '/_front/faults' && method === 'POST') {
      const { operation, times, ...fault } = JSON.parse(body.toString('utf8'));
      this.inject(operation, fault, times ?? 1);
      return json({});
    }
    if (path === '/_front/registry-events' && method === 'POST') {
      // Always 200: a refused delivery would only make the registry retry the same events.
      this.pending++;
      try {
        const { events = [] } = JSON.parse(body.toString('utf8')) as { events?: RegistryEvent[] };
        for (const event of events) await this.onRegistryEvent(event);
      } catch (error) {
        this.log(`registry event not handled: ${String(error)}`);
      } finally {
        this.pending--;
        if (this.pending === 0) for (const resolve of this.idle.splice(0)) resolve();
      }
      return json({});
    }
    this.reply(response, 404, 'text/plain', `no such control endpoint: ${method} ${path}`);
  }

  /** Resolves when no registry event is being registered (at most 10 s, then reads go on). */
  private registrationsSettled(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async onRegistryEvent(event: RegistryEvent): Promise<void> {
    const { target, request } = event;
    if (!target?.repository || !target.digest || !MANIFEST_TYPES.includes(target.mediaType ?? '')) return;
    if (request?.useragent === BRIDGE_AGENT) return;
    const key = `${target.repository}@${target.digest}`;
    if (event.action === 'pull' && request?.method === 'GET') {
      this.pulls.set(key, event.timestamp ? new Date(event.timestamp) : new Date());
      return;
    }
    if (event.action !== 'push') return;
    await this.registerPush(target.repository, target.digest, target.mediaType!, target.tag);
  }

  /** Registers with moto what the registry holds as `digest` (pushed under `tag`, if any), as ECR lists a push. */
  private async registerPush(repository: string, digest: string, mediaType: string, tag?: string, like?: http.IncomingMessage): Promise<void> {
    const key = `${repository}@${digest}`;
    const manifest = await this.registryFetch(`/v2/${repository}/manifests/${digest}`, 'GET', { accept: mediaType });
    if (manifest.status !== 200) {
      this.log(`push of ${key}: the registry answered ${manifest.status} for its manifest; not registered`);
      return;
    }
    const input = { repositoryName: repository, imageManifest: manifest.text, imageManifestMediaType: mediaType, imageDigest: digest, ...(tag ? { imageTag: tag } : {}) };
    const untagged = await this.imageLosingItsOnlyTag(input, like);
    // ECR's create-on-push: a push to a missing repository that a CREATE_ON_PUSH template covers creates it with the template's settings.
    const template = this.features.createOnPushTemplate(repository);
    if (template && (await this.motoCall('DescribeRepositories', { repositoryNames: [repository] }, like)).status !== 200) {
      const settings = { imageTagMutability: template.imageTagMutability, encryptionConfiguration: template.encryptionConfiguration, tags: template.resourceTags };
      const created = await this.motoCall('CreateRepository', { repositoryName: repository, ...settings }, like);
      this.log(`create on push of ${repository} from the creation template ${template.prefix}: ${created.status}`);
    }
    const answer = await this.motoCall('PutImage', input, like);
    if (answer.status === 200) {
      this.learnSize(repository, digest, manifest.text);
      if (untagged) await this.putBackUntagged(repository, untagged, like);
      this.log(`registered ${repository}${tag ? `:${tag}` : ''} ${digest}`);
    } else if (/ImageAlreadyExists/.test(answer.text)) {
      // The same tag pushed again with the same bytes: ECR keeps the image as it is.
    } else if (/RepositoryNotFound/.test(answer.text)) {
      this.log(`push to ${repository}, which ECR does not have: not registered (ECR would have refused the push)`);
    } else {
      this.log(`PutImage for ${key} failed: ${answer.status} ${answer.text.slice(0, 300)}`);
    }
  }

  /**
   * Before a delete by tag: the registry's notification of the push that last moved `tag` may not
   * have arrived yet (notifications are sent after the push returns). ECR is never behind its own
   * registry, so what the registry says the tag names is registered first; otherwise moto would
   * delete the image the tag named before, and the front would delete that from the registry.
   */
  private async catchUpWithRegistry(repository: string, tag: string, like: http.IncomingMessage): Promise<void> {
    const head = await this.registryFetch(`/v2/${repository}/manifests/${tag}`, 'HEAD', { accept: MANIFEST_TYPES.join(', ') });
    const digest = head.headers.get('docker-content-digest');
    const mediaType = head.headers.get('content-type')?.split(';')[0];
    if (head.status !== 200 || !digest || !mediaType) return;
    const listed = await this.motoCall('DescribeImages', { repositoryName: repository, imageIds: [{ imageTag: tag }] }, like);
    const listedDigest = listed.status === 200 ? (JSON.parse(listed.text).imageDetails ?? [])[0]?.imageDigest : undefined;
    if (listedDigest !== digest) await this.registerPush(repository, digest, mediaType, tag, like);
  }

  /**
   * The image that a PutImage of `input` would take its only tag from: its manifest and push time,
   * so it can be put back untagged after moto deletes it (ECR keeps it).
   */
  private async imageLosingItsOnlyTag(input: Json, like?: http.IncomingMessage): Promise<Json | undefined> {
    if (!input.imageTag) return undefined;
    const holder = await this.motoCall('DescribeImages', { repositoryName: input.repositoryName, imageIds: [{ imageTag: input.imageTag }] }, like);
    if (holder.status !== 200) return undefined;
    const detail = (JSON.parse(holder.text).imageDetails ?? [])[0] as Json | undefined;
    if (!detail || detail.imageDigest === input.imageDigest || (detail.imageTags ?? []).length !== 1) return undefined;
    const got = await this.motoCall('BatchGetImage', { repositoryName: input.repositoryName, imageIds: [{ imageDigest: detail.imageDigest }], acceptedMediaTypes: MANIFEST_TYPES }, like);
    const image = got.status === 200 ? (JSON.parse(got.text).images ?? [])[0] : undefined;
    if (!image) return undefined;
    return { imageDigest: detail.imageDigest, imageManifest: image.imageManifest, imageManifestMediaType: image.imageManifestMediaType, imagePushedAt: detail.imagePushedAt };
  }

  private async putBackUntagged(repository: string, image: Json, like?: http.IncomingMessage): Promise<void> {
    const { imagePushedAt, ...put } = image;
    const answer = await this.motoCall('PutImage', { repositoryName: repository, ...put }, like);
    if (answer.status !== 200) {
      this.log(`could not keep ${repository}@${image.imageDigest} untagged: ${answer.status} ${answer.text.slice(0, 200)}`);
      return;
    }
    this.learnSize(repository, image.imageDigest, image.imageManifest);
    if (typeof imagePushedAt === 'number') this.pushedAt.set(`${repository}@${image.imageDigest}`, imagePushedAt);
  }

  private learnSize(repository: string, digest: string | undefined, manifestText: string): void {
    if (!digest) return;
    try {
      const manifest = JSON.parse(manifestText) as Json;
      let size: number | undefined;
      if (Array.isArray(manifest.layers)) size = manifest.layers.reduce((sum: number, layer: Json) => sum + (Number(layer.size) || 0), 0);
      else if (Array.isArray(manifest.manifests)) {
        const known = manifest.manifests.map((child: Json) => this.sizes.get(`${repository}@${child.digest}`)).filter((s: number | undefined) => s !== undefined);
        if (known.length > 0) size = Math.max(...known);
      }
      if (size !== undefined) this.sizes.set(`${repository}@${digest}`, size);
    } catch {
      // Not JSON: moto refuses it anyway.
    }
  }

  private patchImageDetails(details: Json[]): void {
    for (const detail of details) {
      const key = `${detail.repositoryName}@${detail.imageDigest}`;
      const size = this.sizes.get(key);
      if (size !== undefined) detail.imageSizeInBytes = size;
      const pushed = this.pushedAt.get(key);
      if (pushed !== undefined) detail.imagePushedAt = pushed;
      const pulled = this.pulls.get(key);
      // AWS JSON carries timestamps as epoch seconds.
      if (pulled) detail.lastRecordedPullTime = pulled.getTime() / 1000;
    }
  }

  private async mirrorDeletes(request: http.IncomingMessage, repository: string, deleted: Json[]): Promise<void> {
    const digests = [...new Set(deleted.map((id) => id.imageDigest).filter(Boolean))] as string[];
    for (const digest of digests) {
      const still = await this.motoCall('DescribeImages', { repositoryName: repository, imageIds: [{ imageDigest: digest }] }, request);
      if (still.status === 200) {
        const tags = deleted.filter((id) => id.imageDigest === digest && id.imageTag).map((id) => id.imageTag);
        this.log(`${repository}@${digest} keeps other tags in ECR; the registry cannot delete one tag, so ${tags.join(', ')} stays pullable there`);
        continue;
      }
      await this.deleteFromRegistry(repository, digest);
    }
  }

  /**
   * moto leaves images deleted by digest alone (untagged ones, e.g. an index's platform images) out
   * of BatchDeleteImage's imageIds; ECR lists every deleted id. Adds those moto no longer holds.
   */
  private async reportDeletedByDigest(request: http.IncomingMessage, input: Json, answer: Json): Promise<void> {
    const reported = new Set([...(answer.imageIds ?? []), ...(answer.failures ?? []).map((failure: Json) => failure.imageId ?? {})].map((id: Json) => id.imageDigest));
    for (const id of (input.imageIds ?? []) as Json[]) {
      if (!id.imageDigest || id.imageTag || reported.has(id.imageDigest)) continue;
      const still = await this.motoCall('DescribeImages', { repositoryName: input.repositoryName, imageIds: [{ imageDigest: id.imageDigest }] }, request);
      if (still.status !== 200) {
        (answer.imageIds ??= []).push({ imageDigest: id.imageDigest });
        reported.add(id.imageDigest);
      }
    }
  }

  private async digestsOf(request: http.IncomingMessage, repository: string): Promise<string[]> {
    const answer = await this.motoCall('DescribeImages', { repositoryName: repository }, request);
    if (answer.status !== 200) return [];
    return ((JSON.parse(answer.text).imageDetails ?? []) as Json[]).map((detail) => detail.imageDigest);
  }

  private async deleteFromRegistry(repository: string, digest: string): Promise<void> {
    const answer = await this.registryFetch(`/v2/${repository}/manifests/${digest}`, 'DELETE');
    if (answer.status === 202) this.log(`deleted ${repository}@${digest} from the registry`);
    else if (answer.status !== 404) this.log(`registry DELETE ${repository}@${digest}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  }

  private async forward(request: http.IncomingMessage, body: Buffer): Promise<{ status: number; contentType: string; text: string }> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'content-length', 'connection'].includes(name)) headers[name] = value;
    }
    const upstream = await fetch(new URL(request.url ?? '/', this.options.moto), { method: request.method, headers, body: body.length ? body : undefined });
    return { status: upstream.status, contentType: upstream.headers.get('content-type') ?? 'application/x-amz-json-1.1', text: await upstream.text() };
  }

  /** An ECR call of the front's own, straight to moto (moto reads the region from the caller's authorization). */
  private async motoCall(operation: string, input: Json, like?: http.IncomingMessage): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${TARGET_PREFIX}${operation}` };
    // moto routes a request to its service by the credential scope of the authorization header
    // (it does not check signatures): the caller's, or one for ECR in us-east-1 (the stack's region).
    const authorization = like?.headers.authorization;
    headers.authorization = typeof authorization === 'string' ? authorization : 'AWS4-HMAC-SHA256 Credential=AKIDECRFRONT00000000/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=0';
    const answer = await fetch(this.options.moto, { method: 'POST', headers, body: JSON.stringify(input) });
    return { status: answer.status, text: await answer.text() };
  }

  private async registryFetch(path: string, method: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
    const password = this.options.registryPassword ?? DEFAULT_REGISTRY_PASSWORD;
    const answer = await fetch(`http://${this.options.registry}${path}`, {
      method,
      headers: { ...headers, authorization: `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}`, 'user-agent': BRIDGE_AGENT },
    });
    return { status: answer.status, text: await answer.text(), headers: answer.headers };
  }
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const index = args.indexOf(`--${name}`);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const moto = option('moto');
  if (!moto) {
    console.error('usage: node --import tsx test/stack/ecrFront.ts --moto URL [--registry HOST] [--port N]');
    process.exit(2);
  }
  const front = await EcrFront.start({
    moto,
    registry: option('registry'),
    port: Number(option('port') ?? 0),
    restoreMs: option('restore-ms') ? Number(option('restore-ms')) : undefined,
    log: (message) => console.log(`${new Date().toISOString()} ${message}`),
  });
  console.log(`ECR front at ${front.url} (moto ${moto}${option('registry') ? `, registry ${option('registry')}` : ''})`);
}

if (process.argv[1] && /ecrFront\.ts$/.test(process.argv[1])) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
