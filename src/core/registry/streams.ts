/** Stream pieces the registry client builds uploads and downloads from: counting, digest checks, chunking. */
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { Readable, Transform } from 'node:stream';
import { RegistryError } from './errors';

export async function readText(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function counting(stream: Readable, onBytes?: (sent: number) => void): Readable {
  if (!onBytes) return stream;
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.length;
      onBytes(sent);
      callback(null, chunk);
    },
  });
  stream.once('error', (error) => counter.destroy(error));
  return stream.pipe(counter);
}

export function verifying(digest: string, subject: string): Transform {
  const [algorithm, expected] = digest.split(':');
  const hash = createHash(algorithm === 'sha512' ? 'sha512' : 'sha256');
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest('hex');
      callback(actual === expected ? null : new RegistryError('DIGEST_MISMATCH', subject, undefined, `got ${algorithm}:${actual}`));
    },
  });
}

/** Drops the first `bytes` bytes (a whole blob served where a range was asked for). */
export function skipping(bytes: number): Transform {
  let left = bytes;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (left >= chunk.length) {
        left -= chunk.length;
        return callback();
      }
      const rest = chunk.subarray(left);
      left = 0;
      callback(null, rest);
    },
  });
}

/** Re-cuts a stream into chunks of exactly `size` bytes (the last may be shorter); holds at most one chunk. */
export async function* rechunk(stream: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const piece of stream) {
    let data = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    while (length + data.length >= size) {
      const take = size - length;
      pending.push(data.subarray(0, take));
      yield Buffer.concat(pending);
      pending = [];
      length = 0;
      data = data.subarray(take);
    }
    if (data.length) {
      pending.push(Buffer.from(data));
      length += data.length;
    }
  }
  if (length) yield Buffer.concat(pending);
}
