// What the extension does with archived images when ECR answers as its API model says (issue 20, "Why"
// 1): ListImages and DescribeImages return ACTIVE images only unless filter.imageStatus asks for more,
// named DescribeImages too. Unit tests over recorded answers (recordedEcr.ts): moto has no archive.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RegistryClient } from '../../../src/core/registry/client';
import { countImages, repositoryDeleteQuestion } from '../../../src/core/ecr/listing';
import { evaluateLifecyclePolicy, parseLifecyclePolicy } from '../../../src/core/ecr/lifecycle';
import { lastPullText } from '../../../src/core/ecr/lastPull';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { imageByTag } from '../../../src/core/images/tags';
import { lifecyclePreviewInputs } from '../../../src/core/images/manifestsFromEcr';
import { evaluatePreflight, gatherPreflight } from '../../../src/core/images/preflight';
import { recordedEcr, type RecordedImage } from './recordedEcr';

const DOCKER = 'application/vnd.docker.distribution.manifest.v2+json';
const CONFIG = 'application/vnd.docker.container.image.v1+json';
const manifest = (name: string) => JSON.stringify({ schemaVersion: 2, mediaType: DOCKER, config: { mediaType: CONFIG, digest: `sha256:${name.padEnd(64, '0')}`, size: 1 }, layers: [] });
const archived = (name: string, tags: string[], archivedAt = new Date('2026-03-01T00:00:00Z')): RecordedImage => ({ tags, status: 'ARCHIVED', manifest: manifest(name), mediaType: DOCKER, artifactMediaType: CONFIG, lastArchivedAt: archivedAt });
const active = (name: string, tags: string[]): RecordedImage => ({ tags, manifest: manifest(name), mediaType: DOCKER, artifactMediaType: CONFIG });

describe('archived images as ECR answers for them', () => {
  it('Delete Repository counts archived images, so a repository holding only archived images is not "empty"', async () => {
    const { client } = recordedEcr('cold', [archived('a', ['v1']), archived('b', [])]);
    const count = await countImages(client, 'cold');
    assert.deepEqual(count, { total: 2, archived: 2 });
    assert.deepEqual(repositoryDeleteQuestion('cold', count), {
      message: 'Delete repository cold and its 2 images (all archived)?',
      detail: 'This cannot be undone: every image in it is deleted with it, archived images included.',
      button: 'Delete Repository and 2 Images',
    });
    const mixed = await countImages(recordedEcr('mixed', [active('c', ['v2']), archived('d', ['v1'])]).client, 'mixed');
    assert.equal(repositoryDeleteQuestion('mixed', mixed).message, 'Delete repository mixed and its 2 images (1 of them archived)?');
  });

  it('the lifecycle preview sees archived images, so a rule on storageClass archive can match', async () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const { client } = recordedEcr('models', [active('new', ['v2']), archived('old', ['v1'], new Date('2026-05-01T00:00:00Z'))]);
    const { images } = await lifecyclePreviewInputs(client, 'models');
    const policy = parseLifecyclePolicy(
      JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }, action: { type: 'expire' } }] }),
    );
    const evaluation = evaluateLifecyclePolicy(policy, images, now);
    assert.deepEqual(evaluation.expired.map((entry) => entry.image.tags), [['v1']]);
  });

  it("the build's immutable-tag gate counts a tag an archived image holds", async () => {
    const { client, calls } = recordedEcr('app', [archived('a', ['v1']), active('b', ['v2'])]);
    assert.deepEqual(await ecrRepositoryGate(client).existingTags('app', ['v1', 'v2', 'v3']), ['v1', 'v2']);
    assert.ok(calls.every((call) => (call.input.filter as { imageStatus?: string } | undefined)?.imageStatus === 'ANY'));
  });

  it('Add Tag finds what a tag names even when the image is archived', async () => {
    const { client, images } = recordedEcr('app', [archived('a', ['v1'])]);
    assert.deepEqual(await imageByTag(client, 'app', 'v1'), { digest: images[0].digest, tags: ['v1'] });
  });

  it('Check Image says an archived image exists and must be restored, and reads no manifest', async () => {
    const { client } = recordedEcr('app', [archived('a', ['v1'])]);
    const reads: string[] = [];
    const registry = { getManifest: async (_repository: string, reference: string) => (reads.push(reference), Promise.reject(new Error('404 MANIFEST_UNKNOWN'))) } as unknown as RegistryClient;
    const inputs = await gatherPreflight(client, registry, { repository: 'app', reference: 'v1' }, {});
    const report = evaluatePreflight(inputs);
    assert.deepEqual(reads, []);
    assert.equal(report.checks[0].status, 'pass');
    assert.equal(report.checks[1].status, 'fail');
    assert.match(report.checks[1].detail, /was archived on 2026-03-01, and ECR refuses to serve archived images \(404\)\. Restore it first/);
    assert.match(report.checks[1].fix ?? '', /Restore the image/);
  });

  it('the last pull reads as ECR records it: at least once every 24 hours, not the exact time', () => {
    const when = (date: Date) => date.toISOString().slice(0, 10);
    assert.equal(lastPullText(new Date('2026-11-20T08:00:00Z'), when), 'Last recorded pull: 2026-11-20. ECR updates this at least once every 24 hours, so a pull may show up to a day late.');
    assert.match(lastPullText(undefined, when), /^Last recorded pull: none\. .*at least once every 24 hours/);
  });
});
