import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tagProblem } from '../../../src/core/ecr/names';

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
});
