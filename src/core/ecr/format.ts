/** How ages and sizes read in the tree: "3 days ago · 143 MB". */

const UNITS: Array<[string, number]> = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
];

export function formatAge(date: Date, now: Date = new Date()): string {
  const elapsed = now.getTime() - date.getTime();
  if (elapsed < 60_000) return elapsed < -60_000 ? 'in the future' : 'just now';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(elapsed / size);
    if (count >= 1) return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

/** Decimal units, as `docker images` prints them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, '')} ${units[unit]}`;
}

/** The config media types of ordinary images (OCI image spec; Docker image manifest v2 schema 2). */
const IMAGE_CONFIGS = /^application\/vnd\.(oci\.image\.config\.v1|docker\.container\.image\.v1)\+json$/;

/**
 * DescribeImages' artifactMediaType when it names an artifact. ECR returns the field on ordinary
 * images too, holding the config's media type (API reference, DescribeImages example: an image with
 * artifactMediaType `application/vnd.docker.container.image.v1+json`): that is an image, not an artifact.
 */
export function artifactTypeOf(image: { artifactMediaType?: string }): string | undefined {
  return image.artifactMediaType && !IMAGE_CONFIGS.test(image.artifactMediaType) ? image.artifactMediaType : undefined;
}

/** The hover's media type line: the manifest type, and the artifact type only for an artifact. */
export function mediaTypeText(image: { mediaType?: string; artifactMediaType?: string }): string {
  const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
  const artifact = artifactTypeOf(image);
  return `Media type: ${code(image.mediaType ?? 'unknown')}${artifact ? `, artifact ${code(artifact)}` : ''}`;
}

