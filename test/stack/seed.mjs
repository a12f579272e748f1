// Seeds the local stack with sample repositories and real, tagged images, as an ML team's ECR
// might hold them. Images are built on the stand-in Aqueduct base and pushed to the registry;
// moto (the ECR API) and the registry share no state, so each pushed manifest is also registered
// in moto with PutImage, which is what makes ECR's API list it. Only the demo and tests do this
// bridging; the extension never writes manifests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ECRClient, CreateRepositoryCommand, PutImageCommand, DescribeRepositoriesCommand, SetRepositoryPolicyCommand, StartImageScanCommand } from '@aws-sdk/client-ecr';
import { REGISTRY_PASSWORD, StackError } from './stack.mjs';

export const SAMPLE_REPOSITORIES = [
  { name: 'aqueduct/churn-predictor', images: [['0.3.6', 'latest'], ['0.3.5'], []], scanned: '0.3.6' },
  {
    name: 'flyte/train-xgboost',
    images: [['v2', 'latest'], ['v1']],
    // A training account may pull: what "View Repository Policy" shows.
    policy: {
      Version: '2012-10-17',
      Statement: [{ Sid: 'AllowTrainingAccountPull', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] }],
    },
  },
  { name: 'zenml/step-runner', immutable: true, scanOnPush: true, images: [['2026.11.20']] },
  { name: 'ml/llm-serving', images: [['cuda1180-py310']] },
  { name: 'sandbox/empty', images: [] },
];

export function ecrClient(endpoint) {
  return new ECRClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDLOCALSTACKDEMO00', secretAccessKey: 'local-stack-demo-not-a-secret' },
  });
}

function docker(env, args, input) {
  const result = spawnSync('docker', args, { env: { ...process.env, ...env }, encoding: 'utf8', input });
  if (result.status !== 0) throw new StackError(`docker ${args[0]} failed: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

async function registryManifest(registryHost, repository, tag) {
  const response = await fetch(`http://${registryHost}/v2/${repository}/manifests/${tag}`, {
    headers: {
      authorization: `Basic ${Buffer.from(`AWS:${REGISTRY_PASSWORD}`).toString('base64')}`,
      accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
    },
  });
  if (!response.ok) throw new StackError(`registry manifest ${repository}:${tag}: HTTP ${response.status}`);
  return { manifest: await response.text(), mediaType: response.headers.get('content-type') };
}

/** Findings an image scan of the demo's operator image reports (moto serves custom findings). */
const DEMO_FINDINGS = {
  findingSeverityCounts: { HIGH: 1, MEDIUM: 1 },
  findings: [
    {
      name: 'CVE-2023-5363',
      uri: 'https://security-tracker.debian.org/tracker/CVE-2023-5363',
      severity: 'HIGH',
      attributes: [{ key: 'package_name', value: 'openssl' }, { key: 'package_version', value: '3.0.11-1~deb12u1' }],
    },
    {
      name: 'CVE-2023-4039',
      uri: 'https://security-tracker.debian.org/tracker/CVE-2023-4039',
      severity: 'MEDIUM',
      attributes: [{ key: 'package_name', value: 'gcc-12' }, { key: 'package_version', value: '12.2.0-14' }],
    },
  ],
};

/** Scans one tag and registers its findings with moto, keyed by tag and by digest (hover asks by digest). */
async function seedScan(ecr, endpoint, repositoryName, tag) {
  const started = await ecr.send(new StartImageScanCommand({ repositoryName, imageId: { imageTag: tag } }));
  const digest = started.imageId?.imageDigest;
  const result = (imageId) => ({
    registryId: started.registryId,
    repositoryName,
    imageId,
    imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
    imageScanFindings: DEMO_FINDINGS,
  });
  const response = await fetch(new URL('/moto-api/static/ecr/scan-finding-results', endpoint), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ region: 'us-east-1', results: [result({ imageTag: tag }), ...(digest ? [result({ imageDigest: digest })] : [])] }),
  });
  if (!response.ok) throw new StackError(`moto scan findings for ${repositoryName}:${tag}: HTTP ${response.status}`);
}

/** Idempotent: repositories that already exist are left as they are. */
export async function seed({ ECR_WB_ECR_ENDPOINT: endpoint, ECR_WB_REGISTRY: registryHost, DOCKER_HOST: dockerHost }) {
  const ecr = ecrClient(endpoint);
  const existing = new Set((await ecr.send(new DescribeRepositoriesCommand({}))).repositories?.map((r) => r.repositoryName));
  const dockerConfig = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-seed-'));
  const env = { DOCKER_HOST: dockerHost, DOCKER_CONFIG: dockerConfig, DOCKER_BUILDKIT: '0' };
  try {
    docker(env, ['login', '--username', 'AWS', '--password-stdin', registryHost], REGISTRY_PASSWORD);
    for (const repository of SAMPLE_REPOSITORIES) {
      if (existing.has(repository.name)) continue;
      await ecr.send(
        new CreateRepositoryCommand({
          repositoryName: repository.name,
          imageTagMutability: repository.immutable ? 'IMMUTABLE' : 'MUTABLE',
          imageScanningConfiguration: { scanOnPush: Boolean(repository.scanOnPush) },
        }),
      );
      // Oldest first, so push dates follow the order of the list.
      for (const [index, tags] of [...repository.images.entries()].reverse()) {
        // ECR's pushedAt has second resolution: a second apart, newest-first order is unambiguous.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const context = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-seed-ctx-'));
        writeFileSync(
          path.join(context, 'Dockerfile'),
          `FROM aqueducthq/function310:0.3.6\nRUN echo "${repository.name} build ${index}" > /tmp/build-info\n`,
        );
        const pushTag = tags[0] ?? `untagged-${index}`;
        const reference = `${registryHost}/${repository.name}:${pushTag}`;
        docker(env, ['build', '--network', 'none', '--quiet', '-t', reference, context]);
        rmSync(context, { recursive: true, force: true });
        docker(env, ['push', '--quiet', reference]);
        const { manifest, mediaType } = await registryManifest(registryHost, repository.name, pushTag);
        // An image with no tags in ECR: registered by digest only.
        const ecrTags = tags.length > 0 ? tags : [undefined];
        for (const tag of ecrTags) {
          await ecr.send(new PutImageCommand({ repositoryName: repository.name, imageManifest: manifest, imageManifestMediaType: mediaType, imageTag: tag }));
        }
      }
      console.error(`[seed] ${repository.name}: ${repository.images.length} image(s)`);
      if (repository.scanned) await seedScan(ecr, endpoint, repository.name, repository.scanned);
      if (repository.policy) await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: repository.name, policyText: JSON.stringify(repository.policy) }));
    }
  } finally {
    rmSync(dockerConfig, { recursive: true, force: true });
  }
}
