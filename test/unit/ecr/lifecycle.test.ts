// Lifecycle evaluator: cases from AWS's "Examples of lifecycle policies in Amazon ECR" and the
// documented evaluation rules (expired by at most one rule; an image matching the tagging
// requirements of a higher-priority rule cannot be expired by a lower one; lower rules still count
// images higher rules marked; oldest expire first).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildLifecyclePolicy,
  describeRule,
  evaluateLifecyclePolicy,
  lifecyclePolicyProblems,
  parseLifecyclePolicy,
  tagPatternMatches,
  type LifecyclePolicy,
  type LifecycleRule,
} from '../../../src/core/ecr/lifecycle';
import type { ImageSummary } from '../../../src/core/ecr/listing';

const NOW = new Date('2026-11-24T12:00:00Z');
const image = (name: string, tags: string[], daysAgo: number): ImageSummary => ({
  repository: 'repo',
  registryId: '123456789012',
  digest: `sha256:${name}`,
  tags,
  pushedAt: new Date(NOW.getTime() - daysAgo * 24 * 3600_000),
});
const rule = (rulePriority: number, selection: LifecycleRule['selection']): LifecycleRule => ({ rulePriority, selection, action: { type: 'expire' } });
const policy = (...rules: LifecycleRule[]): LifecyclePolicy => ({ rules });

interface Case {
  name: string;
  policy: LifecyclePolicy;
  images: ImageSummary[];
  /** Expired image names, oldest first, each with the priority of the rule that expires it. */
  expired: Array<[string, number]>;
}

const exampleA = [image('A', ['beta-1', 'prod-1'], 10), image('B', ['beta-2', 'prod-2'], 9), image('C', ['beta-3'], 8)];
const exampleB = [image('A', ['beta-1', 'prod-1'], 10), image('B', ['beta-2', 'prod-2'], 9), image('C', ['beta-3', 'prod-3'], 8)];
const prodThenBeta = (list: 'tagPrefixList' | 'tagPatternList') =>
  policy(
    rule(1, { tagStatus: 'tagged', [list]: [list === 'tagPrefixList' ? 'prod' : 'prod*'], countType: 'imageCountMoreThan', countNumber: 1 }),
    rule(2, { tagStatus: 'tagged', [list]: [list === 'tagPrefixList' ? 'beta' : 'beta*'], countType: 'imageCountMoreThan', countNumber: 1 }),
  );
const alphaBeta = [
  image('A', ['alpha-1'], 12),
  image('B', ['beta-1'], 11),
  image('C', ['alpha-2', 'beta-2'], 10),
  image('D', ['alpha-3'], 4),
  image('E', ['beta-3'], 3),
  image('F', ['alpha-4', 'beta-4'], 2),
];

const cases: Case[] = [
  {
    name: 'age: tagged prod* older than 14 days expire (AWS "Filtering on image age")',
    policy: policy(rule(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 })),
    images: [image('old-prod', ['prod-1'], 20), image('new-prod', ['prod-2'], 3), image('old-dev', ['dev-1'], 30), image('old-untagged', [], 40)],
    expired: [['old-prod', 1]],
  },
  {
    name: 'age: untagged older than 14 days expire, tagged ones stay',
    policy: policy(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 })),
    images: [image('u40', [], 40), image('u15', [], 15), image('u13', [], 13), image('t99', ['v1'], 99)],
    expired: [['u40', 1], ['u15', 1]],
  },
  {
    name: 'count: keep only one untagged image, expire all others (AWS "Filtering on image count")',
    policy: policy(rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })),
    images: [image('u1', [], 5), image('u2', [], 3), image('u3', [], 1), image('t', ['latest'], 9)],
    expired: [['u1', 1], ['u2', 1]],
  },
  {
    name: 'count: keep the last 2 of any image',
    policy: policy(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 })),
    images: [image('a', ['v1'], 4), image('b', [], 3), image('c', ['v3'], 2), image('d', ['v4'], 1)],
    expired: [['a', 1], ['b', 1]],
  },
  {
    name: 'multiple rules, Example A (prefixes): A expired by rule 1; B matches rule 1 so rule 2 cannot expire it',
    policy: prodThenBeta('tagPrefixList'),
    images: exampleA,
    expired: [['A', 1]],
  },
  {
    name: 'multiple rules, Example A (patterns prod*, beta*): same outcome',
    policy: prodThenBeta('tagPatternList'),
    images: exampleA,
    expired: [['A', 1]],
  },
  {
    name: 'multiple rules, Example B: A and B expired, each by rule 1 only (images matching several rules)',
    policy: prodThenBeta('tagPrefixList'),
    images: exampleB,
    expired: [['A', 1], ['B', 1]],
  },
  {
    name: 'several tags in one rule, count (AWS "multiple tags in a single rule", Example A): only images with both alpha and beta count',
    policy: policy(rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'imageCountMoreThan', countNumber: 1 })),
    images: alphaBeta,
    expired: [['C', 1]],
  },
  {
    name: 'several tags in one rule, age (Example B): alpha+beta images older than 5 days',
    policy: policy(rule(1, { tagStatus: 'tagged', tagPrefixList: ['alpha', 'beta'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 5 })),
    images: alphaBeta,
    expired: [['C', 1]],
  },
  {
    name: 'rule priority (AWS "Filtering on all images"): untagged rule 1 protects the kept untagged image from the "any" rule 2',
    policy: policy(
      rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(2, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }),
    ),
    images: [image('A', [], 4), image('B', [], 3), image('C', ['alpha'], 2), image('D', ['beta'], 1)],
    expired: [['A', 1], ['C', 2]],
  },
  {
    name: 'rule priority: evaluated by rulePriority, not by position in the list',
    policy: policy(
      rule(20, { tagStatus: 'tagged', tagPrefixList: ['16_'], countType: 'imageCountMoreThan', countNumber: 1 }),
      rule(10, { tagStatus: 'tagged', tagPrefixList: ['16.'], countType: 'imageCountMoreThan', countNumber: 9999 }),
    ),
    images: [image('stable', ['16.1', '16_1'], 9), image('unstable-old', ['16_0'], 8), image('unstable-new', ['16_2'], 1)],
    // "stable" is among the 2 oldest 16_ images but rule 10 (keep all 16.) matches it first.
    expired: [['unstable-old', 20]],
  },
  {
    name: 'lower rules still count images a higher rule expired: keep-last-2 of any leaves one survivor after rule 1',
    policy: policy(
      rule(1, { tagStatus: 'tagged', tagPrefixList: ['tmp'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 }),
      rule(2, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 2 }),
    ),
    images: [image('tmp-new', ['tmp-2'], 0.5), image('tmp-old', ['tmp-1'], 3), image('rel-3', ['v3'], 2.5), image('rel-2', ['v2'], 4)],
    // Rule 2 keeps the newest two of all four (tmp-new, rel-3); tmp-old is rule 1's; rel-2 goes by rule 2.
    expired: [['rel-2', 2], ['tmp-old', 1]],
  },
  {
    name: 'an image with several tags is expired once, by the first rule that claims it',
    policy: policy(
      rule(1, { tagStatus: 'tagged', tagPatternList: ['*-rc*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }),
      rule(2, { tagStatus: 'tagged', tagPatternList: ['v*'], countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 }),
    ),
    images: [image('both', ['v1-rc1', 'v1'], 30), image('v-only', ['v0'], 30), image('fresh', ['v2-rc1'], 1)],
    expired: [['both', 1], ['v-only', 2]],
  },
];

describe('lifecycle evaluator', () => {
  for (const { name, policy: given, images, expired } of cases) {
    it(name, () => {
      assert.deepEqual(lifecyclePolicyProblems(given), [], 'the case policy itself is valid');
      const result = evaluateLifecyclePolicy(given, images, NOW);
      assert.deepEqual(
        result.expired.map((entry) => [entry.image.digest.slice('sha256:'.length), entry.rulePriority]),
        expired,
      );
      assert.equal(result.kept.length + result.expired.length, images.length);
    });
  }

  it('describes rules in words', () => {
    assert.equal(describeRule(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 })), 'rule 1: expire untagged images older than 14 days');
    assert.equal(describeRule(rule(2, { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 5 })), 'rule 2: keep the last 5 images tagged prod…');
    assert.equal(describeRule(rule(3, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 })), 'rule 3: keep the last 1 image');
  });

  it('matches tag patterns with * wildcards against the whole tag', () => {
    assert.ok(tagPatternMatches('prod*', 'prod-1'));
    assert.ok(tagPatternMatches('*test*1', 'my-test-run1'));
    assert.ok(!tagPatternMatches('prod*', 'preprod'));
    assert.ok(!tagPatternMatches('v1.0', 'v1x0'), 'a dot is literal');
  });
});

describe('lifecycle policy checks', () => {
  const bad: Array<[string, unknown, RegExp]> = [
    ['no rules array', {}, /needs a "rules" array/],
    ['duplicate priority', policy(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }), rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })), /used twice/],
    ['"any" not last', policy(rule(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }), rule(2, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 })), /"any" rule \(priority 1\) must have the highest/],
    ['tagged without lists', policy(rule(1, { tagStatus: 'tagged', countType: 'imageCountMoreThan', countNumber: 1 })), /needs a tagPrefixList or tagPatternList/],
    ['age without days', policy(rule(1, { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 3 })), /needs countUnit "days"/],
    ['zero count', policy(rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 0 })), /countNumber must be a whole number/],
    ['five wildcards', policy(rule(1, { tagStatus: 'tagged', tagPatternList: ['*a*b*c*d*'], countType: 'imageCountMoreThan', countNumber: 1 })), /more than 4 wildcards/],
    ['two untagged rules', policy(rule(1, { tagStatus: 'untagged', countType: 'imageCountMoreThan', countNumber: 1 }), rule(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 })), /Only one rule may select untagged/],
  ];
  for (const [name, value, message] of bad) {
    it(`rejects ${name}`, () => assert.match(lifecyclePolicyProblems(value).join(' '), message));
  }

  it('parses policy text and says what is wrong with bad text', () => {
    assert.equal(parseLifecyclePolicy(JSON.stringify(prodThenBeta('tagPrefixList'))).rules.length, 2);
    assert.throws(() => parseLifecyclePolicy('{"rules": ['), /not valid JSON/);
    assert.throws(() => parseLifecyclePolicy('{"rules": []}'), /at least one rule/);
  });
});

describe('lifecycle policy builder', () => {
  it('builds "keep the last N" and "expire untagged older than N days" as AWS examples write them, the any rule last', () => {
    const built = buildLifecyclePolicy([
      { kind: 'keepLast', tagStatus: 'any', count: 30 },
      { kind: 'expireOlderThan', tagStatus: 'untagged', count: 14 },
      { kind: 'keepLast', tagStatus: 'tagged', count: 5, tagPrefixList: ['prod'] },
    ]);
    assert.deepEqual(built, {
      rules: [
        { rulePriority: 1, description: 'Expire untagged images older than 14 days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } },
        { rulePriority: 2, description: 'Keep the last 5 images tagged prod…', selection: { tagStatus: 'tagged', tagPrefixList: ['prod'], countType: 'imageCountMoreThan', countNumber: 5 }, action: { type: 'expire' } },
        { rulePriority: 3, description: 'Keep the last 30 images', selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 }, action: { type: 'expire' } },
      ],
    });
  });

  it('builds a tag pattern filter and refuses an impossible rule', () => {
    const built = buildLifecyclePolicy([{ kind: 'expireOlderThan', tagStatus: 'tagged', count: 7, tagPatternList: ['pr-*'] }]);
    assert.deepEqual(built.rules[0].selection, { tagStatus: 'tagged', countType: 'sinceImagePushed', tagPatternList: ['pr-*'], countUnit: 'days', countNumber: 7 });
    assert.throws(() => buildLifecyclePolicy([{ kind: 'keepLast', tagStatus: 'tagged', count: 3 }]), /needs a tagPrefixList or tagPatternList/);
  });
});
