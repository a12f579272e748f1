// Tag mutability: the four modes, wildcard exclusion filters, and validation as ECR validates
// (ImageTagMutabilityExclusionFilter: filterType WILDCARD, filter ^[0-9a-zA-Z._*-]{1,128}$;
// PutImageTagMutability: 1 to 5 filters, only with a *_WITH_EXCLUSION mode).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeTagMutability,
  exclusionFilterProblem,
  tagIsImmutable,
  tagMutabilityFrom,
  tagMutabilityIcon,
  tagMutabilityProblems,
  tagMutabilityRequest,
  wildcardMatches,
  type TagMutabilitySettings,
} from '../../../src/core/ecr/tagMutability';
import { isImmutable } from '../../../src/core/ecr/repositorySettings';

const wildcard = (...filters: string[]) => filters.map((filter) => ({ filterType: 'WILDCARD' as const, filter }));
const settings = (mode: TagMutabilitySettings['mode'], ...filters: string[]): TagMutabilitySettings => ({ mode, exclusionFilters: wildcard(...filters) });

describe('tagIsImmutable over the four modes', () => {
  it('MUTABLE and IMMUTABLE decide every tag alike, with no filter', () => {
    assert.deepEqual(tagIsImmutable(settings('MUTABLE'), 'v1'), { immutable: false, mode: 'MUTABLE', reason: "the repository's tags are mutable (MUTABLE)" });
    assert.deepEqual(tagIsImmutable(settings('IMMUTABLE'), 'latest'), { immutable: true, mode: 'IMMUTABLE', reason: "the repository's tags are immutable (IMMUTABLE)" });
  });

  it('IMMUTABLE_WITH_EXCLUSION: a matching filter makes the tag mutable and is named', () => {
    const repo = settings('IMMUTABLE_WITH_EXCLUSION', 'latest', 'dev-*');
    const latest = tagIsImmutable(repo, 'latest');
    assert.equal(latest.immutable, false);
    assert.equal(latest.filter, 'latest');
    const dev = tagIsImmutable(repo, 'dev-42');
    assert.equal(dev.immutable, false);
    assert.equal(dev.filter, 'dev-*');
    assert.equal(dev.reason, '"dev-42" matches the exclusion filter "dev-*", so it is mutable (IMMUTABLE_WITH_EXCLUSION)');
    const release = tagIsImmutable(repo, 'v1.2.0');
    assert.equal(release.immutable, true);
    assert.equal(release.filter, undefined);
    assert.equal(release.reason, '"v1.2.0" matches none of the exclusion filters "latest", "dev-*", so it is immutable (IMMUTABLE_WITH_EXCLUSION)');
  });

  it('MUTABLE_WITH_EXCLUSION: a matching filter makes the tag immutable', () => {
    const repo = settings('MUTABLE_WITH_EXCLUSION', 'release-*', '*-stable');
    assert.equal(tagIsImmutable(repo, 'release-2').immutable, true);
    assert.equal(tagIsImmutable(repo, '3.11-stable').filter, '*-stable');
    assert.equal(tagIsImmutable(repo, 'latest').immutable, false);
  });

  it('the first matching filter is the one named', () => {
    assert.equal(tagIsImmutable(settings('IMMUTABLE_WITH_EXCLUSION', 'v*', 'v1*'), 'v1').filter, 'v*');
  });

  it('isImmutable (the mode base) still answers for every mode', () => {
    assert.deepEqual(['MUTABLE', 'IMMUTABLE', 'MUTABLE_WITH_EXCLUSION', 'IMMUTABLE_WITH_EXCLUSION'].map(isImmutable), [false, true, false, true]);
  });
});

describe('wildcard filters', () => {
  const cases: Array<[string, string, boolean]> = [
    ['latest', 'latest', true],
    ['latest', 'latest-1', false],
    ['latest', 'not-latest', false],
    ['dev-*', 'dev-', true],
    ['dev-*', 'dev-feature.1', true],
    ['dev-*', 'dev', false],
    ['*', 'anything', true],
    ['*-rc*', '1.0-rc2', true],
    ['v1.*', 'v1.0', true],
    ['v1.*', 'v1x0', false],
    ['a.b', 'aXb', false],
    ['Prod', 'prod', false],
  ];
  for (const [filter, tag, expected] of cases) {
    it(`"${filter}" ${expected ? 'matches' : 'does not match'} "${tag}"`, () => assert.equal(wildcardMatches(filter, tag), expected));
  }
});

describe('validation as ECR validates', () => {
  it('accepts letters, digits, ".", "_", "-" and "*", 1 to 128 characters', () => {
    for (const filter of ['latest', 'dev-*', '*', 'v1.2_rc-*', 'a'.repeat(128)]) assert.equal(exclusionFilterProblem(filter), undefined, filter);
  });

  it('refuses other characters, naming them', () => {
    assert.equal(exclusionFilterProblem('feat/x'), 'The exclusion filter "feat/x" contains "/": ECR allows only letters, digits, ".", "_", "-" and the wildcard "*".');
    assert.match(exclusionFilterProblem('v 1?')!, /contains a space, "\?"/);
    assert.match(exclusionFilterProblem('dév')!, /contains "é"/);
  });

  it('refuses empty and over-long filters', () => {
    assert.equal(exclusionFilterProblem(''), 'An exclusion filter cannot be empty.');
    assert.match(exclusionFilterProblem('a'.repeat(129))!, /is 129 characters long; ECR allows at most 128/);
  });

  it('the *_WITH_EXCLUSION modes need 1 to 5 filters; the plain modes take none', () => {
    assert.deepEqual(tagMutabilityProblems(settings('IMMUTABLE_WITH_EXCLUSION')), ['IMMUTABLE_WITH_EXCLUSION needs at least one exclusion filter.']);
    assert.deepEqual(tagMutabilityProblems(settings('MUTABLE_WITH_EXCLUSION', 'a', 'b', 'c', 'd', 'e')), []);
    assert.deepEqual(tagMutabilityProblems(settings('MUTABLE_WITH_EXCLUSION', 'a', 'b', 'c', 'd', 'e', 'f')), ['ECR allows at most 5 exclusion filters; there are 6.']);
    assert.deepEqual(tagMutabilityProblems(settings('IMMUTABLE', 'latest')), ['IMMUTABLE takes no exclusion filters; choose IMMUTABLE_WITH_EXCLUSION to keep them.']);
    assert.deepEqual(tagMutabilityProblems({ mode: 'SOMETIMES' }), ['"SOMETIMES" is not a tag mutability mode; use MUTABLE, IMMUTABLE, MUTABLE_WITH_EXCLUSION, IMMUTABLE_WITH_EXCLUSION.']);
    assert.deepEqual(tagMutabilityProblems({ mode: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: [{ filterType: 'REGEX', filter: 'x' }] }), [
      'Exclusion filter type "REGEX" is not supported; ECR knows only WILDCARD.',
    ]);
  });

  it('builds the request fields, or throws every problem without a call', () => {
    assert.deepEqual(tagMutabilityRequest(settings('IMMUTABLE')), { imageTagMutability: 'IMMUTABLE' });
    assert.deepEqual(tagMutabilityRequest(settings('IMMUTABLE_WITH_EXCLUSION', 'latest')), {
      imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }],
    });
    assert.throws(() => tagMutabilityRequest(settings('IMMUTABLE_WITH_EXCLUSION', 'feat/x')), { name: 'InvalidTagMutabilityError', message: /"\/"/ });
  });
});

describe('reading and describing settings', () => {
  it('reads the SDK shapes; an unknown mode reads as MUTABLE', () => {
    assert.deepEqual(tagMutabilityFrom('MUTABLE_WITH_EXCLUSION', [{ filterType: 'WILDCARD', filter: 'prod-*' }]), settings('MUTABLE_WITH_EXCLUSION', 'prod-*'));
    assert.deepEqual(tagMutabilityFrom(undefined, undefined), settings('MUTABLE'));
  });

  it('says it in one tooltip line', () => {
    assert.equal(describeTagMutability(settings('IMMUTABLE_WITH_EXCLUSION', 'latest', 'dev-*')), 'Tags: immutable, except latest, dev-*');
    assert.equal(describeTagMutability(settings('MUTABLE_WITH_EXCLUSION', 'release-*')), 'Tags: mutable, except release-* (immutable)');
    assert.equal(describeTagMutability(settings('IMMUTABLE')), 'Tags: immutable');
  });

  it('gives each mode its own row icon (lock, small lock, open lock, plain repository)', () => {
    assert.deepEqual(
      ['IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION', 'MUTABLE', 'SOMETHING_NEW'].map(tagMutabilityIcon),
      ['lock', 'lock-small', 'unlock', 'repo', 'repo'],
    );
  });
});
