import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { collectAll, paginate, clampPageSize } from '../../../src/core/ecr/pagination';
import { repositoryPages, imagePages, tagEntries } from '../../../src/core/ecr/listing';

/** A client that answers from recorded DescribeRepositories/DescribeImages pages, recording each request. */
function recordedClient(pages: Record<string, Array<Record<string, unknown>>>) {
  const requests: Array<{ command: string; input: Record<string, unknown> }> = [];
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name;
      requests.push({ command: name, input: command.input });
      const recorded = pages[name];
      const index = command.input.nextToken ? Number(String(command.input.nextToken).replace('page-', '')) : 0;
      return recorded[index];
    },
  } as unknown as ECRClient;
  return { client, requests };
}

const repository = (name: string) => ({
  repositoryName: name,
  registryId: '123456789012',
  repositoryUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${name}`,
  repositoryArn: `arn:aws:ecr:us-east-1:123456789012:repository/${name}`,
  createdAt: new Date('2026-01-01T00:00:00Z'),
  imageTagMutability: 'IMMUTABLE',
  imageScanningConfiguration: { scanOnPush: true },
  encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'arn:aws:kms:key' },
});

describe('paginate', () => {
  it('yields each page as it arrives and stops after the last', async () => {
    const tokens: Array<string | undefined> = [];
    const pages = paginate(async (token) => {
      tokens.push(token);
      const index = token ? Number(token) : 0;
      return { items: [index], nextToken: index < 2 ? String(index + 1) : undefined };
    });
    const first = await pages.next();
    assert.deepEqual(first.value, { items: [0], nextToken: '1' });
    assert.deepEqual(tokens, [undefined], 'the second page is not fetched until asked for');
    assert.deepEqual(await collectAll(pages), [1, 2]);
    assert.deepEqual(tokens, [undefined, '1', '2']);
  });

  it('stops when a server repeats a token instead of looping', async () => {
    let calls = 0;
    const items = await collectAll(paginate(async () => ({ items: [++calls], nextToken: 'same' })));
    assert.deepEqual(items, [1, 2]);
  });

  it('resumes from a start token', async () => {
    const items = await collectAll(paginate(async (token) => ({ items: [token], nextToken: undefined }), { startToken: 'abc' }));
    assert.deepEqual(items, ['abc']);
  });

  it('clamps page sizes to ECR limits', () => {
    assert.equal(clampPageSize(5000), 1000);
    assert.equal(clampPageSize(0), 1000);
    assert.equal(clampPageSize(-3), 1);
    assert.equal(clampPageSize(250), 250);
  });
});

describe('repositoryPages over recorded DescribeRepositories pages', () => {
  it('asks for maxResults 1000, passes tokens through and maps every field', async () => {
    const { client, requests } = recordedClient({
      DescribeRepositoriesCommand: [
        { repositories: [repository('a1'), repository('a2')], nextToken: 'page-1' },
        { repositories: [repository('b1')], nextToken: 'page-2' },
        { repositories: [repository('c1')] },
      ],
    });
    const seen: string[][] = [];
    for await (const page of repositoryPages(client, { registryId: '123456789012' })) seen.push(page.items.map((r) => r.name));
    assert.deepEqual(seen, [['a1', 'a2'], ['b1'], ['c1']]);
    assert.deepEqual(
      requests.map((r) => [r.input.maxResults, r.input.nextToken, r.input.registryId]),
      [
        [1000, undefined, '123456789012'],
        [1000, 'page-1', '123456789012'],
        [1000, 'page-2', '123456789012'],
      ],
    );
    const [first] = (await repositoryPages(client).next()).value!.items;
    assert.equal(first.tagMutability, 'IMMUTABLE');
    assert.equal(first.scanOnPush, true);
    assert.deepEqual(first.encryption, { type: 'KMS', kmsKey: 'arn:aws:kms:key' });
    assert.equal(first.arn, 'arn:aws:ecr:us-east-1:123456789012:repository/a1');
  });
});

describe('imagePages and tag entries', () => {
  it('lists images page by page and orders tags newest push first with untagged apart', async () => {
    const detail = (digest: string, day: number, tags?: string[]) => ({
      repositoryName: 'op',
      registryId: '123456789012',
      imageDigest: digest,
      imageTags: tags,
      imageSizeInBytes: 143_000_000,
      imagePushedAt: new Date(`2026-11-${String(day).padStart(2, '0')}T00:00:00Z`),
      imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
      imageScanStatus: { status: 'COMPLETE' },
      imageScanFindingsSummary: { findingSeverityCounts: { HIGH: 2 } },
    });
    const { client, requests } = recordedClient({
      DescribeImagesCommand: [
        { imageDetails: [detail('sha256:old', 1, ['v1']), detail('sha256:none', 5)], nextToken: 'page-1' },
        { imageDetails: [detail('sha256:new', 20, ['v2', 'latest'])] },
      ],
    });
    const images = await collectAll(imagePages(client, 'op', { pageSize: 500 }));
    assert.deepEqual(requests.map((r) => r.input.maxResults), [500, 500]);
    const { tagged, untagged } = tagEntries(images);
    assert.deepEqual(tagged.map((entry) => entry.tag), ['latest', 'v2', 'v1']);
    assert.deepEqual(untagged.map((image) => image.digest), ['sha256:none']);
    assert.deepEqual(images[0].scanFindings, { HIGH: 2 });
    assert.equal(images[0].scanStatus, 'COMPLETE');
  });
});
