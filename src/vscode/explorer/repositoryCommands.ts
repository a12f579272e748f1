import * as vscode from 'vscode';
import type { CreateRepositoryOptions } from '../../core/ecr/management';
import type { RepositorySummary } from '../../core/ecr/listing';
import { errorMessage } from '../../core/errors';
import { repositoryNameProblem } from '../../core/ecr/names';
import { createRepositoryArgument } from '../../core/explorer/arguments';
import { isNode } from '../../core/explorer/nodes';
import type { Commands } from '../commands';
import type { Explorer } from './explorer';

/** Creating and deleting repositories. */
export function repositoryCommands(explorer: Explorer): Commands<'ecr.createRepository' | 'ecr.deleteRepository'> {
  return {
    'ecr.createRepository': (arg) => createRepositoryCommand(explorer, arg),
    'ecr.deleteRepository': (arg) => deleteRepositoryCommand(explorer, arg),
  };
}

async function createRepositoryCommand(explorer: Explorer, arg: unknown): Promise<RepositorySummary | undefined> {
  const { model, targets, log } = explorer;
  const given = createRepositoryArgument(arg);
  if (given && 'problem' in given) {
    void explorer.report(given.problem);
    return undefined;
  }
  const connection = await targets.registry(arg, 'Create Repository');
  if (!connection) return undefined;
  const existing = async (name: string): Promise<boolean> => {
    // The listing answers at once; ECR is asked on Enter, since the listing may be stale or partial.
    try {
      const { describeRepository } = await import('../../core/ecr/management');
      return Boolean(await describeRepository(await connection.client(), name, connection.config.accountId));
    } catch (error) {
      // Could not ask (no permission to describe): creating will say if it exists.
      log.debug(`could not check whether ${name} exists: ${errorMessage(error)}`);
      return false;
    }
  };
  const options =
    given?.preset ??
    (await askRepositoryOptions(connection.label, {
      listed: (name) => model.isListed(connection.key, name),
      exists: existing,
      refused: (name) => log.info(`Create Repository: ${name} already exists in ${connection.label}; asked for another name`),
    }));
  if (!options) return undefined;
  const created = await explorer.attempt(
    connection,
    `Could not create ${options.name}`,
    () =>
      explorer.withProgress(`Creating repository ${options.name}…`, async () => {
        const { createRepository } = await import('../../core/ecr/management');
        return createRepository(await connection.client(), { ...options, registryId: connection.config.accountId });
      }),
    { modal: true },
  );
  if (created) {
    model.refresh(connection.key);
    // Show it where the person is looking: the new row, selected, and the outcome as a notification.
    await explorer.reveal(connection.key, created.name, { select: true, focus: false, expand: false }).catch(() => undefined);
    const uri = `${connection.registryHost()}/${created.name}`;
    void explorer.done(`Created repository ${created.name} in ${connection.label}.`, { title: 'Copy URI', run: () => explorer.copy(uri, 'the repository URI') });
  }
  return created;
}

async function deleteRepositoryCommand(explorer: Explorer, arg: unknown): Promise<boolean> {
  const { model, targets, log } = explorer;
  const resolved = isNode(arg, 'repository') ? targets.repository(arg, 'Delete Repository') : undefined;
  if (!resolved) return false;
  const { connection } = resolved;
  const name = resolved.target.repository;
  const count = await explorer.attempt(connection, `Could not count the images in ${name}`, () =>
    explorer.withProgress(`Counting images in ${name}…`, async () => {
      const { countImages } = await import('../../core/ecr/listing');
      return countImages(await connection.client(), name, { registryId: connection.config.accountId });
    }),
  );
  if (count === undefined) return false;
  const { repositoryDeleteQuestion } = await import('../../core/ecr/listing');
  const question = repositoryDeleteQuestion(name, count);
  const answer = await explorer.services.modals.show('warning', question.message, `From ${connection.label}. ${question.detail}`, question.button);
  if (!answer) return false;
  const deleted = await explorer.attempt(connection, `Could not delete ${name}`, () =>
    explorer.withProgress(`Deleting repository ${name}…`, async () => {
      const { deleteRepository } = await import('../../core/ecr/management');
      await deleteRepository(await connection.client(), { registryId: connection.config.accountId, name, force: count.total > 0 });
      return true;
    }),
  );
  if (deleted) {
    log.info(`deleted repository ${name} (${count.total} images, ${count.archived} of them archived) in ${connection.label}`);
    model.refresh(connection.key);
  }
  return Boolean(deleted);
}

interface NameChecks {
  /** Already in the listing (answers while typing). */
  listed(name: string): boolean;
  /** Exists in ECR (asked on Enter). */
  exists(name: string): Promise<boolean>;
  /** Told once each time a taken name is refused. */
  refused(name: string): void;
}

/**
 * Step 1: the name, refused at once when it is taken (from the listing while typing, from ECR on
 * Enter), before any question about mutability, scanning or encryption.
 */
function askRepositoryName(registryLabel: string, checks: NameChecks): Promise<string | undefined> {
  const box = vscode.window.createInputBox();
  box.title = `Create Repository in ${registryLabel} (1/4)`;
  box.prompt = 'Repository name: lower case, digits and . _ - separators, / between path parts';
  box.placeholder = 'ml-team/operator';
  box.ignoreFocusOut = true;
  const taken = (name: string) => `A repository named "${name}" already exists in ${registryLabel}. Choose another name.`;
  const problem = (name: string) => repositoryNameProblem(name) ?? (checks.listed(name) ? taken(name) : undefined);
  return new Promise((resolve) => {
    box.onDidChangeValue((value) => {
      box.validationMessage = value.trim() ? problem(value.trim()) : undefined;
    });
    box.onDidAccept(async () => {
      const name = box.value.trim();
      const invalid = repositoryNameProblem(name);
      if (invalid) {
        box.validationMessage = invalid;
        return;
      }
      box.busy = true;
      box.enabled = false;
      const exists = await checks.exists(name);
      box.busy = false;
      box.enabled = true;
      if (exists) {
        box.validationMessage = taken(name);
        checks.refused(name);
        return;
      }
      resolve(name);
      box.hide();
    });
    box.onDidHide(() => {
      resolve(undefined);
      box.dispose();
    });
    box.show();
  });
}

/** The four prompts of Create Repository; undefined when the person backs out. */
async function askRepositoryOptions(registryLabel: string, checks: NameChecks): Promise<CreateRepositoryOptions | undefined> {
  const name = await askRepositoryName(registryLabel, checks);
  if (!name) return undefined;
  const mutability = await vscode.window.showQuickPick(
    [
      { label: 'Mutable', description: 'a tag can be pushed again (e.g. latest)', value: 'MUTABLE' as const },
      { label: 'Immutable', description: 'a pushed tag can never be overwritten', value: 'IMMUTABLE' as const },
    ],
    { title: `Create ${name} (2/4): tag mutability`, ignoreFocusOut: true },
  );
  if (!mutability) return undefined;
  const scan = await vscode.window.showQuickPick(
    [
      { label: 'Scan on push', description: 'basic vulnerability scan of every pushed image', value: true },
      { label: 'No scan on push', value: false },
    ],
    { title: `Create ${name} (3/4): image scanning`, ignoreFocusOut: true },
  );
  if (!scan) return undefined;
  const encryption = await vscode.window.showQuickPick(
    [
      { label: 'AES-256', description: 'Amazon S3-managed keys (default)', value: 'AES256' as const },
      { label: 'AWS KMS', description: 'the account’s aws/ecr key, or a key you name', value: 'KMS' as const },
    ],
    { title: `Create ${name} (4/4): encryption (cannot be changed later)`, ignoreFocusOut: true },
  );
  if (!encryption) return undefined;
  let kmsKey: string | undefined;
  if (encryption.value === 'KMS') {
    kmsKey = await vscode.window.showInputBox({ title: 'KMS key (optional)', prompt: 'Key ARN or id; leave empty for the AWS managed key aws/ecr', ignoreFocusOut: true });
    if (kmsKey === undefined) return undefined;
  }
  return { name, tagMutability: mutability.value, scanOnPush: scan.value, encryption: { type: encryption.value, kmsKey: kmsKey?.trim() || undefined } };
}
