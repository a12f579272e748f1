import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildImageGraph, platformsOf, kindLabel } from '../../../src/core/images/graph';
import { amd64, arm64, attAmd64, attArm64, digestOf, index, listing, lonely, signature, tagged } from './fixtures';

describe('image graph', () => {
  const { images, manifests } = listing();
  const graph = buildImageGraph(images, manifests);

  it('groups an index with its platform images, in the index order, with their platforms', () => {
    const root = graph.nodes.get(digestOf(index))!;
    assert.equal(root.kind, 'index');
    assert.deepEqual(root.tags, ['1.0', 'latest']);
    assert.deepEqual(root.children.map((child) => child.digest), [digestOf(amd64), digestOf(arm64)]);
    assert.equal(platformsOf(root), 'linux/amd64, linux/arm64/v8');
    assert.equal(root.sizeBytes, 3_500_000 + 3_380_000, 'an index is the total of its platform images');
  });

  it('files each BuildKit attestation manifest under the platform image it describes', () => {
    const amd = graph.nodes.get(digestOf(amd64))!;
    const arm = graph.nodes.get(digestOf(arm64))!;
    assert.deepEqual(amd.attachments.map((node) => node.digest), [digestOf(attAmd64)]);
    assert.deepEqual(arm.attachments.map((node) => node.digest), [digestOf(attArm64)]);
    const attestation = graph.nodes.get(digestOf(attAmd64))!;
    assert.equal(attestation.kind, 'attestation');
    assert.equal(kindLabel(attestation), 'attestation manifest');
    assert.equal(attestation.describes, digestOf(amd64));
    assert.ok(attestation.referencedBy.includes(digestOf(index)));
  });

  it('attaches a manifest naming the index as subject, as a signature', () => {
    const root = graph.nodes.get(digestOf(index))!;
    const sig = graph.nodes.get(digestOf(signature))!;
    assert.equal(sig.kind, 'signature');
    assert.deepEqual(root.attachments.map((node) => node.digest), [digestOf(signature)]);
  });

  it('lists as Untagged only the image nothing references', () => {
    assert.deepEqual(graph.untagged.map((node) => node.digest), [digestOf(lonely)]);
    assert.deepEqual(graph.roots.map((node) => node.digest).sort(), [digestOf(index), digestOf(lonely), digestOf(tagged)].sort());
  });

  it('marks a child an index lists but ECR does not hold as missing, not as a root', () => {
    const partial = images.filter((image) => image.digest !== digestOf(arm64));
    const broken = buildImageGraph(partial, manifests);
    const missing = broken.nodes.get(digestOf(arm64))!;
    assert.equal(missing.missing, true);
    assert.ok(!broken.roots.includes(missing));
    assert.equal(broken.nodes.get(digestOf(index))!.children.length, 2);
  });

  it('files cosign tag-scheme signatures (sha256-<hex>.sig) under their image', () => {
    const sigDigest = digestOf('tag-scheme-sig');
    const target = digestOf(tagged).slice('sha256:'.length);
    const withTagSig = buildImageGraph([...images, { digest: sigDigest, tags: [`sha256-${target}.sig`], sizeBytes: 300 }], manifests);
    const image = withTagSig.nodes.get(digestOf(tagged))!;
    assert.deepEqual(image.attachments.map((node) => node.digest), [sigDigest]);
    assert.equal(withTagSig.nodes.get(sigDigest)!.kind, 'signature');
    assert.ok(!withTagSig.roots.some((node) => node.digest === sigDigest));
  });

  it('treats a Docker manifest list like an OCI index', () => {
    const list = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: [{ mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: digestOf(lonely), size: lonely.length, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } }],
    });
    const small = buildImageGraph(
      [
        { digest: digestOf(list), tags: ['v7'], mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' },
        { digest: digestOf(lonely), tags: [], sizeBytes: 10 },
      ],
      new Map([[digestOf(list), JSON.parse(list)], [digestOf(lonely), JSON.parse(lonely)]]),
    );
    assert.equal(platformsOf(small.nodes.get(digestOf(list))!), 'linux/arm/v7');
    assert.deepEqual(small.untagged, []);
  });
});
