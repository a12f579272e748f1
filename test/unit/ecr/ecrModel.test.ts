// The contract test's validator (test/support/ecrModel.ts) reports each way an answer can break
// ECR's model: a member the model lacks, a wrong type, a value outside an enum, a required member
// missing, a string off its pattern or length, a timestamp not in epoch seconds, an error the
// operation does not list. The model here is a cut of botocore's ecr service-2.json (same shapes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { errorProblems, outputProblems, type ServiceModel } from '../../support/ecrModel';

const model: ServiceModel = {
  metadata: { targetPrefix: 'AmazonEC2ContainerRegistry_V20150921', protocol: 'json' },
  operations: {
    DescribeImages: {
      name: 'DescribeImages',
      output: { shape: 'DescribeImagesResponse' },
      errors: [{ shape: 'ServerException' }, { shape: 'InvalidParameterException' }, { shape: 'RepositoryNotFoundException' }, { shape: 'ImageNotFoundException' }],
    },
    DeleteLifecyclePolicy: { name: 'DeleteLifecyclePolicy' },
  },
  shapes: {
    DescribeImagesResponse: { type: 'structure', members: { imageDetails: { shape: 'ImageDetailList' }, nextToken: { shape: 'NextToken' } } },
    ImageDetailList: { type: 'list', member: { shape: 'ImageDetail' } },
    ImageDetail: {
      type: 'structure',
      members: {
        repositoryName: { shape: 'RepositoryName' },
        imageDigest: { shape: 'ImageDigest' },
        imageTags: { shape: 'ImageTagList' },
        imageSizeInBytes: { shape: 'ImageSizeInBytes' },
        imagePushedAt: { shape: 'PushTimestamp' },
        imageStatus: { shape: 'ImageStatus' },
        imageScanFindingsSummary: { shape: 'ImageScanFindingsSummary' },
      },
    },
    ImageScanFindingsSummary: { type: 'structure', members: { findingSeverityCounts: { shape: 'FindingSeverityCounts' } } },
    FindingSeverityCounts: { type: 'map', key: { shape: 'FindingSeverity' }, value: { shape: 'SeverityCount' } },
    FindingSeverity: { type: 'string', enum: ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNDEFINED'] },
    SeverityCount: { type: 'integer', min: 0 },
    RepositoryName: { type: 'string', max: 256, min: 2, pattern: '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' },
    ImageDigest: { type: 'string' },
    ImageTagList: { type: 'list', member: { shape: 'ImageTag' } },
    ImageTag: { type: 'string', max: 300, min: 1 },
    ImageSizeInBytes: { type: 'long' },
    PushTimestamp: { type: 'timestamp' },
    ImageStatus: { type: 'string', enum: ['ACTIVE', 'ARCHIVED', 'ACTIVATING'] },
    NextToken: { type: 'string' },
    WithRequired: { type: 'structure', required: ['imageDigest'], members: { imageDigest: { shape: 'ImageDigest' } } },
  },
};

const good = {
  imageDetails: [
    {
      repositoryName: 'team/app',
      imageDigest: `sha256:${'a'.repeat(64)}`,
      imageTags: ['v1'],
      imageSizeInBytes: 2811478,
      imagePushedAt: 1796682799.15,
      imageStatus: 'ARCHIVED',
      imageScanFindingsSummary: { findingSeverityCounts: { HIGH: 2 } },
    },
  ],
};
const broken = (change: (detail: Record<string, unknown>) => void) => {
  const copy = structuredClone(good) as { imageDetails: Array<Record<string, unknown>> };
  change(copy.imageDetails[0]);
  return copy;
};

describe('ECR model validator', () => {
  it('accepts an answer the model allows', () => {
    assert.deepEqual(outputProblems(model, 'DescribeImages', good), []);
    assert.deepEqual(outputProblems(model, 'DeleteLifecyclePolicy', {}), []);
  });

  it('reports a member the model lacks', () => {
    assert.deepEqual(outputProblems(model, 'DescribeImages', broken((d) => (d.upstreamRegistry = 'ecr'))), ['DescribeImages.imageDetails[0].upstreamRegistry: member not in shape ImageDetail']);
    assert.match(outputProblems(model, 'DeleteLifecyclePolicy', { extra: 1 }).join(), /has no output/);
  });

  it('reports wrong types: a timestamp as an ISO string, a size as a string, a list as an object', () => {
    assert.match(outputProblems(model, 'DescribeImages', broken((d) => (d.imagePushedAt = '2026-06-01T00:00:00Z'))).join(), /imagePushedAt: expected epoch seconds as a number/);
    assert.match(outputProblems(model, 'DescribeImages', broken((d) => (d.imageSizeInBytes = '2811478'))).join(), /imageSizeInBytes: expected a whole number/);
    assert.match(outputProblems(model, 'DescribeImages', broken((d) => (d.imageTags = { v1: true }))).join(), /imageTags: expected a list/);
  });

  it('reports a value outside an enum, also as a map key', () => {
    assert.match(outputProblems(model, 'DescribeImages', broken((d) => (d.imageStatus = 'RESTORING'))).join(), /"RESTORING" is not one of ACTIVE \| ARCHIVED \| ACTIVATING/);
    assert.match(outputProblems(model, 'DescribeImages', broken((d) => (d.imageScanFindingsSummary = { findingSeverityCounts: { SEVERE: 1 } }))).join(), /key SEVERE.*"SEVERE" is not one of/);
  });

  it('reports a required member missing', () => {
    const problems: string[] = [];
    const withRequired = { ...model, operations: { Op: { name: 'Op', output: { shape: 'WithRequired' } } } };
    problems.push(...outputProblems(withRequired, 'Op', {}));
    assert.deepEqual(problems, ['Op.imageDigest: required member of shape WithRequired missing']);
  });

  it('reports a string off its pattern or length', () => {
    assert.match(outputProblems(model, 'DescribeImages', broken((d) => (d.repositoryName = 'Team/App'))).join(), /does not match the pattern/);
    assert.match(outputProblems(model, 'DescribeImages', broken((d) => (d.imageTags = [''])))[0], /length 0 is below the minimum 1/);
  });

  it('reports an error the operation does not list, and accepts listed and common ones', () => {
    assert.deepEqual(errorProblems(model, 'DescribeImages', { __type: 'ImageNotFoundException', message: 'gone' }), []);
    assert.deepEqual(errorProblems(model, 'DescribeImages', { __type: 'com.amazonaws.ecr#RepositoryNotFoundException', message: 'x' }), []);
    assert.deepEqual(errorProblems(model, 'DescribeImages', { __type: 'ThrottlingException', message: 'slow down' }), []);
    assert.match(errorProblems(model, 'DescribeImages', { __type: 'ImageAlreadyExistsException', message: 'x' }).join(), /not one the operation lists/);
    assert.match(errorProblems(model, 'DescribeImages', '<html>500</html>').join(), /without __type/);
  });
});
