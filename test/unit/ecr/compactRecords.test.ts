import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageDetail, Repository } from '@aws-sdk/client-ecr';
import { toImageSummary, toRepositorySummary } from '../../../src/core/ecr/listing';

const repository = (name: string): Repository => ({
  repositoryName: name,
  registryId: '123456789012',
  repositoryUri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${name}`,
  repositoryArn: `arn:aws:ecr:us-east-1:123456789012:repository/${name}`,
  imageTagMutability: 'MUTABLE',
  imageScanningConfiguration: { scanOnPush: false },
  encryptionConfiguration: { encryptionType: 'AES256' },
});

describe('listed items are compact records', () => {
  it('copy plain values out of the SDK response, keeping nothing of it', () => {
    const detail: ImageDetail = {
      repositoryName: 'app',
      registryId: '123456789012',
      imageDigest: 'sha256:a1',
      imageTags: ['latest'],
      imageScanFindingsSummary: { findingSeverityCounts: { HIGH: 2 } },
    };
    const summary = toImageSummary(detail);
    detail.imageTags!.push('changed');
    detail.imageScanFindingsSummary!.findingSeverityCounts!.HIGH = 9;
    assert.deepEqual(summary.tags, ['latest']);
    assert.deepEqual(summary.scanFindings, { HIGH: 2 });
    const values = Object.values(summary).filter((value) => value && typeof value === 'object');
    assert.ok(!values.includes(detail) && !values.includes(detail.imageTags), 'no SDK object is referenced');
  });

  it('repositories without tag-mutability exclusion filters share one frozen empty list', () => {
    const [a, b] = [toRepositorySummary(repository('a')), toRepositorySummary(repository('b'))];
    assert.equal(a.tagMutabilityExclusionFilters, b.tagMutabilityExclusionFilters);
    assert.ok(Object.isFrozen(a.tagMutabilityExclusionFilters));
    const filtered = toRepositorySummary({ ...repository('c'), imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }] });
    assert.deepEqual(filtered.tagMutabilityExclusionFilters, [{ filterType: 'WILDCARD', filter: 'latest' }]);
    assert.equal(a.name, 'a');
    assert.equal(a.encryption.type, 'AES256');
  });
});
