/**
 * Real multi-arch images from real tools, for the images integration tests:
 * 1. two single-platform images labelled as built from a stand-in Aqueduct base, made with
 *    `docker build --platform` (no RUN step, so no emulation is needed) and pushed by the Docker Engine to a staging
 *    repository;
 * 2. `docker manifest create --insecure` + `docker manifest push --insecure`: a Docker manifest list
 *    under `<repository>:multi`, which copies the platform images into the repository by digest,
 *    untagged, as buildx does;
 * 3. what BuildKit writes for `--provenance`: per platform an attestation manifest (OCI manifest,
 *    config os/architecture unknown, one in-toto layer) and an OCI index listing the platform
 *    images plus the attestations (platform unknown/unknown, annotated
 *    `vnd.docker.reference.type: attestation-manifest`), pushed through the registry client under
 *    `<repository>:1.0`; and a cosign-style signature naming that index as `subject`.
 * Everything goes through the registry endpoint; the ECR front registers each push with moto, so
 * the ECR API lists them (poll with untilListed).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RegistryClient, sha256Digest } from '../../src/core/registry/client';
import { OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, type Descriptor, type Manifest } from '../../src/core/registry/mediaTypes';

export interface MultiArchImages {
  repository: string;
  /** The Docker manifest list `docker manifest push` wrote, tagged `multi`. */
  list: string;
  /** The BuildKit-style OCI index with attestations, tagged `1.0`. */
  index: string;
  amd64: string;
  arm64: string;
  attestations: { amd64: string; arm64: string };
  signature: string;
}

export interface DockerCli {
  run(args: string[], input?: string): string;
  cleanup(): void;
}

/** The docker CLI against the stack's engine, logged in to `registryHost` in a private config folder (removed by cleanup). */
export function dockerCli(dockerHost: string, registryHost: string, password: string): DockerCli {
  const config = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-dockercfg-'));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', DOCKER_HOST: dockerHost, DOCKER_CONFIG: config };
  const run = (args: string[], input?: string) => {
    const result = spawnSync('docker', args, { env, input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    // The password is only ever on stdin; messages quote args and output, never it.
    if (result.status !== 0) throw new Error(`docker ${args.join(' ')} failed (${result.status}): ${(result.stderr || result.stdout).trim().slice(0, 600)}`);
    return result.stdout;
  };
  run(['login', '--username', 'AWS', '--password-stdin', registryHost], password);
  return { run, cleanup: () => rmSync(config, { recursive: true, force: true }) };
}

/**
 * Builds a small single-platform image with `docker build --platform` from scratch: files only, no
 * RUN step, so no emulation is needed for a foreign platform (`docker import --platform` is
 * ignored by this engine's classic image store: it records the engine's own platform). The labels
 * and config are what an image built from a stand-in Aqueduct base carries.
 */
export function buildPlatformImage(cli: DockerCli, reference: string, platform: string, options: { baseTag?: string; cmd?: string[]; extraMiB?: number } = {}): void {
  const context = mkdtempSync(path.join(os.tmpdir(), 'ecr-wb-context-'));
  try {
    const root = path.join(context, 'root');
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    mkdirSync(path.join(root, 'app'), { recursive: true });
    writeFileSync(path.join(root, 'etc', 'platform'), `${platform}\n`);
    writeFileSync(path.join(root, 'app', 'model.txt'), `model for ${platform} ${reference}\n`);
    if (options.extraMiB) {
      // Incompressible bytes, so the layer really is that large.
      const file = path.join(root, 'app', 'weights.bin');
      for (let written = 0; written < options.extraMiB; written += 16) writeFileSync(file, randomBytes(Math.min(16, options.extraMiB - written) * 1024 * 1024), { flag: 'a' });
    }
    writeFileSync(
      path.join(context, 'Dockerfile'),
      [
        'FROM scratch',
        'COPY root/ /',
        `LABEL org.opencontainers.image.base.name=aqueducthq/function310:${options.baseTag ?? '0.3.6'}`,
        'ENV PATH=/usr/local/bin:/usr/bin:/bin HF_TOKEN=hf_not_a_real_token_but_masked',
        'WORKDIR /app',
        'EXPOSE 8080',
        ...(options.cmd ? [`CMD ${JSON.stringify(options.cmd)}`] : []),
        '',
      ].join('\n'),
    );
    cli.run(['build', '--quiet', '--network', 'none', '--platform', platform, '--tag', reference, context]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

export async function pushJsonBlob(client: RegistryClient, repository: string, value: unknown, mediaType: string, annotations?: Record<string, string>): Promise<Descriptor> {
  const bytes = Buffer.from(JSON.stringify(value));
  const digest = sha256Digest(bytes);
  if ((await client.headBlob(repository, digest)) === undefined) {
    const session = await client.startUpload(repository);
    if (!session.mounted) await client.upload(session.location, digest, bytes.length, bytes);
  }
  return { mediaType, digest, size: bytes.length, ...(annotations ? { annotations } : {}) };
}

export async function pushManifest(client: RegistryClient, repository: string, manifest: Manifest, reference?: string): Promise<Descriptor> {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = sha256Digest(bytes);
  await client.putManifest(repository, reference ?? digest, bytes, manifest.mediaType ?? OCI_MANIFEST);
  return { mediaType: manifest.mediaType ?? OCI_MANIFEST, digest, size: bytes.length };
}

/** An attestation manifest as BuildKit lays it out, for the image `subjectDigest`. */
export async function pushAttestation(client: RegistryClient, repository: string, subjectDigest: string, platform: string): Promise<Descriptor> {
  const statement = {
    _type: 'https://in-toto.io/Statement/v0.1',
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subject: [{ name: `pkg:docker/${repository}@1.0?platform=${encodeURIComponent(platform)}`, digest: { sha256: subjectDigest.slice('sha256:'.length) } }],
    predicate: { builder: { id: '' }, buildType: 'https://mobyproject.org/buildkit@v1', metadata: { buildInvocationID: `test-${platform}` } },
  };
  const layer = await pushJsonBlob(client, repository, statement, 'application/vnd.in-toto+json', { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' });
  const config = await pushJsonBlob(client, repository, { architecture: 'unknown', os: 'unknown', config: {}, rootfs: { type: 'layers', diff_ids: [layer.digest] } }, 'application/vnd.oci.image.config.v1+json');
  return pushManifest(client, repository, { schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers: [layer] });
}

/**
 * Makes the multi-arch images in `repository` (staging platform images in `staging`); both
 * repositories must exist in ECR first (ECR refuses pushes to missing repositories).
 */
export async function pushMultiArch(
  cli: DockerCli,
  client: RegistryClient,
  registryHost: string,
  repository: string,
  staging: string,
  options: { baseTag?: string; cmd?: string[] } = {},
): Promise<MultiArchImages> {
  for (const arch of ['amd64', 'arm64']) {
    const reference = `${registryHost}/${staging}:${arch}`;
    buildPlatformImage(cli, reference, `linux/${arch}`, options);
    cli.run(['push', '--quiet', reference]);
  }
  const listRef = `${registryHost}/${repository}:multi`;
  cli.run(['manifest', 'create', '--insecure', listRef, `${registryHost}/${staging}:amd64`, `${registryHost}/${staging}:arm64`]);
  const pushed = cli.run(['manifest', 'push', '--purge', '--insecure', listRef]).trim();
  const list = await client.getManifest(repository, 'multi');
  if (!pushed.includes(list.digest)) throw new Error(`docker manifest push printed ${pushed}, the registry holds ${list.digest}`);
  const platforms = (list.manifest.manifests ?? []).map((descriptor) => descriptor);
  const byArch = (arch: string) => platforms.find((descriptor) => descriptor.platform?.architecture === arch)!;
  const attestationAmd = await pushAttestation(client, repository, byArch('amd64').digest, 'linux/amd64');
  const attestationArm = await pushAttestation(client, repository, byArch('arm64').digest, 'linux/arm64');
  const attestationDescriptor = (attestation: Descriptor, of: Descriptor): Descriptor => ({
    ...attestation,
    annotations: { 'vnd.docker.reference.digest': of.digest, 'vnd.docker.reference.type': 'attestation-manifest' },
    platform: { architecture: 'unknown', os: 'unknown' },
  });
  const index = await pushManifest(
    client,
    repository,
    { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [byArch('amd64'), byArch('arm64'), attestationDescriptor(attestationAmd, byArch('amd64')), attestationDescriptor(attestationArm, byArch('arm64'))] },
    '1.0',
  );
  // A signature in the OCI 1.1 layout cosign uses: empty config, the payload as its layer, `subject` naming the index.
  const empty = await pushJsonBlob(client, repository, {}, OCI_EMPTY);
  const payload = await pushJsonBlob(client, repository, { critical: { image: { 'docker-manifest-digest': index.digest }, type: 'cosign container image signature' } }, 'application/vnd.dev.cosign.simplesigning.v1+json');
  const signature = await pushManifest(client, repository, { schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json', config: empty, layers: [payload], subject: index });
  return {
    repository,
    list: list.digest,
    index: index.digest,
    amd64: byArch('amd64').digest,
    arm64: byArch('arm64').digest,
    attestations: { amd64: attestationAmd.digest, arm64: attestationArm.digest },
    signature: signature.digest,
  };
}
