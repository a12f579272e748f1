import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRepositoryArgument, optionArgument, registryEntryArgument } from '../../../src/core/explorer/arguments';
import { isNode, type ImageNode } from '../../../src/core/explorer/nodes';
import { describeTarget, registryNameOf, repositoryTargetOf } from '../../../src/core/explorer/targets';
import { COMMAND_IDS } from '../../../src/vscode/commandIds';

const imageRow: ImageNode = {
  kind: 'image',
  id: 'registry:123456789012/us-east-1/repo:alpha/image/sha256:0123456789abcdef0123',
  parentId: 'registry:123456789012/us-east-1/repo:alpha',
  registryKey: '123456789012/us-east-1',
  repositoryName: 'alpha',
  registryHost: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
  region: 'us-east-1',
  tag: 'latest',
  tags: ['latest'],
  image: { repository: 'alpha', registryId: '123456789012', digest: 'sha256:0123456789abcdef0123', tags: ['latest'] },
};

describe('command arguments', () => {
  it('"+" (Add Registry) with an image row focused: the row is not a registry entry, so the picker opens', () => {
    // The bug: the view title passed the focused row, which has a string `region`, and it was saved to ecr.registries.
    assert.equal(registryEntryArgument(imageRow), undefined);
    assert.equal(registryEntryArgument(undefined), undefined);
  });

  it('Add Registry keeps only the entry fields of a plain argument, and refuses wrong types', () => {
    assert.deepEqual(registryEntryArgument({ region: 'eu-west-1', accountId: '123456789012', extra: 1 }), { entry: { region: 'eu-west-1', accountId: '123456789012' } });
    assert.match((registryEntryArgument({ region: 5 }) as { problem: string }).problem, /region is not text/);
    assert.match((registryEntryArgument({ profile: 'dev' }) as { problem: string }).problem, /region is missing/);
  });

  it('Create Repository checks a preset before any call, and ignores a tree node', () => {
    assert.equal(createRepositoryArgument(imageRow), undefined);
    assert.deepEqual(createRepositoryArgument({ name: 'ml/operator', registryKey: 'x' }), {
      preset: { name: 'ml/operator', tagMutability: 'MUTABLE', scanOnPush: false, encryption: { type: 'AES256', kmsKey: undefined } },
    });
    assert.match((createRepositoryArgument({ name: 'Bad Name' }) as { problem: string }).problem, /^Cannot create "Bad Name": /);
    assert.match((createRepositoryArgument({ name: 'ok', tagMutability: 'sometimes' }) as { problem: string }).problem, /MUTABLE or IMMUTABLE/);
  });

  it('isNode tells tree nodes by kind, and plain objects are not nodes', () => {
    assert.ok(isNode(imageRow, 'image'));
    assert.ok(isNode(imageRow));
    assert.equal(isNode(imageRow, 'repository', 'registry'), false);
    assert.equal(isNode({ kind: 'image' }), false);
    assert.equal(isNode({ kind: 'vendor', id: 'x', registryKey: 'y' }), false);
  });
});

describe('command targets', () => {
  it('a target from an image row, a repository row, or plain data; nothing from other shapes', () => {
    assert.deepEqual(repositoryTargetOf(imageRow), { registryKey: '123456789012/us-east-1', repository: 'alpha', tag: 'latest', digest: 'sha256:0123456789abcdef0123' });
    assert.deepEqual(repositoryTargetOf({ repository: 'alpha', digest: 'sha256:1' }), { registryKey: undefined, repository: 'alpha', tag: undefined, digest: 'sha256:1' });
    assert.equal(repositoryTargetOf({ ...imageRow, kind: 'registry' }), undefined, 'a registry row names no repository');
    assert.equal(repositoryTargetOf({ repository: { name: 'alpha' } }), undefined, "a look-alike of the tree's private shape is refused");
    assert.equal(repositoryTargetOf({ repository: 'alpha', tag: 3 }), undefined);
    assert.equal(repositoryTargetOf('alpha'), undefined);
  });

  it('the registry a command is about: node, { registryKey }, { registry } or a name; else none (pick)', () => {
    assert.equal(registryNameOf(imageRow), '123456789012/us-east-1');
    assert.equal(registryNameOf({ registryKey: 'k' }), 'k');
    assert.equal(registryNameOf({ registry: 'local' }), 'local');
    assert.equal(registryNameOf('local'), 'local');
    assert.equal(registryNameOf(undefined), undefined);
    assert.equal(registryNameOf({ region: 'us-east-1' }), undefined);
  });

  it('describes a target the same way everywhere', () => {
    assert.equal(describeTarget({ repository: 'alpha', tag: 'latest', digest: 'sha256:1' }), 'alpha:latest');
    assert.equal(describeTarget({ repository: 'alpha', digest: 'sha256:0123456789abcdef0123' }), 'alpha@sha256:0123456789ab');
  });
});

describe('command table', () => {
  it('the typed command ids are exactly the contributed commands', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { commands: Array<{ command: string }> } };
    assert.deepEqual([...COMMAND_IDS].sort(), manifest.contributes.commands.map((entry) => entry.command).sort());
  });
});

describe('option arguments', () => {
  it('the selection a context menu passes second is not an option value', () => {
    assert.equal(optionArgument([imageRow]), undefined);
    assert.equal(optionArgument('kubernetes'), 'kubernetes');
    assert.deepEqual(optionArgument([{ kind: 'keepLast', tagStatus: 'any', count: 3 }]), [{ kind: 'keepLast', tagStatus: 'any', count: 3 }]);
    assert.equal(optionArgument(undefined), undefined);
  });
});
