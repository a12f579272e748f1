import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isAwsEndpoint, parseRegistryHost, parseRegistryUri, registryHostFor } from '../../../src/core/ecr/registryHost';
import { consoleUrl, imageUriByDigest, imageUriByTag, pullCommand, repositoryUri } from '../../../src/core/ecr/links';

describe('parseRegistryHost', () => {
  const valid: Array<[string, Partial<ReturnType<typeof parseRegistryHost>>]> = [
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com', { accountId: '123456789012', region: 'us-east-1', fips: false, dualStack: false, partition: 'aws' }],
    ['123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com', { region: 'us-gov-west-1', fips: true, partition: 'aws-us-gov' }],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', { region: 'cn-north-1', partition: 'aws-cn' }],
    ['123456789012.dkr-ecr.eu-west-1.on.aws', { region: 'eu-west-1', dualStack: true, partition: 'aws' }],
    ['123456789012.dkr-ecr-fips.us-east-2.on.aws', { region: 'us-east-2', dualStack: true, fips: true }],
    ['123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn', { region: 'cn-northwest-1', dualStack: true, partition: 'aws-cn' }],
    ['123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', { partition: 'aws-iso' }],
    ['123456789012.DKR.ECR.US-EAST-1.AMAZONAWS.COM', { region: 'us-east-1' }],
  ];
  for (const [host, expected] of valid) {
    it(`parses ${host}`, () => {
      const parsed = parseRegistryHost(host);
      assert.ok(parsed, `${host} should parse`);
      for (const [key, value] of Object.entries(expected!)) assert.equal(parsed[key as keyof typeof parsed], value, key);
    });
  }

  const lookAlikes = [
    '123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.com',
    'evil.com/123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr.us-east-1.amazonaws.co',
    '12345678901.dkr.ecr.us-east-1.amazonaws.com',
    '1234567890123.dkr.ecr.us-east-1.amazonaws.com',
    'x123456789012.dkr.ecr.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com:evil',
    '123456789012.dkr.ecrx.us-east-1.amazonaws.com',
    '123456789012.dkr.ecr..amazonaws.com',
    'public.ecr.aws',
    '123456789012.dkr.ecr.us-east-1.evilamazonaws.com',
  ];
  for (const host of lookAlikes) {
    it(`rejects look-alike ${host}`, () => assert.equal(parseRegistryHost(host), undefined));
  }
});

describe('parseRegistryUri', () => {
  it('accepts a pasted URI with scheme, repository and tag', () => {
    const parsed = parseRegistryUri(' https://123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/op:v1 ');
    assert.equal(parsed.accountId, '123456789012');
    assert.equal(parsed.region, 'eu-central-1');
    assert.equal(parsed.repository, 'team/op');
    assert.equal(parsed.tag, 'v1');
  });
  it('accepts a digest reference', () => {
    const parsed = parseRegistryUri('123456789012.dkr.ecr.us-east-1.amazonaws.com/op@sha256:abc');
    assert.equal(parsed.repository, 'op');
    assert.equal(parsed.digest, 'sha256:abc');
  });
  it('rejects a look-alike host even with a path that looks right', () => {
    assert.throws(
      () => parseRegistryUri('https://123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.com/op'),
      /"123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\.evil\.com" is not an ECR registry host/,
    );
  });
  it('rejects userinfo tricks: the host is what follows the @', () => {
    assert.throws(() => parseRegistryUri('https://123456789012.dkr.ecr.us-east-1.amazonaws.com@evil.com/op'), /must not contain credentials/);
  });
  it('explains an empty input', () => assert.throws(() => parseRegistryUri('  '), /empty/));
});

describe('URIs and links', () => {
  const at = { registryHost: '123456789012.dkr.ecr.us-east-1.amazonaws.com', repository: 'team/op' };
  it('builds repository, tag, digest URIs and the pull command', () => {
    assert.equal(repositoryUri(at), '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/op');
    assert.equal(imageUriByTag(at, 'v1'), '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/op:v1');
    assert.equal(imageUriByDigest(at, 'sha256:ab'), '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/op@sha256:ab');
    assert.equal(pullCommand(at, { digest: 'sha256:ab' }), 'docker pull 123456789012.dkr.ecr.us-east-1.amazonaws.com/team/op@sha256:ab');
    assert.equal(pullCommand(at, { tag: 'v1', digest: 'sha256:ab' }), 'docker pull 123456789012.dkr.ecr.us-east-1.amazonaws.com/team/op:v1');
  });
  it('builds registry hosts per partition', () => {
    assert.equal(registryHostFor('123456789012', 'cn-north-1'), '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn');
    assert.equal(registryHostFor('123456789012', 'us-west-2'), '123456789012.dkr.ecr.us-west-2.amazonaws.com');
  });
  it('builds console URLs per partition', () => {
    assert.equal(
      consoleUrl({ region: 'us-east-1', accountId: '123456789012', repository: 'team/op' }),
      'https://us-east-1.console.aws.amazon.com/ecr/repositories/private/123456789012/team/op?region=us-east-1',
    );
    assert.equal(
      consoleUrl({ region: 'cn-north-1', accountId: '123456789012', repository: 'op', digest: 'sha256:ab' }),
      'https://cn-north-1.console.amazonaws.cn/ecr/repositories/private/123456789012/op/_/image/sha256%3Aab/details?region=cn-north-1',
    );
    assert.equal(consoleUrl({ region: 'us-gov-west-1' }), 'https://us-gov-west-1.console.amazonaws-us-gov.com/ecr/private-registry/repositories?region=us-gov-west-1');
    assert.equal(consoleUrl({ region: 'us-iso-east-1' }), undefined);
  });
});

describe('parseRegistryUri refuses what it cannot fully understand', () => {
  const host = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
  const cases: Array<[string, RegExp]> = [
    [`${host}/%zz`, /malformed %-escape/],
    [`${host}/Bad Repo:tag!!`, /cannot contain spaces/],
    [`ftp://${host}/app`, /served over HTTPS/],
    [`${host}:444/app`, /take no port \(got :444\)/],
    [`${host}/team/app:-bad`, /tag/i],
    [`${host}/team/app@sha256`, /not an image digest/],
  ];
  for (const [input, message] of cases) {
    it(`rejects ${input}`, () => {
      assert.throws(() => parseRegistryUri(input), message);
    });
  }

  it('still accepts port 443 and a digest reference', () => {
    const parsed = parseRegistryUri(`https://${host}:443/team/app@sha256:${'a'.repeat(64)}`);
    assert.equal(parsed.repository, 'team/app');
    assert.equal(parsed.digest, `sha256:${'a'.repeat(64)}`);
  });
});

describe('isAwsEndpoint (Open in AWS Console on an endpoint override)', () => {
  it('takes VPC, FIPS and dual-stack endpoints of every partition for AWS', () => {
    for (const endpoint of [
      'https://api.ecr.us-east-1.amazonaws.com',
      'https://vpce-0a1b2c3d-e4f5g6h7.api.ecr.eu-west-1.vpce.amazonaws.com',
      'https://ecr-fips.us-gov-west-1.amazonaws.com',
      'https://api.ecr.cn-north-1.amazonaws.com.cn',
      'https://ecr.us-east-1.api.aws',
      'https://api.ecr.eusc-de-east-1.amazonaws.eu',
    ]) {
      assert.equal(isAwsEndpoint(endpoint), true, endpoint);
    }
  });

  it('takes a local stack, a look-alike host and text that is no URL for something else', () => {
    for (const endpoint of ['http://127.0.0.1:43225', 'http://localhost:4566', 'https://api.ecr.us-east-1.amazonaws.com.evil.example', 'https://amazonaws.com', 'not a url']) {
      assert.equal(isAwsEndpoint(endpoint), false, endpoint);
    }
  });
});
