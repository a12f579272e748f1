// Reading the manifests the lifecycle preview needs (BatchGetImage), with the API reference's
// response shapes: at most 100 imageIds a call, per-image failures[] collected, only indexes and
// artifacts read.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeClient } from '../ecr/fakeClient';
import { imageGraphFromEcr, mayReferenceOthers, readManifests } from '../../../src/core/images/manifestsFromEcr';
import type { ImageSummary } from '../../../src/core/ecr/listing';
import { listing } from './fixtures';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

describe('manifests for the lifecycle preview', () => {
  it('asks 100 digests at a time and keeps per-image failures as text', async () => {
    const { client, calls } = fakeClient((name, input) => {
      assert.equal(name, 'BatchGetImageCommand');
      const ids = input.imageIds as Array<{ imageDigest: string }>;
      return {
        images: ids.filter((id) => id.imageDigest !== digest(7)).map((id) => ({ imageId: { imageDigest: id.imageDigest }, imageManifest: JSON.stringify({ schemaVersion: 2, manifests: [] }) })),
        failures: ids.some((id) => id.imageDigest === digest(7))
          ? [{ imageId: { imageDigest: digest(7) }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }]
          : [],
      };
    });
    const read = await readManifests(client, 'ml/app', Array.from({ length: 250 }, (_, n) => digest(n)), '123456789012');
    assert.deepEqual(calls.map((call) => (call.input.imageIds as unknown[]).length), [100, 100, 50]);
    assert.equal(calls[0].input.registryId, '123456789012');
    assert.ok((calls[0].input.acceptedMediaTypes as string[]).includes('application/vnd.oci.image.index.v1+json'));
    assert.equal(read.manifests.size, 249);
    assert.deepEqual(read.failures, [`${digest(7)}: ImageNotFound (Requested image not found)`]);
  });

  it('reads only images that can name others: indexes and artifacts', async () => {
    const { images, manifests } = listing();
    const summaries: ImageSummary[] = images.map((image) => ({ ...image, repository: 'r', registryId: '1' }));
    const { client, calls } = fakeClient((_name, input) => ({
      images: (input.imageIds as Array<{ imageDigest: string }>).map((id) => ({ imageId: id, imageManifest: JSON.stringify(manifests.get(id.imageDigest)) })),
    }));
    const { graph, failures } = await imageGraphFromEcr(client, 'r', summaries);
    // Indexes first, then the artifacts (one call each here).
    const asked = calls.flatMap((call) => (call.input.imageIds as Array<{ imageDigest: string }>).map((id) => id.imageDigest));
    assert.deepEqual(asked.sort(), summaries.filter(mayReferenceOthers).map((image) => image.digest).sort());
    assert.ok(asked.length < summaries.length, 'plain images are not read');
    assert.deepEqual(failures, []);
    const indexNode = [...graph.nodes.values()].find((node) => node.kind === 'index')!;
    assert.ok(indexNode.children.length >= 2, 'the index lists its platform images');
    assert.ok(indexNode.children.every((child) => graph.nodes.get(child.digest)?.referencedBy.includes(indexNode.digest)));
  });

  it('an AccessDenied from BatchGetImage is thrown as the SDK throws it (classified by the caller)', async () => {
    const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/r'), { name: 'AccessDeniedException' });
    const { client } = fakeClient(() => denied);
    const { classifyEcrError } = await import('../../../src/core/ecr/errors');
    const error = await readManifests(client, 'r', [digest(1)]).then(() => undefined, (caught: unknown) => caught);
    assert.match(classifyEcrError(error).message, /lack the IAM permission ecr:BatchGetImage/);
  });
});
