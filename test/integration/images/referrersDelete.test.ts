/**
 * Deleting one referrer listed in the OCI 1.1 referrers fallback tag (`sha256-<subject hex>`, an
 * image index listing the referrers) with others (issue 21), as the Delete command carries it out:
 * the plan (deletePlan.ts) over the graph read through the ECR API, then runDeletePlan
 * (deleteRun.ts): the index rewritten without it under the same tag, the old index and the
 * referrer deleted with BatchDeleteImage. The result is looked at with plain HTTP at the registry
 * and through DescribeImages, not through the extension's client.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import { toImageSummary } from '../../../src/core/ecr/listing';
import { planDelete } from '../../../src/core/images/deletePlan';
import { runDeletePlan } from '../../../src/core/images/deleteRun';
import { imageGraphFromEcr } from '../../../src/core/images/manifestsFromEcr';
import { OCI_MANIFEST } from '../../../src/core/registry/mediaTypes';
import { pushJsonBlob, pushManifest } from '../../support/multiArch';
import { stackFor } from '../../support/stack';
import { digestAt, manifestAt, pushFallbackIndex, pushReferrer } from './faultImages';
import { createRepository, imagesStack, untilAllListed, type ImagesStack } from './setup';

const { env, skip } = stackFor('moto', 'registry');
const run = randomBytes(3).toString('hex');
const REPOSITORY = `referrers-${run}/app`;
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const SPDX = 'application/spdx+json';

describe('deleting a referrer the fallback tag lists with others', { skip }, () => {
  let stack: ImagesStack;
  let subject: string;
  let bundle: string;
  let sbom: string;
  let oldIndex: string;
  const tag = () => `sha256-${subject.slice('sha256:'.length)}`;

  const graph = async () => {
    const details = (await stack.ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY }))).imageDetails ?? [];
    const { graph, failures } = await imageGraphFromEcr(stack.ecr, REPOSITORY, details.map(toImageSummary));
    assert.deepEqual(failures, []);
    return graph;
  };
  /** Polls DescribeImages until `gone` are not listed and `there` are (the front registers registry pushes as their notifications arrive). */
  const untilEcrLists = async (there: string[], gone: string[]) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const listed = new Set(((await stack.ecr.send(new DescribeImagesCommand({ repositoryName: REPOSITORY }))).imageDetails ?? []).map((detail) => detail.imageDigest));
      if (there.every((digest) => listed.has(digest)) && gone.every((digest) => !listed.has(digest))) return;
      if (Date.now() > deadline) assert.fail(`DescribeImages lists ${[...listed].join(', ')}; wanted ${there.join(', ')} and not ${gone.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  before(async () => {
    stack = await imagesStack(env);
    await createRepository(stack.ecr, REPOSITORY);
    const client = stack.registry();
    const config = await pushJsonBlob(client, REPOSITORY, { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, config: {} }, 'application/vnd.oci.image.config.v1+json');
    const image = await pushManifest(client, REPOSITORY, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [] }, '1.0');
    subject = image.digest;
    const signed = await pushReferrer(client, REPOSITORY, image, BUNDLE, { mediaType: BUNDLE, verificationMaterial: {}, run });
    const spdx = await pushReferrer(client, REPOSITORY, image, SPDX, { spdxVersion: 'SPDX-2.3', name: run });
    bundle = signed.digest;
    sbom = spdx.digest;
    oldIndex = (await pushFallbackIndex(client, REPOSITORY, subject, [signed, spdx])).digest;
    await untilAllListed(stack.ecr, REPOSITORY, [subject, bundle, sbom, oldIndex]);
  });

  it('rewrites the fallback index without the deleted referrer under the same tag, then deletes the old index and the referrer; the other referrer stays listed', async () => {
    const plan = planDelete(await graph(), [bundle], { cascade: false });
    assert.deepEqual(plan.refused, []);
    assert.equal(plan.rewrites.length, 1);
    assert.equal(plan.rewrites[0].tag, tag());
    const result = await runDeletePlan({ ecr: stack.ecr, registry: async () => stack.registry(), repository: REPOSITORY, plan });
    assert.deepEqual(result.failures, []);
    assert.equal(result.deleted, 2, 'the old index and the signature');
    assert.equal(result.rewritten.length, 1);

    // At the registry, by plain HTTP.
    const now = await manifestAt(env.registryHost, stack.password, REPOSITORY, tag());
    assert.ok(now, 'the fallback tag is still there');
    assert.notEqual(now.digest, oldIndex, 'it names a new index');
    assert.equal(now.digest, result.rewritten[0].to);
    assert.deepEqual(
      (now.manifest.manifests ?? []).map((descriptor) => [descriptor.digest, descriptor.artifactType]),
      [[sbom, SPDX]],
      'the SBOM stays listed under the tag, the signature does not',
    );
    assert.equal(await digestAt(env.registryHost, stack.password, REPOSITORY, oldIndex), undefined, 'the old index is gone');
    assert.equal(await digestAt(env.registryHost, stack.password, REPOSITORY, bundle), undefined, 'the deleted referrer is gone');
    assert.equal(await digestAt(env.registryHost, stack.password, REPOSITORY, sbom), sbom, 'the SBOM is still there');
    assert.equal(await digestAt(env.registryHost, stack.password, REPOSITORY, '1.0'), subject, 'the image is untouched');
    // And through the ECR API.
    await untilEcrLists([subject, sbom, now.digest], [bundle, oldIndex]);
  });

  it('deleting the last referrer takes the fallback index and its tag with it', async () => {
    const plan = planDelete(await graph(), [sbom], { cascade: false });
    assert.deepEqual(plan.rewrites, []);
    const fallback = await digestAt(env.registryHost, stack.password, REPOSITORY, tag());
    assert.ok(fallback);
    const result = await runDeletePlan({ ecr: stack.ecr, registry: async () => stack.registry(), repository: REPOSITORY, plan });
    assert.deepEqual(result.failures, []);
    assert.equal(result.deleted, 2, 'the fallback index and the SBOM');
    assert.equal(await digestAt(env.registryHost, stack.password, REPOSITORY, tag()), undefined, 'no fallback tag is left');
    assert.equal(await digestAt(env.registryHost, stack.password, REPOSITORY, fallback), undefined);
    assert.equal(await digestAt(env.registryHost, stack.password, REPOSITORY, sbom), undefined);
    assert.equal(await digestAt(env.registryHost, stack.password, REPOSITORY, '1.0'), subject);
    await untilEcrLists([subject], [sbom, fallback]);
  });
  it('when the fallback tag moved since the plan (another client added a referrer), nothing is overwritten and nothing deleted', async () => {
    const client = stack.registry();
    const head = await client.headManifest(REPOSITORY, subject);
    const image = { mediaType: head!.mediaType, digest: subject, size: head!.size };
    const first = await pushReferrer(client, REPOSITORY, image, BUNDLE, { mediaType: BUNDLE, verificationMaterial: {}, run, again: 1 });
    const second = await pushReferrer(client, REPOSITORY, image, SPDX, { spdxVersion: 'SPDX-2.3', name: run, again: 1 });
    const planned = (await pushFallbackIndex(client, REPOSITORY, subject, [first, second])).digest;
    await untilAllListed(stack.ecr, REPOSITORY, [first.digest, second.digest, planned]);
    const plan = planDelete(await graph(), [first.digest], { cascade: false });
    assert.equal(plan.rewrites[0]?.index, planned);
    // Meanwhile another client attaches a third referrer and moves the tag.
    const third = await pushReferrer(client, REPOSITORY, image, 'application/vnd.cyclonedx+json', { bomFormat: 'CycloneDX', run });
    const moved = (await pushFallbackIndex(client, REPOSITORY, subject, [first, second, third])).digest;
    await assert.rejects(runDeletePlan({ ecr: stack.ecr, registry: async () => stack.registry(), repository: REPOSITORY, plan }), /the referrers fallback tag\) names sha256:[0-9a-f]{12} now, not sha256:[0-9a-f]{12} as when the delete was planned; nothing was deleted/);
    assert.equal(await digestAt(env.registryHost, stack.password, REPOSITORY, tag()), moved, 'the tag still names the other client\'s index');
    for (const digest of [first.digest, planned, second.digest, third.digest]) assert.equal(await digestAt(env.registryHost, stack.password, REPOSITORY, digest), digest, `${digest} is still there`);
  });
});
