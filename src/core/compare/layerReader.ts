/**
 * Reads image layers as streams: the blob decompressed on the fly (gzip, zstd or plain tar, told by
 * its first bytes), its tar entries parsed one at a time (tar-stream: ustar, PAX and GNU long names
 * and links, base-256 sizes), each file's content hashed as it passes and dropped, only the package
 * databases' contents kept (small, and bounded). A layer is never held in memory: what is kept is
 * one record per path.
 *
 * Layers are applied bottom to top into a `LayerStack`, with the OCI image spec's whiteouts
 * (https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts): `.wh.<name>` deletes
 * <name> and all under it from the layers below, `.wh..wh..opq` deletes everything the layers below
 * put in its folder; both apply to the lower layers only, never to entries of their own layer.
 * Layers that are not read (the ones both images share) are the stack's unknown "base": a path no
 * read layer touched has its base version, whatever that is.
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { Decompress as FzstdDecompress } from 'fzstd';
import { extract as tarExtract, type Header } from 'tar-stream';

export type EntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

/** One path as a layer stack leaves it. */
export interface FileInfo {
  kind: EntryKind;
  /** Bytes of content (a hard link: its target's). */
  size: number;
  /** Permission bits (with setuid, setgid, sticky). */
  mode: number;
  uid: number;
  gid: number;
  /** sha256 of the content, for files (and hard links to a file that was read). */
  digest?: string;
  /** A symlink's target, or a hard link's whose target was not read. */
  linkname?: string;
  /** The content, kept only for paths the reader was asked to keep (package databases). */
  content?: Buffer;
}

/** What one layer holds: its entries in order, and its whiteouts (which apply to the layers below). */
export interface LayerContents {
  entries: Array<FileInfo & { path: string }>;
  /** Paths a `.wh.<name>` deletes from below. */
  whiteouts: string[];
  /** Folders a `.wh..wh..opq` empties of what the layers below put there. */
  opaque: string[];
}

export interface ReadLayerOptions {
  /** Keep the content of these paths (package databases), up to `maxKeptBytes` each. */
  keep?: (path: string) => boolean;
  /** Default 64 MiB: a larger file is hashed but its content not kept. */
  maxKeptBytes?: number;
  signal?: AbortSignal;
  /** Use zlib's zstd when this Node has it (default true); false forces the JavaScript decoder (tests). */
  nativeZstd?: boolean;
}

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** A tar path as a key: no leading "./" or "/", no trailing "/", no empty or "." segments. */
export function normalizePath(name: string): string {
  return name
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}

const parentOf = (path: string) => {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
};

type Compression = 'gzip' | 'zstd' | 'tar';

/** gzip (1f 8b) and zstd (28 b5 2f fd) by their magic numbers; anything else is read as a plain tar. */
function sniff(head: Buffer): Compression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return 'tar';
}

type ZlibWithZstd = typeof zlib & { createZstdDecompress?: () => Transform };

/** True when this Node's zlib decodes zstd (Node 22.15 and 23.8 on; the extension host of older VS Code runs Node 20). */
export function hasNativeZstd(): boolean {
  return typeof (zlib as ZlibWithZstd).createZstdDecompress === 'function';
}

/**
 * zstd decoding in JavaScript (fzstd), for a Node without zlib's zstd. Pulled, not pushed: input goes
 * in a piece at a time and what it gives is handed on before more goes in. A piece is 16 KiB, made
 * smaller while pieces give more than 1 MiB each, so even a layer of long runs of one byte (a few
 * bytes per 128 KiB block) never piles its output up in memory.
 */
async function* fzstdDecoded(blob: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  // The decoder may hand out views of its own window: copied before they leave.
  const decoder = new FzstdDecompress((data) => {
    if (data.length) out.push(Buffer.from(data));
  });
  let piece = 16 * 1024;
  for await (const chunk of blob) {
    for (let offset = 0; offset < chunk.length; ) {
      decoder.push(chunk.subarray(offset, (offset += piece)));
      let given = 0;
      for (let next = out.shift(); next; next = out.shift()) {
        given += next.length;
        yield next;
      }
      piece = given > 1024 * 1024 ? Math.max(16, piece >> 2) : Math.min(16 * 1024, piece * 2);
    }
  }
  decoder.push(new Uint8Array(0), true);
  for (let next = out.shift(); next; next = out.shift()) yield next;
}

function decompressor(kind: Compression, nativeZstd: boolean): Transform | undefined {
  if (kind === 'gzip') return zlib.createGunzip();
  if (kind === 'zstd' && nativeZstd && hasNativeZstd()) return (zlib as ZlibWithZstd).createZstdDecompress!();
  return undefined;
}

/** The blob's bytes decompressed, as a stream; the compression is told by the first bytes. */
async function* decompressed(blob: AsyncIterable<Buffer>, nativeZstd: boolean): AsyncGenerator<Buffer> {
  const iterator = blob[Symbol.asyncIterator]();
  try {
    let head = Buffer.alloc(0);
    let ended = false;
    while (head.length < 4) {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        break;
      }
      head = Buffer.concat([head, next.value]);
    }
    async function* rest(): AsyncGenerator<Buffer> {
      if (head.length) yield head;
      if (ended) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    }
    const kind = sniff(head);
    const stream = decompressor(kind, nativeZstd);
    if (!stream) {
      yield* kind === 'zstd' ? fzstdDecoded(rest()) : rest();
      return;
    }
    // pipeline destroys every stream on a failure; reading `stream` then throws it.
    yield* pipeline(Readable.from(rest()), stream, () => undefined) as AsyncIterable<Buffer>;
  } finally {
    // Ended early (a failure, a cancel): the blob's own stream is closed, so its download stops.
    await iterator.return?.();
  }
}

function kindOf(type: Header['type'] | null | undefined): EntryKind {
  switch (type) {
    case 'file':
    case 'contiguous-file':
    case undefined:
    case null:
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

/**
 * Reads one layer blob: every entry's path, kind, size, mode, owner and (for files) content digest,
 * and its whiteouts. `blob` is the compressed stream as the registry sends it.
 */
export async function readLayer(blob: AsyncIterable<Buffer>, options: ReadLayerOptions = {}): Promise<LayerContents> {
  const maxKept = options.maxKeptBytes ?? 64 * 1024 * 1024;
  const contents: LayerContents = { entries: [], whiteouts: [], opaque: [] };
  const extract = tarExtract();
  const source = Readable.from(decompressed(blob, options.nativeZstd ?? true));
  const onAbort = () => source.destroy(options.signal?.reason instanceof Error ? options.signal.reason : new Error('The layer read was cancelled.'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let failure: unknown;
  source.on('error', (error) => {
    failure ??= error;
    extract.destroy(error);
  });
  source.pipe(extract);
  try {
    options.signal?.throwIfAborted();
    for await (const entry of extract) {
      const header = entry.header;
      const path = normalizePath(header.name);
      const base = path.slice(path.lastIndexOf('/') + 1);
      const kind = kindOf(header.type);
      if (base === OPAQUE) {
        contents.opaque.push(parentOf(path));
        entry.resume();
        continue;
      }
      if (base.startsWith(WHITEOUT)) {
        const parent = parentOf(path);
        const name = base.slice(WHITEOUT.length);
        contents.whiteouts.push(parent ? `${parent}/${name}` : name);
        entry.resume();
        continue;
      }
      if (!path) {
        entry.resume();
        continue;
      }
      const info: FileInfo & { path: string } = { path, kind, size: 0, mode: (header.mode ?? 0) & 0o7777, uid: header.uid ?? 0, gid: header.gid ?? 0 };
      if (kind === 'file') {
        const hash = createHash('sha256');
        const keep = options.keep?.(path) && (header.size ?? 0) <= maxKept;
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of entry as AsyncIterable<Buffer>) {
          hash.update(chunk);
          size += chunk.length;
          if (keep) chunks.push(chunk);
        }
        info.size = size;
        info.digest = `sha256:${hash.digest('hex')}`;
        if (keep) info.content = Buffer.concat(chunks);
      } else {
        if (header.linkname) info.linkname = kind === 'hardlink' ? normalizePath(header.linkname) : header.linkname;
        entry.resume();
      }
      contents.entries.push(info);
    }
  } catch (error) {
    source.destroy();
    // Closed once the blob's stream is (the download stopped) before the failure is told.
    if (!source.closed) await new Promise((resolve) => source.once('close', resolve));
    throw failure ?? error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (failure) throw failure;
  options.signal?.throwIfAborted();
  return contents;
}

const DELETED = 'deleted' as const;
type Slot = FileInfo | typeof DELETED;

/** What a path is in a stack: a record, deleted by a read layer, or whatever the unread base layers hold. */
export type PathState = FileInfo | 'deleted' | 'base';

/**
 * The layers of one image that were read, applied bottom to top. Keeps one record per path they
 * touched (deletions too), and which folders hide what the base has under them.
 */
export class LayerStack {
  private readonly slots = new Map<string, Slot>();
  private readonly children = new Map<string, Set<string>>();
  /** Folders whose base content is gone (a whiteout, an opaque whiteout, a file put in a folder's place). */
  private readonly hidden = new Set<string>();

  apply(layer: LayerContents): void {
    // Whiteouts first: they delete from the layers below, not from their own layer.
    for (const folder of layer.opaque) {
      for (const child of [...(this.children.get(folder) ?? [])]) this.remove(child);
      this.hidden.add(folder);
    }
    for (const path of layer.whiteouts) {
      this.remove(path);
      this.set(path, DELETED);
      this.hidden.add(path);
    }
    for (const entry of layer.entries) {
      const { path, ...info } = entry;
      const before = this.slots.get(path);
      if (info.kind !== 'directory') {
        // A file, link or device in a folder's place: the folder and all under it go.
        this.removeBelow(path);
      } else if (before === DELETED || (before && before.kind !== 'directory')) {
        // A folder where a file (or nothing) was: what the base had under that path stays gone.
        this.hidden.add(path);
      }
      if (info.kind === 'hardlink' && info.linkname !== undefined) {
        const target = this.get(info.linkname);
        if (typeof target === 'object' && target.kind === 'file') {
          const linked: FileInfo = { kind: 'file', size: target.size, mode: info.mode, uid: info.uid, gid: info.gid };
          if (target.digest) linked.digest = target.digest;
          if (target.content) linked.content = target.content;
          this.set(path, linked);
          continue;
        }
      }
      this.set(path, info);
    }
  }

  /** The path as this stack leaves it. */
  get(path: string): PathState {
    const slot = this.slots.get(path);
    if (slot) return slot;
    // Not touched itself: gone when a folder above it was deleted, emptied or replaced by a file.
    for (let at = parentOf(path); ; at = parentOf(at)) {
      const above = at ? this.slots.get(at) : undefined;
      if (above && (above === DELETED || above.kind !== 'directory')) return DELETED;
      if (this.hidden.has(at)) return DELETED;
      if (!at) return 'base';
    }
  }

  /** Every path a read layer touched (deleted ones too). */
  paths(): IterableIterator<string> {
    return this.slots.keys();
  }

  private set(path: string, slot: Slot): void {
    this.slots.set(path, slot);
    // Linked up to the root, so removing a folder finds paths whose folders had no entry of their own.
    for (let child = path; child; ) {
      const parent = parentOf(child);
      let siblings = this.children.get(parent);
      if (!siblings) this.children.set(parent, (siblings = new Set()));
      if (siblings.has(child)) break;
      siblings.add(child);
      child = parent;
    }
  }

  /** Drops the path and all under it. */
  private remove(path: string): void {
    this.removeBelow(path);
    this.slots.delete(path);
    this.children.get(parentOf(path))?.delete(path);
  }

  private removeBelow(path: string): void {
    const below = this.children.get(path);
    if (!below) return;
    this.children.delete(path);
    for (const child of below) {
      this.removeBelow(child);
      this.slots.delete(child);
    }
  }
}
