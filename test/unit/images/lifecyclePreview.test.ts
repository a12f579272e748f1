import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildImageGraph } from '../../../src/core/images/graph';
import { evaluateLifecycleWithIndexes, lifecycleMarks, readLifecycleMark } from '../../../src/core/images/lifecyclePreview';
import type { ImageSummary } from '../../../src/core/ecr/listing';
import type { LifecyclePolicy } from '../../../src/core/ecr/lifecycle';
import { amd64, arm64, attAmd64, digestOf, index, listing, signature } from './fixtures';

const { images, manifests } = listing();
const now = new Date('2026-06-01T00:00:00Z');
const summaries: ImageSummary[] = images.map((image, position) => ({ ...image, repository: 'r', registryId: '1', pushedAt: new Date(now.getTime() - (position + 1) * 86400_000) }));
const graph = buildImageGraph(summaries, manifests);
const expireUntagged: LifecyclePolicy = { rules: [{ rulePriority: 1, selection: { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] };
const expireAllOld: LifecyclePolicy = { rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 0 }, action: { type: 'expire' } }] };

describe('lifecycle preview with indexes', () => {
  it('keeps ECR\'s per-image evaluation and warns on platform images of a kept index', () => {
    const result = evaluateLifecycleWithIndexes(expireUntagged, summaries, graph, now);
    const expired = result.expired.map((entry) => entry.image.digest);
    assert.ok(expired.includes(digestOf(arm64)), 'ECR lists platform images as untagged; the rule matches them');
    const warning = result.warnings.get(digestOf(arm64))!;
    assert.equal(warning[0].kind, 'child-of-kept-index');
    assert.deepEqual(warning[0].related, [digestOf(index)]);
    assert.match(warning[0].message, /ImageReferencedByManifestList/);
    assert.equal(result.warnings.get(digestOf(attAmd64))?.[0].kind, 'child-of-kept-index');
  });

  it('marks nothing when the index and everything it lists expire together', () => {
    const result = evaluateLifecycleWithIndexes(expireAllOld, summaries, graph, now);
    assert.equal(result.expired.length, summaries.length);
    assert.equal(result.warnings.size, 0);
  });

  it('warns when an index expires but its platform images or its signature do not', () => {
    const onlyIndex: LifecyclePolicy = { rules: [{ rulePriority: 1, selection: { tagStatus: 'tagged', tagPrefixList: ['1.'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 0 }, action: { type: 'expire' } }] };
    const result = evaluateLifecycleWithIndexes(onlyIndex, summaries, graph, now);
    assert.deepEqual(result.expired.map((entry) => entry.image.digest), [digestOf(index)]);
    const kinds = result.warnings.get(digestOf(index))!.map((warning) => warning.kind).sort();
    assert.deepEqual(kinds, ['attachment-left', 'index-children-kept']);
    const children = result.warnings.get(digestOf(index))!.find((warning) => warning.kind === 'index-children-kept')!;
    assert.ok(children.related.includes(digestOf(amd64)) && children.related.includes(digestOf(attAmd64)));
    assert.deepEqual(result.warnings.get(digestOf(index))!.find((warning) => warning.kind === 'attachment-left')!.related, [digestOf(signature)]);
  });

  it('warns the same way for a transition: an archived index whose platform images stay in standard storage', () => {
    // Only the index was pulled long ago; its platform images, attestations and signature were pulled today.
    const pulled = summaries.map((summary) => ({ ...summary, lastPulledAt: summary.digest === digestOf(index) ? new Date(now.getTime() - 200 * 86400_000) : now }));
    const archiveStale: LifecyclePolicy = {
      rules: [{ rulePriority: 1, selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 }, action: { type: 'transition', targetStorageClass: 'archive' } }],
    };
    const result = evaluateLifecycleWithIndexes(archiveStale, pulled, graph, now);
    assert.deepEqual(result.expired, []);
    assert.deepEqual(result.transitioned.map((entry) => entry.image.digest), [digestOf(index)]);
    const kinds = result.warnings.get(digestOf(index))!.map((warning) => warning.kind).sort();
    assert.deepEqual(kinds, ['attachment-left', 'index-children-kept']);
    assert.match(result.warnings.get(digestOf(index))!.find((warning) => warning.kind === 'index-children-kept')!.message, /not archived by any rule; .* whether archiving an index archives them too/);

    const marks = lifecycleMarks(result);
    assert.deepEqual([...marks.keys()], [digestOf(index)]);
    assert.deepEqual(readLifecycleMark(marks.get(digestOf(index))!), { action: 'transition', reason: 'rule 1: archive images not pulled for 90 days (⚠ 2 warnings: see the preview)' });
  });

  it('marks an expired image with its rule alone, as before', () => {
    const result = evaluateLifecycleWithIndexes(expireAllOld, summaries, graph, now);
    const mark = lifecycleMarks(result).get(digestOf(amd64))!;
    assert.deepEqual(readLifecycleMark(mark), { action: 'expire', reason: 'rule 1: expire images older than 0 days' });
  });
});
