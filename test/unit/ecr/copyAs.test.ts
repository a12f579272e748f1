import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aqueductReferenceProblem, copyAsSnippet, copyAsSnippets, resourceNameFor, type CopyAsFormat, type CopyAsTarget } from '../../../src/core/ecr/copyAs';

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const prodImage: CopyAsTarget = {
  registryHost: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
  region: 'us-east-1',
  accountId: '123456789012',
  repository: 'ml-operators',
  tag: '0.3.6',
  digest: DIGEST,
  profile: 'ml-prod',
  resourceName: 'ecr_prod',
};
const chinaRepository: CopyAsTarget = {
  registryHost: '210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn',
  region: 'cn-north-1',
  accountId: '210987654321',
  repository: 'vision-train',
  resourceName: 'ecr_cn',
};
const untaggedWithKeys: CopyAsTarget = {
  registryHost: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  region: 'eu-west-1',
  repository: 'team/model',
  digest: DIGEST,
  resourceName: 'my_ecr',
};
const fileProfile: CopyAsTarget = { ...chinaRepository, profile: 'cn', credentialsFile: '/home/ml/.aws/credentials' };

const cases: Array<[string, CopyAsTarget, CopyAsFormat, string]> = [
  ['Aqueduct image by tag', prodImage, 'aqueduct-image', 'client.resource("ecr_prod").image("ml-operators:0.3.6")'],
  ['Aqueduct image of a repository defaults to latest', chinaRepository, 'aqueduct-image', 'client.resource("ecr_cn").image("vision-train:latest")'],
  [
    'Aqueduct connect_resource with a profile',
    prodImage,
    'aqueduct-connect',
    [
      'client.connect_resource(',
      '    "ecr_prod",',
      '    service="ECR",',
      '    config={',
      '        "type": "config_file_path",',
      '        "config_file_path": "~/.aws/credentials",',
      '        "config_file_profile": "ml-prod",',
      '        "region": "us-east-1",',
      '    },',
      ')',
    ].join('\n'),
  ],
  [
    'Aqueduct connect_resource with a credentials file',
    fileProfile,
    'aqueduct-connect',
    [
      'client.connect_resource(',
      '    "ecr_cn",',
      '    service="ECR",',
      '    config={',
      '        "type": "config_file_path",',
      '        "config_file_path": "/home/ml/.aws/credentials",',
      '        "config_file_profile": "cn",',
      '        "region": "cn-north-1",',
      '    },',
      ')',
    ].join('\n'),
  ],
  [
    'Aqueduct connect_resource with access keys carries placeholders, never keys',
    untaggedWithKeys,
    'aqueduct-connect',
    [
      'client.connect_resource(',
      '    "my_ecr",',
      '    service="ECR",',
      '    config={',
      '        "type": "access_key",',
      '        "access_key_id": "<access key id>",',
      '        "secret_access_key": "<secret access key>",',
      '        "region": "eu-west-1",',
      '    },',
      ')',
    ].join('\n'),
  ],
  [
    'Flyte ImageSpec for an image',
    prodImage,
    'flyte-imagespec',
    'ImageSpec(\n    registry="123456789012.dkr.ecr.us-east-1.amazonaws.com",\n    name="ml-operators",\n    base_image="123456789012.dkr.ecr.us-east-1.amazonaws.com/ml-operators:0.3.6",\n)',
  ],
  [
    'Flyte ImageSpec for a repository has no base image',
    chinaRepository,
    'flyte-imagespec',
    'ImageSpec(\n    registry="210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn",\n    name="vision-train",\n)',
  ],
  [
    'Flyte ImageSpec for an untagged image pins the digest',
    untaggedWithKeys,
    'flyte-imagespec',
    `ImageSpec(\n    registry="123456789012.dkr.ecr.eu-west-1.amazonaws.com",\n    name="team/model",\n    base_image="123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/model@${DIGEST}",\n)`,
  ],
  ['ZenML registry', prodImage, 'zenml-register', 'zenml container-registry register ecr_prod --flavor=aws --uri=123456789012.dkr.ecr.us-east-1.amazonaws.com'],
  ['ZenML registry in China', chinaRepository, 'zenml-register', 'zenml container-registry register ecr_cn --flavor=aws --uri=210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn'],
  [
    'Pulumi image reference',
    prodImage,
    'pulumi-typescript',
    [
      'import * as aws from "@pulumi/aws";',
      '',
      'const image = aws.ecr.getImageOutput({',
      '    repositoryName: "ml-operators",',
      '    imageTag: "0.3.6",',
      '    registryId: "123456789012",',
      '    region: "us-east-1",',
      '});',
      'export const imageUri = image.imageUri;',
    ].join('\n'),
  ],
  [
    'Pulumi repository reference',
    chinaRepository,
    'pulumi-typescript',
    [
      'import * as aws from "@pulumi/aws";',
      '',
      'const repository = aws.ecr.getRepositoryOutput({',
      '    name: "vision-train",',
      '    registryId: "210987654321",',
      '    region: "cn-north-1",',
      '});',
      'export const repositoryUrl = repository.repositoryUrl;',
    ].join('\n'),
  ],
  [
    'Pulumi untagged image by digest, account unknown',
    untaggedWithKeys,
    'pulumi-typescript',
    `import * as aws from "@pulumi/aws";\n\nconst image = aws.ecr.getImageOutput({\n    repositoryName: "team/model",\n    imageDigest: "${DIGEST}",\n    region: "eu-west-1",\n});\nexport const imageUri = image.imageUri;`,
  ],
  ['Kubernetes image field', prodImage, 'kubernetes', 'image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/ml-operators:0.3.6'],
  ['Kubernetes by digest', untaggedWithKeys, 'kubernetes', `image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/model@${DIGEST}`],
  ['ECS image field', prodImage, 'ecs', '"image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/ml-operators:0.3.6"'],
  ['ECS repository field', chinaRepository, 'ecs', '"image": "210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn/vision-train"'],
  [
    'docker login with a profile',
    prodImage,
    'docker-login',
    'aws ecr get-login-password --region us-east-1 --profile ml-prod | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com',
  ],
  [
    'docker login with the default chain',
    chinaRepository,
    'docker-login',
    'aws ecr get-login-password --region cn-north-1 | docker login --username AWS --password-stdin 210987654321.dkr.ecr.cn-north-1.amazonaws.com.cn',
  ],
  [
    'docker login through a registry-host override',
    { ...chinaRepository, registryHost: '127.0.0.1:5001', region: 'us-east-1', profile: 'default' },
    'docker-login',
    'aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin 127.0.0.1:5001',
  ],
];

describe('copy as', () => {
  for (const [name, target, format, expected] of cases) {
    it(name, () => assert.equal(copyAsSnippet(target, format).text, expected));
  }

  it('offers every format, each with a title, for repositories and images', () => {
    for (const target of [prodImage, chinaRepository]) {
      const snippets = copyAsSnippets(target);
      assert.deepEqual(
        snippets.map((snippet) => snippet.format),
        ['aqueduct-image', 'aqueduct-connect', 'flyte-imagespec', 'zenml-register', 'pulumi-typescript', 'kubernetes', 'ecs', 'docker-login'],
      );
      for (const snippet of snippets) assert.ok(snippet.title.length > 5);
    }
  });

  it('warns that Aqueduct drops a single namespace and references untagged images as latest', () => {
    assert.match(copyAsSnippet(untaggedWithKeys, 'aqueduct-image').note ?? '', /drops everything before a single "\/".*"model:latest"/);
    assert.match(copyAsSnippet({ ...prodImage, tag: undefined }, 'aqueduct-image').note ?? '', /by tag only/);
    assert.equal(copyAsSnippet(prodImage, 'aqueduct-image').note, undefined);
  });

  it('says what to do about a name Aqueduct cannot look up, in the words Check Image uses', () => {
    const nested = aqueductReferenceProblem({ repository: 'ml/churn-predictor', tag: '0.3.6' });
    assert.match(nested?.problem ?? '', /would look up "churn-predictor:0.3.6", not "ml\/churn-predictor:0.3.6"/);
    assert.match(nested?.fix ?? '', /repository without "\/".*"ml-churn-predictor".*image\("ml-churn-predictor:0.3.6"\)/);
    assert.equal(copyAsSnippet({ ...prodImage, repository: 'ml/churn-predictor', tag: '0.3.6' }, 'aqueduct-image').note, `${nested?.problem} ${nested?.fix}`);
    assert.match(aqueductReferenceProblem({ repository: 'model', digest: DIGEST })?.fix ?? '', /Push it again with a tag/);
    assert.equal(aqueductReferenceProblem({ repository: 'operator', tag: '0.3.6' }), undefined);
    assert.equal(aqueductReferenceProblem({ repository: 'a/b/c', tag: '1' }), undefined, 'two or more "/" are kept');
  });

  it('derives platform resource names from the registry label', () => {
    assert.equal(resourceNameFor('prod', 'us-east-1'), 'ecr_prod');
    assert.equal(resourceNameFor('ML Prod · us-east-1', 'us-east-1'), 'ecr_ml_prod_us_east_1');
    assert.equal(resourceNameFor('ECR-west', 'us-west-2'), 'ecr_west');
    assert.equal(resourceNameFor('···', 'eu-west-1'), 'ecr_eu_west_1');
  });

  it('rejects an unknown format', () => assert.throws(() => copyAsSnippet(prodImage, 'helm' as CopyAsFormat), /Unknown "Copy as" format "helm"/));
});
