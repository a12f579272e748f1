// "Log In Docker CLI…" with the credential helper, against Debian's amazon-ecr-credential-helper
// (installed by the test stack's ensureCommands, like the docker engine and the registry): the real
// docker-credential-ecr-login is found on PATH, and after choosing it docker's config holds
// credHelpers for the registry and no auths entry with a secret, every other key kept.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyCredentialHelperChange, findCredentialHelper, planFromDisk } from '../../../src/core/docker/credentialHelper';
// @ts-expect-error: plain JavaScript module of the test stack, without type declarations
import { ensureCommands } from '../../stack/stack.mjs';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const OLD_TOKEN = Buffer.from('AWS:plain-text-token-from-an-earlier-docker-login').toString('base64');

describe('the ECR credential helper, installed from Debian', () => {
  let unavailable: string | undefined;

  before(() => {
    try {
      (ensureCommands as (commands: string[]) => void)(['docker-credential-ecr-login']);
    } catch (error) {
      // CI must install it; a developer's machine without root skips with the reason.
      if (process.env.CI === 'true') throw error;
      unavailable = (error as Error).message;
    }
  });

  it('is found on PATH and runs', async (t) => {
    if (unavailable) return t.skip(unavailable);
    const helper = await findCredentialHelper(process.env);
    assert.ok(helper, 'docker-credential-ecr-login on PATH');
    const version = spawnSync(helper, ['version'], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /\d+\.\d+\.\d+/);
  });

  it('after choosing it, docker config has credHelpers for the registry and no auths secret; other keys kept', async (t) => {
    if (unavailable) return t.skip(unavailable);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ auths: { [HOST]: { auth: OLD_TOKEN }, 'ghcr.io': { auth: 'Z2g6eA==' } }, currentContext: 'default' }, null, '\t'));
    const env = { ...process.env, DOCKER_CONFIG: dir };

    const { change, currentText } = await planFromDisk(HOST, env);
    assert.ok(!change.before.includes(OLD_TOKEN) && !change.after.includes(OLD_TOKEN), 'the diff shown never holds the token');
    await applyCredentialHelperChange(change, { expectedText: currentText });

    const written = readFileSync(file, 'utf8');
    const config = JSON.parse(written);
    assert.equal(config.credHelpers[HOST], 'ecr-login');
    assert.equal(config.auths[HOST], undefined);
    assert.ok(!written.includes(OLD_TOKEN), 'no ECR secret left in the file');
    assert.deepEqual(config.auths['ghcr.io'], { auth: 'Z2g6eA==' }, 'another registry is untouched');
    assert.equal(config.currentContext, 'default');

    // The docker CLI reads the file we wrote (a broken config would fail here).
    const docker = spawnSync('docker', ['--config', dir, 'context', 'ls', '--format', '{{.Name}}'], { encoding: 'utf8', timeout: 20_000 });
    if (docker.error) return; // no docker CLI on this machine: the file check above stands
    assert.equal(docker.status, 0, docker.stderr);
  });
});
