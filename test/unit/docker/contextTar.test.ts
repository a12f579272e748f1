/**
 * The build context's tar is byte for byte what the previous packer (tar-fs 3 with the options
 * createBuildContext gave it) wrote for the same folder: same entries in the same order, modes,
 * sizes, times, link targets, long and non-ASCII names, contents and padding. Checked for each way
 * the tar leaves: read as a stream (fresh chunks) and piped into an HTTP request, where blocks are
 * reused once the socket has taken them, against a server that reads slowly so writes back up.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, createServer } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { contextIgnoreRules, createBuildContext } from '../../../src/core/docker/buildContext';
import { ContextTarStream } from '../../../src/core/docker/contextTarStream';

const MiB = 1024 * 1024;

/** A context with what a tar packer can get wrong: block boundaries, big files, links, long names, modes, exclusions. */
function sampleContext(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'context-tar-'));
  const write = (name: string, content: string | Buffer, mode?: number) => {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
    if (mode !== undefined) chmodSync(path.join(root, name), mode);
  };
  write('Dockerfile', 'FROM scratch\nCOPY . /app\n');
  write('.dockerignore', 'node_modules\n*.log\ndata/**\n!data/keep/**\n');
  for (const size of [0, 1, 511, 512, 513, 4096, 65_537]) write(`sizes/file-${size}.bin`, randomBytes(size));
  // Bigger than the blocks and than all the pooled blocks together, and not a multiple of 512.
  write('models/weights.bin', randomBytes(9 * MiB + 123));
  write('models/small.bin', randomBytes(3 * MiB + 7));
  for (let index = 0; index < 300; index++) write(`src/pkg${index % 12}/module${index}.py`, `print(${index})\n`.repeat(index % 50));
  write('bin/run.sh', '#!/bin/sh\necho hi\n', 0o755);
  write('private.key', 'secret-ish\n', 0o600);
  write(`deep/${'segment-of-a-long-path/'.repeat(6)}file.txt`, 'needs the ustar prefix\n');
  write(`deep/${'x'.repeat(120)}/${'y'.repeat(150)}.txt`, 'needs a pax record\n');
  write('deep/naïve-café.txt', 'not ASCII: pax\n');
  write('app.log', 'excluded\n');
  write('node_modules/pkg/index.js', 'excluded folder\n');
  write('data/drop.csv', 'excluded\n');
  write('data/keep/kept.csv', 'kept by the exception\n');
  mkdirSync(path.join(root, 'empty-folder'));
  symlinkSync('models/small.bin', path.join(root, 'link-to-file'));
  symlinkSync('src', path.join(root, 'link-to-folder'));
  symlinkSync('does-not-exist', path.join(root, 'dangling-link'));
  symlinkSync(`${'far/'.repeat(40)}target`, path.join(root, 'link-with-long-target'));
  return root;
}

/** The previous packer, with the options createBuildContext gave it (tar-fs, uid/gid 0, lstat for excluded folders). */
function packedByTarFs(contextDir: string, dockerfilePath: string): Readable {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tar = require('tar-fs') as typeof import('tar-fs');
  const root = path.resolve(contextDir);
  const relativeDockerfile = path.relative(root, path.resolve(dockerfilePath)).split(path.sep).join('/');
  const inside = !relativeDockerfile.startsWith('../');
  const ignoreFile = path.join(root, '.dockerignore');
  const patterns = readFileSync(ignoreFile, 'utf8').split(/\r?\n/);
  const rules = contextIgnoreRules([...patterns, '!.dockerignore', ...(inside ? [`!${relativeDockerfile}`] : [])]);
  const ignored = (absolute: string) => {
    const relative = path.relative(root, absolute).split(path.sep).join('/');
    const verdict = rules.verdict(relative, () => lstatSync(absolute).isDirectory());
    return verdict === 'exclude' || verdict === 'prune';
  };
  return tar.pack(root, {
    entries: readdirSync(root).filter((name) => !ignored(path.join(root, name))),
    ignore: ignored,
    map: (header) => ({ ...header, uid: 0, gid: 0 }),
    finalize: inside,
    finish: inside
      ? undefined
      : (pack) => {
          pack.entry({ name: 'extra', mode: 0o644, uid: 0, gid: 0, mtime: new Date() }, readFileSync(dockerfilePath));
          pack.finalize();
        },
  }) as unknown as Readable;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Sends the stream as dockerode does to a local engine (`stream.pipe(request)`, chunked, over a Unix
 * socket, whose small buffer leaves big writes pending) to a server that yields between reads.
 */
async function sentOverHttp(stream: Readable): Promise<Buffer> {
  let received: Promise<Buffer> | undefined;
  const server = createServer((incoming, response) => {
    received = (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) {
        chunks.push(chunk as Buffer);
        await nextTurn(); // a slow reader: the client's writes back up and wait for 'drain'
      }
      response.end('{}');
      return Buffer.concat(chunks);
    })();
  });
  const socketPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'engine-')), 'engine.sock');
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  try {
    const outgoing = request({ socketPath, method: 'POST', path: '/build', headers: { 'Content-Type': 'application/tar' } });
    const answered = new Promise<void>((resolve, reject) => {
      outgoing.on('response', (response) => response.resume().on('end', resolve));
      outgoing.on('error', reject);
    });
    stream.pipe(outgoing);
    await answered;
    assert.ok(received, 'the server got the request');
    return await received;
  } finally {
    server.close();
  }
}

describe('build context tar', () => {
  it('is byte for byte what tar-fs packed, read as a stream and piped into an HTTP request', async () => {
    const root = sampleContext();
    const dockerfile = path.join(root, 'Dockerfile');
    const expected = await collect(packedByTarFs(root, dockerfile));
    assert.ok(expected.length > 12 * MiB, `the sample is bigger than the pooled blocks (${expected.length} bytes)`);

    const read = createBuildContext(root, dockerfile);
    assert.ok((await collect(read.stream)).equals(expected), 'read as a stream: the same bytes');

    const sent = createBuildContext(root, dockerfile);
    const body = await sentOverHttp(sent.stream);
    assert.equal(body.length, expected.length);
    assert.ok(body.equals(expected), 'piped into a request: the same bytes');
    assert.ok(sent.entries.includes('data/keep/kept.csv') && !sent.entries.includes('app.log') && !sent.entries.some((name) => name.startsWith('node_modules')));
    assert.deepEqual(sent.entries, read.entries);
  });

  it('differs from tar-fs only in the time stamped on a Dockerfile from outside the context', async () => {
    const root = sampleContext();
    const outside = path.join(mkdtempSync(path.join(os.tmpdir(), 'dockerfile-')), 'build.Dockerfile');
    writeFileSync(outside, 'FROM scratch\nCOPY src /src\n');
    const context = createBuildContext(root, outside);
    const expected = await collect(packedByTarFs(root, outside));
    const actual = await sentOverHttp(context.stream);
    // The extra entry's header: name (generated), mtime and checksum may differ; nothing else.
    const header = actual.length - 1024 - 512 * 2;
    assert.equal(actual.length, expected.length);
    assert.equal(actual.subarray(header, header + context.dockerfileInContext.length).toString(), context.dockerfileInContext);
    for (let offset = 0; offset < actual.length; offset++) {
      const inExtraHeader = offset >= header && offset < header + 512;
      const mayDiffer = inExtraHeader && (offset - header < 100 || (offset - header >= 136 && offset - header < 156));
      if (!mayDiffer && actual[offset] !== expected[offset]) assert.fail(`byte ${offset} differs`);
    }
    assert.equal(actual.subarray(header + 512, header + 512 + 27).toString(), 'FROM scratch\nCOPY src /src\n');
  });
});

describe('build context tar, a context that changes while it is sent', () => {
  it('leaves out a file removed after its folder was listed and still sends the rest (tar-fs ended the tar there)', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'context-vanish-'));
    mkdirSync(path.join(root, 'a'));
    for (const name of ['1', '2', '3']) writeFileSync(path.join(root, 'a', name), name);
    writeFileSync(path.join(root, 'z'), 'z');
    const names: string[] = [];
    const stream = new ContextTarStream({
      root,
      topLevel: ['a', 'z'],
      // Listing a/ removes a/2 before it is packed, as an editor or a build tool might.
      ignored: (absolute) => {
        if (absolute === path.join(root, 'a', '3')) rmSync(path.join(root, 'a', '2'), { force: true });
        return false;
      },
      onEntry: (name) => names.push(name),
    });
    const tar = await collect(stream);
    assert.deepEqual(names, ['a', 'z', 'a/1', 'a/3']);
    assert.equal(tar.length % 512, 0);
  });
});
