#!/usr/bin/env node
// Build + push time through the extension's code path (src/core/docker, as the ecr-build task
// runs it) against `docker build` + `docker push` with the same engine, context and registry; then
// pull time ("Pull Image") against `docker pull` of the same pushed images.
//
//   eval "$(node test/stack/stack.mjs env)" && node --import tsx bench/build-push.mjs [runs]
//
// Each run builds a context with fresh random content (so neither side gets a cached layer),
// alternating which side goes first. The CLI uses the classic builder (DOCKER_BUILDKIT=0), the
// builder the extension drives through the Engine API, and logs in to a throwaway DOCKER_CONFIG.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { buildAndPush } from '../src/core/docker/buildAndPush.ts';
import { DockerodeEngine } from '../src/core/docker/dockerodeEngine.ts';
import { ecrRepositoryGate } from '../src/core/ecr/ecrRepository.ts';
import { fetchRegistryAuth } from '../test/support/ecrAuth.ts';
import { resolveEngineHost } from '../src/core/docker/engineHost.ts';
import { pullImage } from '../src/core/docker/pullImage.ts';
import { median } from './stats.mjs';

const { ECR_WB_ECR_ENDPOINT: ecrEndpoint, ECR_WB_REGISTRY: registryHost, DOCKER_HOST: dockerHost } = process.env;
if (!ecrEndpoint || !registryHost || !dockerHost) {
  console.error('Needs the test stack: eval "$(node test/stack/stack.mjs env)" first (ECR_WB_ECR_ENDPOINT, ECR_WB_REGISTRY, DOCKER_HOST).');
  process.exit(2);
}
const runs = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 5);
const layerMiB = Number(process.env.BENCH_LAYER_MIB ?? 32);
const repository = `bench/build-push-${randomBytes(3).toString('hex')}`;

const ecr = new ECRClient({ region: 'us-east-1', endpoint: ecrEndpoint, credentials: { accessKeyId: 'AKIDMOTOTESTING00000', secretAccessKey: 'moto-secret-not-real' } });
const engine = new DockerodeEngine(resolveEngineHost({ setting: dockerHost }));
const auth = await fetchRegistryAuth(ecr, { registryHostOverride: registryHost });

// The CLI side: a throwaway config dir, logged in with the same ECR token (password on stdin).
const dockerConfig = mkdtempSync(path.join(os.tmpdir(), 'bench-docker-config-'));
const cliEnv = { ...process.env, DOCKER_HOST: dockerHost, DOCKER_CONFIG: dockerConfig, DOCKER_BUILDKIT: '0' };
const login = spawnSync('docker', ['login', '--username', auth.username, '--password-stdin', registryHost], { input: auth.password, env: cliEnv, encoding: 'utf8' });
if (login.status !== 0) {
  console.error(`docker login failed: ${login.stderr.trim()}`);
  process.exit(1);
}

function context(label) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `bench-${label}-`));
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM aqueducthq/function310:0.3.6\nCOPY model.bin /opt/model.bin\nRUN echo "operator" > /opt/marker && ls -l /opt\n');
  writeFileSync(path.join(dir, 'model.bin'), randomBytes(layerMiB * 1024 * 1024));
  writeFileSync(path.join(dir, 'requirements.txt'), `pandas==2.2.2\n# ${label}\n`);
  return dir;
}

async function extensionRun(tag) {
  const dir = context(`ext-${tag}`);
  const started = performance.now();
  const outcome = await buildAndPush(
    { dockerfile: path.join(dir, 'Dockerfile'), context: dir, repository, tags: [tag], createRepository: true },
    {
      engine,
      auth: async () => auth,
      repositories: ecrRepositoryGate(ecr),
      // The task's terminal work (ANSI frames) is cheap; count updates as the terminal would get them.
      reporter: { line() {}, note() {}, live() {}, endLive() {}, phase() {} },
    },
  );
  const ms = performance.now() - started;
  rmSync(dir, { recursive: true, force: true });
  if (outcome.status !== 'succeeded') throw new Error(`extension path ${outcome.status}: ${outcome.failure?.message ?? ''}`);
  return { ms, progress: outcome.progress };
}

function cliRun(tag) {
  const dir = context(`cli-${tag}`);
  const reference = `${registryHost}/${repository}:${tag}`;
  const started = performance.now();
  for (const args of [['build', '-q', '-t', reference, dir], ['push', reference]]) {
    const result = spawnSync('docker', args, { env: cliEnv, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`docker ${args[0]} failed: ${result.stderr.trim()}`);
  }
  const ms = performance.now() - started;
  rmSync(dir, { recursive: true, force: true });
  return { ms };
}

// One untimed warm-up each (daemon caches, the repository's creation, module loading).
await extensionRun('warmup-ext');
cliRun('warmup-cli');

const rows = [];
for (let index = 0; index < runs; index++) {
  const extFirst = index % 2 === 0;
  let ext;
  let cli;
  if (extFirst) {
    ext = await extensionRun(`ext-${index}`);
    cli = cliRun(`cli-${index}`);
  } else {
    cli = cliRun(`cli-${index}`);
    ext = await extensionRun(`ext-${index}`);
  }
  rows.push({ ext, cli, ratio: ext.ms / cli.ms });
  console.log(`run ${index + 1}/${runs}: extension ${(ext.ms / 1000).toFixed(2)} s, docker CLI ${(cli.ms / 1000).toFixed(2)} s, ratio ${(ext.ms / cli.ms).toFixed(3)}, progress events ${ext.progress.eventsReceived} -> screen updates ${ext.progress.updatesEmitted}`);
}

const events = rows.reduce((sum, row) => sum + row.ext.progress.eventsReceived, 0);
const updates = rows.reduce((sum, row) => sum + row.ext.progress.updatesEmitted, 0);
console.log('');
console.log(`build+push, ${layerMiB} MiB fresh layer, ${runs} runs, engine ${dockerHost}, registry ${registryHost}`);
console.log(`  extension path (dockerode):  median ${(median(rows.map((row) => row.ext.ms)) / 1000).toFixed(2)} s`);
console.log(`  docker build + docker push:  median ${(median(rows.map((row) => row.cli.ms)) / 1000).toFixed(2)} s`);
console.log(`  median ratio extension/CLI:  ${median(rows.map((row) => row.ratio)).toFixed(3)} (target <= 1.05)`);
console.log(`  push progress: ${events} events received, ${updates} screen updates made (${((updates / Math.max(events, 1)) * 100).toFixed(1)}%)`);


// Pull: each pushed image is removed locally, then pulled back by one side, removed, and pulled by
// the other (alternating who goes first). Only the fresh layer moves; the base layers stay local.
function removeLocal(reference) {
  const result = spawnSync('docker', ['image', 'rm', '--force', reference], { env: cliEnv, encoding: 'utf8' });
  if (result.status !== 0 && !/No such image/.test(result.stderr)) throw new Error(`docker image rm failed: ${result.stderr.trim()}`);
}
async function extensionPull(tag) {
  removeLocal(`${registryHost}/${repository}:${tag}`);
  const started = performance.now();
  const outcome = await pullImage({ registryHost, repository, tag }, { engine, auth: async () => auth, reporter: { line() {}, progress() {} } });
  const ms = performance.now() - started;
  if (outcome.status !== 'succeeded') throw new Error(`extension pull ${outcome.status}: ${outcome.message ?? ''}`);
  return ms;
}
function cliPull(tag) {
  const reference = `${registryHost}/${repository}:${tag}`;
  removeLocal(reference);
  const started = performance.now();
  const result = spawnSync('docker', ['pull', '-q', reference], { env: cliEnv, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`docker pull failed: ${result.stderr.trim()}`);
  return performance.now() - started;
}
const pulls = [];
for (let index = 0; index < runs; index++) {
  const tag = `ext-${index}`;
  const extFirst = index % 2 === 0;
  const first = extFirst ? await extensionPull(tag) : cliPull(tag);
  const second = extFirst ? cliPull(tag) : await extensionPull(tag);
  const [ext, cli] = extFirst ? [first, second] : [second, first];
  pulls.push({ ext, cli, ratio: ext / cli });
  console.log(`pull ${index + 1}/${runs}: extension ${(ext / 1000).toFixed(2)} s, docker pull ${(cli / 1000).toFixed(2)} s, ratio ${(ext / cli).toFixed(3)}`);
}
console.log('');
console.log(`pull, ${layerMiB} MiB layer to fetch, ${runs} runs`);
console.log(`  extension path (dockerode):  median ${(median(pulls.map((row) => row.ext)) / 1000).toFixed(2)} s`);
console.log(`  docker pull:                 median ${(median(pulls.map((row) => row.cli)) / 1000).toFixed(2)} s`);
console.log(`  median ratio extension/CLI:  ${median(pulls.map((row) => row.ratio)).toFixed(3)}`);
console.log('');
spawnSync('docker', ['logout', registryHost], { env: cliEnv });
rmSync(dockerConfig, { recursive: true, force: true });


// The progress model under a flood: 5 layers x 20,000 byte-count events arriving over ~2 s, as a
// fast registry link produces; what reaches the screen is capped by the ~10/s throttle.
{
  const { LayerProgress, UpdateThrottle } = await import('../src/core/docker/layerProgress.ts');
  const model = new LayerProgress('push');
  const throttle = new UpdateThrottle(() => {
    model.render();
  });
  const layers = Array.from({ length: 5 }, (_, index) => `${index}`.repeat(12));
  const cpuStarted = performance.now();
  for (let step = 1; step <= 20_000; step++) {
    for (const id of layers) {
      model.accept({ status: 'Pushing', id, progressDetail: { current: step * 1000, total: 20_000_000 } });
      throttle.changed();
    }
    if (step % 1000 === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throttle.flush();
  const wallMs = performance.now() - cpuStarted;
  console.log(`  synthetic flood: ${throttle.eventsReceived} events over ${(wallMs / 1000).toFixed(1)} s -> ${throttle.updatesEmitted} screen updates (${(throttle.updatesEmitted / (wallMs / 1000)).toFixed(1)}/s)`);
}
