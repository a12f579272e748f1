// Archived rows offer only what ECR allows on an archived image (Amazon ECR User Guide, "Archiving an
// image": "Requests to pull the archived image will fail with a 404 error"), and what ECR refuses says
// "restore first" instead of failing: issue 20, "Why" 1.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { archivedRefusal } from '../../../src/core/ecr/storageClass';

interface MenuEntry {
  command: string;
  when?: string;
  group?: string;
}

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { contributes: { menus: Record<string, MenuEntry[]> } };

/** The `when` clauses this menu uses: `view == x` and `viewItem =~ /re/` joined by &&. */
function shown(when: string | undefined, context: { view: string; viewItem: string }): boolean {
  if (!when) return true;
  return when.split('&&').every((clause) => {
    const text = clause.trim();
    const equals = /^(view|viewItem) == (\S+)$/.exec(text);
    if (equals) return context[equals[1] as 'view' | 'viewItem'] === equals[2];
    const matches = /^viewItem =~ \/(.+)\/$/.exec(text);
    if (matches) return new RegExp(matches[1]).test(context.viewItem);
    if (text === 'isWorkspaceTrusted') return true;
    throw new Error(`unknown when clause: ${text}`);
  });
}

/** The row's context menu and inline buttons for a contextValue as treeItems.ts builds it. */
const offered = (viewItem: string) => new Set(manifest.contributes.menus['view/item/context'].filter((entry) => shown(entry.when, { view: 'ecr.registries', viewItem })).map((entry) => entry.command));

// ECR refuses these on an archived image: each reads the manifest (a pull) or writes one from it.
// StartImageScan answers ImageArchivedException ("The specified image is archived and cannot be scanned").
const REFUSED = ['ecr.inspectImage', 'ecr.checkImage', 'ecr.addTag', 'ecr.removeTag', 'ecr.copyImage', 'ecr.pullImage', 'ecr.startImageScan'];

describe('archived rows', () => {
  it('offer Restore, Delete and the copy actions, and none of what ECR refuses on an archived image', () => {
    for (const viewItem of ['image tagged archived', 'image untagged archived']) {
      const commands = offered(viewItem);
      for (const refused of REFUSED) assert.ok(!commands.has(refused), `${refused} is offered on "${viewItem}"`);
      for (const allowed of ['ecr.restoreImage', 'ecr.deleteImages', 'ecr.copyImageUriByDigest', 'ecr.copyPullCommand']) assert.ok(commands.has(allowed), `${allowed} is missing on "${viewItem}"`);
    }
    assert.ok(offered('image tagged archived').has('ecr.copyImageUriByTag'));
  });

  it('pullable rows still offer every action', () => {
    const commands = offered('image tagged pullable');
    for (const command of REFUSED) assert.ok(commands.has(command), `${command} is missing on a pullable row`);
    assert.ok(!commands.has('ecr.restoreImage'));
  });

  it('an action on an archived image says to restore it first, naming the action and when it was archived', () => {
    const archived = { status: 'ARCHIVED', lastArchivedAt: new Date('2026-08-01T10:00:00Z'), tags: ['v1'], digest: `sha256:${'a'.repeat(64)}` };
    assert.equal(
      archivedRefusal('Inspect Image', archived),
      'Inspect Image: the image :v1 was archived on 2026-08-01, and ECR refuses to serve archived images (404). Restore it first: it returns to standard storage within 20 minutes.',
    );
    assert.match(archivedRefusal('Add Tag', { ...archived, status: 'ACTIVATING', tags: [] })!, /^Add Tag: the image @sha256:aaaaaaaaaaaa is being restored/);
    assert.equal(archivedRefusal('Check Image', { ...archived, status: 'ACTIVE' }), undefined);
    assert.equal(archivedRefusal('Check Image', { ...archived, status: undefined }), undefined);
  });
});
