import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findReferences } from '../../../src/core/references/recognise';
import { imagesToLookUp, lookupPlan, type DescribeImagesCall } from '../../../src/core/references/lookupPlan';
import { pinToDigest } from '../../../src/core/references/pin';
import { completionsAt, type KnownImages } from '../../../src/core/references/completion';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const OTHER = '210987654321.dkr.ecr.eu-west-1.amazonaws.com';
const DIGEST = `sha256:${'c0ffee00'.repeat(8)}`;

/** A Kubernetes list naming `images` images spread over `repositories` repositories (round robin), as one YAML document. */
function manyImages(images: number, repositories: number): string {
  const lines = ['apiVersion: v1', 'kind: List', 'items:'];
  for (let i = 0; i < images; i++) {
    lines.push(`  - kind: Pod`, `    spec:`, `      containers:`, `        - name: c${i}`, `          image: ${HOST}/service-${i % repositories}:v${i}`);
  }
  return lines.join('\n');
}

describe('the lookup plan', () => {
  it('300 images in 40 repositories: one DescribeImages call per repository, 40 in all, every image asked once', () => {
    const text = manyImages(300, 40);
    const references = findReferences(text, { languageId: 'yaml' });
    assert.equal(references.length, 300);
    const calls = lookupPlan(imagesToLookUp(references, (reference) => reference.host?.registry?.host));
    assert.equal(calls.length, 40);
    assert.ok(calls.every((call) => call.operation === 'DescribeImages'));
    const asked = (calls as DescribeImagesCall[]).flatMap((call) => call.imageIds.map((id) => `${call.repository}:${id.imageTag}`));
    assert.equal(new Set(asked).size, 300);
    assert.equal(asked.length, 300);
  });

  it('a repository with 250 images takes three calls of at most 100 ids; repeated images are asked once', () => {
    const images = Array.from({ length: 250 }, (_, i) => ({ registry: HOST, repository: 'big', tag: `t${i}` }));
    const calls = lookupPlan([...images, ...images]) as DescribeImagesCall[];
    assert.deepEqual(calls.map((call) => call.imageIds.length), [100, 100, 50]);
  });

  it('repositories named without tag or digest are batched into DescribeRepositories per registry; digests win over tags', () => {
    const calls = lookupPlan([
      { registry: HOST, repository: 'a' },
      { registry: HOST, repository: 'b' },
      { registry: OTHER, repository: 'a' },
      { registry: HOST, repository: 'c', tag: 'v1', digest: DIGEST },
    ]);
    assert.deepEqual(calls, [
      { operation: 'DescribeImages', registry: HOST, repository: 'c', imageIds: [{ imageDigest: DIGEST }, { imageTag: 'v1' }] },
      { operation: 'DescribeRepositories', registry: HOST, repositoryNames: ['a', 'b'] },
      { operation: 'DescribeRepositories', registry: OTHER, repositoryNames: ['a'] },
    ]);
  });

  it('malformed references and registries the caller does not connect are never looked up; Aqueduct images take the resolved registry', () => {
    const text = [
      'import aqueduct',
      `a = "${HOST}/good:1"`,
      `b = "${HOST.replace('us-east-1', 'us-eas-1')}/typo:1"`,
      `c = "${OTHER}/elsewhere:1"`,
      'd = ecr.image("operator:0.3.4")',
    ].join('\n');
    const images = imagesToLookUp(findReferences(text, { languageId: 'python' }), (reference) =>
      reference.form === 'aqueduct' ? HOST : reference.host?.registry?.host === HOST ? HOST : undefined,
    );
    assert.deepEqual(images, [
      { registry: HOST, repository: 'good', tag: '1', digest: undefined },
      { registry: HOST, repository: 'operator', tag: '0.3.4', digest: undefined },
    ]);
  });
});

describe('pin to digest', () => {
  const apply = (text: string, keepTag: boolean, digest = DIGEST) => {
    const [reference] = findReferences(text, { languageId: 'python' });
    const edit = pinToDigest(reference, digest, keepTag);
    return edit && text.slice(0, edit.span.start) + edit.newText + text.slice(edit.span.end);
  };

  it('repo:tag becomes repo@digest, or repo:tag@digest keeping the tag', () => {
    assert.equal(apply(`x = "${HOST}/app:v1"`, false), `x = "${HOST}/app@${DIGEST}"`);
    assert.equal(apply(`x = "${HOST}/app:v1"`, true), `x = "${HOST}/app:v1@${DIGEST}"`);
  });

  it('an existing digest is replaced; a bare repository gets one; Aqueduct image() too', () => {
    const old = `sha256:${'0'.repeat(64)}`;
    assert.equal(apply(`x = "${HOST}/app:v1@${old}"`, true), `x = "${HOST}/app:v1@${DIGEST}"`);
    assert.equal(apply(`x = "${HOST}/app:v1@${old}"`, false), `x = "${HOST}/app@${DIGEST}"`);
    assert.equal(apply(`x = "${HOST}/app"`, false), `x = "${HOST}/app@${DIGEST}"`);
    assert.equal(apply('import aqueduct\nop = ecr.image("operator:0.3.4")', false), `import aqueduct\nop = ecr.image("operator@${DIGEST}")`);
  });

  it('no edit for an ImageSpec (it has no digest argument) nor for a digest that is not sha256 + 64 hex', () => {
    assert.equal(apply(`s = ImageSpec(registry="${HOST}", name="app", tag="v1")`, false), undefined);
    assert.equal(apply(`x = "${HOST}/app:v1"`, false, 'sha256:abc'), undefined);
  });
});

describe('completion candidates', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const known: KnownImages = {
    repositories: (host) => (host === HOST ? ['ml/trainer', 'ml/scorer', 'web', 'worker'] : undefined),
    tags: (host, repository) =>
      host === HOST && repository === 'web'
        ? [
            { tag: 'v1', pushedAt: new Date('2026-05-01T12:00:00Z') },
            { tag: 'v2', pushedAt: new Date('2026-05-29T12:00:00Z') },
            { tag: 'latest', pushedAt: new Date('2026-06-01T09:00:00Z') },
          ]
        : host === HOST && repository === 'ml/trainer'
          ? [{ tag: '2024.06.1' }]
          : undefined,
  };

  it('repositories after the host, filtered by what is typed, replacing the typed part', () => {
    const before = `image: ${HOST}/w`;
    const result = completionsAt(before, known, '', now)!;
    assert.equal(result.kind, 'repository');
    assert.deepEqual(result.candidates.map((candidate) => candidate.label), ['web', 'worker']);
    assert.equal(before.slice(result.replaceFrom), 'w');
  });

  it('tags after repo:, newest first, with their age', () => {
    const result = completionsAt(`  - image: "${HOST}/web:`, known, '"', now)!;
    assert.equal(result.kind, 'tag');
    assert.deepEqual(
      result.candidates.map((candidate) => [candidate.label, candidate.detail]),
      [
        ['latest', 'pushed 3 hours ago'],
        ['v2', 'pushed 3 days ago'],
        ['v1', 'pushed 1 month ago'],
      ],
    );
    assert.deepEqual(result.candidates.map((candidate) => candidate.sortText), ['000000', '000001', '000002']);
  });

  it('ImageSpec name= offers the registry path\'s repositories (registry= before or after the cursor); tag= the named repository\'s tags', () => {
    const names = completionsAt(`spec = ImageSpec(\n    registry="${HOST}/ml",\n    name="t`, known, '",\n)', now)!;
    assert.deepEqual([names.kind, names.candidates.map((candidate) => candidate.label)], ['repository', ['trainer']]);
    const after = completionsAt('spec = ImageSpec(\n    name="', known, `",\n    registry="${HOST}",\n)`, now)!;
    assert.deepEqual(after.candidates.map((candidate) => candidate.label), ['ml/scorer', 'ml/trainer', 'web', 'worker']);
    const tags = completionsAt(`spec = ImageSpec(registry="${HOST}/ml", name="trainer", tag="`, known, '")', now)!;
    assert.deepEqual([tags.kind, tags.candidates.map((candidate) => candidate.label)], ['tag', ['2024.06.1']]);
  });

  it('nothing for a registry the sidebar does not know, a look-alike host, or outside a reference', () => {
    assert.equal(completionsAt(`image: ${OTHER}/`, known, '', now), undefined);
    assert.equal(completionsAt(`image: x${HOST}/`, known, '', now), undefined);
    assert.equal(completionsAt('image: nginx:', known, '', now), undefined);
    assert.equal(completionsAt('spec = Other(name="', known, `", registry="${HOST}")`, now), undefined);
  });
});
