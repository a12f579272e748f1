/** The comparison's Markdown export: what a user reads, section by section. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareImages, type ImageSide } from '../../../src/core/compare/configDiff';
import { compareFiles } from '../../../src/core/compare/fileDiff';
import { compareFindings } from '../../../src/core/compare/findings';
import { LayerStack, readLayer } from '../../../src/core/compare/layerReader';
import { comparisonMarkdown, summaryLine } from '../../../src/core/compare/markdown';
import { comparePackages, isPackageFile } from '../../../src/core/compare/packages';
import { chunked, gzipped, tarOf, type FixtureEntry } from './tarFixtures';

const digest = (char: string) => `sha256:${char.repeat(64)}`;
const layer = (char: string, size: number) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest(char), size });

const before: ImageSide = {
  name: { repository: 'ml/serve', tag: '0.3.5', digest: digest('1') },
  manifest: { schemaVersion: 2, layers: [layer('a', 100_000_000), layer('b', 50_000_000)] },
  config: {
    os: 'linux',
    architecture: 'amd64',
    config: { Env: ['API_KEY=sk-live-123', 'MODE=dev'], Cmd: ['serve'], Labels: { 'a|b': 'pipe' } },
    history: [{ created_by: 'ADD rootfs.tar /' }, { created_by: 'RUN /bin/sh -c pip install torch==2.3 # buildkit' }],
  },
};
const after: ImageSide = {
  name: { repository: 'ml/serve', tag: '0.3.6', digest: digest('2') },
  manifest: { schemaVersion: 2, layers: [layer('a', 100_000_000), layer('c', 950_000_000)] },
  config: {
    os: 'linux',
    architecture: 'amd64',
    config: { Env: ['API_KEY=sk-live-456', 'MODE=dev'], Cmd: ['serve'], User: 'app', Labels: { 'a|b': 'pipe' } },
    history: [{ created_by: 'ADD rootfs.tar /' }, { created_by: 'RUN /bin/sh -c pip install torch==2.4 # buildkit' }, { created_by: 'USER app', empty_layer: true }],
  },
};

async function stackOf(entries: FixtureEntry[]): Promise<LayerStack> {
  const stack = new LayerStack();
  stack.apply(await readLayer(chunked(gzipped(tarOf(entries))), { keep: isPackageFile }));
  return stack;
}

describe('comparison Markdown', () => {
  const comparison = compareImages(before, after);

  it('the summary line says sizes, layers and the fields that changed', () => {
    assert.equal(summaryLine(comparison), '150 MB → 1.1 GB compressed (+900 MB) · layers: 1 shared, 1 added, 1 removed · config changed: User, Environment (1)');
  });

  it('names both images by repository, tag and digest, and never shows a secret', async () => {
    const site = 'usr/lib/python3/site-packages';
    const files = await stackOf([{ type: 'file', path: `${site}/torch-2.3.0.dist-info/METADATA`, content: 'Name: torch\nVersion: 2.3.0\n' }]);
    const next = await stackOf([
      { type: 'file', path: `${site}/torch-2.4.0.dist-info/METADATA`, content: 'Name: torch\nVersion: 2.4.0\n' },
      { type: 'file', path: 'app/model.bin', content: Buffer.alloc(2_000_000, 1) },
    ]);
    const markdown = comparisonMarkdown({
      comparison,
      files: compareFiles(files, next, { sharedUnread: true }),
      packages: comparePackages(files, next, { sharedUnread: true }),
      findings: compareFindings([{ name: 'CVE-2024-1', severity: 'HIGH', packageName: 'torch', packageVersion: '2.3.0', link: 'https://example.com/CVE-2024-1' }], []),
      read: { bytes: 1_000_000_000, layers: 2, sharedUnread: true, sharedAboveDifference: true },
    });
    assert.match(markdown, /^# Compare `ml\/serve:0\.3\.5` → `ml\/serve:0\.3\.6`$/m);
    assert.ok(markdown.includes(`Before: \`ml/serve:0.3.5@${digest('1')}\` (linux/amd64)`));
    assert.ok(markdown.includes(`After: \`ml/serve:0.3.6@${digest('2')}\` (linux/amd64)`));
    assert.doesNotMatch(markdown, /sk-live/);
    assert.ok(markdown.includes('| `API_KEY` | `••••••` | `••••••` | changed |'));
    assert.ok(markdown.includes('| User | _none_ | `app` | added |'));
    assert.ok(markdown.includes('_Unchanged (1)._'));
    assert.ok(markdown.includes('| 2. `RUN /bin/sh -c pip install torch==2.3` (50 MB) | 2. `RUN /bin/sh -c pip install torch==2.4` (950 MB) | changed |'));
    assert.ok(markdown.includes('|  | 3. `USER app` | added |'));
    assert.ok(markdown.includes(`| added | \`${digest('c')}\` | 950 MB | \`RUN /bin/sh -c pip install torch==2.4\` |`));
    assert.ok(markdown.includes('| removed | `' + digest('b') + '` | 50 MB |'));
    // Files: the heaviest folder first, its largest change first.
    assert.ok(markdown.indexOf('### `/app`') < markdown.indexOf('### `/usr`'), 'app (2 MB) before usr');
    assert.ok(markdown.includes('| added | `app/model.bin` | _shared layers_ | 2 MB 0644 `sha256:'));
    assert.ok(markdown.includes('| python | `torch` | `usr/lib/python3/site-packages` | `2.3.0` | `2.4.0` | upgraded |'));
    assert.ok(markdown.includes('| HIGH | 1 | 0 | 0 |'));
    assert.ok(markdown.includes('[CVE-2024-1](https://example.com/CVE-2024-1)'));
    assert.ok(markdown.includes('_Read 2 differing layers (1 GB compressed); layers both images share were not read'));
    assert.ok(markdown.includes('_A layer both images share lies above a differing one'));
    assert.ok(!comparisonMarkdown({ comparison, files: compareFiles(files, next, { sharedUnread: true }), read: { bytes: 1, layers: 1, sharedUnread: true } }).includes('lies above'));
  });

  it('without files, packages or findings: only the comparison from manifests and configs', () => {
    const markdown = comparisonMarkdown({ comparison });
    assert.ok(markdown.includes('## Layers'));
    assert.ok(!markdown.includes('## Files') && !markdown.includes('## Packages') && !markdown.includes('## Scan findings'));
  });
});
