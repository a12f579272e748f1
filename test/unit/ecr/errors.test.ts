import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyEcrError } from '../../../src/core/ecr/errors';

const sdkError = (name: string, message: string, status: number, extra: object = {}) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status }, ...extra });

describe('classifyEcrError', () => {
  it('no credentials → select a profile', () => {
    const error = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    const result = classifyEcrError(error);
    assert.equal(result.kind, 'no-credentials');
    assert.match(result.message, /No AWS credentials found/);
    assert.equal(result.action?.kind, 'select-profile');
  });

  it('expired SSO session → aws sso login --profile X', () => {
    const error = Object.assign(
      new Error('The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.'),
      { name: 'CredentialsProviderError', $profile: 'ml-dev' },
    );
    const result = classifyEcrError(error);
    assert.equal(result.kind, 'sso-expired');
    assert.deepEqual(result.action, { kind: 'sso-login', title: 'Sign in', command: 'aws sso login --profile ml-dev' });
    assert.match(result.message, /profile "ml-dev" has expired/);
  });

  it('access denied names the missing ecr: action from the message', () => {
    const result = classifyEcrError(
      sdkError(
        'AccessDeniedException',
        'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:DescribeImages on resource: arn:aws:ecr:us-east-1:123456789012:repository/op because no identity-based policy allows the ecr:DescribeImages action',
        400,
      ),
    );
    assert.equal(result.kind, 'access-denied');
    assert.match(result.message, /lack the IAM permission ecr:DescribeImages/);
  });

  it('access denied without a named action falls back to the operation', () => {
    const result = classifyEcrError(sdkError('AccessDeniedException', 'Access denied', 400, { $operation: 'CreateRepository' }));
    assert.match(result.message, /ecr:CreateRepository/);
  });

  it('throttling after the SDK gave up', () => {
    const result = classifyEcrError(sdkError('ThrottlingException', 'Rate exceeded', 400, { $operation: 'DescribeImages' }));
    assert.equal(result.kind, 'throttled');
    assert.match(result.message, /throttling requests \(DescribeImages\)/);
    assert.equal(result.action?.kind, 'retry');
  });

  it('DNS failure on AWS endpoints → network down; refused custom endpoint → endpoint unreachable', () => {
    const dns = classifyEcrError(Object.assign(new Error('getaddrinfo ENOTFOUND api.ecr.us-east-1.amazonaws.com'), { code: 'ENOTFOUND', $region: 'us-east-1' }));
    assert.equal(dns.kind, 'network-down');
    assert.match(dns.message, /network looks down \(ENOTFOUND\)/);
    const refused = classifyEcrError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED', $endpoint: 'http://127.0.0.1:9' }));
    assert.equal(refused.kind, 'endpoint-unreachable');
    assert.match(refused.message, /127\.0\.0\.1:9 is unreachable \(ECONNREFUSED\)/);
    assert.deepEqual(refused.action, { kind: 'open-settings', title: 'Open settings', setting: 'ecr.endpoint' });
  });

  it("moto's HTML 500 for an unimplemented operation", () => {
    const error = Object.assign(new SyntaxError(`Unexpected token '<', "<!doctype "... is not valid JSON\n  Deserialization error: to see the raw response…`), {
      $metadata: { httpStatusCode: 500 },
      $operation: 'StartLifecyclePolicyPreview',
      $endpoint: 'http://127.0.0.1:5000',
    });
    const result = classifyEcrError(error);
    assert.equal(result.kind, 'not-implemented');
    assert.match(result.message, /does not implement StartLifecyclePolicyPreview/);
  });

  it('repository not found and invalid keys', () => {
    assert.equal(classifyEcrError(sdkError('RepositoryNotFoundException', "The repository with name 'x' does not exist", 400)).kind, 'repository-not-found');
    const keys = classifyEcrError(sdkError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400));
    assert.equal(keys.kind, 'invalid-credentials');
    assert.equal(keys.action?.kind, 'set-access-keys');
  });

  it('anything else keeps the operation and the original words', () => {
    const result = classifyEcrError(sdkError('LimitExceededException', 'too many repositories', 400, { $operation: 'CreateRepository' }));
    assert.equal(result.kind, 'unknown');
    assert.equal(result.message, 'CreateRepository failed: too many repositories (LimitExceededException)');
  });
});
