/**
 * Check Image as a pre-flight against the registry and the ECR API: a multi-arch Aqueduct image
 * passes every check; each check fails on an image made to fail it (missing tag, unreadable
 * manifest, arm64 only, own CMD, base tag other than the server's).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { evaluatePreflight, gatherPreflight, type PreflightCheckName } from '../../../src/core/images/preflight';
import { RegistryClient } from '../../../src/core/registry/client';
import { buildPlatformImage, pushMultiArch } from '../../support/multiArch';
import { stackFor, untilListed } from '../../support/stack';
import { createRepository, imagesStack, type ImagesStack } from './setup';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
const REPOSITORY = `preflight-${run}/ops`;
const STAGING = `preflight-${run}/staging`;

describe('pre-flight check', { skip }, () => {
  let stack: ImagesStack;

  const statuses = async (reference: string, settings: { targetPlatform?: string; serverVersion?: string } = { serverVersion: '0.3.6' }, registry = stack.registry()) => {
    const report = evaluatePreflight(await gatherPreflight(stack.ecr, registry, { repository: REPOSITORY, reference }, settings));
    return { report, status: Object.fromEntries(report.checks.map((check) => [check.name, check.status])) as Record<PreflightCheckName, string> };
  };
  const pushSingle = async (tag: string, platform: string, options: { cmd?: string[] } = {}) => {
    const reference = `${env.registryHost}/${REPOSITORY}:${tag}`;
    buildPlatformImage(stack.cli, reference, platform, options);
    stack.cli.run(['push', '--quiet', reference]);
    await untilListed(stack.ecr, REPOSITORY, tag);
  };

  before(async () => {
    stack = await imagesStack(env);
    await createRepository(stack.ecr, REPOSITORY);
    await createRepository(stack.ecr, STAGING);
    const images = await pushMultiArch(stack.cli, stack.registry(), env.registryHost, REPOSITORY, STAGING);
    await untilListed(stack.ecr, REPOSITORY, '1.0', images.index);
    await pushSingle('arm-only', 'linux/arm64');
    await pushSingle('with-cmd', 'linux/amd64', { cmd: ['python', 'serve.py'] });
  });

  after(() => stack?.cli.cleanup());

  it('passes every check for the multi-arch Aqueduct image on linux/amd64 and on linux/arm64', async () => {
    const { report, status } = await statuses('1.0');
    assert.equal(report.ok, true, JSON.stringify(report.checks));
    assert.deepEqual(status, { exists: 'pass', manifest: 'pass', platform: 'pass', entrypoint: 'pass', 'base-version': 'pass' });
    assert.equal((await statuses('1.0', { targetPlatform: 'linux/arm64', serverVersion: '0.3.6' })).report.ok, true);
  });

  it('fails "exists" for a tag ECR does not have', async () => {
    const { report, status } = await statuses('no-such-tag');
    assert.equal(status.exists, 'fail');
    assert.match(report.checks[0].fix!, /Push the image/);
  });

  it('fails "manifest readable" when the registry refuses the credentials', async () => {
    const refused = new RegistryClient({ host: env.registryHost, credentials: async () => ({ username: 'AWS', password: 'not-the-token' }) });
    const { report, status } = await statuses('1.0', { serverVersion: '0.3.6' }, refused);
    assert.equal(status.exists, 'pass');
    assert.equal(status.manifest, 'fail');
    const manifest = report.checks.find((check) => check.name === 'manifest')!;
    assert.match(manifest.detail, /did not accept the ECR token/);
    assert.ok(!JSON.stringify(report).includes('not-the-token'));
  });

  it('fails the platform check for an arm64-only image on linux/amd64', async () => {
    const { report, status } = await statuses('arm-only');
    assert.equal(status.platform, 'fail');
    assert.match(report.checks.find((check) => check.name === 'platform')!.detail, /linux\/arm64 only.*exec format error/);
  });

  it('fails when the image sets its own CMD', async () => {
    const { report, status } = await statuses('with-cmd');
    assert.equal(status.entrypoint, 'fail');
    assert.match(report.checks.find((check) => check.name === 'entrypoint')!.detail, /CMD \["python",? ?"serve\.py"\]/);
  });

  it('fails when the Aqueduct base tag is not the server version', async () => {
    const { report, status } = await statuses('1.0', { serverVersion: '0.3.5' });
    assert.equal(status['base-version'], 'fail');
    assert.match(report.checks.find((check) => check.name === 'base-version')!.fix!, /aqueducthq\/function310:0\.3\.5/);
  });
});
