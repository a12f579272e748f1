// The credential-helper login's core: plan (shown as a masked diff), keep every other key, remove the
// registry's stored token, write atomically, never write or show a secret.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  applyCredentialHelperChange,
  describeCredentialHelperChange,
  dockerConfigPath,
  findCredentialHelper,
  planCredentialHelperChange,
  planFromDisk,
} from '../../../src/core/docker/credentialHelper';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const TOKEN = Buffer.from('AWS:eyJwYXlsb2FkIjoic2VjcmV0LXRva2VuIn0=').toString('base64');
const existing = {
  auths: { [HOST]: { auth: TOKEN }, 'ghcr.io': { auth: 'Z2hjcjp0b2tlbg==' } },
  credHelpers: { 'public.ecr.aws': 'ecr-login' },
  currentContext: 'rootless',
  psFormat: 'table {{.ID}}',
};
const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));

describe('planning the docker config change', () => {
  it('sets credHelpers for the registry, removes its stored token, keeps everything else', () => {
    const change = planCredentialHelperChange(JSON.stringify(existing), HOST, '/home/u/.docker/config.json');
    const next = JSON.parse(change.text);
    assert.deepEqual(next, {
      auths: { 'ghcr.io': { auth: 'Z2hjcjp0b2tlbg==' } },
      credHelpers: { 'public.ecr.aws': 'ecr-login', [HOST]: 'ecr-login' },
      currentContext: 'rootless',
      psFormat: 'table {{.ID}}',
    });
    assert.equal(change.removesStoredSecret, true);
    assert.equal(change.unchanged, false);
    assert.ok(change.text.includes('\n\t"credHelpers"'), "docker's own layout: tab-indented");
  });

  it('the diff views never show a token, the text written never adds one', () => {
    const change = planCredentialHelperChange(JSON.stringify(existing), HOST, '/c.json');
    for (const view of [change.before, change.after, describeCredentialHelperChange(change)]) {
      assert.ok(!view.includes(TOKEN) && !view.includes('Z2hjcjp0b2tlbg=='), view);
    }
    assert.match(change.before, /"auth": "<secret removed from view>"/);
    assert.ok(!change.text.includes(TOKEN), 'the registry token is gone from the new text');
    assert.equal(
      describeCredentialHelperChange(change),
      `Set credHelpers["${HOST}"] = "ecr-login" in /c.json: docker will get a fresh ECR token from docker-credential-ecr-login for every pull and push, using your AWS credentials. No token is stored. The plain-text token an earlier "docker login" stored for ${HOST} is removed. Other registries and settings in the file are kept as they are.`,
    );
  });

  it('a missing or empty file becomes a config with just the helper; an already-set helper is unchanged', () => {
    assert.deepEqual(JSON.parse(planCredentialHelperChange(undefined, HOST, '/c.json').text), { credHelpers: { [HOST]: 'ecr-login' } });
    assert.deepEqual(JSON.parse(planCredentialHelperChange('', `https://${HOST}/`, '/c.json').text), { credHelpers: { [HOST]: 'ecr-login' } });
    const done = planCredentialHelperChange(JSON.stringify({ credHelpers: { [HOST]: 'ecr-login' } }), HOST, '/c.json');
    assert.equal(done.unchanged, true);
    assert.match(describeCredentialHelperChange(done), /already uses the ECR credential helper/);
  });

  it('refuses a config it cannot read, changing nothing', () => {
    assert.throws(() => planCredentialHelperChange('{"auths": {', HOST, '/c.json'), /\/c.json is not valid JSON .*Nothing was changed\./);
    assert.throws(() => planCredentialHelperChange('[]', HOST, '/c.json'), /does not hold a JSON object/);
    assert.throws(() => planCredentialHelperChange('{"credHelpers": "ecr-login"}', HOST, '/c.json'), /"credHelpers" .* is not an object/);
    assert.throws(() => planCredentialHelperChange('{}', 'not a host/x', '/c.json'), /is not a registry host/);
  });
});

describe('writing it', () => {
  it('writes atomically, keeps the file mode, leaves no temporary file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(existing));
    chmodSync(file, 0o640);
    const { change, currentText } = await planFromDisk(HOST, { DOCKER_CONFIG: dir });
    await applyCredentialHelperChange(change, { expectedText: currentText });
    assert.equal(readFileSync(file, 'utf8'), change.text);
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(dir), ['config.json']);
  });

  it('a new config file is created 0600 in a new folder', async () => {
    const dir = path.join(tempDir(), 'nested', '.docker');
    const { change, currentText } = await planFromDisk(HOST, { DOCKER_CONFIG: dir });
    assert.equal(currentText, undefined);
    await applyCredentialHelperChange(change, { expectedText: currentText });
    assert.equal(statSync(path.join(dir, 'config.json')).mode & 0o777, 0o600);
  });

  it('refuses to write when the file changed after the change was shown', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'config.json');
    writeFileSync(file, '{}');
    const { change, currentText } = await planFromDisk(HOST, { DOCKER_CONFIG: dir });
    writeFileSync(file, '{"credsStore": "pass"}');
    await assert.rejects(applyCredentialHelperChange(change, { expectedText: currentText }), /changed since the change was shown; nothing was written/);
    assert.equal(readFileSync(file, 'utf8'), '{"credsStore": "pass"}');
  });
});

describe('finding the helper and the config', () => {
  it('finds docker-credential-ecr-login only when it is an executable on PATH', async () => {
    const bin = tempDir();
    const helper = path.join(bin, 'docker-credential-ecr-login');
    assert.equal(await findCredentialHelper({ PATH: bin }), undefined);
    writeFileSync(helper, '#!/bin/sh\n');
    chmodSync(helper, 0o644);
    assert.equal(await findCredentialHelper({ PATH: bin }), undefined, 'not executable');
    chmodSync(helper, 0o755);
    assert.equal(await findCredentialHelper({ PATH: ['/nonexistent', bin].join(path.delimiter) }), helper);
  });

  it('honours DOCKER_CONFIG', () => {
    assert.equal(dockerConfigPath({ DOCKER_CONFIG: '/x/.docker' }), '/x/.docker/config.json');
    assert.equal(dockerConfigPath({ HOME: os.homedir() }), path.join(os.homedir(), '.docker', 'config.json'));
  });
});
