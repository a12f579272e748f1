/**
 * Which layers a files-and-packages comparison downloads: only those that differ. A layer whose
 * digest both images list is never read (its bytes are the same on both sides, whatever lies under it).
 */
import type { Descriptor } from '../registry/mediaTypes';

export interface LayersToRead {
  /** The before image's layers the after image does not have, bottom to top. */
  before: Descriptor[];
  /** The after image's layers the before image does not have, bottom to top. */
  after: Descriptor[];
  /** Layers both list: never read. */
  shared: Descriptor[];
  /** Compressed bytes to download (the two lists above; a digest listed twice in one image counts once). */
  bytes: number;
  /**
   * A shared layer lies above a differing one in either image. It is still not read: a path it
   * writes is the same in both images, but the comparison may list it as changed from the layers below.
   */
  sharedAboveDifference: boolean;
}

export function layersToRead(before: readonly Descriptor[], after: readonly Descriptor[]): LayersToRead {
  const beforeDigests = new Set(before.map((layer) => layer.digest));
  const afterDigests = new Set(after.map((layer) => layer.digest));
  const onlyBefore = before.filter((layer) => !afterDigests.has(layer.digest));
  const onlyAfter = after.filter((layer) => !beforeDigests.has(layer.digest));
  const shared = after.filter((layer, index) => beforeDigests.has(layer.digest) && after.findIndex((other) => other.digest === layer.digest) === index);
  const aboveDifference = (stack: readonly Descriptor[], others: Set<string>) => {
    const firstDifferent = stack.findIndex((layer) => !others.has(layer.digest));
    return firstDifferent >= 0 && stack.slice(firstDifferent).some((layer) => others.has(layer.digest));
  };
  const unique = new Map<string, number>();
  for (const layer of [...onlyBefore, ...onlyAfter]) unique.set(layer.digest, layer.size);
  return {
    before: onlyBefore,
    after: onlyAfter,
    shared,
    bytes: [...unique.values()].reduce((sum, size) => sum + size, 0),
    sharedAboveDifference: aboveDifference(before, afterDigests) || aboveDifference(after, beforeDigests),
  };
}
