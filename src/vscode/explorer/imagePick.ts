import * as vscode from 'vscode';
import { splitImageReference } from '../../core/imageReference';
import { refuseArchived } from './archiveCommands';
import type { Explorer } from './explorer';
import type { ResolvedTarget } from './targets';

/**
 * The one image a command acts on: the row (or plain `{ registryKey, repository, tag | digest }`)
 * it was given, or, from the Command Palette (no argument), a pick among the images the ECR view
 * has listed, where "repository:tag" can also be typed.
 */
export async function resolveImage(explorer: Explorer, arg: unknown, purpose: string): Promise<ResolvedTarget | undefined> {
  const resolved = await pickImage(explorer, arg, purpose);
  // Every caller reads the manifest, which ECR refuses for an archived image: say so, with Restore.
  if (resolved && refuseArchived(explorer, resolved.target, purpose)) return undefined;
  return resolved;
}

async function pickImage(explorer: Explorer, arg: unknown, purpose: string): Promise<ResolvedTarget | undefined> {
  if (arg !== undefined) return explorer.targets.repository(arg, purpose, { where: 'an image', pick: 'a tag or an untagged image', image: true });
  const connection = await explorer.targets.registry(undefined, purpose);
  if (!connection) return undefined;
  const host = connection.registryHost();
  const listed = explorer.model
    .knownImages()
    .filter((entry) => entry.registryHost === host)
    .flatMap((entry) => entry.tags.map((tag) => `${entry.repository}:${tag}`));
  const typed = await pickReference(purpose, connection.label, listed);
  if (!typed) return undefined;
  const { name, tag, digest } = splitImageReference(typed);
  return { target: { registryKey: connection.key, repository: name, tag: digest ? undefined : (tag ?? 'latest'), digest }, connection, node: undefined };
}

function pickReference(purpose: string, registryLabel: string, listed: string[]): Promise<string | undefined> {
  const pick = vscode.window.createQuickPick();
  pick.title = `${purpose} (${registryLabel})`;
  pick.placeholder = listed.length ? 'Pick an image, or type repository:tag or repository@sha256:…' : 'Type repository:tag or repository@sha256:… (expand repositories in the ECR view to list their tags here)';
  const base = listed.map((label) => ({ label }));
  pick.items = base;
  // What was typed is an item of its own, made active, so Enter takes it (arrows still reach the listed ones).
  pick.onDidChangeValue((value) => {
    const text = value.trim();
    pick.items = text ? [{ label: text, description: listed.includes(text) ? '' : 'as typed' }, ...base.filter((item) => item.label !== text)] : base;
    if (text) pick.activeItems = [pick.items[0]];
  });
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      const chosen = pick.selectedItems[0]?.label ?? pick.value.trim();
      resolve(chosen || undefined);
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(undefined);
      pick.dispose();
    });
    pick.show();
  });
}
