import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { repositoryNameProblem, suggestRepositoryName, tagProblem } from '../../../src/core/ecr/names';
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

describe('repository name suggestions', () => {
  // ECR's own pattern (CreateRepository's repositoryName), stricter than Docker's "__" and "--".
  const ECR = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
  const suggested = (name: string) => /try "([^"]*)"/i.exec(repositoryNameProblem(name) ?? '')?.[1];

  it('spells accented letters in ASCII instead of suggesting them lower-cased', () => {
    assert.match(repositoryNameProblem('ÄB') ?? '', /lower case: try "ab"\./);
    assert.equal(suggested('Café/Crème'), 'cafe/creme');
    assert.equal(suggested('straße'), 'strasse');
    assert.equal(suggested('Ørsted-ÆØÅ'), 'orsted-aeoa');
    assert.equal(suggested('İstanbul'), 'istanbul');
  });
  it('suggests for spaces and disallowed characters too', () => {
    assert.match(repositoryNameProblem('my repo') ?? '', /cannot contain spaces: try "my-repo"\./);
    assert.match(repositoryNameProblem('äb') ?? '', /"ä" is not allowed in a repository name: use lower-case letters.* Try "ab"\./);
    assert.equal(suggested('team@app'), 'team-app');
    assert.equal(suggested('Team - App!!'), 'team-app');
    assert.equal(suggested('ML__Team//Op'), 'ml_team/op');
    assert.equal(suggested("Bob's App"), 'bobs-app');
    assert.match(repositoryNameProblem('a😀b') ?? '', /^"😀" is not allowed/);
  });
  it('is the one suggester, so task repository names from folder names are valid (issue 11)', () => {
    // The ecr-build task's own copy made the invalid "my.-app" of "my. app" and dropped the "Ä" of "Äpfel".
    assert.equal(suggestRepositoryName('my. app'), 'my-app');
    assert.equal(suggestRepositoryName('My.App'), 'my.app');
    assert.equal(suggestRepositoryName('Äpfel'), 'apfel');
    assert.equal(suggestRepositoryName('my.app'), undefined, 'a valid name needs no suggestion');
  });
  it('offers no suggestion when none would be valid', () => {
    for (const name of ['日本語', 'Ä!', 'B日', 'team/日本', '!!', 'Ω/ab']) {
      assert.equal(suggestRepositoryName(name), undefined, name);
      assert.doesNotMatch(repositoryNameProblem(name) ?? '', /try "/i, name);
    }
    assert.match(repositoryNameProblem('B日') ?? '', /lower case: use lower-case letters, digits/);
    // NFKD can lengthen a name past 256 characters: no suggestion then either.
    assert.equal(suggestRepositoryName(`a${'㍿'.repeat(100)}`), undefined);
  });
  it('only ever suggests names that are valid, for ECR and for this module', () => {
    const awkward = [
      'ÄB', 'Äb', 'ÀÉÎÕÜ', 'Ça/Va', 'ß', 'SS', 'ẞig', 'Æther', 'œuvre', 'Łódź', 'Đorđe', 'Þór', 'ıI', 'İi',
      'ＦＵＬＬ／ｗｉｄｔｈ', 'ﬁle', 'Ⅻ', '①②', 'x²', 'Ω-mega', 'Привет', 'こんにちは/App', '😀app', 'app😀', 'a😀b',
      'A', 'A.', '.A', '-A-', 'A__B', 'A___B', 'A--B', 'A.-B', 'A/-/B', '/A/', 'A//B', 'A/ /B', ' A ', 'a\tb', 'A\nB',
      'A:B', 'A@sha256:00', 'a+b', "Bob's App", 'a\u0301b', '\u0301\u0301', 'e\u0301E', 'Zürich Ost/Büro 1',
      'A'.repeat(256), `${'Ä'.repeat(255)}!`, `${'ﬃ'.repeat(100)}`, 'Ab'.repeat(128), 'a/'.repeat(100) + 'B',
    ];
    let offered = 0;
    for (const name of awkward) {
      const suggestion = suggestRepositoryName(name);
      const inMessage = suggested(name);
      // The message carries the same suggestion once the length checks have passed.
      if (name.length >= 2 && name.length <= 256 && /[^a-z0-9._\-/]/.test(name)) assert.equal(inMessage, suggestion, name);
      for (const candidate of [suggestion, inMessage]) {
        if (candidate === undefined) continue;
        offered++;
        assert.equal(repositoryNameProblem(candidate), undefined, `${JSON.stringify(name)} → ${JSON.stringify(candidate)}`);
        assert.match(candidate, ECR, `${JSON.stringify(name)} → ${JSON.stringify(candidate)}`);
        assert.ok(candidate.length >= 2 && candidate.length <= 256, candidate);
      }
    }
    assert.ok(offered > awkward.length, `suggestions were offered for most inputs (${offered})`);
  });
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
