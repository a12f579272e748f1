/**
 * Tar headers for the build context, byte for byte as tar-stream 3 writes them (the packer the
 * context used before): ustar with a name/prefix split, and a pax record when the name or link
 * does not fit or is not ASCII. Written here because tar-stream does not export its encoder.
 */

export type TarEntryType = 'file' | 'directory' | 'symlink';

export interface TarHeader {
  name: string;
  /** Permission bits (and any type bits, which are masked off). */
  mode: number;
  size: number;
  mtime: Date;
  type: TarEntryType;
  linkname?: string;
}

export const TAR_BLOCK = 512;

const ZEROS = '0000000000000000000';
const SEVENS = '7777777777777777777';
const USTAR_MAGIC_AND_VERSION = Buffer.from('ustar\x0000', 'latin1');
const TYPEFLAG: Record<TarEntryType | 'pax-header', number> = { file: 0, symlink: 2, directory: 5, 'pax-header': 72 };

/** The header block(s) of one entry: one ustar block, or a pax header, its record and padding, then the ustar block. */
export function encodeTarHeader(header: TarHeader): Buffer[] {
  const plain = encodeUstar(header.name, header.linkname, header.mode, header.size, header.mtime, header.type);
  if (plain) return [plain];
  const record = paxRecord(header.name, header.linkname);
  // Both headers around the record are named "PaxHeader" (and so always fit), as tar-stream writes them.
  const linkname = header.linkname && 'PaxHeader';
  const named = (size: number, type: TarEntryType | 'pax-header') => encodeUstar('PaxHeader', linkname, header.mode, size, header.mtime, type) as Buffer;
  const blocks = [named(record.byteLength, 'pax-header'), record];
  const padding = paddingAfter(record.byteLength);
  if (padding) blocks.push(Buffer.alloc(padding));
  blocks.push(named(header.size, header.type));
  return blocks;
}

/** Zero bytes after `size` bytes of content, up to the next 512-byte block. */
export function paddingAfter(size: number): number {
  const over = size % TAR_BLOCK;
  return over ? TAR_BLOCK - over : 0;
}

function encodeUstar(fullName: string, linkname: string | undefined, mode: number, size: number, mtime: Date, type: TarEntryType | 'pax-header'): Buffer | undefined {
  let name = fullName;
  let prefix = '';
  if (Buffer.byteLength(name) !== name.length) return undefined;
  while (name.length > 100) {
    const slash = name.indexOf('/');
    if (slash === -1) return undefined;
    prefix += prefix ? `/${name.slice(0, slash)}` : name.slice(0, slash);
    name = name.slice(slash + 1);
  }
  if (prefix.length > 155) return undefined;
  if (linkname && Buffer.byteLength(linkname) > 100) return undefined;

  const block = Buffer.alloc(TAR_BLOCK);
  block.write(name, 0);
  block.write(octal(mode & 0o7777, 6), 100);
  block.write(octal(0, 6), 108); // uid: the daemon owns what it receives
  block.write(octal(0, 6), 116); // gid
  encodeSize(size, block, 124);
  block.write(octal((mtime.getTime() / 1000) | 0, 11), 136);
  block[156] = 0x30 + TYPEFLAG[type];
  if (linkname) block.write(linkname, 157);
  USTAR_MAGIC_AND_VERSION.copy(block, 257);
  block.write(octal(0, 6), 329); // devmajor
  block.write(octal(0, 6), 337); // devminor
  if (prefix) block.write(prefix, 345);
  block.write(octal(checksum(block), 6), 148);
  return block;
}

function octal(value: number, digits: number): string {
  const text = value.toString(8);
  if (text.length > digits) return `${SEVENS.slice(0, digits)} `;
  return `${ZEROS.slice(0, digits - text.length)}${text} `;
}

/** Sizes beyond 8 GiB in base-256, as GNU tar and tar-stream write them. */
function encodeSize(size: number, block: Buffer, offset: number): void {
  if (size.toString(8).length <= 11) {
    block.write(octal(size, 11), offset);
    return;
  }
  block[offset] = 0x80;
  let rest = size;
  for (let index = 11; index > 0; index--) {
    block[offset + index] = rest & 0xff;
    rest = Math.floor(rest / 0x100);
  }
}

function checksum(block: Buffer): number {
  let sum = 8 * 32;
  for (let index = 0; index < 148; index++) sum += block[index];
  for (let index = 156; index < TAR_BLOCK; index++) sum += block[index];
  return sum;
}

function paxRecord(name: string, linkname: string | undefined): Buffer {
  let text = '';
  if (name) text += withLength(` path=${name}\n`);
  if (linkname) text += withLength(` linkpath=${linkname}\n`);
  return Buffer.from(text);
}

/** A pax record is prefixed by its own length in decimal, which counts its own digits. */
function withLength(record: string): string {
  const length = Buffer.byteLength(record);
  let digits = Math.floor(Math.log(length) / Math.log(10)) + 1;
  if (length + digits >= Math.pow(10, digits)) digits++;
  return `${length + digits}${record}`;
}
