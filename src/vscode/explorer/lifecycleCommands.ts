import * as vscode from 'vscode';
import type { LifecycleRuleChoice } from '../../core/ecr/lifecycle';
import { optionArgument } from '../../core/explorer/arguments';
import { shortDigest } from '../../core/explorer/nodes';
import type { RepositoryTarget } from '../../core/explorer/targets';
import { runCommand, type Commands } from '../commands';
import type { Connection } from './connections';
import type { Explorer } from './explorer';
import { previewLifecycle } from './lifecyclePreviewCommand';
import { askRuleChoices } from './lifecycleRuleBuilder';

/** Editors holding a repository's policy are named so the contributed JSON schema applies to them. */
export const POLICY_FILE_SUFFIX = '.ecr-lifecycle.json';

type LifecycleCommandId =
  | 'ecr.viewLifecyclePolicy'
  | 'ecr.buildLifecyclePolicy'
  | 'ecr.previewLifecyclePolicy'
  | 'ecr.clearLifecyclePreview'
  | 'ecr.applyLifecyclePolicy'
  | 'ecr.deleteLifecyclePolicy';

/** A policy text argument, or undefined; anything else is refused with a message. */
function policyTextArgument(explorer: Explorer, option: unknown, title: string): { text: string | undefined } | undefined {
  const value = optionArgument(option);
  if (value === undefined || typeof value === 'string') return { text: value };
  void explorer.report(`${title} takes the policy as JSON text.`);
  return undefined;
}

/** What the lifecycle commands share: the explorer, the target resolver and the policy editors. */
interface LifecycleContext {
  explorer: Explorer;
  resolve(arg: unknown, title: string): ReturnType<Explorer['targets']['repository']>;
  policyTextFor(target: RepositoryTarget, connection: Connection, given?: string): Promise<string | undefined>;
  openPolicyEditor(target: RepositoryTarget, text: string): Promise<vscode.TextDocument>;
  /** Which repository each policy editor belongs to. */
  policyDocuments: Map<string, { registryKey: string; repository: string }>;
}

/**
 * Lifecycle policy commands: view/edit the policy as JSON (schema-checked), a guided builder,
 * a preview that marks images in the tree and lists them, apply (modal), delete (modal).
 */
export function lifecycleCommands(explorer: Explorer): Commands<LifecycleCommandId> {
  const context = lifecycleContext(explorer);
  return { ...editingCommands(context), ...previewCommands(context), 'ecr.deleteLifecyclePolicy': deleteCommand(context) };
}

function lifecycleContext(explorer: Explorer): LifecycleContext {
  const attempt = explorer.attempt.bind(explorer);
  const policyDocuments = new Map<string, { registryKey: string; repository: string }>();
  const resolve = (arg: unknown, title: string) => explorer.targets.repository(arg, title);

  /** The policy text a command should use: its argument, the repository's open policy editor, or what ECR stores. */
  const policyTextFor = async (target: RepositoryTarget, connection: Connection, given?: string): Promise<string | undefined> => {
    if (typeof given === 'string') return given;
    const open = vscode.workspace.textDocuments.find((document) => {
      const owner = policyDocuments.get(document.uri.toString());
      return owner?.registryKey === target.registryKey && owner?.repository === target.repository;
    });
    if (open) return open.getText();
    const { getLifecyclePolicy } = await import('../../core/ecr/lifecycleApi');
    const stored = await attempt(connection, `Could not read the lifecycle policy of ${target.repository}`, async () =>
      getLifecyclePolicy(await connection.client(), target.repository, connection.config.accountId),
    );
    if (stored === undefined) {
      explorer.tell(`${target.repository} has no lifecycle policy yet`);
      void vscode.window.showInformationMessage(`${target.repository} has no lifecycle policy. Build one with "ECR: Build Lifecycle Policy…".`);
    }
    return stored?.text;
  };

  /**
   * The policy opens as a file in the extension's storage (one per repository), written before it
   * opens: a draft is not an unsaved editor that asks to be saved on close. Edits save as usual.
   */
  const openPolicyEditor = async (target: RepositoryTarget, text: string) => {
    const folder = vscode.Uri.joinPath(explorer.services.context.globalStorageUri, 'lifecycle-policies', (target.registryKey ?? 'registry').replace(/[^\w.-]/g, '_'));
    const uri = vscode.Uri.joinPath(folder, `${target.repository.replace(/\//g, '_')}${POLICY_FILE_SUFFIX}`);
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    if (open) {
      // Already open: replace its text in place (undo works), then save so it is not left dirty.
      const editor = await vscode.window.showTextDocument(open, { preview: false });
      await editor.edit((edit) => edit.replace(new vscode.Range(0, 0, open.lineCount, 0), text));
      await open.save();
    } else {
      await vscode.workspace.fs.createDirectory(folder);
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    }
    let document = open ?? (await vscode.workspace.openTextDocument(uri));
    if (!open) await vscode.window.showTextDocument(document, { preview: false });
    if (document.languageId !== 'json') document = await vscode.languages.setTextDocumentLanguage(document, 'json');
    policyDocuments.set(document.uri.toString(), { registryKey: target.registryKey!, repository: target.repository });
    return document;
  };

  return { explorer, resolve, policyTextFor, openPolicyEditor, policyDocuments };
}

/** View (or offer to build) the stored policy; the guided builder. */
function editingCommands(context: LifecycleContext): Commands<'ecr.viewLifecyclePolicy' | 'ecr.buildLifecyclePolicy'> {
  const { explorer } = context;
  const attempt = explorer.attempt.bind(explorer);
  const withProgress = explorer.withProgress.bind(explorer);
  const { resolve, openPolicyEditor } = context;

  const viewLifecyclePolicy = async (arg: unknown) => {
    const resolved = resolve(arg, 'View Lifecycle Policy');
    if (!resolved) return undefined;
    const { target, connection } = resolved;
    const { getLifecyclePolicy } = await import('../../core/ecr/lifecycleApi');
    const { formatLifecyclePolicy } = await import('../../core/ecr/lifecycle');
    const stored = await attempt(connection, `Could not read the lifecycle policy of ${target.repository}`, () =>
      withProgress(`Reading the lifecycle policy of ${target.repository}…`, async () => ({
        policy: await getLifecyclePolicy(await connection.client(), target.repository, connection.config.accountId),
      })),
    );
    if (!stored) return undefined;
    if (!stored.policy) {
      explorer.tell(`${target.repository} has no lifecycle policy yet`);
      // Not awaited: the command is done; the offer stays until the person takes it or closes it.
      void vscode.window.showInformationMessage(`${target.repository} has no lifecycle policy yet.`, 'Build One…').then((build) => {
        if (build) void runCommand('ecr.buildLifecyclePolicy', target);
      });
      return undefined;
    }
    return openPolicyEditor(target, formatLifecyclePolicy(stored.policy.text));
  };

  const buildLifecyclePolicy = async (arg: unknown, option: unknown) => {
    const preset = optionArgument(option);
    if (preset !== undefined && !Array.isArray(preset)) {
      void explorer.report('Build Lifecycle Policy takes a list of rule choices.');
      return undefined;
    }
    const resolved = resolve(arg, 'Build Lifecycle Policy');
    if (!resolved) return undefined;
    // Each choice is checked by buildLifecyclePolicy below, which says what is wrong with it.
    const choices = (preset as LifecycleRuleChoice[] | undefined) ?? (await askRuleChoices(resolved.target.repository));
    if (!choices?.length) return undefined;
    const { buildLifecyclePolicy, formatLifecyclePolicy } = await import('../../core/ecr/lifecycle');
    try {
      const policy = buildLifecyclePolicy(choices);
      await openPolicyEditor(resolved.target, formatLifecyclePolicy(policy));
      void vscode.window.showInformationMessage(`Lifecycle policy for ${resolved.target.repository} drafted. Preview it, then apply it.`, 'Preview').then((answer) => {
        if (answer) void runCommand('ecr.previewLifecyclePolicy', resolved.target);
      });
      return policy;
    } catch (error) {
      void explorer.report('That policy cannot be built', error);
      return undefined;
    }
  };

  return { 'ecr.viewLifecyclePolicy': viewLifecyclePolicy, 'ecr.buildLifecyclePolicy': buildLifecyclePolicy };
}

/** Preview a policy (marks in the tree), clear the marks, apply it after a modal. */
function previewCommands(context: LifecycleContext): Commands<'ecr.previewLifecyclePolicy' | 'ecr.clearLifecyclePreview' | 'ecr.applyLifecyclePolicy'> {
  const { explorer } = context;
  const { model } = explorer;
  const attempt = explorer.attempt.bind(explorer);
  const withProgress = explorer.withProgress.bind(explorer);
  const { resolve, policyTextFor, policyDocuments } = context;

  const preview = (target: RepositoryTarget, connection: Connection, policyText: string, options?: { show?: boolean }) =>
    previewLifecycle(explorer, target, connection, policyText, options);

  const previewLifecyclePolicy = async (arg: unknown, policyText: unknown) => {
    const given = policyTextArgument(explorer, policyText, 'Preview Lifecycle Policy');
    const resolved = given && resolve(arg, 'Preview Lifecycle Policy');
    if (!resolved) return undefined;
    const text = await policyTextFor(resolved.target, resolved.connection, given.text);
    return text === undefined ? undefined : preview(resolved.target, resolved.connection, text);
  };

  const clearLifecyclePreview = (arg: unknown) => {
    const resolved = resolve(arg, 'Clear Lifecycle Preview');
    if (resolved) model.setLifecycleMarks(resolved.connection.key, resolved.target.repository, undefined);
  };

  const applyLifecyclePolicy = async (arg: unknown, policyText: unknown) => {
    const given = policyTextArgument(explorer, policyText, 'Apply Lifecycle Policy');
    const resolved = given && resolve(arg, 'Apply Lifecycle Policy');
    if (!resolved) return false;
    const { target, connection } = resolved;
    const text = await policyTextFor(target, connection, given.text);
    if (text === undefined) return false;
    const result = await preview(target, connection, text, { show: false });
    if (!result) return false;
    const count = result.expired.length;
    const archived = result.transitioned.length;
    const names = (entries: typeof result.expired) =>
      `${entries.slice(0, 10).map((entry) => (entry.tags.length ? entry.tags.join(', ') : shortDigest(entry.digest))).join('; ')}${entries.length > 10 ? `; and ${entries.length - 10} more` : ''}`;
    const answer = await explorer.services.modals.show(
      'warning',
      `Apply this lifecycle policy to ${target.repository}? ${count === 0 ? 'No image would expire now.' : `${count} image${count === 1 ? '' : 's'} would expire.`}${archived ? ` ${archived} would be archived.` : ''}`,
      [
        count ? `Expiring: ${names(result.expired)}.` : '',
        archived ? `Archiving (kept, but not pullable until restored): ${names(result.transitioned)}.` : '',
        'ECR applies the policy within 24 hours of it being set, and keeps applying it as images are pushed. Expired images cannot be recovered.',
      ]
        .filter(Boolean)
        .join('\n'),
      count ? `Apply and Expire ${count} Image${count === 1 ? '' : 's'}` : 'Apply Policy',
    );
    if (!answer) return false;
    const { putLifecyclePolicy } = await import('../../core/ecr/lifecycleApi');
    const applied = await attempt(connection, `Could not apply the lifecycle policy to ${target.repository}`, () =>
      withProgress(`Applying the lifecycle policy to ${target.repository}…`, async () => putLifecyclePolicy(await connection.client(), target.repository, text, connection.config.accountId)),
    );
    if (applied === undefined) return false;
    // The preview's marks were about a draft; from now on ECR decides, so the tree shows no mark.
    model.setLifecycleMarks(connection.key, target.repository, undefined);
    // The editor holds what ECR now has: saved, so closing it asks nothing.
    const editor = vscode.workspace.textDocuments.find((document) => {
      const owner = policyDocuments.get(document.uri.toString());
      return owner?.registryKey === connection.key && owner.repository === target.repository && document.getText() === text;
    });
    if (editor?.isDirty && !editor.isUntitled) await editor.save();
    void explorer.done(
      `Lifecycle policy applied to ${target.repository}: ECR acts on it within 24 hours (${count} image${count === 1 ? '' : 's'} would expire${archived ? `, ${archived} would be archived` : ''}).`,
    );
    return true;
  };

  return { 'ecr.previewLifecyclePolicy': previewLifecyclePolicy, 'ecr.clearLifecyclePreview': clearLifecyclePreview, 'ecr.applyLifecyclePolicy': applyLifecyclePolicy };
}

/** Delete the stored policy after a modal that says what it held. */
function deleteCommand(context: LifecycleContext): Commands<'ecr.deleteLifecyclePolicy'>['ecr.deleteLifecyclePolicy'] {
  const { explorer } = context;
  const { model } = explorer;
  const attempt = explorer.attempt.bind(explorer);
  const { resolve } = context;

  return async (arg: unknown) => {
    const resolved = resolve(arg, 'Delete Lifecycle Policy');
    if (!resolved) return false;
    const { target, connection } = resolved;
    const { deleteLifecyclePolicy, describePolicyRules, getLifecyclePolicy } = await import('../../core/ecr/lifecycleApi');
    // Read it first: a modal about deleting a policy that does not exist would only confuse.
    const current = await attempt(connection, `Could not read the lifecycle policy of ${target.repository}`, async () => ({
      stored: await getLifecyclePolicy(await connection.client(), target.repository, connection.config.accountId),
    }));
    if (!current) return false;
    if (!current.stored) {
      explorer.tell(`${target.repository} has no lifecycle policy: nothing to delete`);
      return false;
    }
    const answer = await explorer.services.modals.show(
      'warning',
      `Delete the lifecycle policy of ${target.repository}?`,
      `${describePolicyRules(current.stored.text)} Images stop expiring automatically. No image is deleted by this.`,
      'Delete Policy',
    );
    if (!answer) return false;
    const deleted = await attempt(connection, `Could not delete the lifecycle policy of ${target.repository}`, async () =>
      deleteLifecyclePolicy(await connection.client(), target.repository, connection.config.accountId),
    );
    if (deleted === undefined) return false;
    model.setLifecycleMarks(connection.key, target.repository, undefined);
    // Another client may have deleted it first: then that is the repository's state, said above the tree.
    if (deleted) void explorer.done(`Lifecycle policy of ${target.repository} deleted: its images no longer expire automatically.`);
    else explorer.tell(`${target.repository} had no lifecycle policy: nothing deleted`);
    return deleted;
  };
}
