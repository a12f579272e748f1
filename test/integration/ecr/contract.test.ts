/**
 * Contract test: every ECR operation the extension calls (found in src/ by its `new <Op>Command(`),
 * driven through the local ECR (the stack's ECR front before moto: moto's answers and the front's)
 * with realistic requests in ECR's own protocol (AWS JSON 1.1, `X-Amz-Target`), and each answer
 * validated against ECR's service model from botocore in the stack's venv (test/support/ecrModel.ts):
 * no member the model lacks, required members present, types (timestamps as epoch seconds), enums,
 * patterns and lengths; errors only those the operation lists (or the common ones).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { errorProblems, findEcrModel, loadEcrModel, outputProblems, type ServiceModel } from '../../support/ecrModel';
import { manifestFor } from '../../support/manifest';
import { stackFor } from '../../support/stack';

const { env, skip } = stackFor('moto');
const modelFile = findEcrModel();
if (!skip && !modelFile && process.env.CI === 'true') throw new Error('CI=true and botocore\'s ECR model is not in the stack venv ($ECR_WB_CACHE/venv): the contract test cannot run');
const run = randomBytes(3).toString('hex');
const REPOSITORY = `contract-${run}/app`;
const PREFIX = `ctr-${run}`;
const DOCKER_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** Operations the local ECR cannot answer (moto lacks them; README "Known limits"): checked to still be unanswered, so a change is noticed. */
const UNANSWERED = new Set(['StartLifecyclePolicyPreview', 'GetLifecyclePolicyPreview']);

/** The ECR operations the extension's code calls. */
function operationsTheExtensionCalls(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.ts$/.test(entry.name)) for (const match of readFileSync(file, 'utf8').matchAll(/new ([A-Z][A-Za-z]+)Command\(/g)) found.add(match[1]);
    }
  };
  walk(path.join(__dirname, '..', '..', '..', 'src'));
  return [...found].sort();
}

describe('contract: the local ECR answers as ECR\'s API model allows', { skip: skip || (!modelFile && 'botocore\'s ECR model not found in the stack venv') }, () => {
  let model: ServiceModel;
  const driven = new Set<string>();
  const digests: Record<string, string> = {};

  // Answers are untyped JSON until the model validator has checked them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async function call(operation: string, input: Record<string, unknown>): Promise<{ status: number; body: any; text: string }> {
    const response = await fetch(env.ecrEndpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `${model.metadata.targetPrefix}.${operation}`,
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIDMOTOTESTING00000/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host;x-amz-target, Signature=0',
      },
      body: JSON.stringify(input),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text || '{}');
    } catch {
      body = text;
    }
    return { status: response.status, body, text };
  }
  /** Calls `operation`, expects a 200 the model allows, returns the answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a model-checked answer, read by the tests' own expectations
  async function ok(operation: string, input: Record<string, unknown>): Promise<any> {
    driven.add(operation);
    const { status, body, text } = await call(operation, input);
    assert.equal(status, 200, `${operation} ${JSON.stringify(input).slice(0, 200)}: HTTP ${status} ${text.slice(0, 300)}`);
    assert.deepEqual(outputProblems(model, operation, body), [], `${operation}: the answer breaks the model`);
    return body;
  }
  /** Calls `operation`, expects the error `type`, which the model must list for it. */
  async function fails(operation: string, input: Record<string, unknown>, type: string): Promise<void> {
    driven.add(operation);
    const { status, body, text } = await call(operation, input);
    assert.ok(status >= 400 && status < 500, `${operation}: HTTP ${status} ${text.slice(0, 300)}`);
    assert.deepEqual(errorProblems(model, operation, body), [], `${operation}: the error breaks the model`);
    assert.equal(String(body.__type).split('#').pop(), type);
  }
  /** A setup call outside the extension's operations (validated all the same). */
  const setup = (operation: string, input: Record<string, unknown>) => ok(operation, input);

  before(async () => {
    model = loadEcrModel(modelFile!);
  });
  after(async () => {
    await call('DeleteRepository', { repositoryName: REPOSITORY, force: true });
    await call('DeletePullThroughCacheRule', { ecrRepositoryPrefix: PREFIX });
    await call('DeleteRepositoryCreationTemplate', { prefix: PREFIX });
  });

  it('repositories: create, describe (named and paged), the errors ECR lists', async () => {
    await ok('CreateRepository', { repositoryName: REPOSITORY, imageScanningConfiguration: { scanOnPush: false }, imageTagMutability: 'MUTABLE', tags: [{ Key: 'team', Value: 'ml' }] });
    await fails('CreateRepository', { repositoryName: REPOSITORY }, 'RepositoryAlreadyExistsException');
    await ok('DescribeRepositories', { repositoryNames: [REPOSITORY] });
    await ok('DescribeRepositories', { maxResults: 5 });
    await fails('DescribeRepositories', { repositoryNames: [`${REPOSITORY}-missing`] }, 'RepositoryNotFoundException');
    await fails('DescribeRepositories', { repositoryNames: [REPOSITORY], maxResults: 5 }, 'InvalidParameterException');
  });

  it('images: list, describe, get and delete, with archive states, an index and per-image failures', async () => {
    for (const [tag, seed] of [['v1', 'one'], ['v2', 'two'], [undefined, 'amd64'], [undefined, 'arm64']] as const) {
      const put = await setup('PutImage', { repositoryName: REPOSITORY, imageManifest: manifestFor(`${run}-${seed}`), imageManifestMediaType: DOCKER_V2, ...(tag ? { imageTag: tag } : {}) });
      digests[seed] = put.image.imageId.imageDigest;
    }
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: ['amd64', 'arm64'].map((arch) => ({ mediaType: DOCKER_V2, size: manifestFor(`${run}-${arch}`).length, digest: digests[arch], platform: { os: 'linux', architecture: arch } })),
    });
    digests.index = (await setup('PutImage', { repositoryName: REPOSITORY, imageManifest: index, imageManifestMediaType: OCI_INDEX, imageTag: 'multi' })).image.imageId.imageDigest;
    const archived = await fetch(`${env.ecrEndpoint}/_front/archive`, { method: 'POST', body: JSON.stringify({ repositoryName: REPOSITORY, imageDigest: digests.two }) });
    assert.equal(archived.status, 200);

    const listed = await ok('ListImages', { repositoryName: REPOSITORY, maxResults: 100 });
    assert.ok(!listed.imageIds.some((id: { imageDigest: string }) => id.imageDigest === digests.two), 'archived images are not listed by default');
    await ok('ListImages', { repositoryName: REPOSITORY, filter: { tagStatus: 'UNTAGGED', imageStatus: 'ANY' } });
    await ok('ListImages', { repositoryName: REPOSITORY, maxResults: 2 });
    await fails('ListImages', { repositoryName: `${REPOSITORY}-missing` }, 'RepositoryNotFoundException');

    const described = await ok('DescribeImages', { repositoryName: REPOSITORY, filter: { imageStatus: 'ANY' }, maxResults: 100 });
    assert.equal(described.imageDetails.length, 5);
    await ok('DescribeImages', { repositoryName: REPOSITORY, imageIds: [{ imageTag: 'v1' }, { imageDigest: digests.index }] });
    await ok('DescribeImages', { repositoryName: REPOSITORY, imageIds: [{ imageDigest: digests.two }], filter: { imageStatus: 'ARCHIVED' } });
    await fails('DescribeImages', { repositoryName: REPOSITORY, imageIds: [{ imageDigest: digests.two }] }, 'ImageNotFoundException');
    await fails('DescribeImages', { repositoryName: REPOSITORY, imageIds: [{ imageDigest: `sha256:${'0'.repeat(64)}` }] }, 'ImageNotFoundException');
    await fails('DescribeImages', { repositoryName: `${REPOSITORY}-missing` }, 'RepositoryNotFoundException');

    const got = await ok('BatchGetImage', {
      repositoryName: REPOSITORY,
      imageIds: [{ imageTag: 'v1' }, { imageDigest: digests.index }, { imageTag: 'no-such-tag' }],
      acceptedMediaTypes: [DOCKER_V2, OCI_INDEX],
    });
    assert.equal(got.images.length, 2);
    assert.equal(got.failures.length, 1);
    // The front's own members after a read: lastRecordedPullTime (BatchGetImage counts as a pull), artifactMediaType.
    const [read] = (await ok('DescribeImages', { repositoryName: REPOSITORY, imageIds: [{ imageTag: 'v1' }] })).imageDetails;
    assert.equal(typeof read.lastRecordedPullTime, 'number');
    assert.equal(typeof read.artifactMediaType, 'string');
    await fails('BatchGetImage', { repositoryName: `${REPOSITORY}-missing`, imageIds: [{ imageTag: 'v1' }] }, 'RepositoryNotFoundException');

    const refused = await ok('BatchDeleteImage', { repositoryName: REPOSITORY, imageIds: [{ imageDigest: digests.amd64 }] });
    assert.equal(refused.failures[0]?.failureCode, 'ImageReferencedByManifestList');
    await ok('BatchDeleteImage', { repositoryName: REPOSITORY, imageIds: [{ imageTag: 'no-such-tag' }] });
    await fails('BatchDeleteImage', { repositoryName: `${REPOSITORY}-missing`, imageIds: [{ imageTag: 'v1' }] }, 'RepositoryNotFoundException');
  });

  it('referrers: the artifacts that name an image as their subject, filtered and paged', async () => {
    const subject = digests.one;
    const bundle = 'application/vnd.dev.sigstore.bundle.v0.3+json';
    const signature = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: bundle,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
      layers: [],
      subject: { mediaType: DOCKER_V2, digest: subject, size: manifestFor(`${run}-one`).length },
      annotations: { 'org.opencontainers.image.created': '2026-12-01T00:00:00Z' },
    });
    const put = await setup('PutImage', { repositoryName: REPOSITORY, imageManifest: signature, imageManifestMediaType: OCI_MANIFEST });
    const listed = await ok('ListImageReferrers', { repositoryName: REPOSITORY, subjectId: { imageDigest: subject } });
    assert.deepEqual(listed.referrers.map((referrer: { digest: string }) => referrer.digest), [put.image.imageId.imageDigest]);
    assert.equal(listed.referrers[0].artifactType, bundle);
    assert.equal(listed.referrers[0].size, Buffer.byteLength(signature));
    const none = await ok('ListImageReferrers', { repositoryName: REPOSITORY, subjectId: { imageDigest: subject }, filter: { artifactStatus: 'ANY', artifactTypes: ['application/spdx+json'] }, maxResults: 1 });
    assert.deepEqual(none.referrers, []);
    await fails('ListImageReferrers', { repositoryName: `${REPOSITORY}-missing`, subjectId: { imageDigest: subject } }, 'RepositoryNotFoundException');
  });

  it('storage classes: archive and restore, and the errors ECR lists', async () => {
    await ok('UpdateImageStorageClass', { repositoryName: REPOSITORY, imageId: { imageTag: 'v1' }, targetStorageClass: 'ARCHIVE' });
    await ok('UpdateImageStorageClass', { repositoryName: REPOSITORY, imageId: { imageDigest: digests.one }, targetStorageClass: 'STANDARD' });
    await fails('UpdateImageStorageClass', { repositoryName: REPOSITORY, imageId: { imageDigest: digests.amd64 }, targetStorageClass: 'STANDARD' }, 'ImageStorageClassUpdateNotSupportedException');
    await fails('UpdateImageStorageClass', { repositoryName: REPOSITORY, imageId: { imageDigest: `sha256:${'0'.repeat(64)}` }, targetStorageClass: 'STANDARD' }, 'ImageNotFoundException');
    await fails('UpdateImageStorageClass', { repositoryName: `${REPOSITORY}-missing`, imageId: { imageDigest: digests.one }, targetStorageClass: 'STANDARD' }, 'RepositoryNotFoundException');
  });

  it('repository settings: tag mutability, scanning, lifecycle and repository policies', async () => {
    await ok('PutImageTagMutability', { repositoryName: REPOSITORY, imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION', imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest*' }] });
    await ok('PutImageTagMutability', { repositoryName: REPOSITORY, imageTagMutability: 'MUTABLE' });
    await fails('PutImageTagMutability', { repositoryName: `${REPOSITORY}-missing`, imageTagMutability: 'MUTABLE' }, 'RepositoryNotFoundException');
    await ok('PutImageScanningConfiguration', { repositoryName: REPOSITORY, imageScanningConfiguration: { scanOnPush: true } });
    await ok('StartImageScan', { repositoryName: REPOSITORY, imageId: { imageTag: 'v1' } });
    await ok('DescribeImageScanFindings', { repositoryName: REPOSITORY, imageId: { imageTag: 'v1' }, maxResults: 100 });
    await fails('DescribeImageScanFindings', { repositoryName: `${REPOSITORY}-missing`, imageId: { imageTag: 'v1' } }, 'RepositoryNotFoundException');

    const policy = JSON.stringify({ rules: [{ rulePriority: 1, description: 'expire untagged after 14 days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } }] });
    await fails('GetLifecyclePolicy', { repositoryName: REPOSITORY }, 'LifecyclePolicyNotFoundException');
    await ok('PutLifecyclePolicy', { repositoryName: REPOSITORY, lifecyclePolicyText: policy });
    await ok('GetLifecyclePolicy', { repositoryName: REPOSITORY });
    for (const operation of UNANSWERED) {
      driven.add(operation);
      const { status, text } = await call(operation, { repositoryName: REPOSITORY, lifecyclePolicyText: policy });
      assert.ok(status === 500 && /<html/i.test(text), `${operation} is answered now (HTTP ${status}): validate it here and take it off UNANSWERED`);
    }
    await ok('DeleteLifecyclePolicy', { repositoryName: REPOSITORY });
    await fails('DeleteLifecyclePolicy', { repositoryName: REPOSITORY }, 'LifecyclePolicyNotFoundException');

    await fails('GetRepositoryPolicy', { repositoryName: REPOSITORY }, 'RepositoryPolicyNotFoundException');
    await setup('SetRepositoryPolicy', { repositoryName: REPOSITORY, policyText: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'pull', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: ['ecr:BatchGetImage'] }] }) });
    await ok('GetRepositoryPolicy', { repositoryName: REPOSITORY });
  });

  it('registry: authorization token, pull-through cache rules, creation templates', async () => {
    await ok('GetAuthorizationToken', {});
    await ok('CreatePullThroughCacheRule', { ecrRepositoryPrefix: PREFIX, upstreamRegistryUrl: 'public.ecr.aws', upstreamRegistry: 'ecr-public' });
    await fails('CreatePullThroughCacheRule', { ecrRepositoryPrefix: PREFIX, upstreamRegistryUrl: 'public.ecr.aws' }, 'PullThroughCacheRuleAlreadyExistsException');
    await fails('CreatePullThroughCacheRule', { ecrRepositoryPrefix: 'ROOT', upstreamRegistryUrl: '210987654321.dkr.ecr.us-west-2.amazonaws.com', upstreamRepositoryPrefix: 'team' }, 'InvalidParameterException');
    await fails('CreatePullThroughCacheRule', { ecrRepositoryPrefix: PREFIX.toUpperCase(), upstreamRegistryUrl: 'public.ecr.aws' }, 'InvalidParameterException');
    await ok('DescribePullThroughCacheRules', { ecrRepositoryPrefixes: [PREFIX] });
    await ok('DescribePullThroughCacheRules', { maxResults: 10 });
    await fails('DescribePullThroughCacheRules', { ecrRepositoryPrefixes: [`${PREFIX}-missing`] }, 'PullThroughCacheRuleNotFoundException');
    await ok('DeletePullThroughCacheRule', { ecrRepositoryPrefix: PREFIX });
    await fails('DeletePullThroughCacheRule', { ecrRepositoryPrefix: PREFIX }, 'PullThroughCacheRuleNotFoundException');

    await setup('CreateRepositoryCreationTemplate', {
      prefix: PREFIX,
      appliedFor: ['CREATE_ON_PUSH', 'PULL_THROUGH_CACHE'],
      description: 'contract test',
      imageTagMutability: 'IMMUTABLE',
      resourceTags: [{ Key: 'team', Value: 'ml' }],
    });
    await ok('DescribeRepositoryCreationTemplates', { prefixes: [PREFIX] });
    await ok('DescribeRepositoryCreationTemplates', { maxResults: 10 });
    // The model lists no not-found error for DescribeRepositoryCreationTemplates: unknown prefixes are left out.
    const missing = await ok('DescribeRepositoryCreationTemplates', { prefixes: [`${PREFIX}-missing`] });
    assert.deepEqual(missing.repositoryCreationTemplates, []);
  });

  it('deleting repositories: not empty without force, gone with it, missing after', async () => {
    await fails('DeleteRepository', { repositoryName: REPOSITORY }, 'RepositoryNotEmptyException');
    await ok('DeleteRepository', { repositoryName: REPOSITORY, force: true });
    await fails('DeleteRepository', { repositoryName: REPOSITORY }, 'RepositoryNotFoundException');
  });

  it('drove every ECR operation the extension calls', () => {
    const calls = operationsTheExtensionCalls();
    assert.ok(calls.length > 10, `found ${calls.length} operations in src/`);
    for (const operation of calls) assert.ok(model.operations[operation], `${operation} is an operation of ECR's model`);
    assert.deepEqual(calls.filter((operation) => !driven.has(operation)), [], 'operations the extension calls that this test never drove');
  });
});
