/**
 * Manifests laid out as `docker buildx build --platform linux/amd64,linux/arm64 --push` (BuildKit
 * 0.12+, provenance on) writes them: an OCI index listing two platform images and, per platform,
 * an attestation manifest (platform unknown/unknown, `vnd.docker.reference.type:
 * attestation-manifest`, `vnd.docker.reference.digest` naming the image), plus a cosign-style
 * signature naming the index as `subject`, and an unrelated untagged image. Digests are the
 * sha256 of these exact bytes, as ECR lists them.
 */
import { createHash } from 'node:crypto';
import type { ListedImage } from '../../../src/core/images/graph';
import type { Manifest } from '../../../src/core/registry/mediaTypes';

export const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const blob = (seed: string) => digestOf(`blob-${seed}`);

export function image(seed: string, layers: number[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blob(`config-${seed}`), size: 1234 },
    layers: layers.map((size, index) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: blob(`${seed}-layer-${index}`), size })),
  });
}

function attestation(seed: string): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: blob(`att-config-${seed}`), size: 167 },
    layers: [
      {
        mediaType: 'application/vnd.in-toto+json',
        digest: blob(`att-${seed}`),
        size: 1600,
        annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
      },
    ],
  });
}

export const amd64 = image('amd64', [3_000_000, 500_000]);
export const arm64 = image('arm64', [2_900_000, 480_000]);
export const attAmd64 = attestation('amd64');
export const attArm64 = attestation('arm64');

export const index = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(amd64), size: amd64.length, platform: { architecture: 'amd64', os: 'linux' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digestOf(arm64), size: arm64.length, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: digestOf(attAmd64),
      size: attAmd64.length,
      annotations: { 'vnd.docker.reference.digest': digestOf(amd64), 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    },
    {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: digestOf(attArm64),
      size: attArm64.length,
      annotations: { 'vnd.docker.reference.digest': digestOf(arm64), 'vnd.docker.reference.type': 'attestation-manifest' },
      platform: { architecture: 'unknown', os: 'unknown' },
    },
  ],
});

export const signature = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
  config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
  layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', digest: blob('sig'), size: 245 }],
  subject: { mediaType: 'application/vnd.oci.image.index.v1+json', digest: digestOf(index), size: index.length },
});

export const lonely = image('lonely', [1_000_000]);
export const tagged = image('tagged', [2_000_000]);

export function listing(): { images: ListedImage[]; manifests: Map<string, Manifest> } {
  const all: Array<[string, string[], number?]> = [
    [index, ['1.0', 'latest']],
    [amd64, [], 3_500_000],
    [arm64, [], 3_380_000],
    [attAmd64, [], 1600],
    [attArm64, [], 1600],
    [signature, [], 245],
    [lonely, [], 1_000_000],
    [tagged, ['0.9'], 2_000_000],
  ];
  const images: ListedImage[] = all.map(([text, tags, size]) => ({
    digest: digestOf(text),
    tags,
    sizeBytes: size ?? 3_500_000,
    mediaType: (JSON.parse(text) as Manifest).mediaType,
    ...((JSON.parse(text) as Manifest).artifactType ? { artifactMediaType: (JSON.parse(text) as Manifest).artifactType } : {}),
  }));
  return { images, manifests: new Map(all.map(([text]) => [digestOf(text), JSON.parse(text) as Manifest])) };
}
