/**
 * Manifest and blob media types of the OCI image spec and Docker's schema 2, and the few
 * annotation keys that say how manifests relate (BuildKit's attestations, OCI `subject`).
 */
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

/** What the client accepts for a manifest, in this order (sent as the Accept header). */
export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST] as const;

/** BuildKit annotates each attestation manifest in an index with these two. */
export const REFERENCE_TYPE = 'vnd.docker.reference.type';
export const REFERENCE_DIGEST = 'vnd.docker.reference.digest';
export const ATTESTATION_MANIFEST = 'attestation-manifest';

export function isIndexType(mediaType: string | undefined): boolean {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  artifactType?: string;
  urls?: string[];
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

/** An image manifest (Docker schema 2 or OCI), or an index / manifest list, as parsed JSON. */
export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export function platformText(platform: Platform | undefined): string {
  if (!platform) return 'unknown';
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** "linux/arm64/v8" → platform; throws with what a platform looks like. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, ...rest] = text.trim().split('/');
  if (!os || !architecture || rest.length) throw new Error(`"${text}" is not a platform: write os/architecture[/variant], e.g. linux/amd64 or linux/arm64/v8.`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** The media type of manifest bytes: the header's, else the JSON's own field, else by shape. */
export function manifestMediaType(manifest: Manifest, header?: string): string {
  const fromHeader = header?.split(';')[0].trim();
  if (fromHeader && fromHeader !== 'application/json' && fromHeader !== 'application/octet-stream') return fromHeader;
  if (manifest.mediaType) return manifest.mediaType;
  return Array.isArray(manifest.manifests) ? OCI_INDEX : OCI_MANIFEST;
}
