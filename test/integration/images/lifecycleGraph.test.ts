// The lifecycle preview's view of an index against moto through the ECR front: BatchGetImage
// returns the index manifest moto holds, the graph ties its platform images to it, and an
// archive-by-pull-age rule that reaches the platform images but not the index is warned about
// instead of guessed. Push and pull times in the past are set through the front's
// /_front/image-times (standing in for days going by; moto records only "now").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { CreateRepositoryCommand, PutImageCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { stackFor } from '../../support/stack';
import { manifestFor } from '../../support/manifest';
import { EcrFront } from '../../stack/ecrFront';
import { motoClient } from '../ecr/fixtures';
import { listImages } from '../../../src/core/ecr/listing';
import { buildLifecyclePolicy } from '../../../src/core/ecr/lifecycle';
import { classifyEcrError } from '../../../src/core/ecr/errors';
import { imageGraphFromEcr, readManifests } from '../../../src/core/images/manifestsFromEcr';
import { evaluateLifecycleWithIndexes, lifecycleMarks, readLifecycleMark } from '../../../src/core/images/lifecyclePreview';

const { env, skip } = stackFor('moto');
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DAY = 86_400;

describe('lifecycle preview over an index, against moto', { skip }, () => {
  let client: ECRClient;
  let front: EcrFront;
  const repository = `lifecycle-graph/${Date.now().toString(36)}`;
  const amd64 = manifestFor(`graph-amd64-${repository}`);
  const arm64 = manifestFor(`graph-arm64-${repository}`);
  const index = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: DOCKER_MANIFEST, digest: sha256(amd64), size: amd64.length, platform: { os: 'linux', architecture: 'amd64' } },
      { mediaType: DOCKER_MANIFEST, digest: sha256(arm64), size: arm64.length, platform: { os: 'linux', architecture: 'arm64' } },
    ],
  });
  const old = manifestFor(`graph-old-${repository}`);

  before(async () => {
    client = await motoClient(env.ecrEndpoint);
    front = await EcrFront.start({ moto: env.motoUrl });
    await client.send(new CreateRepositoryCommand({ repositoryName: repository }));
    for (const manifest of [amd64, arm64]) await client.send(new PutImageCommand({ repositoryName: repository, imageManifest: manifest, imageManifestMediaType: DOCKER_MANIFEST }));
    await client.send(new PutImageCommand({ repositoryName: repository, imageManifest: index, imageManifestMediaType: 'application/vnd.oci.image.index.v1+json', imageTag: 'multi' }));
    await client.send(new PutImageCommand({ repositoryName: repository, imageManifest: old, imageManifestMediaType: DOCKER_MANIFEST, imageTag: 'old' }));
    const now = Date.now() / 1000;
    // The platform images and "old" were last pulled 120 days ago; the index was pulled today.
    for (const manifest of [amd64, arm64, old]) {
      const answer = await fetch(`${env.ecrEndpoint}/_front/image-times`, {
        method: 'POST',
        body: JSON.stringify({ repository, digest: sha256(manifest), pushedAt: now - 200 * DAY, lastPulledAt: now - 120 * DAY }),
      });
      assert.equal(answer.status, 200);
    }
    await fetch(`${env.ecrEndpoint}/_front/image-times`, { method: 'POST', body: JSON.stringify({ repository, digest: sha256(index), lastPulledAt: now }) });
  });
  after(async () => front?.close());

  it('reads only the index manifest, and the graph ties both platform images to it', async () => {
    const images = await listImages(client, repository);
    assert.equal(images.length, 4);
    const { graph, failures } = await imageGraphFromEcr(client, repository, images);
    assert.deepEqual(failures, []);
    assert.equal(graph.nodes.get(sha256(index))?.kind, 'index');
    assert.deepEqual(graph.nodes.get(sha256(amd64))?.referencedBy, [sha256(index)]);
    assert.deepEqual(graph.nodes.get(sha256(arm64))?.referencedBy, [sha256(index)]);
  });

  it('"archive images not pulled for 90 days" archives old and the platform images, each platform image with a warning naming the index', async () => {
    const images = await listImages(client, repository);
    const { graph } = await imageGraphFromEcr(client, repository, images);
    const policy = buildLifecyclePolicy([{ kind: 'archiveNotPulledFor', tagStatus: 'any', count: 90 }]);
    const result = evaluateLifecycleWithIndexes(policy, images, graph);
    assert.deepEqual(result.expired, []);
    assert.deepEqual(result.transitioned.map((entry) => entry.image.digest).sort(), [sha256(amd64), sha256(arm64), sha256(old)].sort());
    assert.deepEqual(result.kept.map((image) => image.tags), [['multi']]);
    for (const child of [amd64, arm64]) {
      const [warning] = result.warnings.get(sha256(child)) ?? [];
      assert.equal(warning?.kind, 'child-of-kept-index');
      assert.match(warning.message, /^Listed by multi \(sha256:[0-9a-f]{12}\), which stays in standard storage/);
    }
    assert.equal(result.warnings.get(sha256(old)), undefined, 'a plain image gets no warning');
    const marks = lifecycleMarks(result);
    assert.deepEqual(readLifecycleMark(marks.get(sha256(old))!), { action: 'transition', reason: 'rule 1: archive images not pulled for 90 days' });
    assert.match(marks.get(sha256(amd64))!, /⚠ 1 warning/);
  });

  it('BatchGetImage failures are collected; without ecr:BatchGetImage the message names that permission', async () => {
    const frontClient = await motoClient(front.url, { maxAttempts: 1 });
    const missing = `sha256:${'0'.repeat(64)}`;
    const read = await readManifests(frontClient, repository, [sha256(index), missing]);
    assert.deepEqual([...read.manifests.keys()], [sha256(index)]);
    assert.equal(read.failures.length, 1);
    // ECR names the digest in failures[].imageId; moto answers imageId { imageTag: "null" }, so only the code is checked.
    assert.match(read.failures[0], /: ImageNotFound \(Requested image not found\)$/);

    front.inject('BatchGetImage', {
      status: 400,
      type: 'AccessDeniedException',
      message: `User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:123456789012:repository/${repository}`,
    });
    const error = await readManifests(frontClient, repository, [sha256(index)]).then(
      () => assert.fail('expected access denied'),
      (caught: unknown) => caught,
    );
    const classified = classifyEcrError(error);
    assert.equal(classified.kind, 'access-denied');
    assert.match(classified.message, /lack the IAM permission ecr:BatchGetImage/);
  });
});
