/**
 * The comparison from manifests and configs only: summary, config fields, environment (masked as
 * Inspect masks it), labels, ports, history aligned step by step, layers table; and which layers a
 * files comparison reads (never a shared one).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alignHistory, compareImages, historySteps, type ImageSide } from '../../../src/core/compare/configDiff';
import { layersToRead } from '../../../src/core/compare/layerSelection';
import type { ImageConfigJson } from '../../../src/core/images/inspect';
import type { Descriptor } from '../../../src/core/registry/mediaTypes';

const layer = (name: string, size: number): Descriptor => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${name.padEnd(64, '0')}`, size });
const base1 = layer('b1', 30_000_000);
const base2 = layer('b2', 2_000_000);
const pipOld = layer('a1', 50_000_000);
const pipNew = layer('c1', 950_000_000);
const app = layer('d1', 1_000);

const history = (steps: Array<[string, boolean?]>) => steps.map(([createdBy, empty]) => ({ created_by: createdBy, ...(empty ? { empty_layer: true } : {}) }));
const baseHistory: Array<[string, boolean?]> = [
  ['/bin/sh -c #(nop) ADD file:abc in / '],
  ['/bin/sh -c #(nop)  CMD ["bash"]', true],
  ['RUN /bin/sh -c apt-get update # buildkit'],
];

function side(tag: string, layers: Descriptor[], config: ImageConfigJson): ImageSide {
  return { name: { repository: 'team/app', tag, digest: `sha256:${tag.replace(/\W/g, '').padEnd(64, 'f')}` }, manifest: { schemaVersion: 2, layers }, config };
}

const before = side('0.3.5', [base1, base2, pipOld, app], {
  os: 'linux',
  architecture: 'amd64',
  config: {
    Entrypoint: ['python', '-m', 'app'],
    Cmd: ['--serve'],
    Env: ['PATH=/usr/bin', 'HF_TOKEN=hf_old_secret', 'MODE=dev'],
    WorkingDir: '/app',
    ExposedPorts: { '8080/tcp': {} },
    Labels: { 'org.opencontainers.image.version': '0.3.5', team: 'ml' },
  },
  history: history([...baseHistory, ['RUN /bin/sh -c pip install torch==2.3 # buildkit'], ['COPY . /app # buildkit'], ['ENV MODE=dev', true]]),
});
const after = side('0.3.6', [base1, base2, pipNew, app], {
  os: 'linux',
  architecture: 'amd64',
  config: {
    Entrypoint: ['python', '-m', 'app'],
    Cmd: ['--serve', '--workers=4'],
    Env: ['PATH=/usr/bin', 'HF_TOKEN=hf_new_secret', 'EXTRA=1'],
    WorkingDir: '/app',
    User: 'app',
    ExposedPorts: { '8080/tcp': {}, '9090/tcp': {} },
    Labels: { 'org.opencontainers.image.version': '0.3.6', team: 'ml' },
  },
  history: history([...baseHistory, ['RUN /bin/sh -c pip install torch==2.4 # buildkit'], ['COPY . /app # buildkit'], ['USER app', true]]),
});

describe('compare images from manifests and configs', () => {
  const comparison = compareImages(before, after);

  it('summarises size, layers by digest and the config fields that changed', () => {
    assert.deepEqual(comparison.summary, {
      beforeBytes: 82_001_000,
      afterBytes: 982_001_000,
      layersShared: 3,
      layersAdded: 1,
      layersRemoved: 1,
      sharedBytes: 32_001_000,
      addedBytes: 950_000_000,
      removedBytes: 50_000_000,
      fieldsChanged: ['Cmd', 'User', 'Exposed ports', 'Environment (3)', 'Labels (1)'],
    });
    assert.equal(comparison.before.tag, '0.3.5');
    assert.equal(comparison.after.platform, 'linux/amd64');
  });

  it('diffs the config fields, showing lists as JSON', () => {
    const changed = comparison.fields.filter((field) => field.change !== 'same');
    assert.deepEqual(changed, [
      { field: 'Cmd', before: '["--serve"]', after: '["--serve","--workers=4"]', change: 'changed' },
      { field: 'User', after: 'app', change: 'added' },
    ]);
    assert.deepEqual(comparison.ports.map((port) => [port.name, port.change]), [['8080/tcp', 'same'], ['9090/tcp', 'added']]);
  });

  it('masks secret-looking environment values as Inspect does, yet tells that the secret changed', () => {
    assert.deepEqual(
      comparison.env.map((entry) => [entry.name, entry.change, entry.before, entry.after, entry.masked]),
      [
        ['EXTRA', 'added', undefined, '1', false],
        ['HF_TOKEN', 'changed', '••••••', '••••••', true],
        ['MODE', 'removed', 'dev', undefined, false],
        ['PATH', 'same', '/usr/bin', '/usr/bin', false],
      ],
    );
    assert.doesNotMatch(JSON.stringify(comparison), /hf_(old|new)_secret/);
  });

  it('diffs labels by name', () => {
    assert.deepEqual(comparison.labels.filter((label) => label.change !== 'same'), [
      { name: 'org.opencontainers.image.version', before: '0.3.5', after: '0.3.6', change: 'changed', masked: false },
    ]);
  });

  it('aligns the history step by step, empty-layer steps included, with the instruction that made each layer', () => {
    assert.deepEqual(
      comparison.history.map((row) => [row.change, row.before?.createdBy ?? null, row.after?.createdBy ?? null]),
      [
        ['same', 'ADD file:abc in /', 'ADD file:abc in /'],
        ['same', 'CMD ["bash"]', 'CMD ["bash"]'],
        ['same', 'RUN /bin/sh -c apt-get update', 'RUN /bin/sh -c apt-get update'],
        ['changed', 'RUN /bin/sh -c pip install torch==2.3', 'RUN /bin/sh -c pip install torch==2.4'],
        ['same', 'COPY . /app', 'COPY . /app'],
        ['changed', 'ENV MODE=dev', 'USER app'],
      ],
    );
    const added = comparison.history[3].after;
    assert.deepEqual(added?.layer, { digest: pipNew.digest, sizeBytes: 950_000_000 });
    assert.equal(comparison.history[1].after?.emptyLayer, true);
  });

  it('aligns a step inserted in the middle as added, without shifting the rest', () => {
    const a = historySteps({ history: history([['ADD base'], ['ENV A=1', true], ['COPY x'], ['CMD run', true]]) }, { schemaVersion: 2, layers: [base1, app] });
    const b = historySteps({ history: history([['ADD base'], ['ENV A=1', true], ['RUN extra'], ['COPY x'], ['CMD run', true]]) }, { schemaVersion: 2, layers: [base1, pipNew, app] });
    assert.deepEqual(alignHistory(a, b).map((row) => row.change), ['same', 'same', 'added', 'same', 'same']);
  });

  it('masks secrets in history lines as Inspect does', () => {
    const steps = historySteps({ history: history([['ENV DB_PASSWORD=hunter2', true]]) }, { schemaVersion: 2, layers: [] });
    assert.equal(steps[0].createdBy, 'ENV DB_PASSWORD=••••••');
  });

  it('lists layers shared by digest, added and removed, with compressed sizes and the instruction that made them', () => {
    assert.deepEqual(
      comparison.layers.map((row) => [row.status, row.digest.slice(7, 9), row.sizeBytes, row.beforeIndex ?? null, row.afterIndex ?? null, row.createdBy ?? null]),
      [
        ['shared', 'b1', 30_000_000, 1, 1, 'ADD file:abc in /'],
        ['shared', 'b2', 2_000_000, 2, 2, 'RUN /bin/sh -c apt-get update'],
        ['added', 'c1', 950_000_000, null, 3, 'RUN /bin/sh -c pip install torch==2.4'],
        ['shared', 'd1', 1_000, 4, 4, 'COPY . /app'],
        ['removed', 'a1', 50_000_000, 3, null, 'RUN /bin/sh -c pip install torch==2.3'],
      ],
    );
  });

  it('history that does not line up with the layers names no layer', () => {
    const steps = historySteps({ history: history([['ADD a'], ['ADD b']]) }, { schemaVersion: 2, layers: [base1] });
    assert.equal(steps.some((step) => step.layer), false);
  });
});

describe('layers to read for files and packages', () => {
  it('reads only the layers that differ, never a shared one', () => {
    const plan = layersToRead([base1, base2, pipOld, app], [base1, base2, pipNew, app]);
    assert.deepEqual(plan.before.map((entry) => entry.digest), [pipOld.digest]);
    assert.deepEqual(plan.after.map((entry) => entry.digest), [pipNew.digest]);
    assert.deepEqual(plan.shared.map((entry) => entry.digest), [base1.digest, base2.digest, app.digest]);
    assert.equal(plan.bytes, 1_000_000_000);
    // The shared app layer sits above a differing one.
    assert.equal(plan.sharedAboveDifference, true);
  });

  it('a layer listed by both is shared even at another position; nothing shared above the difference', () => {
    const plan = layersToRead([base1, pipOld], [base2, base1, pipNew]);
    assert.deepEqual(plan.before.map((entry) => entry.digest), [pipOld.digest]);
    assert.deepEqual(plan.after.map((entry) => entry.digest), [base2.digest, pipNew.digest]);
    assert.equal(plan.sharedAboveDifference, true);
    assert.equal(layersToRead([base1, pipOld], [base1, pipNew]).sharedAboveDifference, false);
  });

  it('identical images read nothing', () => {
    const plan = layersToRead([base1, app], [base1, app]);
    assert.deepEqual([plan.before, plan.after, plan.bytes], [[], [], 0]);
  });
});
