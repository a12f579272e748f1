// Archived images and restore, over response shapes from the ECR API reference / the SDK's types
// (UpdateImageStorageClassResponse.imageStatus ACTIVE | ARCHIVED | ACTIVATING; ImageDetail.imageStatus,
// lastArchivedAt): moto has no archive, so these are unit tests over a recording fake client.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { followRestore, isArchived, notPullableReason, restoreDecision, restoreImage, splitArchived } from '../../../src/core/ecr/storageClass';
import { compareImagesBy, isStale, lastActivity } from '../../../src/core/ecr/lastPull';
import type { ImageSummary } from '../../../src/core/ecr/listing';
import { fakeClient } from './fakeClient';

const NOW = new Date('2026-11-24T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 24 * 3600_000);
const image = (name: string, extra: Partial<ImageSummary> = {}): ImageSummary => ({ repository: 'r', registryId: '123456789012', digest: `sha256:${name}`, tags: [name], ...extra });

/** A client whose send() answers from a script and records every command's name and input. */
describe('archived images', () => {
  it('ARCHIVED and ACTIVATING are apart; no status (moto) is active', () => {
    const images = [image('a', { status: 'ACTIVE' }), image('b', { status: 'ARCHIVED' }), image('c', { status: 'ACTIVATING' }), image('d')];
    const { active, archived } = splitArchived(images);
    assert.deepEqual(active.map((entry) => entry.tags[0]), ['a', 'd']);
    assert.deepEqual(archived.map((entry) => entry.tags[0]), ['b', 'c']);
    assert.equal(isArchived(image('e')), false);
  });

  it('says why an archived image cannot be pulled or built from, with when it was archived', () => {
    assert.equal(
      notPullableReason(image('v1', { status: 'ARCHIVED', lastArchivedAt: new Date('2026-08-01T10:00:00Z') })),
      'The image :v1 was archived on 2026-08-01; ECR refuses to pull archived images. Restore it first (it returns to standard storage).',
    );
    assert.match(notPullableReason(image('v2', { status: 'ACTIVATING' }))!, /being restored/);
    assert.equal(notPullableReason(image('v3', { status: 'ACTIVE' })), undefined);
  });

  it('restore sends UpdateImageStorageClass to STANDARD and returns the status ECR reports', async () => {
    const { client, calls } = fakeClient(() => ({
      registryId: '123456789012',
      repositoryName: 'ml/model',
      imageId: { imageDigest: 'sha256:abc' },
      imageStatus: 'ACTIVATING',
    }));
    assert.deepEqual(await restoreImage(client, 'ml/model', { digest: 'sha256:abc' }, '123456789012'), { digest: 'sha256:abc', status: 'ACTIVATING' });
    assert.deepEqual(calls, [
      {
        name: 'UpdateImageStorageClassCommand',
        input: { registryId: '123456789012', repositoryName: 'ml/model', imageId: { imageDigest: 'sha256:abc', imageTag: undefined }, targetStorageClass: 'STANDARD' },
      },
    ]);
  });

  it('decides each poll: restored, restoring with backoff, gone, timed out', () => {
    assert.deepEqual(restoreDecision('ACTIVE', 0, 0), { state: 'restored', done: true });
    assert.deepEqual(restoreDecision('ACTIVATING', 1000, 0), { state: 'restoring', done: false, nextPollMs: 5000 });
    assert.deepEqual(restoreDecision('ACTIVATING', 1000, 3), { state: 'restoring', done: false, nextPollMs: 40000 });
    assert.deepEqual(restoreDecision('ACTIVATING', 1000, 9), { state: 'restoring', done: false, nextPollMs: 60000 });
    assert.deepEqual(restoreDecision('ARCHIVED', 1000, 0), { state: 'still-archived', done: false, nextPollMs: 5000 });
    assert.deepEqual(restoreDecision(undefined, 1000, 0), { state: 'gone', done: true });
    assert.deepEqual(restoreDecision('ACTIVATING', 30 * 60_000, 4), { state: 'timed-out', done: true });
  });

  it('follows a restore through DescribeImages (imageStatus ANY) until ACTIVE, reporting each status, with no real waiting', async () => {
    const statuses = ['ACTIVATING', 'ACTIVATING', 'ACTIVE'];
    const { client, calls } = fakeClient((_name, _input, call) => ({ imageDetails: [{ imageDigest: 'sha256:abc', imageStatus: statuses[call - 1] }] }));
    const waited: number[] = [];
    const seen: string[] = [];
    let clock = 0;
    const result = await followRestore(client, 'ml/model', 'sha256:abc', {
      wait: async (ms) => void (waited.push(ms), (clock += ms)),
      now: () => clock,
      onStatus: (status, state) => seen.push(`${status}:${state.state}`),
    });
    assert.deepEqual(result, { state: 'restored', done: true });
    assert.deepEqual(seen, ['ACTIVATING:restoring', 'ACTIVATING:restoring', 'ACTIVE:restored']);
    assert.deepEqual(waited, [5000, 10000]);
    assert.deepEqual(calls[0].input, { registryId: undefined, repositoryName: 'ml/model', imageIds: [{ imageDigest: 'sha256:abc' }], filter: { imageStatus: 'ANY' } });
  });

  it('an image deleted while restoring ends the follow as gone', async () => {
    const { client } = fakeClient(() => Object.assign(new Error('not found'), { name: 'ImageNotFoundException' }));
    assert.deepEqual(await followRestore(client, 'ml/model', 'sha256:abc', { wait: async () => {} }), { state: 'gone', done: true });
  });
});

describe('last pull', () => {
  const images = [
    image('pushed-new-never-pulled', { pushedAt: ago(1) }),
    image('pushed-old-pulled-today', { pushedAt: ago(300), lastPulledAt: ago(0) }),
    image('pushed-mid-pulled-long-ago', { pushedAt: ago(200), lastPulledAt: ago(120) }),
  ];

  it('sorts newest first by push or by last pull; never pulled sorts last when sorting by pull', () => {
    assert.deepEqual([...images].sort(compareImagesBy('pushed')).map((entry) => entry.tags[0]), ['pushed-new-never-pulled', 'pushed-mid-pulled-long-ago', 'pushed-old-pulled-today']);
    assert.deepEqual([...images].sort(compareImagesBy('pulled')).map((entry) => entry.tags[0]), ['pushed-old-pulled-today', 'pushed-mid-pulled-long-ago', 'pushed-new-never-pulled']);
  });

  it('"not pulled for 90+ days": pulled long ago, or never pulled and pushed long ago; a fresh push is not stale', () => {
    assert.equal(isStale(images[0], NOW), false);
    assert.equal(isStale(images[1], NOW), false);
    assert.equal(isStale(images[2], NOW), true);
    assert.equal(isStale(image('old-never-pulled', { pushedAt: ago(90) }), NOW), true, '90 days exactly counts');
    assert.equal(isStale(image('old-never-pulled', { pushedAt: ago(89.9) }), NOW), false);
    assert.equal(isStale(image('no-times'), NOW), false);
    assert.equal(isStale(images[2], NOW, 180), false, 'the threshold is a parameter');
  });

  it('names what the description shows', () => {
    assert.deepEqual(lastActivity(images[0], 'pulled'), { label: 'never pulled' });
    assert.deepEqual(lastActivity(images[1], 'pulled'), { label: 'pulled', at: ago(0) });
    assert.deepEqual(lastActivity(images[1], 'pushed'), { label: 'pushed', at: ago(300) });
  });
});
