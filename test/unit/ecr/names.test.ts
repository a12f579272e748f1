import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { repositoryNameProblem, tagProblem } from '../../../src/core/ecr/names';
import { formatAge, formatBytes } from '../../../src/core/ecr/format';

describe('repository names', () => {
  for (const name of ['ab', 'ml-team/operator', 'a.b_c__d--e/f', 'x'.repeat(256), 'a1/b2/c3']) {
    it(`accepts ${name.length > 20 ? `${name.length} characters` : name}`, () => assert.equal(repositoryNameProblem(name), undefined));
  }
  const bad: Array<[string, RegExp]> = [
    ['', /Enter a repository name/],
    ['a', /at least 2 characters/],
    ['x'.repeat(257), /at most 256 characters \(this one has 257\)/],
    ['My-Repo', /lower case: try "my-repo"/],
    ['my repo', /cannot contain spaces/],
    ['/op', /cannot start or end with "\/"/],
    ['team//op', /empty path part/],
    ['op!', /"!" is not allowed/],
    ['-op', /"-op" is not a valid path part/],
    ['team/op.', /"op\." is not a valid path part/],
    ['a___b', /"a___b" is not a valid path part/],
  ];
  for (const [name, message] of bad) {
    it(`rejects ${JSON.stringify(name.length > 20 ? `${name.length} chars` : name)} saying why`, () => assert.match(repositoryNameProblem(name) ?? '', message));
  }
});

describe('tags', () => {
  it('accepts Docker tags', () => {
    for (const tag of ['latest', 'v1.2.3', '_x', '0.3.6-gpu', 'A'.repeat(128)]) assert.equal(tagProblem(tag), undefined, tag);
  });
  it('rejects bad tags with a reason', () => {
    assert.match(tagProblem('-x') ?? '', /must start with a letter, digit or "_"/);
    assert.match(tagProblem('.x') ?? '', /must start/);
    assert.match(tagProblem('a/b') ?? '', /only letters, digits/);
    assert.match(tagProblem('A'.repeat(129)) ?? '', /at most 128/);
    assert.match(tagProblem('') ?? '', /Enter a tag/);
  });
});

describe('formatting', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  it('says how long ago', () => {
    assert.equal(formatAge(new Date('2026-11-21T11:00:00Z'), now), '3 days ago');
    assert.equal(formatAge(new Date('2026-11-24T11:00:00Z'), now), '1 hour ago');
    assert.equal(formatAge(new Date('2026-11-24T11:59:30Z'), now), 'just now');
    assert.equal(formatAge(new Date('2015-01-01T00:00:00Z'), now), '11 years ago');
  });
  it('prints sizes in decimal units like docker', () => {
    assert.equal(formatBytes(143_000_000), '143 MB');
    assert.equal(formatBytes(1_500), '1.5 kB');
    assert.equal(formatBytes(999), '999 B');
    assert.equal(formatBytes(2_000_000_000), '2 GB');
  });
});
