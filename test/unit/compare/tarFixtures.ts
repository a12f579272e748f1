/**
 * Layer tars built in the test, byte by byte: ustar headers for files, folders, symlinks and hard
 * links, PAX records (path=) and GNU long names (type L) for names past 100 bytes, then compressed
 * with gzip or zstd as registries store layers.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';

export type FixtureEntry =
  | { type: 'file'; path: string; content?: string | Buffer; mode?: number; uid?: number; longName?: 'pax' | 'gnu' }
  | { type: 'dir'; path: string; mode?: number }
  | { type: 'symlink'; path: string; target: string }
  | { type: 'hardlink'; path: string; target: string }
  | { type: 'whiteout'; path: string }
  | { type: 'opaque'; folder: string };

const BLOCK = 512;
const TYPEFLAG = { file: '0', hardlink: '1', symlink: '2', dir: '5', pax: 'x', gnu: 'L' } as const;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, type: keyof typeof TYPEFLAG, size: number, options: { mode?: number; uid?: number; linkname?: string } = {}): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write(octal(options.mode ?? (type === 'dir' ? 0o755 : 0o644), 8), 100);
  block.write(octal(options.uid ?? 0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(1_700_000_000, 12), 136);
  block.write(TYPEFLAG[type], 156);
  if (options.linkname) block.write(options.linkname, 157);
  block.write('ustar\u000000', 257, 'latin1');
  block.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}

const pad = (content: Buffer) => Buffer.concat([content, Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK)]);

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length++;
  return Buffer.from(`${length}${body}`);
}

/** The tar bytes of `entries`, in order, with the two zero blocks that end an archive. */
export function tarOf(entries: FixtureEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    switch (entry.type) {
      case 'file': {
        const content = Buffer.from(entry.content ?? '');
        let name = entry.path;
        if (entry.longName === 'pax') {
          const record = paxRecord('path', entry.path);
          parts.push(header('PaxHeader/long', 'pax', record.length), pad(record));
          name = entry.path.slice(0, 100);
        } else if (entry.longName === 'gnu') {
          const longName = Buffer.from(`${entry.path}\0`);
          parts.push(header('././@LongLink', 'gnu', longName.length), pad(longName));
          name = entry.path.slice(0, 100);
        }
        parts.push(header(name, 'file', content.length, { mode: entry.mode, uid: entry.uid }), pad(content));
        break;
      }
      case 'dir':
        parts.push(header(`${entry.path}/`, 'dir', 0, { mode: entry.mode }));
        break;
      case 'symlink':
        parts.push(header(entry.path, 'symlink', 0, { linkname: entry.target, mode: 0o777 }));
        break;
      case 'hardlink':
        parts.push(header(entry.path, 'hardlink', 0, { linkname: entry.target }));
        break;
      case 'whiteout': {
        const slash = entry.path.lastIndexOf('/');
        parts.push(header(`${entry.path.slice(0, slash + 1)}.wh.${entry.path.slice(slash + 1)}`, 'file', 0));
        break;
      }
      case 'opaque':
        parts.push(header(`${entry.folder}/.wh..wh..opq`, 'file', 0));
        break;
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

export const gzipped = (tar: Buffer) => zlib.gzipSync(tar);

/** zstd as registries store it: zlib's where this Node has it, else the zstd command. */
export function zstdCompressed(tar: Buffer): Buffer {
  const native = (zlib as unknown as { zstdCompressSync?: (data: Buffer) => Buffer }).zstdCompressSync;
  if (native) return native(tar);
  const result = spawnSync('zstd', ['-q', '-c'], { input: tar, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`zstd failed: ${result.stderr.toString()}`);
  return result.stdout;
}

/** The blob as a registry stream: in small chunks, so every parser boundary is crossed. */
export async function* chunked(blob: Buffer, size = 333): AsyncGenerator<Buffer> {
  for (let offset = 0; offset < blob.length; offset += size) yield blob.subarray(offset, offset + size);
}

export const sha256 = (content: string | Buffer) => `sha256:${createHash('sha256').update(content).digest('hex')}`;
