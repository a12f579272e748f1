/**
 * Images made outside the extension, for the fault tests: two platform images (each with a 2 MiB
 * incompressible layer) and their OCI index made and pushed by buildah (`buildah manifest push
 * --all`); then, through the registry client, the attachments other tools write: a cosign
 * signature under cosign's tag `sha256-<hex>.sig`, and a sigstore bundle listed in the OCI 1.1
 * referrers fallback tag `sha256-<hex>` (an image index), as clients write them to a registry
 * without the referrers API. And plain-HTTP looks at a registry, not through the extension's client.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RegistryClient } from '../../../src/core/registry/client';
import { OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, type Descriptor, type Manifest } from '../../../src/core/registry/mediaTypes';
import { pushJsonBlob, pushManifest } from '../../support/multiArch';

export interface OutsideImages {
  index: string;
  platforms: string[];
  signature: string;
  bundle: string;
  fallbackIndex: string;
  /** Every manifest: the index, its platform images, the signature, the bundle and the fallback index. */
  all: string[];
}

function buildah(root: string, args: string[]): string {
  const result = spawnSync('buildah', ['--root', path.join(root, 'root'), '--runroot', path.join(root, 'run'), '--storage-driver', 'vfs', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`buildah ${args[0]} failed: ${(result.stderr || result.stdout).trim().slice(0, 400)}`);
  return result.stdout.trim();
}

/** Builds and pushes the index with buildah, then the attachments; `client` speaks to the registry directly. */
export async function pushOutsideImages(registryHost: string, password: string, client: RegistryClient, repository: string): Promise<OutsideImages> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-buildah-'));
  try {
    buildah(root, ['manifest', 'create', 'list']);
    for (const arch of ['amd64', 'arm64']) {
      const container = buildah(root, ['from', '--arch', arch, 'scratch']);
      const file = path.join(root, `${arch}.bin`);
      writeFileSync(file, randomBytes(2 * 1024 * 1024));
      buildah(root, ['copy', container, file, '/weights.bin']);
      buildah(root, ['config', '--arch', arch, '--os', 'linux', '--label', `made-by=buildah-${arch}`, container]);
      buildah(root, ['commit', '--quiet', '--format', 'oci', container, `image-${arch}`]);
      buildah(root, ['manifest', 'add', 'list', `localhost/image-${arch}`]);
    }
    buildah(root, ['manifest', 'push', '--all', '--format', 'oci', '--tls-verify=false', '--creds', `AWS:${password}`, 'list', `docker://${registryHost}/${repository}:1.0`]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const index = await client.getManifest(repository, '1.0');
  const platforms = (index.manifest.manifests ?? []).map((descriptor) => descriptor.digest);
  const subject = { mediaType: index.mediaType, digest: index.digest, size: index.bytes.length };
  const empty = await pushJsonBlob(client, repository, {}, OCI_EMPTY);
  const hex = index.digest.slice('sha256:'.length);
  // cosign's tag scheme: the signature manifest under sha256-<hex>.sig.
  const payload = await pushJsonBlob(client, repository, { critical: { image: { 'docker-manifest-digest': index.digest }, type: 'cosign container image signature' } }, 'application/vnd.dev.cosign.simplesigning.v1+json');
  const signature = await pushManifest(client, repository, { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: empty.digest, size: empty.size }, layers: [payload] }, `sha256-${hex}.sig`);
  // A sigstore bundle as an OCI 1.1 referrer, and the fallback tag's index listing it.
  const bundleLayer = await pushJsonBlob(client, repository, { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: {} }, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  const bundleType = 'application/vnd.dev.sigstore.bundle.v0.3+json';
  const bundle = await pushManifest(client, repository, { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: bundleType, config: { mediaType: OCI_EMPTY, digest: empty.digest, size: empty.size }, layers: [bundleLayer], subject });
  const fallback = await pushManifest(client, repository, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ ...bundle, artifactType: bundleType }] }, `sha256-${hex}`);
  return { index: index.digest, platforms, signature: signature.digest, bundle: bundle.digest, fallbackIndex: fallback.digest, all: [index.digest, ...platforms, signature.digest, bundle.digest, fallback.digest] };
}

/** The digest a reference names at the registry, by a plain HTTP HEAD (not the extension's client), or undefined on 404. */
export async function digestAt(registryHost: string, password: string, repository: string, reference: string): Promise<string | undefined> {
  const response = await fetch(`http://${registryHost}/v2/${repository}/manifests/${reference}`, {
    method: 'HEAD',
    headers: {
      authorization: `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}`,
      accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`HEAD ${repository}:${reference} at ${registryHost}: HTTP ${response.status}`);
  return response.headers.get('docker-content-digest') ?? undefined;
}

/** A manifest's body at the registry, by a plain HTTP GET (not the extension's client), or undefined on 404. */
export async function manifestAt(registryHost: string, password: string, repository: string, reference: string): Promise<{ digest: string; manifest: Manifest } | undefined> {
  const response = await fetch(`http://${registryHost}/v2/${repository}/manifests/${reference}`, {
    headers: {
      authorization: `Basic ${Buffer.from(`AWS:${password}`).toString('base64')}`,
      accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${repository}:${reference} at ${registryHost}: HTTP ${response.status}`);
  return { digest: response.headers.get('docker-content-digest') ?? '', manifest: (await response.json()) as Manifest };
}

/** An OCI 1.1 artifact manifest about `subject` (signature, SBOM, attestation), pushed by digest as oras attach does. */
export async function pushReferrer(client: RegistryClient, repository: string, subject: Descriptor, artifactType: string, content: unknown): Promise<Descriptor & { artifactType: string }> {
  const empty = await pushJsonBlob(client, repository, {}, OCI_EMPTY);
  const layer = await pushJsonBlob(client, repository, content, artifactType);
  const pushed = await pushManifest(client, repository, { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType, config: { mediaType: OCI_EMPTY, digest: empty.digest, size: empty.size }, layers: [layer], subject });
  return { ...pushed, artifactType };
}

/** The referrers fallback tag of `subject` (`sha256-<hex>`): an image index listing `referrers`, as OCI 1.1 clients push it to a registry without the referrers API. */
export async function pushFallbackIndex(client: RegistryClient, repository: string, subject: string, referrers: Array<Descriptor & { artifactType: string }>): Promise<Descriptor> {
  return pushManifest(client, repository, { schemaVersion: 2, mediaType: OCI_INDEX, manifests: referrers }, `sha256-${subject.slice('sha256:'.length)}`);
}
