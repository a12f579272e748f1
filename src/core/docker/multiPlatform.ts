/**
 * Multi-platform build and push (the ecr-build task's `platforms`): each platform is built
 * through the engine and pushed (the engine pushes by tag, so under a temporary tag), then one
 * index naming every platform image is PUT under the real tags through the registry client, and
 * the temporary tags are moved onto the index and removed through the ECR API (the index keeps
 * its real tags, so only the tags go; the platform images stay, untagged and referenced, as
 * `docker buildx --push` leaves them). A platform the engine cannot build (RUN steps for a foreign
 * architecture need emulation) fails with what would provide it.
 */
import { randomBytes } from 'node:crypto';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { RegistryClient } from '../registry/client';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, parsePlatform, platformText, type Descriptor, type Platform } from '../registry/mediaTypes';
import { removeTag } from '../images/tags';
import { buildAndPush, type BuildPushDependencies, type BuildPushOutcome, type BuildPushRequest } from './buildAndPush';
import { errorMessage } from '../errors';

export interface MultiPlatformRequest extends Omit<BuildPushRequest, 'platform'> {
  platforms: string[];
}

export interface MultiPlatformDependencies extends BuildPushDependencies {
  registry: RegistryClient;
  /** ECR's API, to remove the temporary tags; without it they stay (a plain registry). */
  ecr?: ECRClient;
  /** Replaceable for tests; default buildAndPush. */
  buildOne?: (request: BuildPushRequest, deps: BuildPushDependencies) => Promise<BuildPushOutcome>;
}

export interface PlatformImage {
  platform: Platform;
  digest: string;
  mediaType: string;
  size: number;
}

export type MultiPlatformOutcome =
  | { status: 'succeeded'; digest: string; mediaType: string; tags: string[]; platforms: PlatformImage[]; leftTags: string[] }
  | { status: 'failed'; platform?: string; message: string }
  | { status: 'cancelled'; message: string };

/** The index for these platform images: a Docker manifest list over Docker manifests, an OCI index otherwise. */
export function assembleIndex(images: PlatformImage[]): { bytes: Buffer; mediaType: string } {
  const docker = images.every((image) => image.mediaType === DOCKER_MANIFEST);
  const mediaType = docker ? DOCKER_MANIFEST_LIST : OCI_INDEX;
  const manifests: Descriptor[] = images.map((image) => ({ mediaType: image.mediaType, digest: image.digest, size: image.size, platform: image.platform }));
  return { bytes: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType, manifests }, null, 3)), mediaType };
}

const EMULATION_NEEDED = /exec format error|exec user process caused|no match for platform|cannot execute binary file/i;

/** The message for a platform that failed to build: names emulation when that is why. */
export function platformFailureMessage(platform: string, message: string): string {
  if (EMULATION_NEEDED.test(message)) {
    const arch = platform.split('/')[1] ?? platform;
    return `${platform} cannot be built on this Docker Engine: its RUN steps run ${arch} programs, which need emulation here. Install QEMU user emulation for the engine (Debian: apt-get install qemu-user-static binfmt-support; Docker Desktop has it built in; or docker run --privileged --rm tonistiigi/binfmt --install ${arch}), build on a ${arch} machine, or drop ${platform} from "platforms". (${message})`;
  }
  return `${platform}: ${message}`;
}

export async function buildAndPushPlatforms(request: MultiPlatformRequest, deps: MultiPlatformDependencies): Promise<MultiPlatformOutcome> {
  const platforms = [...new Set(request.platforms.map((text) => text.trim()))];
  if (platforms.length === 0) return { status: 'failed', message: '"platforms" is empty: list at least one, e.g. ["linux/amd64", "linux/arm64"].' };
  let parsed: Platform[];
  try {
    parsed = platforms.map(parsePlatform);
  } catch (error) {
    return { status: 'failed', message: errorMessage(error) };
  }
  const tags = request.tags.length ? [...new Set(request.tags)] : ['latest'];
  const buildOne = deps.buildOne ?? buildAndPush;
  const run = randomBytes(3).toString('hex');
  const temporary: string[] = [];
  const images: PlatformImage[] = [];
  for (const [position, platform] of parsed.entries()) {
    const text = platformText(platform);
    const tempTag = `${tags[0]}-build-${run}-${text.replace(/\//g, '-')}`.slice(0, 128);
    deps.reporter.phase(`Building ${text} (${position + 1} of ${parsed.length})`);
    deps.reporter.line(`── ${text} ──`);
    // The classic builder's cache does not tell platforms apart (a cached amd64 step answers an arm64 build): build without it.
    const noCache = request.noCache ?? request.builder !== 'buildkit';
    const outcome = await buildOne({ ...request, platform: text, tags: [tempTag], noCache, createRepository: request.createRepository && position === 0 }, deps);
    if (outcome.status === 'cancelled') return { status: 'cancelled', message: `Cancelled while building ${text}; ${images.length ? `${images.map((image) => platformText(image.platform)).join(', ')} pushed under temporary tags, ` : ''}no index was pushed.` };
    if (outcome.status === 'failed') return { status: 'failed', platform: text, message: platformFailureMessage(text, outcome.failure.message) };
    temporary.push(tempTag);
    const manifest = await deps.registry.getManifest(request.repository, outcome.digest);
    const configDigest = manifest.manifest.config?.digest;
    if (configDigest) {
      const config = JSON.parse((await deps.registry.getBlobBytes(request.repository, configDigest)).toString('utf8')) as { os?: string; architecture?: string; variant?: string };
      if (config.os !== platform.os || config.architecture !== platform.architecture) {
        return { status: 'failed', platform: text, message: `The engine built ${config.os}/${config.architecture} when asked for ${text}: it cannot build that platform. Use an engine with ${text} support (BuildKit with QEMU emulation) or drop it from "platforms".` };
      }
    }
    images.push({ platform, digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.bytes.length });
  }
  const index = assembleIndex(images);
  deps.reporter.phase('Pushing the index');
  let digest = '';
  for (const tag of tags) digest = await deps.registry.putManifest(request.repository, tag, index.bytes, index.mediaType, { signal: deps.signal });
  // Move the temporary tags onto the index (which keeps its real tags), then remove them.
  const leftTags: string[] = [];
  for (const tempTag of temporary) {
    await deps.registry.putManifest(request.repository, tempTag, index.bytes, index.mediaType);
    const removed = deps.ecr ? await removeTag(deps.ecr, request.repository, tempTag).catch((error) => ({ removed: false, reason: errorMessage(error) })) : { removed: false, reason: 'no ECR API' };
    if (!removed.removed) leftTags.push(tempTag);
  }
  deps.reporter.line(`${request.repository}: index ${digest} (${images.map((image) => platformText(image.platform)).join(', ')}) under ${tags.join(', ')}`);
  if (leftTags.length) deps.reporter.line(`Temporary tags left on the index: ${leftTags.join(', ')}`);
  return { status: 'succeeded', digest, mediaType: index.mediaType, tags, platforms: images, leftTags };
}
