// The archive storage class against the local ECR (moto lacks it; the ECR front keeps it with ECR's
// shapes): DescribeImages lists archived images only when asked (imageStatus ANY), a restore goes
// ARCHIVED → ACTIVATING → ACTIVE and followRestore sees it through, a missing image is
// ImageNotFoundException, and pulls are refused by the same rule the explorer's Pull uses.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BatchGetImageCommand, CreateRepositoryCommand, DescribeImagesCommand, ListImagesCommand, UpdateImageStorageClassCommand, type ECRClient } from '@aws-sdk/client-ecr';
import { stackFor } from '../../support/stack';
import { EcrFront } from '../../stack/ecrFront';
import { countImages, listImages, repositoryDeleteQuestion } from '../../../src/core/ecr/listing';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { lifecyclePreviewInputs } from '../../../src/core/images/manifestsFromEcr';
import { followRestore, imageStatusOf, notPullableReason, restoreImage } from '../../../src/core/ecr/storageClass';
import { classifyEcrError } from '../../../src/core/ecr/errors';
import { motoClient, putImage } from './fixtures';

const { env, skip } = stackFor('moto');
const REPOSITORY = `archive-${randomBytes(3).toString('hex')}/models`;

describe('archived images in the local ECR', { skip }, () => {
  let front: EcrFront;
  let client: ECRClient;
  let archived: string;
  let active: string;

  before(async () => {
    front = await EcrFront.start({ moto: env.motoUrl, restoreMs: 300 });
    client = await motoClient(front.url, { maxAttempts: 1 });
    await client.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY }));
    archived = await putImage(client, REPOSITORY, `${REPOSITORY}-old`, 'v1');
    active = await putImage(client, REPOSITORY, `${REPOSITORY}-new`, 'v2');
    const response = await fetch(`${front.url}/_front/archive`, { method: 'POST', body: JSON.stringify({ repositoryName: REPOSITORY, imageDigest: archived }) });
    assert.equal(response.status, 200);
  });
  after(async () => front?.close());

  it('lists archived images only when asked, with their status and when they were archived', async () => {
    assert.deepEqual((await listImages(client, REPOSITORY)).map((image) => image.digest), [active], 'ECR lists active images by default');
    const all = await listImages(client, REPOSITORY, { imageStatus: 'ANY' });
    const old = all.find((image) => image.digest === archived)!;
    assert.equal(old.status, 'ARCHIVED');
    assert.ok(old.lastArchivedAt instanceof Date && Date.now() - old.lastArchivedAt.getTime() < 60_000);
    assert.match(notPullableReason(old) ?? '', /^The image :v1 was archived on \d{4}-\d\d-\d\d; ECR refuses to pull archived images\. Restore it first/);
    assert.equal(notPullableReason(all.find((image) => image.digest === active)!), undefined);
  });

  it('ListImages lists ACTIVE images only, unless filter.imageStatus asks for others', async () => {
    const ids = async (imageStatus?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' | 'ANY') =>
      ((await client.send(new ListImagesCommand({ repositoryName: REPOSITORY, ...(imageStatus ? { filter: { imageStatus } } : {}) }))).imageIds ?? []).map((id) => id.imageDigest).sort();
    assert.deepEqual(await ids(), [active]);
    assert.deepEqual(await ids('ACTIVE'), [active]);
    assert.deepEqual(await ids('ARCHIVED'), [archived]);
    assert.deepEqual(await ids('ANY'), [active, archived].sort());
  });

  it('a named DescribeImages of an archived image is ImageNotFoundException unless the filter lets it in, then it comes with its status', async () => {
    const error = await client.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageTag: 'v1' }] })).then(() => undefined, (e: Error) => e);
    assert.equal(error?.name, 'ImageNotFoundException', 'never a 200 with the image silently left out');
    const [detail] = (await client.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageTag: 'v1' }], filter: { imageStatus: 'ANY' } }))).imageDetails ?? [];
    assert.equal(detail?.imageDigest, archived);
    assert.equal(detail?.imageStatus, 'ARCHIVED');
    assert.deepEqual(detail?.imageTags, ['v1']);
  });

  it('BatchGetImage does not hand out an archived image\'s manifest', async () => {
    const got = await client.send(new BatchGetImageCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: archived }, { imageDigest: active }] }));
    assert.deepEqual(got.images?.map((image) => image.imageId?.imageDigest), [active]);
    assert.deepEqual(got.failures?.map((failure) => [failure.imageId?.imageDigest, failure.failureCode]), [[archived, 'ImageNotFound']]);
  });

  it('Delete Repository counts the archived image and says so; the tag gate and the lifecycle preview see it', async () => {
    const count = await countImages(client, REPOSITORY);
    assert.deepEqual(count, { total: 2, archived: 1 });
    assert.equal(repositoryDeleteQuestion(REPOSITORY, count).message, `Delete repository ${REPOSITORY} and its 2 images (1 of them archived)?`);
    assert.deepEqual(await ecrRepositoryGate(client).existingTags(REPOSITORY, ['v1', 'v2', 'v3']), ['v1', 'v2'], 'a tag an archived image holds is taken');
    const { images } = await lifecyclePreviewInputs(client, REPOSITORY);
    assert.deepEqual(images.map((image) => image.status).sort(), ['ACTIVE', 'ARCHIVED']);
  });

  it('restores: ACTIVATING at once, then ACTIVE, followed until done', async () => {
    const [before] = (await client.send(new DescribeImagesCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: archived }], filter: { imageStatus: 'ARCHIVED' } }))).imageDetails ?? [];
    assert.ok(before.lastArchivedAt instanceof Date);
    const change = await restoreImage(client, REPOSITORY, { digest: archived });
    assert.deepEqual(change, { digest: archived, status: 'ACTIVATING' });
    const seen: Array<string | undefined> = [];
    const final = await followRestore(client, REPOSITORY, archived, { firstPollMs: 100, onStatus: (status) => seen.push(status) });
    assert.equal(final.state, 'restored');
    assert.equal(seen[0], 'ACTIVATING');
    assert.equal(seen.at(-1), 'ACTIVE');
    assert.equal(await imageStatusOf(client, REPOSITORY, archived), 'ACTIVE');
    const restored = (await listImages(client, REPOSITORY)).find((image) => image.digest === archived);
    assert.ok(restored?.lastActivatedAt instanceof Date, 'listed again, with when it was restored');
    assert.equal(restored?.lastArchivedAt?.getTime(), before.lastArchivedAt?.getTime(), 'lastArchivedAt ("when the image was last transitioned to archive") stays after the restore');
  });

  it('a missing repository is RepositoryNotFoundException, as the model lists it', async () => {
    const error = await client.send(new UpdateImageStorageClassCommand({ repositoryName: `${REPOSITORY}-gone`, imageId: { imageDigest: archived }, targetStorageClass: 'STANDARD' })).then(() => undefined, (e: Error) => e);
    assert.equal(error?.name, 'RepositoryNotFoundException');
  });

  it('an image the repository does not hold is ImageNotFoundException; a restore of an active image is refused', async () => {
    const missing = await restoreImage(client, REPOSITORY, { digest: `sha256:${'0'.repeat(64)}` }).then(() => undefined, (error: unknown) => error);
    assert.equal((missing as { name?: string })?.name, 'ImageNotFoundException');
    const notArchived = await restoreImage(client, REPOSITORY, { digest: active }).then(() => undefined, (error: unknown) => error);
    assert.ok(notArchived, 'refused');
    assert.match(classifyEcrError(notArchived).detail, /not archived/);
  });
});
