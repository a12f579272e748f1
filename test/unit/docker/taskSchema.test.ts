import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tagProblem } from '../../../src/core/ecr/names';
import { checkBuildTask, TASK_PROPERTIES } from '../../../src/core/docker/buildOptions';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const taskType = manifest.contributes.taskDefinitions.find((definition: { type: string }) => definition.type === 'ecr-build');

describe('the ecr-build task schema (what tasks.json is checked against while it is typed)', () => {
  it('flags exactly the tags the build refuses', () => {
    const pattern = new RegExp(taskType.properties.tags.items.pattern);
    for (const tag of ['latest', '0.3.6', 'dev_1', '_x', 'a'.repeat(128), 'bad tag!', '.hidden', '-dash', 'a'.repeat(129), '', 'tag:1', 'ümlaut']) {
      assert.equal(pattern.test(tag), tagProblem(tag) === undefined, `"${tag}"`);
    }
    assert.match(taskType.properties.tags.items.patternErrorMessage, /1-128 letters, digits/);
  });

  it('offers the lint gate with warn as its default', () => {
    assert.deepEqual(taskType.properties.lintErrors.enum, ['warn', 'refuse', 'ignore']);
    assert.equal(taskType.properties.lintErrors.default, 'warn');
  });

  it('has one property per property of BuildTask, which the task checks (one type from tasks.json to the engine)', () => {
    assert.deepEqual(Object.keys(taskType.properties).sort(), [...TASK_PROPERTIES].sort());
    assert.deepEqual(taskType.required, ['repository']);
  });

  it('describes a secret as the check does: an id, and a file or an environment variable', () => {
    const secret = taskType.properties.secrets.items;
    assert.deepEqual(secret.required, ['id']);
    assert.deepEqual(secret.oneOf, [{ required: ['src'] }, { required: ['env'] }]);
    const id = new RegExp(secret.properties.id.pattern);
    for (const candidate of ['npmrc', 'pip.conf', 'a_b-c', '', 'has space', 'a/b', 'x'.repeat(129)]) {
      const accepted = checkBuildTask({ repository: 'app', builder: 'buildkit', secrets: [{ id: candidate, env: 'X' }] }).problems.length === 0;
      assert.equal(id.test(candidate), accepted, `"${candidate}"`);
    }
  });
});
