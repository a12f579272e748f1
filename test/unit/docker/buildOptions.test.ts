import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkBuildTask, readBuildSecrets } from '../../../src/core/docker/buildOptions';

/** The messages checkBuildTask gives for a definition, by property. */
function problems(definition: object): Record<string, string> {
  return Object.fromEntries(checkBuildTask({ type: 'ecr-build', repository: 'app', ...definition }).problems.map((problem) => [problem.property, problem.message]));
}

describe('the ecr-build task definition, checked once into BuildTask', () => {
  it('keeps the properties it knows and drops VS Code\'s own (type, label, problemMatcher)', () => {
    const checked = checkBuildTask({ type: 'ecr-build', label: 'x', problemMatcher: [], repository: 'app', tags: ['v1'], buildArgs: { A: '1' }, builder: 'buildkit', secrets: [{ id: 'npmrc', src: 'a' }] });
    assert.deepEqual(checked.task, { repository: 'app', tags: ['v1'], buildArgs: { A: '1' }, builder: 'buildkit', secrets: [{ id: 'npmrc', src: 'a' }] });
  });

  it('names the property a tasks.json mistake is in, for every wrong type', () => {
    const found = problems({ dockerfile: 3, tags: 'latest', buildArgs: { A: 1 }, pull: 'yes', builder: 'kaniko', lintErrors: 'loud', createRepository: 'no', network: false, noCache: 1, registry: [] });
    assert.deepEqual(Object.keys(found).sort(), ['buildArgs', 'builder', 'createRepository', 'dockerfile', 'lintErrors', 'network', 'noCache', 'pull', 'registry', 'tags']);
    assert.equal(found.dockerfile, 'The task\'s "dockerfile" must be a string, not 3.');
    assert.equal(found.builder, 'The task\'s "builder" is "kaniko": use "classic" or "buildkit".');
    assert.match(found.tags, /"tags" must be a list of strings/);
    assert.match(problems({ repository: '' }).repository, /"repository" must name the ECR repository/);
    assert.match(checkBuildTask({ type: 'ecr-build' }).problems[0].message, /"repository" must name/);
  });

  it('says which tags are invalid, as the build would refuse them', () => {
    assert.match(problems({ tags: ['ok', 'bad tag!'] }).tags, /^Invalid tag\(s\) "bad tag!" in the task: a tag is 1-128 letters/);
  });

  it('accepts a list of platforms, or none (a single "platform" keeps working)', () => {
    assert.deepEqual(problems({ platforms: ['linux/amd64', 'linux/arm64'] }), {});
    assert.deepEqual(problems({ platform: 'linux/arm64' }), {});
  });

  it('says what is wrong with an empty or malformed list of platforms, or with both properties set', () => {
    assert.match(problems({ platforms: [] }).platforms, /must list platforms as strings, e\.g\. \["linux\/amd64", "linux\/arm64"\]/);
    assert.match(problems({ platforms: 'linux/amd64' }).platforms, /must list platforms/);
    assert.match(problems({ platforms: ['linux/amd64', 3] }).platforms, /must list platforms/);
    assert.match(problems({ platform: 'linux/amd64', platforms: ['linux/arm64'] }).platforms, /sets both "platform" and "platforms": keep one/);
  });

  it('checks each secret: an id, exactly one of src and env, no id twice, and BuildKit', () => {
    const buildkit = { builder: 'buildkit' };
    assert.deepEqual(problems({ ...buildkit, secrets: [{ id: 'a', src: 'f' }, { id: 'b', env: 'TOKEN' }] }), {});
    assert.match(problems({ ...buildkit, secrets: { id: 'a' } }).secrets, /must be a list of \{ "id", "src" \} or \{ "id", "env" \}/);
    assert.match(problems({ ...buildkit, secrets: [{ src: 'f' }] }).secrets, /entry 1 needs an "id"/);
    assert.match(problems({ ...buildkit, secrets: [{ id: 'a', src: 'f', env: 'X' }] }).secrets, /entry 1 \("a"\) needs exactly one of "src" \(a file\) or "env"/);
    assert.match(problems({ ...buildkit, secrets: [{ id: 'a' }] }).secrets, /needs exactly one of/);
    assert.match(problems({ ...buildkit, secrets: [{ id: 'a', env: 'X' }, { id: 'a', env: 'Y' }] }).secrets, /names the secret "a" twice/);
    assert.match(problems({ secrets: [{ id: 'a', env: 'X' }] }).secrets, /"secrets" need BuildKit: add "builder": "buildkit"/);
  });
});

describe('build secrets, read when the build starts', () => {
  it('reads files and environment variables, and names the secret (never a value) when one is missing', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
    const file = path.join(folder, 'npmrc');
    writeFileSync(file, 'token-from-file');
    const read = await readBuildSecrets([{ id: 'npmrc', src: file }, { id: 'pip', env: 'PIP_TOKEN' }], { PIP_TOKEN: 'token-from-env' });
    assert.deepEqual(read.map((secret) => [secret.id, secret.value.toString()]), [['npmrc', 'token-from-file'], ['pip', 'token-from-env']]);
    await assert.rejects(readBuildSecrets([{ id: 'pip', env: 'PIP_TOKEN' }], {}), /The build secret "pip" reads the environment variable PIP_TOKEN, which is not set/);
    await assert.rejects(readBuildSecrets([{ id: 'npmrc', src: path.join(folder, 'gone') }]), /The build secret "npmrc" reads .*gone, which does not exist/);
  });
});
