// Lifecycle rules of today: storageClass, sinceImagePulled, sinceImageTransitioned, transition to the
// archive. Policies follow AWS's documented template ("storageClass": "standard"|"archive", countType
// ... "sinceImagePulled"|"sinceImageTransitioned", action "expire"|"transition" with targetStorageClass
// "archive") and property rules (sinceImageTransitioned needs storageClass archive; archived images are
// kept at least 90 days); images carry DescribeImages' lastRecordedPullTime, imageStatus, lastArchivedAt.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildLifecyclePolicy,
  describeRule,
  evaluateLifecyclePolicy,
  lifecyclePolicyProblems,
  type LifecyclePolicy,
  type LifecycleRule,
} from '../../../src/core/ecr/lifecycle';
import type { ImageSummary } from '../../../src/core/ecr/listing';

const NOW = new Date('2026-11-24T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * 24 * 3600_000);
interface Shape {
  tags?: string[];
  pushed: number;
  pulled?: number;
  archived?: number;
  status?: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING';
}
const image = (name: string, shape: Shape): ImageSummary => ({
  repository: 'repo',
  registryId: '123456789012',
  digest: `sha256:${name}`,
  tags: shape.tags ?? [],
  pushedAt: ago(shape.pushed),
  lastPulledAt: shape.pulled === undefined ? undefined : ago(shape.pulled),
  status: shape.status ?? (shape.archived === undefined ? 'ACTIVE' : 'ARCHIVED'),
  lastArchivedAt: shape.archived === undefined ? undefined : ago(shape.archived),
});
const transition = (rulePriority: number, selection: LifecycleRule['selection']): LifecycleRule => ({
  rulePriority,
  selection,
  action: { type: 'transition', targetStorageClass: 'archive' },
});
const expire = (rulePriority: number, selection: LifecycleRule['selection']): LifecycleRule => ({ rulePriority, selection, action: { type: 'expire' } });
const policy = (...rules: LifecycleRule[]): LifecyclePolicy => ({ rules });
const names = (entries: Array<{ image: ImageSummary; rulePriority: number }>) => entries.map((entry) => [entry.image.digest.slice(7), entry.rulePriority]);

describe('lifecycle evaluator: archive and pull time', () => {
  it('archive by pull age: images not pulled for 90 days move to the archive; a never-pulled image ages from its push', () => {
    const given = policy(transition(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 }));
    assert.deepEqual(lifecyclePolicyProblems(given), []);
    const images = [
      image('pulled-yesterday', { tags: ['v1'], pushed: 400, pulled: 1 }),
      image('pulled-long-ago', { tags: ['v2'], pushed: 300, pulled: 120 }),
      image('never-pulled-old', { pushed: 200 }),
      image('never-pulled-new', { pushed: 10 }),
      image('already-archived', { tags: ['v0'], pushed: 500, pulled: 400, archived: 100 }),
    ];
    const result = evaluateLifecyclePolicy(given, images, NOW);
    assert.deepEqual(names(result.transitioned), [['pulled-long-ago', 1], ['never-pulled-old', 1]]);
    assert.deepEqual(result.expired, []);
    assert.deepEqual(result.kept.map((entry) => entry.digest.slice(7)).sort(), ['already-archived', 'never-pulled-new', 'pulled-yesterday']);
    assert.ok(result.transitioned.every((entry) => entry.action === 'transition'));
  });

  it('expire archived: only archived images, aged from when they were archived', () => {
    const given = policy(expire(1, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 365 }));
    assert.deepEqual(lifecyclePolicyProblems(given), []);
    const images = [
      image('archived-400', { pushed: 900, archived: 400 }),
      image('archived-100', { pushed: 900, archived: 100 }),
      image('active-old', { tags: ['v1'], pushed: 2000 }),
      image('restoring', { pushed: 900, archived: 500, status: 'ACTIVATING' }),
    ];
    const result = evaluateLifecyclePolicy(given, images, NOW);
    assert.deepEqual(names(result.expired), [['archived-400', 1], ['restoring', 1]]);
    assert.deepEqual(result.transitioned, []);
  });

  it('transition then expire: each rule sees only its storage class', () => {
    const given = policy(
      transition(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }),
      expire(2, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }),
    );
    assert.deepEqual(lifecyclePolicyProblems(given), []);
    const images = [
      image('cold', { tags: ['a'], pushed: 100, pulled: 60 }),
      image('warm', { tags: ['b'], pushed: 100, pulled: 2 }),
      image('archived-long', { tags: ['c'], pushed: 400, archived: 120 }),
      image('archived-recent', { tags: ['d'], pushed: 400, archived: 20 }),
    ];
    const result = evaluateLifecyclePolicy(given, images, NOW);
    // The image rule 1 archives today is not expired by rule 2 in the same run: it is not archived yet.
    assert.deepEqual(names(result.transitioned), [['cold', 1]]);
    assert.deepEqual(names(result.expired), [['archived-long', 2]]);
    assert.deepEqual(result.kept.map((entry) => entry.digest.slice(7)).sort(), ['archived-recent', 'warm']);
  });

  it('mixed with count rules and priorities: a higher rule protects what its tagging matched', () => {
    const given = policy(
      expire(1, { tagStatus: 'tagged', tagPatternList: ['prod*'], countType: 'imageCountMoreThan', countNumber: 2 }),
      expire(2, { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }),
      transition(3, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 60 }),
      expire(4, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 180 }),
    );
    assert.deepEqual(lifecyclePolicyProblems(given), []);
    const images = [
      image('prod-3', { tags: ['prod-3'], pushed: 5, pulled: 1 }),
      image('prod-2', { tags: ['prod-2'], pushed: 150, pulled: 100 }), // kept by rule 1's count; matched by rule 1 so rule 3 cannot archive it
      image('prod-1', { tags: ['prod-1'], pushed: 190, pulled: 100 }), // third prod image: expired by rule 1
      image('untagged-old', { pushed: 30 }), // rule 2
      image('untagged-new', { pushed: 3 }), // matched by rule 2 (untagged), too young: protected from rule 3
      image('dev-cold', { tags: ['dev-1'], pushed: 200, pulled: 90 }), // rule 3 archives it
      image('dev-warm', { tags: ['dev-2'], pushed: 200, pulled: 10 }),
      image('archived-old', { tags: ['dev-0'], pushed: 800, archived: 200 }), // rule 4
    ];
    const result = evaluateLifecyclePolicy(given, images, NOW);
    assert.deepEqual(names(result.expired), [['archived-old', 4], ['prod-1', 1], ['untagged-old', 2]]);
    assert.deepEqual(names(result.transitioned), [['dev-cold', 3]]);
    assert.equal(result.kept.length + result.expired.length + result.transitioned.length, images.length);
  });

  it('count rules on standard storage do not count archived images', () => {
    const given = policy(expire(1, { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }));
    const images = [image('new', { pushed: 1 }), image('older', { pushed: 2 }), image('archived', { pushed: 0.5, archived: 0.1 })];
    assert.deepEqual(names(evaluateLifecyclePolicy(given, images, NOW).expired), [['older', 1]]);
  });

  it('describes the new rules in words', () => {
    assert.equal(describeRule(transition(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 })), 'rule 1: archive images not pulled for 90 days');
    assert.equal(
      describeRule(expire(2, { tagStatus: 'untagged', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 180 })),
      'rule 2: expire untagged archived images 180 days after they were archived',
    );
    assert.equal(describeRule(expire(3, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 1 })), 'rule 3: expire images not pulled for 1 day');
  });
});

describe('lifecycle checks for the new fields', () => {
  const bad: Array<[string, LifecyclePolicy, RegExp]> = [
    ['transition without a target', policy({ rulePriority: 1, selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 9 }, action: { type: 'transition' } as never }), /needs targetStorageClass "archive"/],
    ['transition of archived images', policy(transition(1, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 })), /archived images can only be expired/],
    ['sinceImageTransitioned on standard', policy(expire(1, { tagStatus: 'any', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 })), /needs storageClass "archive"/],
    ['archive with a count', policy(expire(1, { tagStatus: 'any', storageClass: 'archive', countType: 'imageCountMoreThan', countNumber: 3 })), /counts with sinceImageTransitioned/],
    ['archive deleted before 90 days', policy(expire(1, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 30 })), /at least 90 days/],
    ['sinceImagePulled without days', policy(expire(1, { tagStatus: 'any', countType: 'sinceImagePulled', countNumber: 30 })), /sinceImagePulled rule needs countUnit "days"/],
    ['an unknown storage class', policy(expire(1, { tagStatus: 'any', storageClass: 'glacier' as never, countType: 'sinceImagePushed', countUnit: 'days', countNumber: 3 })), /storageClass must be "standard" or "archive"/],
    ['an unknown action', policy({ rulePriority: 1, selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'delete' } as never }), /action.type must be "expire" or "transition"/],
  ];
  for (const [name, value, message] of bad) {
    it(`rejects ${name}`, () => assert.match(lifecyclePolicyProblems(value).join(' '), message));
  }

  it('an "any" rule on standard images may come before rules on archived images', () => {
    const given = policy(
      transition(1, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 30 }),
      expire(2, { tagStatus: 'untagged', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 90 }),
    );
    assert.deepEqual(lifecyclePolicyProblems(given), []);
  });
});

describe('lifecycle builder: the archive helpers', () => {
  it('"archive images not pulled for N days" and "expire archived images after N days", standard rules first', () => {
    const built = buildLifecyclePolicy([
      { kind: 'expireArchivedAfter', tagStatus: 'any', count: 365 },
      { kind: 'archiveNotPulledFor', tagStatus: 'any', count: 90 },
      { kind: 'expireOlderThan', tagStatus: 'untagged', count: 14 },
    ]);
    assert.deepEqual(built, {
      rules: [
        { rulePriority: 1, description: 'Expire untagged images older than 14 days', selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 14 }, action: { type: 'expire' } },
        {
          rulePriority: 2,
          description: 'Archive images not pulled for 90 days',
          selection: { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 },
          action: { type: 'transition', targetStorageClass: 'archive' },
        },
        {
          rulePriority: 3,
          description: 'Expire archived images 365 days after they were archived',
          selection: { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 365 },
          action: { type: 'expire' },
        },
      ],
    });
    assert.deepEqual(Object.keys(built.rules[2].selection), ['tagStatus', 'storageClass', 'countType', 'countUnit', 'countNumber'], 'key order as AWS writes it');
  });

  it('refuses to expire archived images sooner than ECR allows', () => {
    assert.throws(() => buildLifecyclePolicy([{ kind: 'expireArchivedAfter', tagStatus: 'any', count: 30 }]), /at least 90 days/);
  });
});

describe('the editor schema knows the same fields as the evaluator', () => {
  it('countType, storageClass and action enums, and the archive snippets check clean', async () => {
    const { readFileSync } = await import('node:fs');
    const schema = JSON.parse(readFileSync(new URL('../../../media/schemas/ecr-lifecycle-policy.schema.json', `file://${__filename}`), 'utf8'));
    const rule = schema.definitions.rule;
    assert.deepEqual(rule.properties.selection.properties.countType.enum, ['imageCountMoreThan', 'sinceImagePushed', 'sinceImagePulled', 'sinceImageTransitioned']);
    assert.deepEqual(rule.properties.selection.properties.storageClass.enum, ['standard', 'archive']);
    assert.deepEqual(rule.properties.action.properties.type.enum, ['expire', 'transition']);
    assert.equal(rule.properties.action.properties.targetStorageClass.const, 'archive');
    // Every snippet, with its placeholders filled in, is a policy the evaluator accepts.
    const fill = (value: unknown): unknown =>
      typeof value === 'string'
        ? value.startsWith('^${') ? Number(/:(\d+)\}/.exec(value)![1]) : value.replace(/\$\{\d+:([^}]*)\}/g, '$1')
        : Array.isArray(value) ? value.map(fill) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, fill(inner)])) : value;
    for (const snippet of rule.defaultSnippets) {
      const body = fill(snippet.body) as LifecycleRule;
      assert.deepEqual(lifecyclePolicyProblems({ rules: [{ ...body, rulePriority: 1 }] }), [], snippet.label);
    }
  });
});
