/**
 * Check Image as a pre-flight: what Aqueduct's operator needs of an image before it starts it.
 * `evaluatePreflight` is pure (tested over recorded configs); `gatherPreflight` reads its inputs
 * through the ECR API (exists) and the registry (manifest and config blobs only, never layers).
 * Every failed check says what to do.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { RegistryClient } from '../registry/client';
import { isIndexType, manifestMediaType, parsePlatform, platformText, REFERENCE_TYPE, type Manifest, type Platform } from '../registry/mediaTypes';
import type { ManifestCache } from './manifestCache';
import type { ImageConfigJson } from './inspect';
import { archivedRefusal } from '../ecr/storageClass';
import { errorMessage, errorName } from '../errors';

export type PreflightCheckName = 'exists' | 'manifest' | 'platform' | 'entrypoint' | 'base-version';

export interface PreflightCheck {
  name: PreflightCheckName;
  title: string;
  /** 'skipped' when the check does not apply (e.g. not an Aqueduct base) or an earlier one failed. */
  status: 'pass' | 'fail' | 'skipped';
  detail: string;
  /** What to do, when it failed. */
  fix?: string;
}

export interface PreflightInputs {
  label: string;
  exists: boolean | { error: string };
  /** Why the image cannot be read now (archived or restoring), when it exists but ECR refuses to serve it. */
  archived?: string;
  manifest?: { ok: true; mediaType: string } | { ok: false; error: string };
  /** Platforms the image (or index) offers. */
  platforms: Platform[];
  /** The config of the image that runs on the target platform, when there is one. */
  config?: ImageConfigJson;
  targetPlatform: string;
  /** ecr.aqueduct.serverVersion; undefined when not configured. */
  serverVersion?: string;
}

export interface PreflightReport {
  ok: boolean;
  checks: PreflightCheck[];
}

/** The Aqueduct base an image was built from, from its labels or history: e.g. { name: 'function310', tag: '0.3.6' }. */
export function aqueductBaseOf(config: ImageConfigJson | undefined): { name: string; tag: string; from: 'label' | 'history' } | undefined {
  const pattern = /(?:^|[\s/"'=])aqueducthq\/([a-z0-9_.-]+):([A-Za-z0-9_.-]+)/;
  const labels = config?.config?.Labels ?? {};
  for (const key of ['org.opencontainers.image.base.name', 'com.aqueducthq.base', ...Object.keys(labels)]) {
    const value = labels[key];
    const match = value ? pattern.exec(` ${value}`) : null;
    if (match) return { name: match[1], tag: match[2], from: 'label' };
  }
  for (const entry of config?.history ?? []) {
    const match = pattern.exec(` ${entry.created_by ?? ''} ${entry.comment ?? ''}`);
    if (match) return { name: match[1], tag: match[2], from: 'history' };
  }
  return undefined;
}

/** History lines that set ENTRYPOINT or CMD (BuildKit: "ENTRYPOINT [...]"; classic builder: "/bin/sh -c #(nop)  CMD [...]"). */
function ownStartInstructions(config: ImageConfigJson): string[] {
  return (config.history ?? [])
    .map((entry) => entry.created_by ?? '')
    .filter((line) => /^(?:\/bin\/sh -c #\(nop\)\s+)?(ENTRYPOINT|CMD)\b/.test(line.trim()))
    .map((line) => line.replace(/^\/bin\/sh -c #\(nop\)\s+/, '').replace(/ # buildkit$/, '').trim());
}

export function platformMatches(offered: Platform, wanted: Platform): boolean {
  if (offered.os !== wanted.os || offered.architecture !== wanted.architecture) return false;
  if (!wanted.variant) return true;
  // arm64 images without a variant are v8.
  return (offered.variant ?? (offered.architecture === 'arm64' ? 'v8' : undefined)) === wanted.variant;
}

export function evaluatePreflight(inputs: PreflightInputs): PreflightReport {
  const checks: PreflightCheck[] = [];

  if (inputs.exists === true) checks.push({ name: 'exists', title: 'Exists in ECR', status: 'pass', detail: `${inputs.label} exists` });
  else {
    checks.push({
      name: 'exists',
      title: 'Exists in ECR',
      status: 'fail',
      detail: inputs.exists === false ? `No image ${inputs.label}` : inputs.exists.error,
      fix: 'Push the image (Build and Push), or correct the repository and tag in the pipeline.',
    });
  }
  const existed = inputs.exists === true;
  if (existed && inputs.archived) {
    checks.push({ name: 'manifest', title: 'Manifest readable', status: 'fail', detail: inputs.archived, fix: 'Restore the image (ECR: Restore Image on its row in the Archived group), then check again.' });
  } else if (!existed) skip(checks, 'manifest', 'Manifest readable', 'Skipped: the image does not exist');
  else if (inputs.manifest?.ok) checks.push({ name: 'manifest', title: 'Manifest readable', status: 'pass', detail: inputs.manifest.mediaType });
  else {
    checks.push({
      name: 'manifest',
      title: 'Manifest readable',
      status: 'fail',
      detail: inputs.manifest?.error ?? 'The manifest could not be read',
      fix: 'Give the cluster\'s role ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on this repository, or push the image again if its manifest is gone.',
    });
  }
  const readable = existed && inputs.manifest?.ok === true;

  checkPlatform(inputs, readable, checks);
  checkAqueductBase(inputs, readable, checks);
  return finish(checks);
}

function skip(checks: PreflightCheck[], name: PreflightCheckName, title: string, detail: string): void {
  checks.push({ name, title, status: 'skipped', detail });
}

/** The target platform: a bad setting fails; an image that does not offer it fails with the build to fix it. */
function checkPlatform(inputs: PreflightInputs, readable: boolean, checks: PreflightCheck[]): void {
  let wanted: Platform | undefined;
  try {
    wanted = parsePlatform(inputs.targetPlatform);
  } catch (error) {
    checks.push({ name: 'platform', title: `Runs on ${inputs.targetPlatform}`, status: 'fail', detail: errorMessage(error), fix: 'Set the target platform setting to os/architecture, e.g. linux/amd64.' });
  }
  if (wanted) {
    const title = `Runs on ${platformText(wanted)}`;
    if (!readable) skip(checks, 'platform', title, 'Skipped: the manifest could not be read');
    else if (inputs.platforms.some((platform) => platformMatches(platform, wanted!))) {
      checks.push({ name: 'platform', title, status: 'pass', detail: `Offers ${inputs.platforms.map(platformText).join(', ')}` });
    } else {
      checks.push({
        name: 'platform',
        title,
        status: 'fail',
        detail: `Built for ${inputs.platforms.map(platformText).join(', ') || 'an unknown platform'} only: the cluster would fail with "exec format error".`,
        fix: `Build for ${platformText(wanted)} (the ecr-build task's "platform": "${platformText(wanted)}", or "platforms": [...] for an index) and push again.`,
      });
    }
  }
}

/** An image on an Aqueduct base: no ENTRYPOINT or CMD of its own, and the base's version is the server's. */
function checkAqueductBase(inputs: PreflightInputs, readable: boolean, checks: PreflightCheck[]): void {
  const base = aqueductBaseOf(inputs.config);
  if (!readable || !inputs.config) {
    skip(checks, 'entrypoint', 'No own ENTRYPOINT or CMD', readable ? 'Skipped: no image for the target platform to read' : 'Skipped: the manifest could not be read');
    skip(checks, 'base-version', 'Aqueduct base matches the server', 'Skipped: the image config could not be read');
    return;
  }
  if (!base) {
    skip(checks, 'entrypoint', 'No own ENTRYPOINT or CMD', 'Not built from an Aqueduct base (no aqueducthq/… in its labels or history)');
    skip(checks, 'base-version', 'Aqueduct base matches the server', 'Not built from an Aqueduct base');
    return;
  }
  const own = ownStartInstructions(inputs.config);
  const history = inputs.config.history ?? [];
  const inner = inputs.config.config ?? {};
  // Without history the final config is all there is: an Aqueduct base sets neither, so any is the image's own.
  const offending = own.length ? own : history.length === 0 ? [...(inner.Entrypoint?.length ? [`ENTRYPOINT ${JSON.stringify(inner.Entrypoint)}`] : []), ...(inner.Cmd?.length ? [`CMD ${JSON.stringify(inner.Cmd)}`] : [])] : [];
  if (offending.length === 0) checks.push({ name: 'entrypoint', title: 'No own ENTRYPOINT or CMD', status: 'pass', detail: `Starts as aqueducthq/${base.name} does` });
  else {
    checks.push({
      name: 'entrypoint',
      title: 'No own ENTRYPOINT or CMD',
      status: 'fail',
      detail: `The image sets ${offending.join('; ')}: Aqueduct's operator starts the container with its own command, and this replaces it.`,
      fix: 'Remove the ENTRYPOINT and CMD lines from the Dockerfile and push again.',
    });
  }
  const server = inputs.serverVersion?.trim();
  const title = 'Aqueduct base matches the server';
  if (!server) skip(checks, 'base-version', title, `Built from aqueducthq/${base.name}:${base.tag}; set ecr.aqueduct.serverVersion to check it against the server`);
  else if (base.tag === server) checks.push({ name: 'base-version', title, status: 'pass', detail: `aqueducthq/${base.name}:${base.tag} (from ${base.from})` });
  else {
    checks.push({
      name: 'base-version',
      title,
      status: 'fail',
      detail: `Built from aqueducthq/${base.name}:${base.tag}, the server runs ${server}: the operator may not start it.`,
      fix: `Change the Dockerfile to FROM aqueducthq/${base.name}:${server} and push again (or correct ecr.aqueduct.serverVersion).`,
    });
  }
}

function finish(checks: PreflightCheck[]): PreflightReport {
  return { ok: checks.every((check) => check.status !== 'fail'), checks };
}

/** Gathers the inputs: ECR's DescribeImages for "exists", the registry for manifests and the target platform's config. */
export async function gatherPreflight(
  ecr: ECRClient,
  registry: RegistryClient,
  target: { repository: string; reference: string; registryId?: string },
  settings: { targetPlatform?: string; serverVersion?: string },
  options: { manifests?: ManifestCache } = {},
): Promise<PreflightInputs> {
  const isDigest = target.reference.includes(':');
  const label = `${target.repository}${isDigest ? '@' : ':'}${target.reference}`;
  let resolvedDigest: string | undefined;
  const inputs: PreflightInputs = { label, exists: false, platforms: [], targetPlatform: settings.targetPlatform ?? 'linux/amd64', serverVersion: settings.serverVersion };
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ecr');
  try {
    // imageStatus ANY: without it ECR answers only for ACTIVE images, and an archived image would
    // look missing ("push it") instead of archived ("restore it").
    const described = await ecr.send(
      new DescribeImagesCommand({ registryId: target.registryId, repositoryName: target.repository, imageIds: [isDigest ? { imageDigest: target.reference } : { imageTag: target.reference }], filter: { imageStatus: 'ANY' } }),
    );
    const detail = described.imageDetails?.[0];
    inputs.exists = detail !== undefined;
    const refusal = detail && archivedRefusal('Check Image', { status: detail.imageStatus, lastArchivedAt: detail.lastArchivedAt, tags: detail.imageTags ?? (isDigest ? [] : [target.reference]), digest: detail.imageDigest ?? target.reference });
    if (refusal) inputs.archived = refusal;
    if (detail?.imageDigest) resolvedDigest = detail.imageDigest;
  } catch (error) {
    const name = errorName(error);
    if (name === 'ImageNotFoundException') inputs.exists = false;
    else if (name === 'RepositoryNotFoundException') inputs.exists = { error: `Repository ${target.repository} does not exist` };
    else inputs.exists = { error: errorMessage(error) };
  }
  if (inputs.exists !== true || inputs.archived) return inputs;
  try {
    // By digest (a tag resolved by DescribeImages above) through the manifest cache: a manifest read is
    // a pull on ECR, and one already read on this machine is not read again.
    const readManifest = async (reference: string): Promise<{ manifest: Manifest; mediaType: string }> => {
      if (!options.manifests || !/^sha256:[a-f0-9]{64}$/.test(reference)) return registry.getManifest(target.repository, reference);
      const manifest = await options.manifests.read(reference, async () => (await registry.getManifest(target.repository, reference)).bytes);
      return { manifest, mediaType: manifestMediaType(manifest) };
    };
    const top = await readManifest(resolvedDigest ?? target.reference);
    inputs.manifest = { ok: true, mediaType: top.mediaType };
    let wanted: Platform | undefined;
    try {
      wanted = parsePlatform(inputs.targetPlatform);
    } catch {
      // evaluatePreflight reports the bad setting.
    }
    let runnable: { digest: string; configDigest?: string } | undefined;
    if (isIndexType(top.mediaType) || Array.isArray(top.manifest.manifests)) {
      for (const descriptor of top.manifest.manifests ?? []) {
        if (descriptor.annotations?.[REFERENCE_TYPE] === 'attestation-manifest' || !descriptor.platform || descriptor.platform.os === 'unknown') continue;
        inputs.platforms.push(descriptor.platform);
        if (!runnable && wanted && platformMatches(descriptor.platform, wanted)) runnable = { digest: descriptor.digest };
      }
      if (runnable) runnable.configDigest = (await readManifest(runnable.digest)).manifest.config?.digest;
    } else if (top.manifest.config) {
      const config = JSON.parse((await registry.getBlobBytes(target.repository, top.manifest.config.digest)).toString('utf8')) as ImageConfigJson;
      const platform: Platform = { os: config.os ?? 'unknown', architecture: config.architecture ?? 'unknown', ...(config.variant ? { variant: config.variant } : {}) };
      inputs.platforms.push(platform);
      inputs.config = config;
      return inputs;
    }
    if (runnable?.configDigest) inputs.config = JSON.parse((await registry.getBlobBytes(target.repository, runnable.configDigest)).toString('utf8')) as ImageConfigJson;
  } catch (error) {
    inputs.manifest = { ok: false, error: errorMessage(error) };
  }
  return inputs;
}
