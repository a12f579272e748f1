import { registry } from '../explorer/fixtures';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedLimiter } from '../../../src/core/ecr/limiter';

/** A registry for the model-level tests below (no client: their sources are fakes). */
const testRegistry = (region: string) => registry(`123456789012/${region}`, 1000);

/** Work that finishes when the test says so, recording how many ran at once under its key. */
function gate() {
  const open: Array<() => void> = [];
  const started: string[] = [];
  const work = (label: string) => () =>
    new Promise<string>((resolve) => {
      started.push(label);
      open.push(() => resolve(label));
    });
  const flush = () => new Promise((resolve) => setImmediate(resolve));
  return { work, started, release: async (count = 1) => { for (const finish of open.splice(0, count)) finish(); await flush(); }, flush };
}

describe('KeyedLimiter: at most a few calls in flight per registry', () => {
  it('runs up to the limit per key, the rest in order of arrival as slots free', async () => {
    const limiter = new KeyedLimiter(2);
    const { work, started, release, flush } = gate();
    const results = ['a1', 'a2', 'a3', 'a4'].map((label) => limiter.run('a', work(label)));
    const other = limiter.run('b', work('b1'));
    await flush();
    assert.deepEqual(started, ['a1', 'a2', 'b1'], 'another registry is not held up by the first');
    assert.equal(limiter.running('a'), 2);
    await release(1);
    assert.deepEqual(started, ['a1', 'a2', 'b1', 'a3']);
    assert.equal(limiter.running('a'), 2);
    await release(10);
    await release(10);
    assert.deepEqual(await Promise.all(results), ['a1', 'a2', 'a3', 'a4']);
    assert.equal(await other, 'b1');
    assert.equal(limiter.running('a'), 0);
  });

  it('a failed call frees its slot and its error reaches the caller', async () => {
    const limiter = new KeyedLimiter(1);
    await assert.rejects(limiter.run('a', () => Promise.reject(new Error('throttled'))), /throttled/);
    assert.equal(limiter.running('a'), 0);
    assert.equal(await limiter.run('a', async () => 'next'), 'next');
  });
});

describe('explorer model: rows expanding at once share the per-registry limit', () => {
  it('never has more than MAX_IN_FLIGHT_PER_REGISTRY image listings of one registry in flight', async () => {
    const { ExplorerModel } = await import('../../../src/core/explorer/model');
    const { MAX_IN_FLIGHT_PER_REGISTRY } = await import('../../../src/core/ecr/limiter');
    const { silentLogger } = await import('../../../src/core/log');
    const names = Array.from({ length: 8 }, (_, index) => `repo-${index}`);
    let inFlight = 0;
    let maxInFlight = 0;
    const registry = testRegistry('us-east-1');
    const explorer = new ExplorerModel({
      classify: (error) => ({ kind: 'unknown', message: String(error), detail: '' }),
      logger: silentLogger,
      source: {
        async repositoryPage() {
          const encryption = { type: 'AES256' };
          return { items: names.map((name) => ({ name, registryId: '1', uri: name, arn: name, tagMutability: 'MUTABLE', tagMutabilityExclusionFilters: [], scanOnPush: false, encryption })) };
        },
        async imagePage(_registry, name) {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight--;
          return { items: [{ repository: name, registryId: '1', digest: `sha256:${name}`, tags: ['latest'] }] };
        },
        scanSummary: async () => ({ status: 'COMPLETE', counts: {} }),
      },
    });
    explorer.setRegistries([registry]);
    const [root] = await explorer.children();
    const repositories = await explorer.children(root);
    const rows = await Promise.all(repositories.map((node) => explorer.children(node)));
    assert.equal(maxInFlight, MAX_IN_FLIGHT_PER_REGISTRY);
    assert.deepEqual(rows.map((children) => children.length), names.map(() => 1), 'every repository still lists its image');
  });
});

describe('explorer model: rows expanded together list side by side', () => {
  it('an expanded registry starts its first page at once, before VS Code asks for its rows', async () => {
    const { ExplorerModel } = await import('../../../src/core/explorer/model');
    const { silentLogger } = await import('../../../src/core/log');
    const started: string[] = [];
    const finish: Array<() => void> = [];
    const explorer = new ExplorerModel({
      classify: (error) => ({ kind: 'unknown', message: String(error), detail: '' }),
      logger: silentLogger,
      source: {
        repositoryPage: (target) =>
          new Promise((resolve) => {
            started.push(target.region);
            finish.push(() => resolve({ items: [] }));
          }),
        imagePage: async () => ({ items: [] }),
        scanSummary: async () => ({ status: 'COMPLETE', counts: {} }),
      },
    });
    explorer.setRegistries([testRegistry('us-east-1'), testRegistry('eu-west-1')]);
    const [first, second] = await explorer.children();
    explorer.setExpanded(first, true);
    explorer.setExpanded(second, true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(started, ['us-east-1', 'eu-west-1'], 'both first pages in flight together');
    const rows = explorer.children(second);
    for (const done of finish) done();
    assert.deepEqual((await rows).map((node) => node.kind), ['message'], 'the rows asked for come from the page already under way');
    assert.equal(started.length, 2, 'no second call for the same page');
  });
});
