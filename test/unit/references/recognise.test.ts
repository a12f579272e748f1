import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findReferences, type FoundReference, type ScanOptions } from '../../../src/core/references/recognise';

/** Where `needle` is in `text` (its `nth` occurrence), as the recogniser's offsets. */
function at(text: string, needle: string, nth = 0): { start: number; end: number } {
  let start = -1;
  for (let i = 0; i <= nth; i++) start = text.indexOf(needle, start + 1);
  assert.ok(start >= 0, `"${needle}" is not in the snippet`);
  return { start, end: start + needle.length };
}

/** Line and character (0-based) of an offset, as VS Code shows them. */
function position(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset);
  return [before.split('\n').length - 1, offset - before.lastIndexOf('\n') - 1];
}

/** What a reference says, in a form a table can state: form, whole text, and each part's text at its exact offsets. */
function describeReference(text: string, reference: FoundReference) {
  const slice = (span?: { start: number; end: number }) => (span ? text.slice(span.start, span.end) : undefined);
  return {
    form: reference.form,
    host: reference.host?.text,
    repository: reference.repository?.text,
    tag: reference.tag?.text,
    digest: reference.digest?.text,
    // The parts as the text has them at the reported offsets (so a range off by one fails here).
    at: [slice(reference.host?.span), slice(reference.repository?.span), slice(reference.tag?.span), slice(reference.digest?.span)].filter((s) => s !== undefined),
  };
}

const ACCOUNT = '123456789012';
const HOST = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`;
const DIGEST = `sha256:${'a1b2c3d4'.repeat(8)}`;

interface Case {
  name: string;
  options: ScanOptions;
  text: string;
  expected: ReturnType<typeof describeReference>[];
  spans?: { start: number; end: number }[];
}

// The Union BYOC guide "ImageSpec with ECR" (docs.union.ai/byoc/core-concepts/tasks/task-software-environment/imagespec-with-ecr)
// assumes the registry "123456789012.dkr.ecr.us-eas-1.amazonaws.com" and the image "simple-example-image"; its
// ImageSpec names them as below (registry=, name=, base_image=, requirements=), the region misspelt as the guide has it.
const UNION_IMAGESPEC = `import union

image_spec = union.ImageSpec(
    registry="123456789012.dkr.ecr.us-eas-1.amazonaws.com",
    name="simple-example-image",
    base_image="ghcr.io/flyteorg/flytekit:py3.11-latest",
    requirements="uv.lock"
)


@union.task(container_image=image_spec)
def say_hello(name: str) -> str:
    return f"Hello, {name}!"
`;

// Keywords in another order, single quotes, a registry path, a tag, across lines; and a nested ImageSpec as base_image.
const IMAGESPEC_ORDER = `from flytekit import ImageSpec
spec = ImageSpec(
    tag='2024.06.1', packages=["pandas", "scikit-learn"],
    name='trainer',  # the repository
    registry='${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/ml-team',
)
templated = ImageSpec(registry=f"{ACCOUNT_ID}.dkr.ecr.{REGION}.amazonaws.com", name="trainer")
no_tag = ImageSpec(name="scorer", registry="${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com", tag_format="{spec_hash}-dev")
`;

// Aqueduct: an operator's image from the ECR integration (client.resource("ecr").image("repo:tag")).
const AQUEDUCT = `import aqueduct
from aqueduct import op

client = aqueduct.Client(api_key, "localhost:8080")
ecr = client.resource("ecr")

@op(image=ecr.image("churn-model:0.3.4"))
def predict(features):
    return model.predict(features)

by_digest = ecr.image('churn-model@${DIGEST}')
full = client.resource("ecr").image("${HOST}/churn-model:0.3.4")
not_an_image = canvas.image("logo.png")
templated = ecr.image(f"churn-model:{VERSION}")
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
spec:
  replicas: 3
  selector:
    matchLabels: {app: checkout}
  template:
    metadata:
      labels: {app: checkout}
    spec:
      initContainers:
        - name: migrate
          image: "${HOST}/checkout/migrations@${DIGEST}"
      containers:
        - name: checkout
          image: ${HOST}/checkout/api:v2.3.1
          ports:
            - containerPort: 8080
        - name: sidecar
          image: public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0
        - name: templated
          image: "{{ .Values.registry }}/checkout/api:{{ .Values.tag }}"
        - name: env
          image: ${HOST}/checkout/api:\${IMAGE_TAG}
`;

const ECS_TASK = `{
  "family": "checkout",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "512",
  "memory": "1024",
  "executionRoleArn": "arn:aws:iam::${ACCOUNT}:role/ecsTaskExecutionRole",
  "containerDefinitions": [
    {
      "name": "api",
      "image": "${ACCOUNT}.dkr.ecr.us-gov-west-1.amazonaws.com/checkout/api:latest",
      "essential": true,
      "portMappings": [{ "containerPort": 8080, "protocol": "tcp" }]
    },
    {
      "name": "log_router",
      "image": "${ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com/aws-for-fluent-bit:stable",
      "firelensConfiguration": { "type": "fluentbit" }
    }
  ]
}
`;

const COMPOSE = `services:
  web:
    image: ${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn/shop/web:1.0
    ports: ["80:80"]
  worker:
    image: '${ACCOUNT}.dkr-ecr.eu-central-1.on.aws/shop/worker:1.0'
  cache:
    image: ${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/redis:7
  db:
    image: postgres:16
`;

const WORKFLOW = `name: deploy
on: { push: { branches: [main] } }
jobs:
  build:
    runs-on: ubuntu-latest
    container:
      image: ${HOST}/ci/builder:2024-05
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
        with: { role-to-assume: "arn:aws:iam::${ACCOUNT}:role/gha", aws-region: us-east-1 }
      - id: login-ecr
        uses: aws-actions/amazon-ecr-login@v2
      - run: |
          docker build -t \${{ steps.login-ecr.outputs.registry }}/shop:\${{ github.sha }} .
          docker push \${{ steps.login-ecr.outputs.registry }}/shop:\${{ github.sha }}
          docker pull ${HOST}/shop:base
`;

const TERRAFORM = `resource "aws_ecs_task_definition" "api" {
  family = "api"
  container_definitions = jsonencode([{
    name  = "api"
    image = "${HOST}/api:1.2.0"
  }, {
    name  = "worker"
    image = "\${aws_ecr_repository.worker.repository_url}:latest"
  }, {
    name  = "cron"
    image = "${ACCOUNT}.dkr.ecr.\${var.region}.amazonaws.com/cron:1.0"
  }])
}
`;

const PULUMI = `import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";

const repo = new awsx.ecr.Repository("app");
const service = new awsx.ecs.FargateService("svc", {
    taskDefinitionArgs: {
        containers: {
            app: { name: "app", image: pulumi.interpolate\`\${repo.url}:latest\`, memory: 512 },
            sidecar: { name: "sidecar", image: "${ACCOUNT}.dkr.ecr.ap-southeast-2.amazonaws.com/sidecar:v3", memory: 128 },
        },
    },
});
`;

const HELM_VALUES = `image:
  repository: ${HOST}/team/api
  pullPolicy: IfNotPresent
  # Overrides the image tag whose default is the chart appVersion.
  tag: "1.4.2"

worker:
  image:
    registry: ${HOST}
    repository: team/worker
    tag: 0.9.0

templated:
  repository: ${HOST}/team/templated
  tag: "{{ .Chart.AppVersion }}"
`;

const cases: Case[] = [
  {
    name: 'Union ImageSpec guide (registry with the misspelt region, name, no tag)',
    options: { languageId: 'python' },
    text: UNION_IMAGESPEC,
    expected: [
      {
        form: 'imageSpec',
        host: '123456789012.dkr.ecr.us-eas-1.amazonaws.com',
        repository: 'simple-example-image',
        tag: undefined,
        digest: undefined,
        at: ['123456789012.dkr.ecr.us-eas-1.amazonaws.com', 'simple-example-image'],
      },
    ],
    spans: [{ start: UNION_IMAGESPEC.indexOf('123456789012'), end: UNION_IMAGESPEC.indexOf('simple-example-image') + 'simple-example-image'.length }],
  },
  {
    name: 'ImageSpec keywords in any order, single quotes, registry path; f-string registry and tag_format left alone',
    options: { fileName: 'workflows/train.py' },
    text: IMAGESPEC_ORDER,
    expected: [
      { form: 'imageSpec', host: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`, repository: 'ml-team/trainer', tag: '2024.06.1', digest: undefined, at: [`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`, 'trainer', '2024.06.1'] },
      { form: 'imageSpec', host: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`, repository: 'scorer', tag: undefined, digest: undefined, at: [`${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com`, 'scorer'] },
    ],
  },
  {
    name: 'Aqueduct image(): repo:tag and repo@digest to resolve against the connected registry; a full URI; no image file names, no f-strings',
    options: { languageId: 'python' },
    text: AQUEDUCT,
    expected: [
      { form: 'aqueduct', host: undefined, repository: 'churn-model', tag: '0.3.4', digest: undefined, at: ['churn-model', '0.3.4'] },
      { form: 'aqueduct', host: undefined, repository: 'churn-model', tag: undefined, digest: DIGEST, at: ['churn-model', DIGEST] },
      { form: 'uri', host: HOST, repository: 'churn-model', tag: '0.3.4', digest: undefined, at: [HOST, 'churn-model', '0.3.4'] },
    ],
    spans: [at(AQUEDUCT, 'churn-model:0.3.4'), at(AQUEDUCT, `churn-model@${DIGEST}`), at(AQUEDUCT, `${HOST}/churn-model:0.3.4`)],
  },
  {
    name: 'Kubernetes Deployment: image: fields, quoted and not, by digest; Helm templates and ${} left alone; ECR Public is not ECR',
    options: { languageId: 'yaml' },
    text: DEPLOYMENT,
    expected: [
      { form: 'uri', host: HOST, repository: 'checkout/migrations', tag: undefined, digest: DIGEST, at: [HOST, 'checkout/migrations', DIGEST] },
      { form: 'uri', host: HOST, repository: 'checkout/api', tag: 'v2.3.1', digest: undefined, at: [HOST, 'checkout/api', 'v2.3.1'] },
    ],
    spans: [at(DEPLOYMENT, `${HOST}/checkout/migrations@${DIGEST}`), at(DEPLOYMENT, `${HOST}/checkout/api:v2.3.1`)],
  },
  {
    name: 'ECS task definition JSON: "image": in GovCloud and on a FIPS host',
    options: { languageId: 'json' },
    text: ECS_TASK,
    expected: [
      { form: 'uri', host: `${ACCOUNT}.dkr.ecr.us-gov-west-1.amazonaws.com`, repository: 'checkout/api', tag: 'latest', digest: undefined, at: [`${ACCOUNT}.dkr.ecr.us-gov-west-1.amazonaws.com`, 'checkout/api', 'latest'] },
      { form: 'uri', host: `${ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com`, repository: 'aws-for-fluent-bit', tag: 'stable', digest: undefined, at: [`${ACCOUNT}.dkr.ecr-fips.us-east-1.amazonaws.com`, 'aws-for-fluent-bit', 'stable'] },
    ],
  },
  {
    name: 'docker-compose: China partition, dual-stack host, a pull-through cache path; Docker Hub images ignored',
    options: { fileName: 'compose.yaml' },
    text: COMPOSE,
    expected: [
      { form: 'uri', host: `${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn`, repository: 'shop/web', tag: '1.0', digest: undefined, at: [`${ACCOUNT}.dkr.ecr.cn-north-1.amazonaws.com.cn`, 'shop/web', '1.0'] },
      { form: 'uri', host: `${ACCOUNT}.dkr-ecr.eu-central-1.on.aws`, repository: 'shop/worker', tag: '1.0', digest: undefined, at: [`${ACCOUNT}.dkr-ecr.eu-central-1.on.aws`, 'shop/worker', '1.0'] },
      { form: 'uri', host: HOST, repository: 'docker-hub/library/redis', tag: '7', digest: undefined, at: [HOST, 'docker-hub/library/redis', '7'] },
    ],
  },
  {
    name: "GitHub Actions workflow: the job's container image and a docker pull; ${{ }} expressions left alone",
    options: { fileName: '.github/workflows/deploy.yml' },
    text: WORKFLOW,
    expected: [
      { form: 'uri', host: HOST, repository: 'ci/builder', tag: '2024-05', digest: undefined, at: [HOST, 'ci/builder', '2024-05'] },
      { form: 'uri', host: HOST, repository: 'shop', tag: 'base', digest: undefined, at: [HOST, 'shop', 'base'] },
    ],
  },
  {
    name: 'Terraform: a literal image; ${} interpolations left alone',
    options: { languageId: 'terraform' },
    text: TERRAFORM,
    expected: [{ form: 'uri', host: HOST, repository: 'api', tag: '1.2.0', digest: undefined, at: [HOST, 'api', '1.2.0'] }],
    spans: [at(TERRAFORM, `${HOST}/api:1.2.0`)],
  },
  {
    name: 'Pulumi program: a literal image; pulumi.interpolate left alone',
    options: { languageId: 'typescript' },
    text: PULUMI,
    expected: [{ form: 'uri', host: `${ACCOUNT}.dkr.ecr.ap-southeast-2.amazonaws.com`, repository: 'sidecar', tag: 'v3', digest: undefined, at: [`${ACCOUNT}.dkr.ecr.ap-southeast-2.amazonaws.com`, 'sidecar', 'v3'] }],
  },
  {
    name: 'Helm values: repository: + tag: siblings, registry: + repository: + tag:, a templated tag leaves the repository alone',
    options: { languageId: 'yaml' },
    text: HELM_VALUES,
    expected: [
      { form: 'helm', host: HOST, repository: 'team/api', tag: '1.4.2', digest: undefined, at: [HOST, 'team/api', '1.4.2'] },
      { form: 'helm', host: HOST, repository: 'team/worker', tag: '0.9.0', digest: undefined, at: [HOST, 'team/worker', '0.9.0'] },
      { form: 'uri', host: HOST, repository: 'team/templated', tag: undefined, digest: undefined, at: [HOST, 'team/templated'] },
    ],
    spans: [
      { start: at(HELM_VALUES, HOST).start, end: at(HELM_VALUES, '1.4.2').end },
      { start: at(HELM_VALUES, HOST, 1).start, end: at(HELM_VALUES, '0.9.0').end },
      at(HELM_VALUES, `${HOST}/team/templated`),
    ],
  },
];

describe('recognising ECR image references', () => {
  for (const { name, options, text, expected, spans } of cases) {
    it(name, () => {
      const found = findReferences(text, options);
      assert.deepEqual(
        found.map((reference) => describeReference(text, reference)),
        expected,
      );
      if (spans) assert.deepEqual(found.map((reference) => reference.span), spans);
    });
  }

  it('the Union guide\'s misspelt region is at line 3, characters 35-43, as VS Code would underline it', () => {
    const [reference] = findReferences(UNION_IMAGESPEC, { languageId: 'python' });
    assert.deepEqual(position(UNION_IMAGESPEC, reference.host!.region.span.start), [3, 35]);
    assert.deepEqual(position(UNION_IMAGESPEC, reference.host!.region.span.end), [3, 43]);
    assert.equal(reference.host!.registry?.region, 'us-eas-1');
  });

  it('every partition and dual-stack host registryHost.ts knows is found, with its parsed registry', () => {
    const hosts = [
      `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com`,
      `${ACCOUNT}.dkr.ecr-fips.us-gov-east-1.amazonaws.com`,
      `${ACCOUNT}.dkr.ecr.cn-northwest-1.amazonaws.com.cn`,
      `${ACCOUNT}.dkr-ecr.us-west-2.on.aws`,
      `${ACCOUNT}.dkr-ecr.cn-north-1.on.amazonwebservices.com.cn`,
      `${ACCOUNT}.dkr.ecr.eusc-de-east-1.amazonaws.eu`,
      `${ACCOUNT}.dkr.ecr.us-iso-east-1.c2s.ic.gov`,
      `${ACCOUNT}.dkr.ecr.us-isob-east-1.sc2s.sgov.gov`,
      `${ACCOUNT}.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk`,
      `${ACCOUNT}.dkr.ecr.us-isof-south-1.csp.hci.ic.gov`,
    ];
    const text = hosts.map((host) => `- ${host}/app:1`).join('\n');
    const found = findReferences(text, { languageId: 'markdown' });
    assert.deepEqual(found.map((reference) => reference.host?.text), hosts);
    assert.deepEqual(found.map((reference) => reference.host?.registry?.partition), ['aws', 'aws-us-gov', 'aws-cn', 'aws', 'aws-cn', 'aws-eusc', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f']);
  });

  it('malformed hosts are still found (so they can be reported); other AWS hosts and look-alikes are not', () => {
    const text = [
      `a = "12345678901.dkr.ecr.us-east-1.amazonaws.com/app:1"`,
      `b = "${ACCOUNT}.dkr.ecs.us-east-1.amazonaws.com/app:1"`,
      `c = "${ACCOUNT}.drk.ecr.us-east-1.amazonaws.com/app:1"`,
      `d = "mydb.${ACCOUNT}.us-east-1.rds.amazonaws.com"`,
      `e = "${ACCOUNT}.execute-api.us-east-1.amazonaws.com/prod"`,
      `f = "${HOST}.evil.example/app:1"`,
      `g = "x${HOST}/app:1"`,
      `h = "my-lb-1234567890.us-east-1.elb.amazonaws.com"`,
      `i = "s3.us-east-1.amazonaws.com/bucket/key"`,
      // The shape of <account>.<two words>.<region>.<domain>, but no misspelling of dkr.ecr: another service.
      `j = "${ACCOUNT}.api-ecs.us-east-1.amazonaws.com/v1"`,
    ].join('\n');
    assert.deepEqual(
      findReferences(text, { languageId: 'python' }).map((reference) => reference.host?.text),
      [`12345678901.dkr.ecr.us-east-1.amazonaws.com`, `${ACCOUNT}.dkr.ecs.us-east-1.amazonaws.com`, `${ACCOUNT}.drk.ecr.us-east-1.amazonaws.com`],
    );
  });

  it('templated and formatted values are never guessed at', () => {
    const text = [
      `a = "${HOST}/app:%s" % tag`,
      `b = "${HOST}/%s:latest" % name`,
      `c = f"${HOST}/app:{tag}"`,
      `d = "${HOST}/app:{}".format(tag)`,
      `e = \`${HOST}/app:\${tag}\``,
      `f = "\${ACCOUNT}${HOST.slice(12)}/app:1"`,
      `g = "{{ account }}.dkr.ecr.us-east-1.amazonaws.com/app:1"`,
      `h: ${HOST}/app:$TAG`,
      `i = "${HOST}/" + name + ":1"`,
      `j = "<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>"`,
    ].join('\n');
    assert.deepEqual(findReferences(text, { languageId: 'python' }), []);
  });

  it('a host alone is a registry reference (a login, a registry: value)', () => {
    const text = `aws ecr get-login-password | docker login --username AWS --password-stdin ${HOST}\n`;
    assert.deepEqual(
      findReferences(text, { languageId: 'shellscript' }).map((reference) => [reference.form, text.slice(reference.span.start, reference.span.end)]),
      [['registry', HOST]],
    );
  });
});
