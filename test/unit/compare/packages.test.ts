/**
 * Packages read from files as the package managers write them (pip's METADATA, setuptools'
 * PKG-INFO, dpkg's status and distroless status.d, apk's installed, conda-meta records, npm's
 * package.json), compared across layer stacks built from tar streams; and the whole files-and-packages
 * run reading only the differing layers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareFilesAndPackages } from '../../../src/core/compare/filesAndPackages';
import { LayerStack, readLayer } from '../../../src/core/compare/layerReader';
import { layersToRead } from '../../../src/core/compare/layerSelection';
import { compareVersions, comparePackages, isPackageFile, packagesIn, parseApkInstalled, parseDpkgStatus, parsePythonMetadata } from '../../../src/core/compare/packages';
import type { Descriptor } from '../../../src/core/registry/mediaTypes';
import { chunked, gzipped, sha256, tarOf, zstdCompressed, type FixtureEntry } from './tarFixtures';

const METADATA = (name: string, version: string) => `Metadata-Version: 2.1
Name: ${name}
Version: ${version}
Summary: Tensors and Dynamic neural networks in Python
Home-page: https://pytorch.org/
License: BSD-3
Requires-Python: >=3.8.0
Description-Content-Type: text/markdown
Requires-Dist: filelock
Requires-Dist: typing-extensions>=4.8.0

Name: not-a-header-in-the-description
Version: 0.0.0
`;

const DPKG_STATUS = `Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12945
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u4
Depends: libgcc-s1
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: openssl
Status: install ok installed
Priority: optional
Section: utils
Architecture: amd64
Version: 3.0.11-1~deb12u2
Description: Secure Sockets Layer toolkit - cryptographic utility

Package: curl
Status: deinstall ok config-files
Architecture: amd64
Version: 7.88.1-10+deb12u5
Description: removed, its configuration kept
`;

const APK_INSTALLED = `C:Q1mJ0nIDPGHv8Pdx0t2mGpO0rP0cg=
P:musl
V:1.2.4-r2
A:x86_64
S:383152
I:622592
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1698935006
c:c0a9f2a6ec5d4e4c1f5a7f9b1c6a8a54f8c4d6b1
F:lib
R:ld-musl-x86_64.so.1

C:Q1xm1R7ZRvwbQGMfVUrq9EC6ahQGk=
P:busybox
V:1.36.1-r15
A:x86_64
T:Size optimized toolbox of many common UNIX utilities
`;

describe('package parsers', () => {
  it('reads name and version from the METADATA header block only, names normalised as pip compares them', () => {
    assert.deepEqual(parsePythonMetadata(METADATA('Typing_Extensions', '4.12.2')), { name: 'typing-extensions', version: '4.12.2' });
  });

  it('reads installed dpkg packages only, multi-arch ones with their architecture', () => {
    assert.deepEqual(parseDpkgStatus(DPKG_STATUS), [
      { name: 'libc6:amd64', version: '2.36-9+deb12u4' },
      { name: 'openssl', version: '3.0.11-1~deb12u2' },
    ]);
  });

  it('reads apk packages', () => {
    assert.deepEqual(parseApkInstalled(APK_INSTALLED), [
      { name: 'musl', version: '1.2.4-r2' },
      { name: 'busybox', version: '1.36.1-r15' },
    ]);
  });

  it('knows package files by path: site-packages anywhere, conda-meta, node_modules at known roots only', () => {
    const yes = [
      'usr/local/lib/python3.11/site-packages/torch-2.4.0.dist-info/METADATA',
      'opt/conda/envs/ml/lib/python3.10/site-packages/six-1.16.0.dist-info/METADATA',
      'usr/lib/python3/dist-packages/PyYAML-6.0.egg-info/PKG-INFO',
      'usr/lib/python3/dist-packages/chardet-5.1.0.egg-info',
      'var/lib/dpkg/status',
      'var/lib/dpkg/status.d/libssl3',
      'lib/apk/db/installed',
      'opt/conda/conda-meta/numpy-1.26.4-py311h64a7726_0.json',
      'usr/local/lib/node_modules/npm/package.json',
      'app/node_modules/@aws-sdk/client-ecr/package.json',
    ];
    const no = [
      'usr/local/lib/python3.11/site-packages/torch-2.4.0.dist-info/RECORD',
      'var/lib/dpkg/status-old',
      'var/lib/dpkg/status.d/libssl3.md5sums',
      'app/node_modules/left-pad/node_modules/inner/package.json',
      'home/me/project/node_modules/x/package.json',
      'opt/conda/conda-meta/history',
    ];
    assert.deepEqual(yes.filter((path) => !isPackageFile(path)), []);
    assert.deepEqual(no.filter(isPackageFile), []);
  });

  it('conda-meta and npm records give name, version and where they are installed', () => {
    assert.deepEqual(packagesIn('opt/conda/envs/ml/conda-meta/numpy-1.26.4-py311h64a7726_0.json', Buffer.from(JSON.stringify({ name: 'numpy', version: '1.26.4', build: 'py311h64a7726_0', files: [] }))), [
      { ecosystem: 'conda', name: 'numpy', version: '1.26.4', location: 'opt/conda/envs/ml' },
    ]);
    assert.deepEqual(packagesIn('app/node_modules/@aws-sdk/client-ecr/package.json', Buffer.from(JSON.stringify({ name: '@aws-sdk/client-ecr', version: '3.1178.0' }))), [
      { ecosystem: 'npm', name: '@aws-sdk/client-ecr', version: '3.1178.0', location: 'app/node_modules' },
    ]);
    assert.deepEqual(packagesIn('app/node_modules/broken/package.json', Buffer.from('{ not json')), []);
  });

  it('orders versions numerically by part', () => {
    assert.equal(compareVersions('2.10.0', '2.9.1'), 1);
    assert.equal(compareVersions('1.2.4-r2', '1.2.4-r10'), -1);
    assert.equal(compareVersions('3.0.11-1~deb12u2', '3.0.11-1~deb12u2'), 0);
  });
});

const site = 'usr/local/lib/python3.11/site-packages';

async function stackOf(...layers: FixtureEntry[][]): Promise<LayerStack> {
  const stack = new LayerStack();
  for (const layer of layers) stack.apply(await readLayer(chunked(gzipped(tarOf(layer))), { keep: isPackageFile }));
  return stack;
}

describe('packages compared across layer stacks', () => {
  it('every layer read: added, removed, upgraded in each ecosystem; an upper database replaces the lower one', async () => {
    const common: FixtureEntry[] = [
      { type: 'file', path: 'var/lib/dpkg/status', content: DPKG_STATUS },
      { type: 'file', path: 'lib/apk/db/installed', content: APK_INSTALLED },
      { type: 'file', path: `${site}/torch-2.3.0.dist-info/METADATA`, content: METADATA('torch', '2.3.0') },
      { type: 'file', path: `${site}/six-1.16.0.dist-info/METADATA`, content: METADATA('six', '1.16.0') },
      { type: 'file', path: 'opt/conda/conda-meta/numpy-1.26.4-py311_0.json', content: JSON.stringify({ name: 'numpy', version: '1.26.4' }) },
      { type: 'file', path: 'usr/local/lib/node_modules/npm/package.json', content: JSON.stringify({ name: 'npm', version: '10.8.2' }) },
    ];
    const before = await stackOf(common);
    const after = await stackOf(common, [
      // apt-get install curl; apt-get upgrade openssl: the whole status file written again.
      { type: 'file', path: 'var/lib/dpkg/status', content: DPKG_STATUS.replace('3.0.11-1~deb12u2', '3.0.15-1~deb12u1').replace('deinstall ok config-files', 'install ok installed') },
      // pip install -U torch; pip uninstall six.
      { type: 'whiteout', path: `${site}/torch-2.3.0.dist-info` },
      { type: 'file', path: `${site}/torch-2.4.0.dist-info/METADATA`, content: METADATA('torch', '2.4.0') },
      { type: 'whiteout', path: `${site}/six-1.16.0.dist-info` },
      { type: 'file', path: 'opt/conda/conda-meta/pandas-2.2.2-py311_0.json', content: JSON.stringify({ name: 'pandas', version: '2.2.2' }) },
      { type: 'file', path: 'usr/local/lib/node_modules/npm/package.json', content: JSON.stringify({ name: 'npm', version: '9.9.0' }) },
    ]);
    const { changes, unread } = comparePackages(before, after, { sharedUnread: false });
    assert.deepEqual(unread, []);
    assert.deepEqual(
      changes.map((change) => `${change.ecosystem} ${change.name} ${change.change} ${change.before ?? '-'} → ${change.after ?? '-'}`),
      [
        'conda pandas added - → 2.2.2',
        'debian curl added - → 7.88.1-10+deb12u5',
        'debian openssl upgraded 3.0.11-1~deb12u2 → 3.0.15-1~deb12u1',
        'npm npm downgraded 10.8.2 → 9.9.0',
        'python six removed 1.16.0 → -',
        'python torch upgraded 2.3.0 → 2.4.0',
      ],
    );
  });

  it('over unread shared layers: a pip upgrade is told from the whiteout\'s name; a database only one side changed is named as not compared', async () => {
    // before = shared base + nothing read; after = shared base + one layer.
    const before = new LayerStack();
    const after = await stackOf([
      { type: 'whiteout', path: `${site}/torch-2.3.0.dist-info` },
      { type: 'file', path: `${site}/torch-2.4.0.dist-info/METADATA`, content: METADATA('torch', '2.4.0') },
      { type: 'file', path: `${site}/requests-2.32.3.dist-info/METADATA`, content: METADATA('requests', '2.32.3') },
      { type: 'file', path: 'var/lib/dpkg/status', content: DPKG_STATUS },
    ]);
    const { changes, unread } = comparePackages(before, after, { sharedUnread: true });
    assert.deepEqual(
      changes.map((change) => [change.name, change.change, change.before ?? null, change.after ?? null, Boolean(change.throughShared)]),
      [
        ['requests', 'added', null, '2.32.3', true],
        ['torch', 'upgraded', '2.3.0', '2.4.0', false],
      ],
    );
    assert.deepEqual(unread, [{ ecosystem: 'debian', path: 'var/lib/dpkg/status' }]);
  });

  it('distroless status.d: one file per package', async () => {
    const before = await stackOf([{ type: 'file', path: 'var/lib/dpkg/status.d/libssl3', content: 'Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\n' }]);
    const after = await stackOf([{ type: 'file', path: 'var/lib/dpkg/status.d/libssl3', content: 'Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\n' }]);
    assert.deepEqual(comparePackages(before, after, { sharedUnread: false }).changes.map((change) => [change.name, change.change]), [['libssl3', 'upgraded']]);
  });
});

describe('files and packages of two images', () => {
  const layer = (blob: Buffer, mediaType: string): Descriptor & { blob: Buffer } => ({ mediaType, digest: sha256(blob), size: blob.length, blob });
  const shared = layer(gzipped(tarOf([{ type: 'file', path: 'usr/bin/python3', content: 'python' }])), 'application/vnd.oci.image.layer.v1.tar+gzip');
  const old = layer(gzipped(tarOf([{ type: 'file', path: `${site}/torch-2.3.0.dist-info/METADATA`, content: METADATA('torch', '2.3.0') }])), 'application/vnd.oci.image.layer.v1.tar+gzip');
  const next = layer(
    zstdCompressed(tarOf([{ type: 'file', path: `${site}/torch-2.4.0.dist-info/METADATA`, content: METADATA('torch', '2.4.0') }, { type: 'file', path: 'app/weights.bin', content: Buffer.alloc(10_000, 3) }])),
    'application/vnd.oci.image.layer.v1.tar+zstd',
  );
  const blobs = new Map([shared, old, next].map((entry) => [entry.digest, entry.blob]));

  it('opens only the differing layers, counts their compressed bytes, and reports files and packages', async () => {
    const opened: string[] = [];
    const progress: number[] = [];
    const plan = layersToRead([shared, old], [shared, next]);
    const result = await compareFilesAndPackages(plan, {
      open: async (descriptor) => {
        opened.push(descriptor.digest);
        return chunked(blobs.get(descriptor.digest)!);
      },
      onBytes: (read, total) => progress.push(read / total),
    });
    assert.deepEqual(opened, [old.digest, next.digest]);
    assert.equal(result.bytesRead, old.size + next.size);
    assert.equal(progress.at(-1), 1);
    assert.deepEqual(result.read, { bytes: old.size + next.size, layers: 2, sharedUnread: true, sharedAboveDifference: false });
    assert.deepEqual(result.packages.changes.map((change) => `${change.name} ${change.before ?? '-'} → ${change.after ?? '-'} ${change.change}`), ['torch 2.3.0 → 2.4.0 upgraded']);
    const files = result.files.folders.flatMap((folder) => folder.changes.map((change) => `${change.change} ${change.path}`));
    assert.deepEqual(files, ['added app/weights.bin', `removed ${site}/torch-2.3.0.dist-info/METADATA`, `added ${site}/torch-2.4.0.dist-info/METADATA`]);
  });

  it('refuses to read a layer both images share, even if asked to', async () => {
    const plan = layersToRead([shared, old], [shared, next]);
    await assert.rejects(
      compareFilesAndPackages({ ...plan, after: [shared] }, { open: async (descriptor) => chunked(blobs.get(descriptor.digest)!) }),
      /shared by both images/,
    );
  });
});
