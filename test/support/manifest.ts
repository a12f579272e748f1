import { createHash } from 'node:crypto';

/**
 * A Docker image manifest whose digest differs per `seed`: what PutImage needs to make an image
 * exist in moto without a push (moto and the registry share no state). Used by the integration
 * tests and the extension-host suites alike.
 */
export function manifestFor(seed: string): string {
  const digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1469, digest: digest(`config-${seed}`) },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 2_811_478, digest: digest(`layer-${seed}`) }],
  });
}
