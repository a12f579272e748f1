/**
 * The layer reader over tar streams built in the test: gzip and zstd (zlib's and the JavaScript
 * decoder), PAX and GNU long names, hard links, whiteouts and opaque whiteouts across a stack, a file
 * replaced by a folder; and the files comparison two stacks give.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { compareFiles } from '../../../src/core/compare/fileDiff';
import { hasNativeZstd, LayerStack, readLayer, type FileInfo } from '../../../src/core/compare/layerReader';
import { chunked, gzipped, sha256, tarOf, zstdCompressed, type FixtureEntry } from './tarFixtures';

const longPath = `opt/${'very-long-folder-name/'.repeat(6)}model.bin`;

const sample: FixtureEntry[] = [
  { type: 'dir', path: 'app' },
  { type: 'file', path: 'app/main.py', content: 'print("hi")\n', mode: 0o755 },
  { type: 'file', path: longPath, content: 'weights', longName: 'pax' },
  { type: 'file', path: `usr/share/${'gnu-long-'.repeat(14)}name.txt`, content: 'gnu', longName: 'gnu' },
  { type: 'hardlink', path: 'app/main-link.py', target: 'app/main.py' },
  { type: 'symlink', path: 'app/current', target: 'main.py' },
];

async function stackOf(...layers: FixtureEntry[][]): Promise<LayerStack> {
  const stack = new LayerStack();
  for (const layer of layers) stack.apply(await readLayer(chunked(gzipped(tarOf(layer)))));
  return stack;
}

const fileAt = (stack: LayerStack, path: string): FileInfo => {
  const state = stack.get(path);
  assert.equal(typeof state, 'object', `${path} is ${String(state)}`);
  return state as FileInfo;
};

describe('layer reader', () => {
  for (const [name, compress, nativeZstd] of [
    ['gzip', gzipped, true],
    ['zstd (JavaScript decoder)', zstdCompressed, false],
    ['zstd (zlib)', zstdCompressed, true],
  ] as const) {
    it(`reads a ${name} layer: paths, long names, sizes, modes, digests, links`, { skip: name === 'zstd (zlib)' && !hasNativeZstd() && 'this Node has no zlib zstd' }, async () => {
      const layer = await readLayer(chunked(compress(tarOf(sample))), { nativeZstd });
      const byPath = new Map(layer.entries.map((entry) => [entry.path, entry]));
      assert.deepEqual([...byPath.keys()], ['app', 'app/main.py', longPath, `usr/share/${'gnu-long-'.repeat(14)}name.txt`, 'app/main-link.py', 'app/current']);
      assert.deepEqual(byPath.get('app/main.py'), { path: 'app/main.py', kind: 'file', size: 12, mode: 0o755, uid: 0, gid: 0, digest: sha256('print("hi")\n') });
      assert.equal(byPath.get(longPath)?.digest, sha256('weights'));
      assert.equal(byPath.get('app/main-link.py')?.kind, 'hardlink');
      assert.equal(byPath.get('app/main-link.py')?.linkname, 'app/main.py');
      assert.equal(byPath.get('app/current')?.linkname, 'main.py');
    });
  }

  it('reads a plain (uncompressed) tar too', async () => {
    const layer = await readLayer(chunked(tarOf([{ type: 'file', path: 'a.txt', content: 'abc' }])));
    assert.deepEqual(layer.entries.map((entry) => [entry.path, entry.size]), [['a.txt', 3]]);
  });

  it('says a corrupt layer is corrupt instead of returning a partial listing', async () => {
    const blob = gzipped(tarOf(sample));
    const broken = Buffer.concat([blob.subarray(0, 40), Buffer.alloc(200, 7)]);
    await assert.rejects(readLayer(chunked(broken)));
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const big = gzipped(tarOf([{ type: 'file', path: 'big', content: randomBytes(1024 * 1024) }]));
    let sent = 0;
    let closed = false;
    async function* slow(): AsyncGenerator<Buffer> {
      try {
        for await (const chunk of chunked(big, 4096)) {
          yield chunk;
          if ((sent += chunk.length) > 8192) controller.abort();
        }
      } finally {
        closed = true;
      }
    }
    await assert.rejects(readLayer(slow(), { signal: controller.signal }));
    // The blob's stream (the download) was closed, not left open.
    assert.equal(closed, true);
    // Stopped soon after the cancel, not at the end of the blob.
    assert.ok(sent < big.length / 2, `read ${sent} of ${big.length} bytes`);
  });

  it('keeps the content of the paths asked for, and only those', async () => {
    const layer = await readLayer(chunked(gzipped(tarOf(sample))), { keep: (path) => path === 'app/main.py' });
    assert.equal(layer.entries.find((entry) => entry.path === 'app/main.py')?.content?.toString(), 'print("hi")\n');
    assert.equal(layer.entries.find((entry) => entry.path === longPath)?.content, undefined);
  });

  it('a hard link takes its target\'s size and digest in the stack', async () => {
    const stack = await stackOf(sample);
    assert.equal(fileAt(stack, 'app/main-link.py').kind, 'file');
    assert.equal(fileAt(stack, 'app/main-link.py').digest, sha256('print("hi")\n'));
    assert.equal(fileAt(stack, 'app/main-link.py').size, 12);
  });

  it('a hard link to a file in an earlier read layer resolves too', async () => {
    const stack = await stackOf([{ type: 'file', path: 'bin/tool', content: 'xyz' }], [{ type: 'hardlink', path: 'bin/tool2', target: 'bin/tool' }]);
    assert.equal(fileAt(stack, 'bin/tool2').digest, sha256('xyz'));
  });

  it('a whiteout deletes the path and all under it from the layers below, not from its own layer', async () => {
    const stack = await stackOf(
      [
        { type: 'file', path: 'etc/old.conf', content: 'x' },
        { type: 'dir', path: 'var/cache' },
        { type: 'file', path: 'var/cache/a', content: 'a' },
        { type: 'file', path: 'var/cache/sub/b', content: 'b' },
      ],
      [
        { type: 'whiteout', path: 'etc/old.conf' },
        { type: 'whiteout', path: 'var/cache' },
        { type: 'file', path: 'etc/new.conf', content: 'y' },
      ],
    );
    assert.equal(stack.get('etc/old.conf'), 'deleted');
    assert.equal(stack.get('var/cache'), 'deleted');
    assert.equal(stack.get('var/cache/a'), 'deleted');
    assert.equal(stack.get('var/cache/sub/b'), 'deleted');
    assert.equal(fileAt(stack, 'etc/new.conf').digest, sha256('y'));
    // Unread layers below: a path under a deleted folder is gone from them too; one elsewhere is theirs.
    assert.equal(stack.get('var/cache/from-base'), 'deleted');
    assert.equal(stack.get('usr/bin/python'), 'base');
  });

  it('an opaque whiteout empties its folder of the lower layers only, keeping its own layer\'s entries', async () => {
    const stack = await stackOf(
      [
        { type: 'file', path: 'srv/www/index.html', content: 'old' },
        { type: 'file', path: 'srv/www/img/logo.png', content: 'png' },
        { type: 'file', path: 'srv/keep.txt', content: 'k' },
      ],
      // The opaque marker after its layer's own entries, as some tools write it.
      [{ type: 'dir', path: 'srv/www' }, { type: 'file', path: 'srv/www/new.html', content: 'new' }, { type: 'opaque', folder: 'srv/www' }],
    );
    assert.equal(stack.get('srv/www/index.html'), 'deleted');
    assert.equal(stack.get('srv/www/img/logo.png'), 'deleted');
    assert.equal(stack.get('srv/www/from-base.html'), 'deleted');
    assert.equal(fileAt(stack, 'srv/www/new.html').digest, sha256('new'));
    assert.equal(fileAt(stack, 'srv/keep.txt').digest, sha256('k'));
  });

  it('paths written as ./name or /name are the same path, whiteouts too (at the root as well)', async () => {
    const stack = await stackOf(
      [
        { type: 'file', path: './etc/hosts', content: 'h' },
        { type: 'file', path: 'motd', content: 'm' },
      ],
      [
        { type: 'whiteout', path: './etc/hosts' },
        { type: 'whiteout', path: 'motd' },
        { type: 'file', path: '/etc/hostname', content: 'n' },
      ],
    );
    assert.equal(stack.get('etc/hosts'), 'deleted');
    assert.equal(stack.get('motd'), 'deleted');
    assert.equal(fileAt(stack, 'etc/hostname').digest, sha256('n'));
  });

  it('a file replaced by a folder, and a folder replaced by a file', async () => {
    const stack = await stackOf(
      [
        { type: 'file', path: 'opt/config', content: 'a file' },
        { type: 'file', path: 'opt/data/x', content: 'x' },
      ],
      [
        { type: 'dir', path: 'opt/config' },
        { type: 'file', path: 'opt/config/settings.toml', content: 's' },
        { type: 'file', path: 'opt/data', content: 'now a file' },
      ],
    );
    assert.equal(fileAt(stack, 'opt/config').kind, 'directory');
    assert.equal(fileAt(stack, 'opt/config/settings.toml').digest, sha256('s'));
    assert.equal(fileAt(stack, 'opt/data').kind, 'file');
    assert.equal(stack.get('opt/data/x'), 'deleted');
    assert.equal(stack.get('opt/data/from-base'), 'deleted');
  });
});

describe('files comparison', () => {
  const base: FixtureEntry[] = [
    { type: 'file', path: 'usr/lib/libz.so', content: 'z1' },
    { type: 'file', path: 'app/old.py', content: 'old' },
    { type: 'file', path: 'app/run.sh', content: 'run', mode: 0o644 },
    { type: 'file', path: 'etc/conf', content: 'file' },
  ];

  it('lists added, removed and changed files largest first, grouped by top folder (every layer read)', async () => {
    const before = await stackOf(base);
    const after = await stackOf(base, [
      { type: 'file', path: 'usr/lib/libz.so', content: 'z2 longer' },
      { type: 'whiteout', path: 'app/old.py' },
      { type: 'file', path: 'app/run.sh', content: 'run', mode: 0o755 },
      { type: 'file', path: 'app/model.bin', content: Buffer.alloc(5000, 1) },
      { type: 'file', path: 'app/small.txt', content: 'tiny' },
      { type: 'dir', path: 'etc/conf' },
      { type: 'file', path: 'etc/conf/main', content: 'm' },
    ]);
    const files = compareFiles(before, after, { sharedUnread: false });
    assert.deepEqual(
      files.folders.map((folder) => [folder.folder, folder.changes.map((change) => `${change.change} ${change.path}`)]),
      [
        ['app', ['added app/model.bin', 'added app/small.txt', 'removed app/old.py', 'changed app/run.sh']],
        ['usr', ['changed usr/lib/libz.so']],
        ['etc', ['changed etc/conf', 'added etc/conf/main']],
      ],
    );
    const runSh = files.folders[0].changes.find((change) => change.path === 'app/run.sh');
    assert.equal(runSh?.before?.mode, 0o644);
    assert.equal(runSh?.after?.mode, 0o755);
    assert.equal(files.folders[2].changes[0].after?.kind, 'directory');
    assert.deepEqual([files.added, files.removed, files.changed], [3, 1, 3]);
    assert.equal(files.folders.flatMap((folder) => folder.changes).some((change) => change.throughShared), false);
  });

  it('over unread shared layers: paths only one side touched are marked, untouched paths are not listed', async () => {
    // Both images: shared base (not read) + their own layer.
    const before = await stackOf([{ type: 'file', path: 'app/v.txt', content: '1' }]);
    const after = await stackOf([
      { type: 'file', path: 'app/v.txt', content: '2' },
      { type: 'whiteout', path: 'usr/share/doc' },
      { type: 'file', path: 'app/new.txt', content: 'n' },
    ]);
    const files = compareFiles(before, after, { sharedUnread: true });
    const changes = files.folders.flatMap((folder) => folder.changes).map((change) => [change.change, change.path, Boolean(change.throughShared)]);
    assert.deepEqual(changes.sort(), [
      ['added', 'app/new.txt', true],
      ['changed', 'app/v.txt', false],
      ['removed', 'usr/share/doc', true],
    ]);
  });

  it('identical content with another time is not a change', async () => {
    const before = await stackOf([{ type: 'file', path: 'a', content: 'same' }]);
    const after = await stackOf([{ type: 'file', path: 'a', content: 'same' }]);
    assert.equal(compareFiles(before, after, { sharedUnread: true }).folders.length, 0);
  });
});
