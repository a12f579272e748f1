import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageSummary, RepositorySummary } from '../../../src/core/ecr/listing';
import { silentLogger } from '../../../src/core/log';
import { ExplorerModel } from '../../../src/core/explorer/model';
import type { ExplorerNode, ImageNode, RegistryNode, RepositoryNode } from '../../../src/core/explorer/nodes';
import { RELEASE_AFTER_COLLAPSE_MS, type RetentionTimers } from '../../../src/core/explorer/retention';
import type { ExplorerSource } from '../../../src/core/explorer/source';
import { registry } from './fixtures';

const REGISTRY = registry('123456789012/us-east-1', 1000);

const repository = (name: string) => ({ name, registryId: '123456789012', uri: `x/${name}`, arn: `arn/${name}`, tagMutability: 'MUTABLE', tagMutabilityExclusionFilters: [], scanOnPush: false, encryption: { type: 'AES256' } }) as RepositorySummary;
const image = (name: string, digest: string, tags: string[]): ImageSummary => ({ repository: name, registryId: '123456789012', digest, tags, pushedAt: new Date('2026-01-01') });

/** Timers a test fires by hand, and a clock it moves: no sleeping. */
function manualClock() {
  let now = 0;
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let nextId = 0;
  const timers: RetentionTimers = {
    set: (callback, ms) => (pending.set(++nextId, { callback, ms }), nextId),
    clear: (handle) => pending.delete(handle as number),
  };
  return {
    timers,
    now: () => now,
    advance: (ms: number) => (now += ms),
    pending: () => [...pending.values()].map((timer) => timer.ms),
    /** Fires every timer set so far (as the event loop would once their time comes). */
    fire: () => {
      const due = [...pending.entries()];
      pending.clear();
      for (const [, timer] of due) timer.callback();
    },
  };
}

function setup() {
  const calls = { repositories: 0, images: 0 };
  const source: ExplorerSource = {
    async repositoryPage() {
      calls.repositories++;
      return { items: [repository('app'), repository('app/worker')] };
    },
    async imagePage(_registry, name) {
      calls.images++;
      return { items: name === 'app' ? [image('app', 'sha256:a1', ['latest']), image('app', 'sha256:a0', [])] : [image(name, 'sha256:w1', ['v1'])] };
    },
    async scanSummary() {
      return { status: 'COMPLETE', counts: {} };
    },
  };
  const clock = manualClock();
  const explorer = new ExplorerModel({
    classify: (error) => ({ kind: 'unknown', message: String(error), detail: '' }),
    logger: silentLogger,
    source,
    now: clock.now,
    timers: clock.timers,
  });
  explorer.setRegistries([REGISTRY]);
  const events: Array<ExplorerNode | undefined> = [];
  explorer.onDidChange((node) => events.push(node));
  return { explorer, calls, clock, events };
}

async function expandAll(explorer: ExplorerModel) {
  const [registry] = (await explorer.children()) as RegistryNode[];
  const [app, worker] = (await explorer.children(registry)) as RepositoryNode[];
  const appRows = await explorer.children(app);
  const untaggedRows = await explorer.children(appRows[1]);
  const workerRows = await explorer.children(worker);
  return { registry, app, worker, latest: appRows[0] as ImageNode, untagged: untaggedRows[0] as ImageNode, workerImage: workerRows[0] as ImageNode };
}

describe('explorer model: releasing what collapsed rows listed', () => {
  it('a repository collapsed for the delay lets go of its images and rows; the next expand lists again', async () => {
    const { explorer, calls, clock, events } = setup();
    const { app, latest, untagged, workerImage } = await expandAll(explorer);
    explorer.setExpanded(app, true);
    explorer.setExpanded(app, false);
    assert.deepEqual(clock.pending(), [RELEASE_AFTER_COLLAPSE_MS]);
    clock.advance(RELEASE_AFTER_COLLAPSE_MS);
    clock.fire();

    assert.equal(events.at(-1), app, 'only the repository row is redrawn');
    assert.ok(!explorer.isCurrent(latest) && !explorer.isCurrent(untagged), 'its image rows are forgotten, with the images they hold');
    assert.ok(explorer.isCurrent(app) && explorer.isCurrent(workerImage), 'the row itself and a sibling whose name it prefixes ("app/worker") stay');
    assert.equal(calls.images, 2);
    const again = await explorer.children(app);
    assert.equal(calls.images, 3, 'expanding again lists again');
    assert.deepEqual(again.map((node) => node.kind), ['image', 'untagged']);
    assert.equal((again[0] as ImageNode).tags[0], 'latest');
  });

  it('a repository expanded again within the delay keeps its images (no timer left, no new call)', async () => {
    const { explorer, calls, clock, events } = setup();
    const { app, latest } = await expandAll(explorer);
    events.length = 0;
    explorer.setExpanded(app, false);
    clock.advance(RELEASE_AFTER_COLLAPSE_MS - 1);
    explorer.setExpanded(app, true);
    assert.deepEqual(clock.pending(), []);
    clock.advance(10 * RELEASE_AFTER_COLLAPSE_MS);
    clock.fire();
    assert.deepEqual(events, []);
    assert.equal((await explorer.children(app))[0], latest);
    assert.equal(calls.images, 2);
  });

  it('a timer that fires early waits for the rest of the delay', async () => {
    const { explorer, calls, clock } = setup();
    const { app, latest } = await expandAll(explorer);
    explorer.setExpanded(app, false);
    clock.advance(RELEASE_AFTER_COLLAPSE_MS / 3);
    clock.fire();
    assert.ok(explorer.isCurrent(latest), 'nothing released before the delay');
    assert.deepEqual(clock.pending(), [RELEASE_AFTER_COLLAPSE_MS - RELEASE_AFTER_COLLAPSE_MS / 3]);
    clock.advance(RELEASE_AFTER_COLLAPSE_MS);
    clock.fire();
    assert.ok(!explorer.isCurrent(latest));
    await explorer.children(app);
    assert.equal(calls.images, 3);
  });

  it('a registry collapsed for the delay lets go of its repositories and every image under them', async () => {
    const { explorer, calls, clock, events } = setup();
    const { registry, app, latest } = await expandAll(explorer);
    explorer.setExpanded(app, true);
    explorer.setExpanded(registry, false);
    clock.advance(RELEASE_AFTER_COLLAPSE_MS);
    clock.fire();
    assert.equal(events.at(-1), registry);
    assert.ok(explorer.isCurrent(registry) && !explorer.isCurrent(app) && !explorer.isCurrent(latest));
    assert.equal(explorer.isListed(REGISTRY.key, 'app'), false);
    assert.deepEqual(explorer.knownImages(), []);

    const [appAgain] = (await explorer.children(registry)) as RepositoryNode[];
    assert.equal(calls.repositories, 2, 'expanding the registry lists its repositories again');
    assert.equal(appAgain.expanded, true, 'a repository the person had open is still shown open');
    await explorer.children(appAgain);
    assert.equal(calls.images, 3);
  });

  it('new registries (settings changed) drop pending releases', async () => {
    const { explorer, clock } = setup();
    const { app } = await expandAll(explorer);
    explorer.setExpanded(app, false);
    explorer.setRegistries([REGISTRY]);
    assert.deepEqual(clock.pending(), []);
  });
});
