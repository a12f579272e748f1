/**
 * The push gate and tag-immutability exclusion filters, end to end: the Docker Engine builds, the
 * distribution registry receives the push, and moto (which enforces exclusion filters on PutImage)
 * learns of it through the ECR front. An excluded tag moves in an immutable repository; any other
 * existing tag is refused before building, naming the filters that decided.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { buildAndPush, type BuildPushReporter } from '../../../src/core/docker/buildAndPush';
import { DockerodeEngine } from '../../../src/core/docker/dockerodeEngine';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { fetchRegistryAuth } from '../../support/ecrAuth';
import { resolveEngineHost } from '../../../src/core/docker/engineHost';
import { MOTO_CREDENTIALS, stackFor, untilListed } from '../../support/stack';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');

describe('pushing to a repository with tag-immutability exclusion filters', { skip }, () => {
  let ecr: ECRClient;
  let engine: DockerodeEngine;

  before(() => {
    ecr = new ECRClient({ region: 'us-east-1', endpoint: env.ecrEndpoint, credentials: MOTO_CREDENTIALS });
    engine = new DockerodeEngine(resolveEngineHost({ setting: env.dockerHost }));
  });

  async function push(repository: string, tags: string[], marker: string) {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ecr-mutability-it-'));
    writeFileSync(path.join(root, 'Dockerfile'), `FROM aqueducthq/function310:0.3.6\nRUN echo ${marker} > /marker\n`);
    const lines: string[] = [];
    const reporter: BuildPushReporter = { line: (text) => lines.push(text), note: (text) => lines.push(text), live: () => {}, endLive: () => {}, phase: () => {} };
    const outcome = await buildAndPush(
      { dockerfile: path.join(root, 'Dockerfile'), context: root, repository, tags, createRepository: false },
      { engine, auth: () => fetchRegistryAuth(ecr, { registryHostOverride: env.registryHost }), repositories: ecrRepositoryGate(ecr), reporter },
    );
    return { outcome, lines };
  }

  it('moves an excluded tag, and refuses a protected one before building', async () => {
    const repository = `aqueduct/exclusions-${run}`;
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: repository,
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
      }),
    );
    const first = await push(repository, ['latest', 'v1'], 'first');
    assert.equal(first.outcome.status, 'succeeded', first.lines.join('\n'));
    if (first.outcome.status !== 'succeeded') return;
    await untilListed(ecr, repository, 'v1', first.outcome.digest);

    const moved = await push(repository, ['latest'], 'second');
    assert.equal(moved.outcome.status, 'succeeded', moved.lines.join('\n'));
    if (moved.outcome.status !== 'succeeded') return;
    assert.notEqual(moved.outcome.digest, first.outcome.digest);
    assert.ok(moved.lines.includes('Tag mutability: "latest" matches the exclusion filter "latest", so it is mutable (IMMUTABLE_WITH_EXCLUSION).'), moved.lines.join('\n'));
    await untilListed(ecr, repository, 'latest', moved.outcome.digest);

    const refused = await push(repository, ['v1'], 'third');
    assert.equal(refused.outcome.status, 'failed');
    if (refused.outcome.status !== 'failed') return;
    assert.equal(refused.outcome.failure.kind, 'immutable-tag');
    assert.equal(
      refused.outcome.failure.message,
      `Tag(s) "v1" already exist in ${repository} and are immutable there: "v1" matches none of the exclusion filters "latest", so it is immutable (IMMUTABLE_WITH_EXCLUSION). ECR refuses to overwrite them. Push under a new tag, or change the repository's exclusion filters.`,
    );
    assert.ok(!refused.lines.some((line) => line.startsWith('Building ')), 'refused before building');
  });
});
