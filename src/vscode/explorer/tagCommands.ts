import * as vscode from 'vscode';
import { formatBytes } from '../../core/ecr/format';
import { tagIsImmutable, tagMutabilityFrom } from '../../core/ecr/tagMutability';
import { optionArgument } from '../../core/explorer/arguments';
import { isNode } from '../../core/explorer/nodes';
import type { TagOutcome } from '../../core/images/tags';
import { tagProblem } from '../../core/images/tags';
import type { Commands } from '../commands';
import { registryClientFor } from '../registryAccess';
import type { Explorer } from './explorer';
import { resolveImage } from './imagePick';
import { currentSettings } from './repositorySettingsCommands';

const short = (digest: string) => digest.slice(0, 19);

/**
 * "Add Tag…" and "Remove Tag": tags without pulling. Adding PUTs the image's exact manifest bytes
 * under the new tag (the digest never changes); taking a tag from another image asks first, and an
 * immutable tag is refused with why. Removing goes through ECR's API; removing an image's last tag
 * deletes the image, so that asks first too. The repository's rows are re-listed afterwards.
 */
export function tagCommands(explorer: Explorer): Commands<'ecr.addTag' | 'ecr.removeTag'> {
  return {
    'ecr.addTag': (arg, tagArg) => addTagCommand(explorer, arg, tagArg),
    'ecr.removeTag': (arg, tagArg) => removeTagCommand(explorer, arg, tagArg),
  };
}

async function addTagCommand(explorer: Explorer, arg: unknown, tagArg: unknown): Promise<TagOutcome | undefined> {
  const { modals, redactor } = explorer.services;
  const resolved = await resolveImage(explorer, arg, 'Add Tag');
  if (!resolved) return undefined;
  const { target, connection } = resolved;
  const from = target.tag ? `${target.repository}:${target.tag}` : `${target.repository}@${short(target.digest ?? '')}`;
  const given = optionArgument(tagArg);
  const tag =
    typeof given === 'string'
      ? given
      : await vscode.window.showInputBox({
          title: `Add Tag to ${from}`,
          prompt: `A new tag for this image in ${target.repository}. The image is not pulled or changed: its digest stays the same.`,
          placeHolder: 'e.g. 1.0.1, prod, release-2026-11',
          validateInput: (text) => (text.trim() ? tagProblem(text.trim()) : 'Type a tag.'),
          ignoreFocusOut: true,
        });
  if (!tag?.trim()) return undefined;
  const problem = tagProblem(tag.trim());
  if (problem) {
    void explorer.report(`Add Tag: ${problem}`);
    return undefined;
  }
  const settings = await currentSettings(explorer, connection, target.repository);
  if (!settings) return undefined;
  const decision = tagIsImmutable(tagMutabilityFrom(settings.tagMutability, settings.tagMutabilityExclusionFilters), tag.trim());
  const run = (move: boolean) =>
    explorer.attempt(connection, `Could not tag ${from} as ${tag.trim()}`, () =>
      explorer.withProgress(`Tagging ${from} as ${tag.trim()}…`, async () => {
        const [{ addTag }, client] = await Promise.all([import('../../core/images/tags'), registryClientFor(connection, redactor, explorer.log)]);
        // A row's digest, not its tag: the image the person clicked, even if its tag moved since.
        return addTag(client, target.repository, target.digest ?? target.tag ?? 'latest', tag.trim(), { move, tagMutability: decision.immutable ? 'IMMUTABLE' : 'MUTABLE' });
      }),
    );
  let outcome = await run(false);
  if (outcome?.status === 'immutable') {
    await explorer.report(`${target.repository}:${outcome.tag} cannot be moved: it is immutable`, undefined, {
      modal: true,
      warning: true,
      detail: `It names ${outcome.currentDigest}, and ${decision.reason}. ECR refuses to move an immutable tag. Choose another tag, or change the repository's tag mutability first (Repository Settings).`,
    });
    return outcome;
  }
  if (outcome?.status === 'points-elsewhere') {
    const answer = await modals.show(
      'warning',
      `Move tag ${outcome.tag} to ${from}?`,
      `${target.repository}:${outcome.tag} names another image now (${outcome.currentDigest}). Moving it makes it name ${outcome.digest}; the other image keeps its other tags, or stays untagged.`,
      'Move Tag',
    );
    if (answer !== 'Move Tag') return outcome;
    outcome = await run(true);
  }
  if (!outcome) return undefined;
  if (outcome.status === 'already') void explorer.done(`${target.repository}:${outcome.tag} already names this image (${short(outcome.digest)}): nothing changed.`);
  if (outcome.status === 'tagged') {
    const moved = outcome.movedFrom ? `, moved from ${short(outcome.movedFrom)}` : '';
    void explorer.done(`Tagged ${target.repository}:${outcome.tag} → ${short(outcome.digest)} (digest unchanged${moved}).`);
  }
  explorer.model.refresh(connection.key, target.repository);
  return outcome;
}

async function removeTagCommand(explorer: Explorer, arg: unknown, tagArg: unknown): Promise<{ removed: boolean; tag: string; imageDeleted: boolean } | undefined> {
  const { modals } = explorer.services;
  const resolved = await resolveImage(explorer, arg, 'Remove Tag');
  if (!resolved) return undefined;
  const { target, connection } = resolved;
  const node = isNode(arg, 'image') ? arg : undefined;
  const { imageByTag, removeTag } = await import('../../core/images/tags');
  const registryId = connection.config.accountId;
  let tags = node?.tags ?? (target.tag ? [target.tag] : []);
  if (!tags.length) {
    void explorer.report(`Remove Tag: ${target.repository}@${short(target.digest ?? '')} has no tag to remove.`);
    return undefined;
  }
  const given = optionArgument(tagArg);
  const tag =
    typeof given === 'string' ? given : tags.length === 1 ? tags[0] : (await vscode.window.showQuickPick(tags, { title: `Remove which tag of ${target.repository}@${short(target.digest ?? '')}?`, placeHolder: 'The image keeps its other tags' }));
  if (!tag) return undefined;
  // What ECR holds now decides whether this is the image's last tag (the row may be old).
  const read = await explorer.attempt(connection, `Could not read ${target.repository}:${tag}`, async () => ({ now: await imageByTag(await connection.client(), target.repository, tag, registryId) }));
  if (!read) return undefined;
  const { now } = read;
  if (!now) {
    void explorer.report(`${target.repository}:${tag} no longer exists (it was removed or moved since the list was loaded).`);
    explorer.model.refresh(connection.key, target.repository);
    return undefined;
  }
  if (target.digest && now.digest !== target.digest) {
    void explorer.report(`${target.repository}:${tag} names ${short(now.digest)} now, not this image (${short(target.digest)}): nothing was removed. Refresh the repository.`);
    explorer.model.refresh(connection.key, target.repository);
    return undefined;
  }
  tags = now.tags;
  const last = tags.length <= 1;
  if (last) {
    const size = node?.image.sizeBytes !== undefined ? ` (${formatBytes(node.image.sizeBytes)})` : '';
    const answer = await modals.show(
      'warning',
      `Remove ${target.repository}:${tag}, the image's only tag?`,
      `ECR deletes an image when its last tag is removed: image ${now.digest}${size} goes with it. This cannot be undone. To keep the image, add another tag first.`,
      'Remove Tag and Delete Image',
    );
    if (!answer) return undefined;
  }
  const result = await explorer.attempt(connection, `Could not remove tag ${tag} from ${target.repository}`, async () => removeTag(await connection.client(), target.repository, tag, registryId));
  if (!result) return undefined;
  if (!result.removed) {
    void explorer.report(`Could not remove tag ${tag} from ${target.repository}`, result.reason ?? 'ECR did not remove it');
    return { removed: false, tag, imageDeleted: false };
  }
  const others = tags.filter((other) => other !== tag);
  void explorer.done(last ? `Removed ${target.repository}:${tag}; the image had no other tag and was deleted.` : `Removed tag ${tag}; ${short(now.digest)} keeps ${others.join(', ')}.`);
  explorer.model.refresh(connection.key, target.repository);
  return { removed: true, tag, imageDeleted: last };
}
