/**
 * Files and packages of two images compared by reading only the layers that differ (`layersToRead`):
 * each image's differing layers streamed bottom to top into a `LayerStack`, one layer at a time,
 * the compressed bytes counted as they arrive (the progress), a cancel stopping the stream.
 */
import type { Descriptor } from '../registry/mediaTypes';
import { compareFiles, type FilesComparison } from './fileDiff';
import { LayerStack, readLayer } from './layerReader';
import type { LayersToRead } from './layerSelection';
import { comparePackages, isPackageFile, type PackagesComparison } from './packages';

export interface FilesAndPackages {
  files: FilesComparison;
  packages: PackagesComparison;
  /** The digests read, in the order they were read (never a shared one). */
  layersRead: string[];
  /** Compressed bytes read. */
  bytesRead: number;
  /** What the Markdown export says about the read (`ComparisonParts.read`). */
  read: { bytes: number; layers: number; sharedUnread: boolean; sharedAboveDifference: boolean };
}

export interface FilesAndPackagesOptions {
  /** Opens a layer blob (the registry's stream, compressed). */
  open: (layer: Descriptor, signal?: AbortSignal) => Promise<AsyncIterable<Buffer>>;
  /** Compressed bytes read so far, of `layers.bytes`. */
  onBytes?: (read: number, total: number) => void;
  signal?: AbortSignal;
  /** Use zlib's zstd when this Node has it (default true). */
  nativeZstd?: boolean;
}

export async function compareFilesAndPackages(layers: LayersToRead, options: FilesAndPackagesOptions): Promise<FilesAndPackages> {
  let bytesRead = 0;
  const layersRead: string[] = [];
  const sharedDigests = new Set(layers.shared.map((layer) => layer.digest));
  const stack = async (descriptors: Descriptor[]) => {
    const result = new LayerStack();
    for (const descriptor of descriptors) {
      // layersToRead never lists a shared layer; checked again here, since reading one is what this must never do.
      if (sharedDigests.has(descriptor.digest)) throw new Error(`${descriptor.digest} is shared by both images: it is not read.`);
      options.signal?.throwIfAborted();
      const blob = await options.open(descriptor, options.signal);
      async function* counted(): AsyncGenerator<Buffer> {
        for await (const chunk of blob) {
          bytesRead += chunk.length;
          options.onBytes?.(bytesRead, layers.bytes);
          yield chunk;
        }
      }
      layersRead.push(descriptor.digest);
      result.apply(await readLayer(counted(), { keep: isPackageFile, signal: options.signal, nativeZstd: options.nativeZstd }));
    }
    return result;
  };
  const before = await stack(layers.before);
  const after = await stack(layers.after);
  const sharedUnread = layers.shared.length > 0;
  return {
    files: compareFiles(before, after, { sharedUnread }),
    packages: comparePackages(before, after, { sharedUnread }),
    layersRead,
    bytesRead,
    read: { bytes: bytesRead, layers: layersRead.length, sharedUnread, sharedAboveDifference: layers.sharedAboveDifference },
  };
}
