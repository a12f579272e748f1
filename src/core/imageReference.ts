/** An image reference split into its parts: "registry/repo" name, tag, digest. */
export interface ImageReference {
  name: string;
  tag: string | undefined;
  digest: string | undefined;
}

/**
 * Splits "registry/repo:tag@sha256:..." into name, tag and digest; the one splitter for
 * Dockerfile FROM lines and pasted registry URIs. A colon before the last "/" is a host's port, not a tag.
 */
export function splitImageReference(reference: string): ImageReference {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const colon = rest.lastIndexOf(':');
  const slash = rest.lastIndexOf('/');
  if (colon > slash) return { name: rest.slice(0, colon), tag: rest.slice(colon + 1), digest };
  return { name: rest, tag: undefined, digest };
}

/**
 * The registry host an image name starts with, as Docker reads it (distribution's
 * reference.ParseNormalizedNamed): the first path component when it has a "." or a ":" or is
 * "localhost"; undefined for a Docker Hub name ("python", "library/python", "user/tool").
 */
export function registryHostOf(imageName: string): string | undefined {
  const slash = imageName.indexOf('/');
  if (slash <= 0) return undefined;
  const first = imageName.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : undefined;
}
