import * as fs from 'node:fs';
import { OutgoingMessage } from 'node:http';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { encodeTarHeader, paddingAfter, TAR_BLOCK, type TarHeader } from './tarHeader';

/**
 * Bytes per write. Headers, small files and padding are packed together into blocks of this size
 * and big files are read straight into them, so sending is one read and one write per block.
 */
const BLOCK_BYTES = 512 * 1024;
/** Blocks in flight when writing straight into the engine's request: one filling, the others being sent. */
const POOL_BLOCKS = 4;

export interface ContextTarSource {
  root: string;
  /** Top-level names to pack, in order, already checked against .dockerignore. */
  topLevel: string[];
  /** Whether a path found in a walked folder is left out; `isDirectory` is answered from the folder listing. */
  ignored(absolute: string, isDirectory: () => boolean): boolean;
  /** Told each entry's name as it is packed. */
  onEntry(name: string): void;
  /** A file appended after the walk (a Dockerfile from outside the context), read then. */
  extra?: { name: string; read: () => Buffer };
}

/** Where filled blocks go: the engine's request (blocks reused once written) or the Readable's consumer (fresh blocks). */
interface BlockSink {
  acquire(): Buffer | Promise<Buffer>;
  /** Hands on the first `length` bytes of `block`; resolves when more may be sent. */
  send(block: Buffer, length: number): void | Promise<void>;
}

/** The stream was destroyed (the build was cancelled or the engine went away): stop quietly. */
class Stopped extends Error {}

/**
 * The build context as a tar stream, with the entries, order, modes and bytes tar-fs 3 wrote
 * (walked breadth first in directory order, uid/gid 0, the process umask applied).
 *
 * Piped into an HTTP request (as dockerode sends the build), it writes into the request itself
 * from a few reused blocks: a block goes back to the pool only when the request's write callback
 * says the socket has taken it, and the next write waits for 'drain'. Read any other way, every
 * chunk is a fresh buffer, since a reader may keep chunks.
 */
export class ContextTarStream extends Readable {
  private mode: 'idle' | 'readable' | 'direct' = 'idle';
  private resumeReading: (() => void) | undefined;
  private readonly stoppers = new Set<() => void>();
  private readonly umask = ~process.umask();

  constructor(private readonly source: ContextTarSource) {
    super();
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T {
    if (this.mode === 'idle' && destination instanceof OutgoingMessage && options?.end !== false) {
      this.mode = 'direct';
      void this.sendTo(destination);
      return destination;
    }
    return super.pipe(destination, options);
  }

  override _read(): void {
    if (this.mode !== 'idle') {
      const resume = this.resumeReading;
      this.resumeReading = undefined;
      resume?.();
      return;
    }
    this.mode = 'readable';
    const sink: BlockSink = {
      acquire: () => Buffer.allocUnsafeSlow(BLOCK_BYTES),
      send: (block, length) => {
        if (!this.push(block.subarray(0, length))) return this.until((wake) => (this.resumeReading = wake));
      },
    };
    this.pack(sink).then(
      () => this.push(null),
      (error: unknown) => this.stopWith(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    for (const stop of this.stoppers) stop();
    this.stoppers.clear();
    callback(error);
  }

  private async sendTo(request: OutgoingMessage): Promise<void> {
    const free: Buffer[] = [];
    let allocated = 0;
    let blockReturned: (() => void) | undefined;
    let drained: Promise<void> | undefined;
    let finished = false;
    // The request closed before the tar was complete (the engine answered early, or the build was aborted).
    const closed = () => finished || this.destroy();
    request.once('close', closed);
    const sink: BlockSink = {
      acquire: () => {
        const block = free.pop();
        if (block) return block;
        if (allocated < POOL_BLOCKS) {
          allocated++;
          return Buffer.allocUnsafeSlow(BLOCK_BYTES);
        }
        return this.until((wake) => (blockReturned = wake)).then(() => sink.acquire());
      },
      send: async (block, length) => {
        // Backpressure: a write waits for the request to drain; the next block is read meanwhile.
        await drained;
        // The callback runs once the socket has the bytes (or the write failed): only then is the block free.
        const more = request.write(block.subarray(0, length), () => {
          free.push(block);
          const wake = blockReturned;
          blockReturned = undefined;
          wake?.();
        });
        drained = more ? undefined : this.until((wake) => request.once('drain', wake));
        drained?.catch(() => undefined); // awaited by the next write, if there is one
      },
    };
    try {
      await this.pack(sink);
      finished = true;
      request.end();
      this.push(null);
      this.resume();
    } catch (error) {
      this.stopWith(error);
    } finally {
      request.off('close', closed);
    }
  }

  private stopWith(error: unknown): void {
    if (!(error instanceof Stopped)) this.destroy(error instanceof Error ? error : new Error(String(error)));
  }

  /** A promise that `register`'s callback resolves, rejected with Stopped if the stream is destroyed first. */
  private until(register: (wake: () => void) => void): Promise<void> {
    if (this.destroyed) return Promise.reject(new Stopped());
    return new Promise((resolve, reject) => {
      const stop = () => reject(new Stopped());
      this.stoppers.add(stop);
      register(() => {
        this.stoppers.delete(stop);
        resolve();
      });
    });
  }

  /** Walks the context as tar-fs did: a queue of names, a folder's children appended after it. */
  private async pack(sink: BlockSink): Promise<void> {
    const { root, topLevel, ignored, onEntry, extra } = this.source;
    const writer = new BlockWriter(sink, () => this.destroyed);
    const queue = [...topLevel];
    for (let next = 0; next < queue.length; next++) {
      const name = queue[next];
      const absolute = path.join(root, name);
      let stat: fs.Stats;
      try {
        stat = await fs.promises.lstat(absolute);
      } catch (error) {
        // Removed since its folder was listed: left out, as the CLI does; a top-level name must exist.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && next >= topLevel.length) continue;
        throw error;
      }
      if (stat.isDirectory()) {
        for (const child of await fs.promises.readdir(absolute, { withFileTypes: true })) {
          if (!ignored(path.join(absolute, child.name), () => child.isDirectory())) queue.push(path.join(name, child.name));
        }
      }
      if (stat.isSocket()) continue; // tar has no sockets
      const header: TarHeader = { name: entryName(name), mode: stat.mode & this.umask, mtime: stat.mtime, size: 0, type: 'file' };
      onEntry(header.name);
      if (stat.isDirectory()) {
        await writer.header({ ...header, type: 'directory' });
      } else if (stat.isSymbolicLink()) {
        await writer.header({ ...header, type: 'symlink', linkname: entryName(await fs.promises.readlink(absolute)) });
      } else if (stat.isFile()) {
        await writer.file(absolute, { ...header, size: stat.size });
      } else {
        throw new Error(`unsupported type for ${name}`);
      }
    }
    if (extra) {
      const content = extra.read();
      onEntry(extra.name);
      await writer.header({ name: extra.name, mode: 0o644, mtime: new Date(), size: content.byteLength, type: 'file' });
      await writer.bytes(content);
      await writer.zeros(paddingAfter(content.byteLength));
    }
    await writer.zeros(2 * TAR_BLOCK); // end of archive
    await writer.flush();
  }
}

/** Fills blocks from the sink with headers, file contents and padding, handing each on when full. */
class BlockWriter {
  private block: Buffer | undefined;
  private used = 0;

  constructor(
    private readonly sink: BlockSink,
    private readonly stopped: () => boolean,
  ) {}

  async header(header: TarHeader): Promise<void> {
    for (const part of encodeTarHeader(header)) await this.bytes(part);
  }

  async bytes(data: Buffer): Promise<void> {
    for (let offset = 0; offset < data.byteLength; ) {
      const block = await this.room();
      const copied = data.copy(block, this.used, offset);
      this.used += copied;
      offset += copied;
      await this.flushIfFull();
    }
  }

  async zeros(count: number): Promise<void> {
    for (let left = count; left > 0; ) {
      const block = await this.room();
      const filled = Math.min(left, block.byteLength - this.used);
      block.fill(0, this.used, this.used + filled);
      this.used += filled;
      left -= filled;
      await this.flushIfFull();
    }
  }

  /** The header, then the file read straight into the blocks (exactly `size` bytes, as the header says), then padding. */
  async file(absolute: string, header: TarHeader): Promise<void> {
    await this.header(header);
    const file = await fs.promises.open(absolute, 'r');
    try {
      for (let position = 0; position < header.size; ) {
        const block = await this.room();
        const wanted = Math.min(block.byteLength - this.used, header.size - position);
        const { bytesRead: read } = await file.read(block, this.used, wanted, position);
        if (read === 0) throw new Error(`${header.name} shrank while it was being sent (expected ${header.size} bytes)`);
        this.used += read;
        position += read;
        await this.flushIfFull();
      }
    } finally {
      await file.close();
    }
    await this.zeros(paddingAfter(header.size));
  }

  async flush(): Promise<void> {
    const block = this.block;
    if (!block || !this.used) return;
    this.block = undefined;
    await this.sink.send(block, this.used);
  }

  private async room(): Promise<Buffer> {
    if (this.stopped()) throw new Stopped();
    if (!this.block) {
      this.block = await this.sink.acquire();
      this.used = 0;
    }
    return this.block;
  }

  private async flushIfFull(): Promise<void> {
    if (this.block && this.used === this.block.byteLength) await this.flush();
  }
}

function entryName(name: string): string {
  return process.platform === 'win32' ? name.replace(/\\/g, '/').replace(/[:?<>|]/g, '_') : name;
}
