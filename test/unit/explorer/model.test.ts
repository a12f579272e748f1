import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassifiedError } from '../../../src/core/ecr/errors';
import type { ImageSummary, RepositorySummary } from '../../../src/core/ecr/listing';
import { silentLogger } from '../../../src/core/log';
import { ExplorerModel, SCAN_RECHECK_MS } from '../../../src/core/explorer/model';
import type { ExplorerNode, ImageNode, LoadMoreNode, RegistryNode, RepositoryNode } from '../../../src/core/explorer/nodes';
import type { ExplorerSource } from '../../../src/core/explorer/source';
import { registry, repository } from './fixtures';

const image = (repositoryName: string, digest: string, tags: string[], pushedAt = new Date('2026-01-01')): ImageSummary => ({
  repository: repositoryName,
  registryId: '123456789012',
  digest,
  tags,
  pushedAt,
});

/** Pages of `size` from fixed lists, counting calls; `fail` makes the next call throw. */
function fakeSource(repositories: RepositorySummary[], images: Record<string, ImageSummary[]> = {}, size = 2) {
  const calls = { repositories: 0, images: 0, scans: 0 };
  const state = { fail: false, scan: { status: 'IN_PROGRESS', counts: {} as Record<string, number> } };
  const page = <T>(items: T[], token: string | undefined) => {
    const start = token ? Number(token) : 0;
    const next = start + size < items.length ? String(start + size) : undefined;
    return { items: items.slice(start, start + size), nextToken: next };
  };
  const source: ExplorerSource = {
    async repositoryPage(_registry, token) {
      calls.repositories++;
      if (state.fail) throw new Error('AccessDenied');
      return page(repositories, token);
    },
    async imagePage(_registry, name, token) {
      calls.images++;
      return page(images[name] ?? [], token);
    },
    async scanSummary() {
      calls.scans++;
      return state.scan;
    },
  };
  return { source, calls, state };
}

function model(source: ExplorerSource, now = () => 0) {
  const classify = (error: unknown): ClassifiedError => ({ kind: 'access-denied', message: 'Access denied', detail: String(error) });
  const built = new ExplorerModel({ classify, logger: silentLogger, source, now });
  const events: Array<ExplorerNode | undefined> = [];
  built.onDidChange((node) => events.push(node));
  built.setRegistries([registry()]);
  events.length = 0;
  return { model: built, events };
}

const labels = (nodes: ExplorerNode[]) =>
  nodes.map((node) => (node.kind === 'repository' ? node.repository.name : node.kind === 'image' ? (node.tags.join(', ') || node.image.digest) : node.kind));

async function registryNode(explorer: ExplorerModel): Promise<RegistryNode> {
  const [node] = await explorer.children();
  assert.equal(node.kind, 'registry');
  return node as RegistryNode;
}

describe('explorer model: paging', () => {
  it('lists the first page only when the registry expands, and a Load more row while there is a next page', async () => {
    const { source, calls } = fakeSource(['a', 'b', 'c', 'd', 'e'].map(repository));
    const { model: explorer } = model(source);
    const root = await registryNode(explorer);
    assert.equal(calls.repositories, 0, 'nothing is fetched before a node expands');
    const first = await explorer.children(root);
    assert.deepEqual(labels(first), ['a', 'b', 'loadMore']);
    const more = first.at(-1) as LoadMoreNode;
    assert.equal(more.loaded, 2);
    await explorer.loadMore(more);
    assert.deepEqual(labels(await explorer.children(root)), ['a', 'b', 'c', 'd', 'loadMore']);
    await explorer.loadMore(more);
    assert.deepEqual(labels(await explorer.children(root)), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(calls.repositories, 3);
    assert.equal(root.summary, '5 repositories');
  });

  it('while filtered, the registry row counts the repositories the filter shows, out of those listed', async () => {
    const { source } = fakeSource(['api', 'api-gw', 'web', 'worker'].map(repository), {}, 10);
    const { model: explorer } = model(source);
    let root = await registryNode(explorer);
    await explorer.children(root);
    assert.equal(root.summary, '4 repositories');
    explorer.setFilter('api');
    root = await registryNode(explorer);
    assert.deepEqual(labels(await explorer.children(root)), ['api', 'api-gw']);
    assert.equal(root.summary, '2 of 4 repositories shown');
    explorer.setFilter('');
    root = await registryNode(explorer);
    assert.equal(root.summary, '4 repositories');
  });

  it('redraws the rows whose "N minutes ago" would go stale (the last hour\'s), and with all, every row with a time', async () => {
    const now = Date.parse('2026-12-07T22:00:00Z');
    const fresh = { ...repository('fresh'), createdAt: new Date(now - 9 * 60_000) };
    const old = { ...repository('old'), createdAt: new Date(now - 3 * 86_400_000) };
    const { source } = fakeSource([fresh, old], { fresh: [image('fresh', 'sha256:a', ['new'], new Date(now - 5 * 60_000)), image('fresh', 'sha256:b', ['v1'], new Date(now - 2 * 86_400_000))] }, 10);
    const { model: explorer, events } = model(source, () => now);
    const root = await registryNode(explorer);
    const [freshRow] = await explorer.children(root);
    const rows = await explorer.children(freshRow);
    events.length = 0;
    assert.equal(explorer.refreshAges(), 2);
    assert.deepEqual(events.map((node) => (node?.kind === 'image' ? node.tags.join(',') : node?.kind === 'repository' ? node.repository.name : node?.kind)), ['fresh', 'new']);
    assert.ok(rows.some((row) => events.includes(row)), 'the very row objects the view holds are redrawn');
    events.length = 0;
    assert.equal(explorer.refreshAges({ all: true }), 4);
  });

  it('a stale Load more after the last page fetches nothing and lists nothing twice', async () => {
    const { source, calls } = fakeSource(['a', 'b', 'c'].map(repository));
    const { model: explorer } = model(source);
    const root = await registryNode(explorer);
    const more = (await explorer.children(root)).at(-1) as LoadMoreNode;
    await explorer.loadMore(more);
    await explorer.loadMore(more);
    assert.equal(calls.repositories, 2);
    assert.deepEqual(labels(await explorer.children(root)), ['a', 'b', 'c']);
  });

  it('counts "2+ repositories" while more pages exist, and tells listeners the registry row changed', async () => {
    const { source } = fakeSource(['a', 'b', 'c'].map(repository));
    const { model: explorer, events } = model(source);
    const root = await registryNode(explorer);
    await explorer.children(root);
    assert.equal(root.summary, '2+ repositories');
    assert.ok(events.includes(root), 'the registry row is refreshed once its first page arrived');
  });

  it('Load more redraws the registry row once per page (each redraw sends every row shown again)', async () => {
    const { source } = fakeSource(['a', 'b', 'c', 'd', 'e'].map(repository));
    const { model: explorer, events } = model(source);
    const root = await registryNode(explorer);
    const more = (await explorer.children(root)).at(-1) as LoadMoreNode;
    for (const expected of ['4+ repositories', '5 repositories']) {
      events.length = 0;
      await explorer.loadMore(more);
      assert.equal(root.summary, expected);
      assert.deepEqual(events, [root]);
    }
    // A stale Load more fetches nothing and changes no count: the row is redrawn, as the click asks.
    events.length = 0;
    await explorer.loadMore(more);
    assert.deepEqual(events, [root]);
  });

  it('an error with nothing listed is one error row; refresh lists again', async () => {
    const { source, state, calls } = fakeSource(['a'].map(repository));
    const { model: explorer } = model(source);
    const root = await registryNode(explorer);
    state.fail = true;
    const failed = await explorer.children(root);
    assert.deepEqual(labels(failed), ['error']);
    state.fail = false;
    explorer.refresh(root.registryKey);
    assert.deepEqual(labels(await explorer.children(root)), ['a']);
    assert.equal(calls.repositories, 2);
  });

  it('findRepositoryNode lists pages until the repository shows up', async () => {
    const { source, calls } = fakeSource(['a', 'b', 'c', 'd', 'e'].map(repository));
    const { model: explorer } = model(source);
    const found = await explorer.findRepositoryNode(registry().key, 'e');
    assert.equal(found?.repository.name, 'e');
    assert.equal(calls.repositories, 3);
    assert.equal(await explorer.findRepositoryNode(registry().key, 'zzz'), undefined);
  });
});

describe('explorer model: filter', () => {
  const images = {
    alpha: [image('alpha', 'sha256:a1', ['0.3.6', 'latest']), image('alpha', 'sha256:a0', [])],
    beta: [image('beta', 'sha256:b1', ['1.0'])],
  };

  it('matches repository names, and tags of images already loaded (that repository opens expanded)', async () => {
    const { source } = fakeSource(['alpha', 'beta'].map(repository), images, 10);
    const { model: explorer } = model(source);
    const root = await registryNode(explorer);
    const [alpha] = (await explorer.children(root)) as RepositoryNode[];
    await explorer.children(alpha);
    explorer.setFilter('  0.3 ');
    assert.equal(explorer.filter, '0.3');
    const filtered = (await explorer.children(root)) as RepositoryNode[];
    assert.deepEqual(labels(filtered), ['alpha']);
    assert.equal(filtered[0].expandForFilter, true);
    assert.deepEqual(labels(await explorer.children(filtered[0])), ['0.3.6, latest'], 'the image with a matching tag (all its tags), no untagged group');
    explorer.setFilter('BETA');
    assert.deepEqual(labels(await explorer.children(root)), ['beta']);
  });

  it('says so when nothing matches, and an empty filter shows everything', async () => {
    const { source } = fakeSource(['alpha', 'beta'].map(repository), images, 10);
    const { model: explorer } = model(source);
    const root = await registryNode(explorer);
    explorer.setFilter('nothing-like-this');
    const [message] = await explorer.children(root);
    assert.equal(message.kind === 'message' && message.message, 'No repository name or loaded tag matches "nothing-like-this".');
    explorer.setFilter('');
    assert.deepEqual(labels(await explorer.children(root)), ['alpha', 'beta']);
  });
});

describe('explorer model: rows', () => {
  it('tags of one digest are one image row ("0.3.6, latest"), newest image first, versions before latest', async () => {
    const { source } = fakeSource([repository('alpha')], {
      alpha: [
        image('alpha', 'sha256:a1', ['latest', '0.3.6', 'stable'], new Date('2026-02-01')),
        image('alpha', 'sha256:a0', ['0.3.5']),
        image('alpha', 'sha256:u0', []),
      ],
    }, 10);
    const { model: explorer } = model(source);
    const [alpha] = (await explorer.children(await registryNode(explorer))) as RepositoryNode[];
    const rows = await explorer.children(alpha);
    assert.deepEqual(labels(rows), ['0.3.6, stable, latest', '0.3.5', 'untagged']);
    const first = rows[0] as ImageNode;
    assert.equal(first.tag, '0.3.6', 'commands use the first tag');
    assert.deepEqual(first.tags, ['0.3.6', 'stable', 'latest']);
    assert.equal(rows.filter((row) => row.kind === 'image').length + 1, 3, 'as many image rows (plus the untagged one) as images');
  });

  it('repositories are listed by name, whatever order the listing returns', async () => {
    const { source } = fakeSource(['zeta', 'alpha', 'mid'].map(repository), {}, 10);
    const { model: explorer } = model(source);
    assert.deepEqual(labels(await explorer.children(await registryNode(explorer))), ['alpha', 'mid', 'zeta']);
  });

  it('an expanded repository stays expanded when the filter clears, and one the filter opened too', async () => {
    const images = { alpha: [image('alpha', 'sha256:a1', ['0.3.6'])], beta: [image('beta', 'sha256:b1', ['1.0'])] };
    const { source } = fakeSource(['alpha', 'beta'].map(repository), images, 10);
    const { model: explorer } = model(source);
    const root = await registryNode(explorer);
    const [alpha, beta] = (await explorer.children(root)) as RepositoryNode[];
    await explorer.children(alpha);
    await explorer.children(beta);
    explorer.setExpanded(beta, true);
    explorer.setFilter('0.3');
    assert.deepEqual(labels(await explorer.children(root)), ['alpha']);
    explorer.setFilter('');
    const [alphaAfter, betaAfter] = (await explorer.children(root)) as RepositoryNode[];
    assert.equal(betaAfter.expanded, true, 'expanded by the person before filtering');
    assert.equal(alphaAfter.expanded, true, 'opened by the filter, still open');
    assert.equal(alphaAfter.expandForFilter, false);
    explorer.setExpanded(betaAfter, false);
    assert.equal(((await explorer.children(root)) as RepositoryNode[])[1].expanded, undefined);
  });
});

describe('explorer model: marks', () => {
  it('lifecycle marks show on the images they name until cleared, and new registries forget them', async () => {
    const { source } = fakeSource([repository('alpha')], { alpha: [image('alpha', 'sha256:a1', ['old']), image('alpha', 'sha256:a2', ['new'], new Date('2026-02-01'))] });
    const { model: explorer, events } = model(source);
    const root = await registryNode(explorer);
    const [alpha] = (await explorer.children(root)) as RepositoryNode[];
    explorer.setLifecycleMarks(root.registryKey, 'alpha', new Map([['sha256:a1', 'rule 1: keep the last 1']]));
    assert.equal(events.at(-1), alpha, 'the repository redraws');
    const images1 = (await explorer.children(alpha)) as ImageNode[];
    assert.deepEqual(images1.map((node) => [node.tag, node.expiresBy]), [['new', undefined], ['old', 'rule 1: keep the last 1']]);
    explorer.setLifecycleMarks(root.registryKey, 'alpha', undefined);
    assert.equal(((await explorer.children(alpha)) as ImageNode[])[1].expiresBy, undefined);

    explorer.setLifecycleMarks(root.registryKey, 'alpha', new Map([['sha256:a1', 'rule 1']]));
    explorer.setRegistries([registry()]);
    const again = await explorer.findRepositoryNode(root.registryKey, 'alpha');
    assert.ok(again);
    assert.equal(((await explorer.children(again)) as ImageNode[])[1].expiresBy, undefined, 'setRegistries clears marks');
  });

  it('asks for scan status at most every 30 s per image, and says when to rebuild a row while a scan runs', async () => {
    let now = 0;
    const { source, calls, state } = fakeSource([repository('alpha')], { alpha: [image('alpha', 'sha256:a1', ['latest'])] });
    const { model: explorer } = model(source, () => now);
    const [alpha] = (await explorer.children(await registryNode(explorer))) as RepositoryNode[];
    const [latest] = (await explorer.children(alpha)) as ImageNode[];
    assert.equal(await explorer.resolveScanStatus(latest), SCAN_RECHECK_MS, 'still scanning: rebuild later');
    assert.equal(await explorer.resolveScanStatus(latest), undefined);
    assert.equal(calls.scans, 1, 'asked once within 30 s');
    now += SCAN_RECHECK_MS;
    state.scan = { status: 'COMPLETE', counts: { HIGH: 2 } };
    assert.equal(await explorer.resolveScanStatus(latest), undefined);
    assert.deepEqual(latest.image.scanFindings, { HIGH: 2 });
    assert.equal(await explorer.resolveScanStatus(latest), undefined);
    assert.equal(calls.scans, 2, 'a settled status is trusted');
    explorer.updateScan(alpha.registryKey, 'alpha', 'sha256:a1', 'IN_PROGRESS');
    assert.equal(latest.image.scanStatus, 'IN_PROGRESS');
    assert.equal(latest.image.scanFindings, undefined);
    await explorer.resolveScanStatus(latest);
    assert.equal(calls.scans, 3, 'a started scan is asked about again at once');
  });
});

describe('explorer model: identity', () => {
  it('one object per node id across listings and refreshes, updated in place', async () => {
    const { source } = fakeSource([repository('alpha')], { alpha: [image('alpha', 'sha256:a1', ['latest'])] });
    const { model: explorer, events } = model(source);
    const root = await registryNode(explorer);
    assert.equal(await registryNode(explorer), root);
    const [alpha] = (await explorer.children(root)) as RepositoryNode[];
    const [latest] = (await explorer.children(alpha)) as ImageNode[];
    explorer.refresh(root.registryKey, 'alpha');
    assert.equal(events.at(-1), alpha, 'a repository refresh redraws only that repository');
    const [latestAgain] = (await explorer.children(alpha)) as ImageNode[];
    assert.equal(latestAgain, latest);
    assert.equal(explorer.parent(latest), alpha);
    assert.equal(explorer.parent(alpha), root);
    assert.ok(explorer.isCurrent(latest));
  });

  it('a field the fresh values lack is removed, and ids are by digest (tagged images and untagged ones apart)', async () => {
    const { source } = fakeSource([repository('alpha')], { alpha: [image('alpha', 'sha256:a1', ['a', 'b']), image('alpha', 'sha256:a0', [])] });
    const { model: explorer } = model(source);
    const root = await registryNode(explorer);
    const [alpha] = (await explorer.children(root)) as RepositoryNode[];
    explorer.setLifecycleMarks(root.registryKey, 'alpha', new Map([['sha256:a1', 'rule']]));
    const children = await explorer.children(alpha);
    assert.deepEqual(
      children.map((node) => node.id),
      [`${alpha.id}/image/sha256:a1`, `${alpha.id}/untagged`],
    );
    const untagged = children[1];
    const [digestNode] = await explorer.children(untagged);
    assert.equal(digestNode.id, `${alpha.id}/digest/sha256:a0`);
    explorer.setLifecycleMarks(root.registryKey, 'alpha', undefined);
    const [a] = (await explorer.children(alpha)) as ImageNode[];
    assert.equal(a, children[0]);
    assert.equal('expiresBy' in a && a.expiresBy !== undefined, false);
  });

  it('new registries drop every node, so no stale row can be refreshed', async () => {
    const { source } = fakeSource([repository('alpha')]);
    const { model: explorer, events } = model(source);
    const root = await registryNode(explorer);
    explorer.setRegistries([registry()]);
    assert.equal(events.at(-1), undefined, 'the whole tree redraws');
    assert.equal(explorer.isCurrent(root), false);
    assert.notEqual(await registryNode(explorer), root);
  });
});
