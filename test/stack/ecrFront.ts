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
 *   (GET) become lastRecordedPullTime, and so does BatchGetImage (a switch, on by default).
 * - What ECR does that moto lacks, each where it is implemented with the AWS page or model shape it
 *   follows (table: test/stack/README.md): archived images left out of ListImages/DescribeImages
 *   unless filter.imageStatus asks, 404 at the registry while archived, restored by a push;
 *   DescribeImages' tagStatus filter, artifactMediaType and imageManifestMediaType;
 *   ImageReferencedByManifestList; maxResults with named ids refused.
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
import { ArchiveStates, statusMatches } from './ecrArchive';

const PAGED: Record<string, { items: string; named?: string }> = {
  DescribeRepositories: { items: 'repositories', named: 'repositoryNames' },
  DescribeImages: { items: 'imageDetails', named: 'imageIds' },
  ListImages: { items: 'imageIds' },
};
const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';
const INDEX_TYPES = ['application/vnd.docker.distribution.manifest.list.v2+json', 'application/vnd.oci.image.index.v1+json'];
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
  /**
   * BatchGetImage counts as a pull (sets lastRecordedPullTime), as users report ECR does
   * (https://github.com/aws/containers-roadmap/issues/2390); default true.
   */
  batchGetImageIsPull?: boolean;
}

/** What the front knows of a manifest (from PutImage, a push, or a BatchGetImage of its own). */
interface ManifestFacts {
  mediaType?: string;
  /** The config's media type, or the manifest's artifactType: what ECR returns as artifactMediaType. */
  artifactMediaType?: string;
  /** Digests an index lists. */
  children?: string[];
  /** The manifest's subject (a signature's, an SBOM's image) and annotations: what ListImageReferrers answers. */
  subject?: string;
  annotations?: Record<string, string>;
  /** The manifest's length in bytes (ImageReferrer.size). */
  bytes?: number;
}

// ECR's JSON bodies, read loosely here: the contract test checks every answer against the API model.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
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
  /** `${repository}@${digest}` → media type, artifact type and children, learnt from manifests. */
  private readonly manifests = new Map<string, ManifestFacts>();
  /** `${repository}@${digest}` → manifest bytes of archived images, taken from the registry while they are archived. */
  private readonly hidden = new Map<string, { text: string; mediaType: string }>();
  private idle: Array<() => void> = [];

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly options: EcrFrontOptions,
  ) {
    this.archives = new ArchiveStates(options.restoreMs, (repository, digest) => this.reinstateAtRegistry(repository, digest));
  }

  static async start(options: EcrFrontOptions): Promise<EcrFront> {
    // Assigned once the server listens; the request handler runs only after that.
    // eslint-disable-next-line prefer-const
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
        this.manifests.clear();
        this.hidden.clear();
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

    // "This option cannot be used when you specify images with imageIds" / "repositories with
    // repositoryNames" (botocore ecr service-2.json, DescribeImagesRequest and
    // DescribeRepositoriesRequest, maxResults and nextToken): ECR answers InvalidParameterException.
    const named = PAGED[operation]?.named;
    if (named && Array.isArray(input[named]) && input[named].length > 0 && (input.maxResults !== undefined || input.nextToken !== undefined)) {
      return done(400, JSON.stringify({ __type: 'InvalidParameterException', message: `Invalid parameter: maxResults and nextToken cannot be used when you specify ${named}.` }));
    }

    if (operation === 'UpdateImageStorageClass') return this.updateStorageClass(request, input, done);
    if (operation === 'ListImageReferrers') return this.listImageReferrers(request, input, done);
    let forwardBody = body;
    let untagged: Json | undefined;
    // moto knows no imageStatus filter, and DescribeImages ignores tagStatus there: the front applies
    // both (DescribeImagesFilter, ListImagesFilter: "If not specified, only images with ACTIVE status
    // are returned", botocore ecr service-2.json).
    const statusFilter: string | undefined = ['DescribeImages', 'ListImages'].includes(operation) ? input.filter?.imageStatus : undefined;
    const tagStatus: string | undefined = operation === 'DescribeImages' ? input.filter?.tagStatus : undefined;
    if (statusFilter || tagStatus) {
      delete input.filter.imageStatus;
      if (operation === 'DescribeImages') delete input.filter.tagStatus;
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
    let refused: Json[] = [];
    if (operation === 'BatchDeleteImage') {
      const split = await this.refuseReferencedByIndex(request, input);
      refused = split.refused;
      if (split.allowed.length === 0) return done(200, JSON.stringify({ imageIds: [], failures: refused }));
      if (refused.length > 0) forwardBody = Buffer.from(JSON.stringify({ ...input, imageIds: split.allowed }));
    }

    const upstream = await this.forward(request, forwardBody);
    if (upstream.status !== 200) return done(upstream.status, upstream.text, upstream.contentType);
    const answer = JSON.parse(upstream.text || '{}') as Json;

    if (operation === 'PutImage') {
      this.learnManifest(input.repositoryName, input.imageDigest, input.imageManifest, input.imageManifestMediaType);
      if (untagged) await this.putBackUntagged(input.repositoryName, untagged, request);
      // A push of an archived image's bytes restores it at once (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push.html).
      await this.archives.restoreNow(input.repositoryName, input.imageDigest);
    }
    if (operation === 'DescribeImages') {
      const details = (answer.imageDetails ?? []) as Json[];
      await this.patchImageDetails(request, details);
      const statuses = details.map((detail) => this.archives.annotate(detail));
      const wanted = details.filter((detail, index) => statusMatches(statuses[index], statusFilter));
      const namedIds = Array.isArray(input.imageIds) && input.imageIds.length > 0;
      if (namedIds && wanted.length < details.length) {
        // Docs silent on a named image the status filter excludes: our choice is ECR's answer for a
        // named image it does not list, ImageNotFoundException (DescribeImages' errors in the model),
        // never the image silently dropped from a 200. With filter.imageStatus ANY or ARCHIVED the
        // archived image is described, "The image status will be shown as ARCHIVED"
        // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html).
        const excluded = details.find((detail, index) => !statusMatches(statuses[index], statusFilter))!;
        return done(400, JSON.stringify({
          __type: 'ImageNotFoundException',
          message: `The image with imageId {imageDigest:'${excluded.imageDigest}'} has status ${excluded.imageStatus}, which filter.imageStatus ${statusFilter ?? '(none: ACTIVE)'} leaves out, in the repository with name '${input.repositoryName}' in the registry with id '${excluded.registryId ?? '123456789012'}'`,
        }));
      }
      // tagStatus (DescribeImagesFilter): TAGGED, UNTAGGED or ANY; moto ignores it.
      answer.imageDetails = wanted.filter((detail) => !tagStatus || tagStatus === 'ANY' || (tagStatus === 'TAGGED') === (detail.imageTags ?? []).length > 0);
    }
    if (operation === 'ListImages') {
      answer.imageIds = ((answer.imageIds ?? []) as Json[]).filter((id) => statusMatches(this.archives.statusOf(input.repositoryName, id.imageDigest), statusFilter));
    }
    if (operation === 'BatchGetImage') this.answerBatchGetImage(input, answer);
    if (operation === 'BatchDeleteImage') {
      await this.reportDeletedByDigest(request, input, answer);
      if (refused.length > 0) answer.failures = [...(answer.failures ?? []), ...refused];
    }
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
      await this.archiveImage(repositoryName, imageDigest);
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

  /**
   * UpdateImageStorageClass (moto lacks it). Errors as the model lists them (botocore ecr
   * service-2.json): RepositoryNotFoundException for a missing repository, ImageNotFoundException
   * for a missing image, ImageStorageClassUpdateNotSupportedException for a restore of an image that
   * is not archived (docs silent on which: our choice), InvalidParameterException for another class.
   */
  private async updateStorageClass(request: http.IncomingMessage, input: Json, done: (status: number, text: string) => void): Promise<void> {
    const fail = (type: string, message: string) => done(400, JSON.stringify({ __type: type, message }));
    const registryId = input.registryId ?? '123456789012';
    if ((await this.motoCall('DescribeRepositories', { repositoryNames: [input.repositoryName] }, request)).status !== 200) {
      return fail('RepositoryNotFoundException', `The repository with name '${input.repositoryName}' does not exist in the registry with id '${registryId}'`);
    }
    if (!['STANDARD', 'ARCHIVE'].includes(input.targetStorageClass)) return fail('InvalidParameterException', "targetStorageClass must be 'STANDARD' or 'ARCHIVE'");
    const listed = await this.motoCall('DescribeImages', { repositoryName: input.repositoryName, imageIds: [input.imageId ?? {}] }, request);
    const digest: string | undefined = listed.status === 200 ? (JSON.parse(listed.text).imageDetails ?? [])[0]?.imageDigest : undefined;
    if (!digest) {
      return fail('ImageNotFoundException', `The image with imageId ${JSON.stringify(input.imageId ?? {})} does not exist within the repository with name '${input.repositoryName}' in the registry with id '${registryId}'`);
    }
    if (input.targetStorageClass === 'ARCHIVE') await this.archiveImage(input.repositoryName, digest);
    else if (!this.archives.startRestore(input.repositoryName, digest)) {
      return fail('ImageStorageClassUpdateNotSupportedException', 'The image is not archived: it is already in the standard storage class.');
    }
    done(200, JSON.stringify({ registryId, repositoryName: input.repositoryName, imageId: { imageDigest: digest }, imageStatus: this.archives.statusOf(input.repositoryName, digest) }));
  }

  /**
   * Archives an image: ARCHIVED in the API and gone from the registry endpoint ("Archived images
   * cannot be pulled. Requests to pull the archived image will fail with a 404 error",
   * https://docs.aws.amazon.com/AmazonECR/latest/userguide/archive-image.html). The registry's
   * manifest is deleted (its blobs stay: the registry does no garbage collection here) and its bytes
   * kept, to be put back on restore.
   */
  /**
   * ListImageReferrers (moto lacks it), as the ECR API model describes it: the artifacts whose manifest names
   * `subjectId.imageDigest` as its subject; "If not specified, only artifacts with ACTIVE status are returned"
   * (ListImageReferrersFilter.artifactStatus); `artifactTypes` keeps those types; pages of `maxResults` (1-50),
   * "up to 20 results" without it (ListImageReferrersRequest.maxResults). Docs silent on the order: ours is push order.
   */
  private async listImageReferrers(request: http.IncomingMessage, input: Json, done: (status: number, text: string) => void): Promise<void> {
    const invalid = (message: string) => done(400, JSON.stringify({ __type: 'InvalidParameterException', message }));
    const subject = input.subjectId?.imageDigest;
    if (typeof input.repositoryName !== 'string' || typeof subject !== 'string') return invalid('repositoryName and subjectId.imageDigest are required.');
    if (!/^sha256:[0-9a-f]{64}$/.test(subject)) return invalid(`Invalid parameter at 'subjectId.imageDigest': ${subject} is not a digest.`);
    const maxResults = input.maxResults ?? 20;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 50) return invalid("Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value between 1 and 50'");
    const wantedStatus: string = input.filter?.artifactStatus ?? 'ACTIVE';
    const wantedTypes: string[] | undefined = Array.isArray(input.filter?.artifactTypes) && input.filter.artifactTypes.length ? input.filter.artifactTypes : undefined;
    const listed = await this.motoCall('DescribeImages', { repositoryName: input.repositoryName }, request);
    if (listed.status !== 200) return done(listed.status, listed.text);
    const details = ((JSON.parse(listed.text).imageDetails ?? []) as Json[]).sort((a, b) => Number(a.imagePushedAt ?? 0) - Number(b.imagePushedAt ?? 0));
    const facts = await this.manifestFacts(request, input.repositoryName, details.map((detail) => detail.imageDigest));
    const referrers: Json[] = [];
    for (const detail of details) {
      const known = facts.get(detail.imageDigest) ?? {};
      if (known.subject !== subject) continue;
      const status = this.archives.statusOf(input.repositoryName, detail.imageDigest);
      if (wantedStatus !== 'ANY' && status !== wantedStatus) continue;
      if (wantedTypes && !wantedTypes.includes(known.artifactMediaType ?? '')) continue;
      referrers.push({
        digest: detail.imageDigest,
        mediaType: known.mediaType ?? detail.imageManifestMediaType,
        ...(known.artifactMediaType ? { artifactType: known.artifactMediaType } : {}),
        size: known.bytes ?? detail.imageSizeInBytes ?? 0,
        ...(known.annotations ? { annotations: known.annotations } : {}),
        artifactStatus: status,
      });
    }
    const start = typeof input.nextToken === 'string' ? Number(Buffer.from(input.nextToken, 'base64').toString('utf8')) || 0 : 0;
    const page = referrers.slice(start, start + maxResults);
    const next = start + maxResults < referrers.length ? Buffer.from(String(start + maxResults)).toString('base64') : undefined;
    return done(200, JSON.stringify({ referrers: page, ...(next ? { nextToken: next } : {}) }));
  }

  private async archiveImage(repository: string, digest: string): Promise<void> {
    if (!this.archives.archive(repository, digest) || !this.options.registry) return;
    const key = `${repository}@${digest}`;
    const facts = (await this.manifestFacts(undefined, repository, [digest])).get(digest);
    const manifest = await this.registryFetch(`/v2/${repository}/manifests/${digest}`, 'GET', { accept: facts?.mediaType ?? MANIFEST_TYPES.join(', ') });
    if (manifest.status !== 200) {
      this.log(`archive of ${key}: the registry answered ${manifest.status} for its manifest; nothing to hide there`);
      return;
    }
    this.hidden.set(key, { text: manifest.text, mediaType: manifest.headers.get('content-type')?.split(';')[0] ?? facts?.mediaType ?? MANIFEST_TYPES[0] });
    await this.deleteFromRegistry(repository, digest);
  }

  /** A restored image is pullable again: its manifest goes back to the registry, by digest and by each tag ECR lists for it. */
  private async reinstateAtRegistry(repository: string, digest: string): Promise<void> {
    const key = `${repository}@${digest}`;
    const kept = this.hidden.get(key);
    if (!kept || !this.options.registry) return;
    const listed = await this.motoCall('DescribeImages', { repositoryName: repository, imageIds: [{ imageDigest: digest }] });
    const tags: string[] = listed.status === 200 ? ((JSON.parse(listed.text).imageDetails ?? [])[0]?.imageTags ?? []) : [];
    for (const reference of [digest, ...tags]) {
      const put = await this.registryFetch(`/v2/${repository}/manifests/${reference}`, 'PUT', { 'content-type': kept.mediaType }, kept.text);
      if (put.status !== 201) this.log(`restore of ${key}: the registry answered ${put.status} to PUT ${reference}: ${put.text.slice(0, 200)}`);
    }
    this.hidden.delete(key);
  }

  /**
   * Create-on-push applies the whole repository creation template: tag mutability with its
   * exclusion filters, encryption, resource tags, repository policy and lifecycle policy
   * (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-creation-templates.html;
   * RepositoryCreationTemplate in botocore ecr service-2.json).
   */
  private async createFromTemplate(repository: string, template: Json, like?: http.IncomingMessage): Promise<void> {
    const created = await this.motoCall('CreateRepository', {
      repositoryName: repository,
      imageTagMutability: template.imageTagMutability,
      ...(template.imageTagMutabilityExclusionFilters ? { imageTagMutabilityExclusionFilters: template.imageTagMutabilityExclusionFilters } : {}),
      encryptionConfiguration: template.encryptionConfiguration,
      ...(template.resourceTags?.length ? { tags: template.resourceTags } : {}),
    }, like);
    this.log(`create on push of ${repository} from the creation template ${template.prefix}: ${created.status}`);
    if (created.status !== 200) return;
    if (template.repositoryPolicy) {
      const policy = await this.motoCall('SetRepositoryPolicy', { repositoryName: repository, policyText: template.repositoryPolicy }, like);
      if (policy.status !== 200) this.log(`template ${template.prefix}: repository policy not applied: ${policy.text.slice(0, 200)}`);
    }
    if (template.lifecyclePolicy) {
      const lifecycle = await this.motoCall('PutLifecyclePolicy', { repositoryName: repository, lifecyclePolicyText: template.lifecyclePolicy }, like);
      if (lifecycle.status !== 200) this.log(`template ${template.prefix}: lifecycle policy not applied: ${lifecycle.text.slice(0, 200)}`);
    }
  }

  /**
   * ECR refuses to delete an image an index in the repository lists: failure code
   * ImageReferencedByManifestList in failures[], per image (ImageFailureCode in botocore ecr
   * service-2.json; https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageFailure.html).
   * Docs silent on an index deleted by the same request: our choice is to allow its platform images then.
   */
  private async refuseReferencedByIndex(request: http.IncomingMessage, input: Json): Promise<{ allowed: Json[]; refused: Json[] }> {
    const ids = (input.imageIds ?? []) as Json[];
    const all = await this.motoCall('DescribeImages', { repositoryName: input.repositoryName }, request);
    if (all.status !== 200 || ids.length === 0) return { allowed: ids, refused: [] };
    const details = (JSON.parse(all.text).imageDetails ?? []) as Json[];
    const digestOf = (id: Json): string | undefined => id.imageDigest ?? details.find((detail) => (detail.imageTags ?? []).includes(id.imageTag))?.imageDigest;
    const deleting = new Set(ids.map(digestOf).filter(Boolean));
    const indexes = details.filter((detail) => INDEX_TYPES.includes(detail.imageManifestMediaType) && !deleting.has(detail.imageDigest));
    const facts = await this.manifestFacts(request, input.repositoryName, indexes.map((detail) => detail.imageDigest));
    const listedBy = new Map<string, string>();
    for (const index of indexes) for (const child of facts.get(index.imageDigest)?.children ?? []) listedBy.set(child, index.imageDigest);
    const allowed: Json[] = [];
    const refused: Json[] = [];
    for (const id of ids) {
      const digest = digestOf(id);
      // A tag removed from an image that keeps other tags deletes nothing: only a delete by digest, or of an image's last tag, is refused.
      const byTagOnly = id.imageTag && !id.imageDigest && (details.find((detail) => detail.imageDigest === digest)?.imageTags ?? []).length > 1;
      const index = digest && !byTagOnly ? listedBy.get(digest) : undefined;
      if (index) refused.push({ imageId: id, failureCode: 'ImageReferencedByManifestList', failureReason: `Requested image referenced by manifest list: [${index}]` });
      else allowed.push(id);
    }
    return { allowed, refused };
  }

  /**
   * BatchGetImage: "When an image is pulled, the BatchGetImage API is called once to retrieve the
   * image manifest" (model docs), and users see it update lastRecordedPullTime
   * (https://github.com/aws/containers-roadmap/issues/2390): recorded as a pull unless the switch
   * batchGetImageIsPull is off. Archived images cannot be pulled (archive-image page); docs silent
   * on BatchGetImage of one: our choice is a per-image failure ImageNotFound, not the manifest.
   */
  private answerBatchGetImage(input: Json, answer: Json): void {
    const images = (answer.images ?? []) as Json[];
    const archived = images.filter((image) => this.archives.statusOf(input.repositoryName, image.imageId?.imageDigest) !== 'ACTIVE');
    answer.images = images.filter((image) => !archived.includes(image));
    for (const image of archived) {
      (answer.failures ??= []).push({ imageId: image.imageId, failureCode: 'ImageNotFound', failureReason: 'Requested image is archived; restore it first' });
    }
    if (this.options.batchGetImageIsPull === false) return;
    const now = new Date();
    for (const image of answer.images as Json[]) this.pulls.set(`${input.repositoryName}@${image.imageId?.imageDigest}`, now);
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
      await this.createFromTemplate(repository, template, like);
    }
    // "If you push an image that is currently archived, that image will be automatically restored"
    // (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push.html): ACTIVE at once, with its tags back.
    if (await this.archives.restoreNow(repository, digest)) this.log(`push of archived ${key}: restored`);
    const answer = await this.motoCall('PutImage', input, like);
    if (answer.status === 200) {
      this.learnManifest(repository, digest, manifest.text, mediaType);
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
    this.learnManifest(repository, image.imageDigest, image.imageManifest, image.imageManifestMediaType);
    if (typeof imagePushedAt === 'number') this.pushedAt.set(`${repository}@${image.imageDigest}`, imagePushedAt);
  }

  private learnManifest(repository: string, digest: string | undefined, manifestText: string, mediaType?: string): void {
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
      this.manifests.set(`${repository}@${digest}`, factsOf(manifest, mediaType, manifestText));
    } catch {
      // Not JSON: moto refuses it anyway.
    }
  }

  /** Manifest facts for these images, read from moto (BatchGetImage of the front's own: not a pull) where not known yet. */
  private async manifestFacts(request: http.IncomingMessage | undefined, repository: string, digests: string[]): Promise<Map<string, ManifestFacts>> {
    const missing = [...new Set(digests.filter((digest) => digest && !this.manifests.has(`${repository}@${digest}`)))];
    for (let start = 0; start < missing.length; start += 100) {
      const imageIds = missing.slice(start, start + 100).map((imageDigest) => ({ imageDigest }));
      const got = await this.motoCall('BatchGetImage', { repositoryName: repository, imageIds, acceptedMediaTypes: MANIFEST_TYPES }, request);
      if (got.status !== 200) continue;
      for (const image of (JSON.parse(got.text).images ?? []) as Json[]) {
        try {
          this.manifests.set(`${repository}@${image.imageId?.imageDigest}`, factsOf(JSON.parse(image.imageManifest), image.imageManifestMediaType, image.imageManifest));
        } catch {
          // A manifest that is not JSON has no facts to give.
        }
      }
    }
    return new Map(digests.map((digest) => [digest, this.manifests.get(`${repository}@${digest}`) ?? {}]));
  }

  private async patchImageDetails(request: http.IncomingMessage, details: Json[]): Promise<void> {
    const repository = details[0]?.repositoryName;
    const facts = repository ? await this.manifestFacts(request, repository, details.map((detail) => detail.imageDigest)) : new Map<string, ManifestFacts>();
    for (const detail of details) {
      const known = facts.get(detail.imageDigest) ?? {};
      // imageManifestMediaType and artifactMediaType (ImageDetail, botocore ecr service-2.json): ECR
      // returns the config's media type as artifactMediaType for an ordinary image, as in the
      // DescribeImages example of https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html.
      // Docs silent for an index (it has no config): our choice is none.
      detail.imageManifestMediaType ??= known.mediaType;
      if (known.artifactMediaType) detail.artifactMediaType = known.artifactMediaType;
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
      this.archives.forget(repository, digest);
      this.hidden.delete(`${repository}@${digest}`);
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

  private async registryFetch(path: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string; headers: Headers }> {
    const password = this.options.registryPassword ?? DEFAULT_REGISTRY_PASSWORD;
    const answer = await fetch(`http://${this.options.registry}${path}`, {
      method,
      body,
      headers: { ...headers, authorization: `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}`, 'user-agent': BRIDGE_AGENT },
    });
    return { status: answer.status, text: await answer.text(), headers: answer.headers };
  }
}

/** What ECR derives from a manifest: its media type, artifactMediaType (artifactType, else the config's media type) and, for an index, the digests it lists. */
function factsOf(manifest: Json, mediaType?: string, text?: string): ManifestFacts {
  return {
    mediaType: mediaType ?? manifest.mediaType,
    artifactMediaType: manifest.artifactType ?? manifest.config?.mediaType,
    children: Array.isArray(manifest.manifests) ? manifest.manifests.map((child: Json) => child.digest) : undefined,
    subject: typeof manifest.subject?.digest === 'string' ? manifest.subject.digest : undefined,
    annotations: manifest.annotations && typeof manifest.annotations === 'object' ? manifest.annotations : undefined,
    bytes: text === undefined ? undefined : Buffer.byteLength(text, 'utf8'),
  };
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
    // --batch-get-image-pull off: BatchGetImage does not count as a pull (ECR_WB_BATCH_GET_IMAGE_PULL=off does the same).
    batchGetImageIsPull: (option('batch-get-image-pull') ?? process.env.ECR_WB_BATCH_GET_IMAGE_PULL) !== 'off',
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
