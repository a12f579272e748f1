// Seeds the local stack with sample repositories and real, tagged images, as an ML team's ECR
// might hold them. Repositories are created through the ECR API; images are built on the stand-in
// Aqueduct base and pushed to the registry endpoint with docker, every tag, and the ECR front
// registers each push with moto (test/stack/ecrFront.ts), as ECR lists what was pushed. The
// untagged image is made as in ECR: an older image whose tag a newer push took.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { childEnv } from './childEnv.mjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ECRClient, CreateRepositoryCommand, DescribeImagesCommand, DescribeRepositoriesCommand, SetRepositoryPolicyCommand, StartImageScanCommand } from '@aws-sdk/client-ecr';
import { REGISTRY_PASSWORD, StackError } from './stack.mjs';
import { SAMPLE_DATA } from './demoWorkspace.mjs';

/** Repositories and images the demo and the extension-host suite expect (test/stack/sample-data.json). */
export const SAMPLE_REPOSITORIES = SAMPLE_DATA.repositories;

export function ecrClient(endpoint) {
  return new ECRClient({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIDLOCALSTACKDEMO00', secretAccessKey: 'local-stack-demo-not-a-secret' },
  });
}

function docker(env, args, input) {
  const result = spawnSync('docker', args, { env: childEnv(env), encoding: 'utf8', input });
  if (result.status !== 0) throw new StackError(`docker ${args[0]} failed: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

/** Polls the ECR API until the tag names `digest` (the front registers pushes asynchronously). */
async function waitForTag(ecr, repositoryName, tag, digest, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await ecr.send(new DescribeImagesCommand({ repositoryName, imageIds: [{ imageTag: tag }] })).then((r) => r.imageDetails?.[0], () => undefined);
    if (found?.imageDigest === digest) return found;
    if (Date.now() > deadline) throw new StackError(`${repositoryName}:${tag} was pushed but the ECR API does not list it after ${timeoutMs / 1000} s: is the ECR front receiving the registry's notifications? (see .stack/ecr-front.log)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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
    // moto gives each custom result to one asker (one image id form: by tag, by other tag, by digest) and
    // its placeholder "moto_fake" finding to the next: enough copies that the tree's hovers, Show Scan
    // Findings by tag and by digest all read the demo's findings.
    body: JSON.stringify({
      region: 'us-east-1',
      results: Array.from({ length: 4 }, () => [result({ imageTag: tag }), ...(digest ? [result({ imageDigest: digest })] : [])]).flat(),
    }),
  });
  if (!response.ok) throw new StackError(`moto scan findings for ${repositoryName}:${tag}: HTTP ${response.status}`);
}

/** The registry's blob upload (OCI distribution spec: POST then PUT with the digest), with the stack's basic auth. */
async function pushBlob(registryHost, repository, bytes) {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const authorization = `Basic ${Buffer.from(`AWS:${REGISTRY_PASSWORD}`).toString('base64')}`;
  const started = await fetch(`http://${registryHost}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: { authorization } });
  if (started.status !== 202) throw new StackError(`blob upload to ${repository}: HTTP ${started.status}`);
  const location = new URL(started.headers.get('location'), `http://${registryHost}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: { authorization, 'content-type': 'application/octet-stream' }, body: bytes });
  if (put.status !== 201) throw new StackError(`blob upload to ${repository}: HTTP ${put.status}`);
  return { digest, size: bytes.length };
}

/**
 * A signature attached to `subjectDigest` the way cosign stores one: an OCI manifest whose layer is
 * the signed payload, naming the image as its `subject` (OCI image-spec 1.1 "subject"), under
 * cosign's tag `sha256-<hex>.sig`. No key is at hand offline: the signature value is a placeholder
 * (the demo shows where signatures appear in the tree; nothing verifies it).
 * https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md
 */
async function pushSignature(registryHost, repository, subject) {
  const authorization = `Basic ${Buffer.from(`AWS:${REGISTRY_PASSWORD}`).toString('base64')}`;
  const payload = Buffer.from(JSON.stringify({ critical: { identity: { 'docker-reference': `${registryHost}/${repository}` }, image: { 'docker-manifest-digest': subject.digest }, type: 'cosign container image signature' }, optional: null }));
  const layer = await pushBlob(registryHost, repository, payload);
  const config = await pushBlob(registryHost, repository, Buffer.from('{}'));
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', ...config },
    layers: [{ mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json', ...layer, annotations: { 'dev.cosignproject.cosign/signature': Buffer.from('ecr-workbench demo: not a real signature').toString('base64') } }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  const tag = `${subject.digest.replace(':', '-')}.sig`;
  const response = await fetch(`http://${registryHost}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    headers: { authorization, 'content-type': manifest.mediaType },
    body: JSON.stringify(manifest),
  });
  if (response.status !== 201) throw new StackError(`pushing the signature of ${repository}@${subject.digest}: HTTP ${response.status} ${await response.text()}`);
  return tag;
}

/**
 * A two-platform image index as `docker manifest create` makes one (STACK.md: Debian's engine has no
 * buildx): a platform image per platform, pushed under "<tag>-<arch>", then the index under the tag.
 * The arm64 image is a one-file filesystem pushed for that platform (nothing foreign runs here).
 */
async function seedIndex(ecr, env, registryHost, repository, { tag, platforms, signed }) {
  const local = `${registryHost}/${repository}`;
  const children = [];
  for (const platform of platforms) {
    const arch = platform.split('/')[1];
    const childTag = `${tag}-${arch}`;
    const context = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-seed-idx-'));
    try {
      if (arch === 'amd64') {
        writeFileSync(path.join(context, 'Dockerfile'), `FROM aqueducthq/function310:0.3.6\nRUN echo "${repository} ${platform}" > /tmp/build-info\n`);
        docker(env, ['build', '--network', 'none', '--quiet', '-t', `${local}:${childTag}`, context]);
        docker(env, ['push', '--quiet', `${local}:${childTag}`]);
      } else {
        // Debian's engine (20.10) ignores `docker import --platform`: the foreign image is pushed through
        // the registry API, a config naming its platform and one layer (OCI distribution spec: blobs, then the manifest).
        writeFileSync(path.join(context, 'build-info'), `${repository} ${platform}\n`);
        const tar = spawnSync('tar', ['-C', context, '-c', 'build-info']);
        if (tar.status !== 0) throw new StackError(`tar for the ${platform} image failed`);
        const layerBytes = gzipSync(tar.stdout);
        const layer = await pushBlob(registryHost, repository, layerBytes);
        const [os_, architecture] = platform.split('/');
        const config = await pushBlob(registryHost, repository, Buffer.from(JSON.stringify({
          architecture,
          os: os_,
          config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'], Labels: { 'com.aqueducthq.base': 'aqueducthq/function310:0.3.6' } },
          rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(tar.stdout).digest('hex')}`] },
          history: [{ created_by: `stand-in ${platform} image for the demo's index` }],
        })));
        const manifest = {
          schemaVersion: 2,
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          config: { mediaType: 'application/vnd.docker.container.image.v1+json', ...config },
          layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', ...layer }],
        };
        const authorization = `Basic ${Buffer.from(`AWS:${REGISTRY_PASSWORD}`).toString('base64')}`;
        const put = await fetch(`http://${registryHost}/v2/${repository}/manifests/${childTag}`, { method: 'PUT', headers: { authorization, 'content-type': manifest.mediaType }, body: JSON.stringify(manifest) });
        if (put.status !== 201) throw new StackError(`pushing ${repository}:${childTag}: HTTP ${put.status} ${await put.text()}`);
      }
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
    children.push(`${local}:${childTag}`);
  }
  docker(env, ['manifest', 'create', '--insecure', `${local}:${tag}`, ...children]);
  const pushed = docker(env, ['manifest', 'push', '--insecure', '--purge', `${local}:${tag}`]).trim();
  const digest = pushed.split(/\s+/).find((word) => /^sha256:[0-9a-f]{64}$/.test(word));
  if (!digest) throw new StackError(`docker manifest push printed no digest: ${pushed}`);
  const listed = await waitForTag(ecr, repository, tag, digest);
  if (signed) {
    const signature = await pushSignature(registryHost, repository, { digest, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', size: listed.imageSizeInBytes ?? 0 });
    console.error(`[seed] ${repository}:${tag}: index of ${platforms.join(', ')}, signed (${signature})`);
  }
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
      // Oldest first, so push dates follow the order of the list. An image listed without tags is
      // pushed as `latest` and left untagged when a newer image takes `latest` (as ECR does).
      if (repository.index) await seedIndex(ecr, env, registryHost, repository.name, repository.index);
      for (const [index, tags] of [...(repository.images ?? []).entries()].reverse()) {
        // ECR's pushedAt has second resolution: a second apart, newest-first order is unambiguous.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const context = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-seed-ctx-'));
        writeFileSync(
          path.join(context, 'Dockerfile'),
          `FROM aqueducthq/function310:0.3.6\nRUN echo "${repository.name} build ${index}" > /tmp/build-info\n`,
        );
        const pushTags = tags.length > 0 ? tags : ['latest'];
        const local = `${registryHost}/${repository.name}`;
        docker(env, ['build', '--network', 'none', '--quiet', '-t', `${local}:${pushTags[0]}`, context]);
        rmSync(context, { recursive: true, force: true });
        for (const tag of pushTags) {
          if (tag !== pushTags[0]) docker(env, ['tag', `${local}:${pushTags[0]}`, `${local}:${tag}`]);
          docker(env, ['push', '--quiet', `${local}:${tag}`]);
          const repoDigests = JSON.parse(docker(env, ['image', 'inspect', '--format', '{{json .RepoDigests}}', `${local}:${tag}`]));
          const digest = repoDigests.find((reference) => reference.startsWith(`${local}@`))?.split('@')[1];
          await waitForTag(ecr, repository.name, tag, digest);
        }
      }
      console.error(`[seed] ${repository.name}: ${(repository.images ?? []).length + (repository.index ? 1 : 0)} image(s)`);
      if (repository.scanned) await seedScan(ecr, endpoint, repository.name, repository.scanned);
      if (repository.policy) await ecr.send(new SetRepositoryPolicyCommand({ repositoryName: repository.name, policyText: JSON.stringify(repository.policy) }));
    }
  } finally {
    rmSync(dockerConfig, { recursive: true, force: true });
  }
}

/**
 * ECR as the demo starts it: moto reset (through the ECR front, which forgets what it learnt too),
 * then seeded. The extension-host suite starts from this, not from what other suites left.
 */
export async function resetAndSeed(stackEnv) {
  const reset = await fetch(new URL('/moto-api/reset', stackEnv.ECR_WB_ECR_ENDPOINT), { method: 'POST' });
  if (!reset.ok) throw new StackError(`resetting moto failed: HTTP ${reset.status}`);
  await seed(stackEnv);
}
