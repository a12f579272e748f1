import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { platformsProblem } from '../../../src/vscode/tasks/platformsBuild';

describe('ecr-build task "platforms"', () => {
  it('accepts a list of platforms, or none (a single "platform" keeps working)', () => {
    assert.equal(platformsProblem({ platforms: ['linux/amd64', 'linux/arm64'] }), undefined);
    assert.equal(platformsProblem({ platform: 'linux/arm64' }), undefined);
    assert.equal(platformsProblem({}), undefined);
  });

  it('says what is wrong with an empty or malformed list, or with both properties set', () => {
    assert.match(platformsProblem({ platforms: [] }) ?? '', /must list platforms as strings, e\.g\. \["linux\/amd64", "linux\/arm64"\]/);
    assert.match(platformsProblem({ platforms: 'linux/amd64' }) ?? '', /must list platforms/);
    assert.match(platformsProblem({ platforms: ['linux/amd64', 3] }) ?? '', /must list platforms/);
    assert.match(platformsProblem({ platform: 'linux/amd64', platforms: ['linux/arm64'] }) ?? '', /sets both "platform" and "platforms": keep one/);
  });
});
