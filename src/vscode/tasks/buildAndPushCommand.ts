import { execFile } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { classifyEcrError } from '../../core/ecr/errors';
import { isNode } from '../../core/explorer/nodes';
import { repositoryTargetOf } from '../../core/explorer/targets';
import type { BuildAndPushOptions } from '../commandArguments';
import { runCommand, type CommandHandler } from '../commands';
import { Reporter } from '../report';
import type { Services } from '../services';
import { problemFrom } from '../validateInput';
import type { ExplorerApi, RegistryConnection } from '../explorer/api';
import { DOCKERFILE_EXCLUDE, DOCKERFILE_GLOB, TASK_TYPE, repositoryNameForDockerfile, type EcrBuildTaskDefinition } from './taskDefinition';

const UNTRUSTED_MESSAGE =
  "Build and Push is disabled in untrusted workspaces: building runs this workspace's Dockerfile. Trust the folder to enable it.";

/**
 * "ECR: Build and Push Image…": asks for the Dockerfile, repository and tags, then runs the
 * ecr-build task. Resolves with the task's exit code (undefined when the user backed out).
 */
export function buildAndPushCommand(
  services: Services,
  explorer: ExplorerApi,
  createTask: (definition: EcrBuildTaskDefinition, scope: vscode.WorkspaceFolder) => vscode.Task,
): CommandHandler {
  const reporter = new Reporter(services, 'build');
  return async (argument): Promise<number | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void reporter.report(UNTRUSTED_MESSAGE, undefined, { warning: true, fixes: [{ title: 'Manage Workspace Trust', run: () => vscode.commands.executeCommand('workbench.trust.manage') }] });
      return undefined;
    }
    const options = toOptions(argument);
    if (typeof options === 'string') {
      void reporter.report(options);
      return undefined;
    }

    const dockerfile = await pickDockerfile(options.dockerfile, reporter);
    if (!dockerfile) return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(dockerfile);
    if (!folder) {
      void reporter.report(`${dockerfile.fsPath} is outside the open workspace folders; open its folder to build it.`);
      return undefined;
    }

    const connection = await explorer.resolveRegistry(options.registry, 'Build and Push');
    if (!connection) return undefined;

    const repository = options.repository
      ? { name: options.repository, create: undefined }
      : await pickRepository(connection, repositoryNameForDockerfile(folder, dockerfile), (text) => services.redactor.redact(text));
    if (!repository) return undefined;
    const tags = options.tags ?? (await askTags(folder));
    if (!tags) return undefined;

    const definition: EcrBuildTaskDefinition = {
      type: TASK_TYPE,
      dockerfile: path.relative(folder.uri.fsPath, dockerfile.fsPath).split(path.sep).join('/'),
      repository: repository.name,
      tags,
      registry: connection.key,
      createRepository: options.createRepository ?? repository.create ?? true,
      ...(options.context ? { context: options.context } : {}),
    };
    services.logger('build').info(`running ecr-build for ${definition.dockerfile} → ${definition.repository}`);
    const task = createTask(definition, folder);
    // Listen before starting: a task that fails at once can end before executeTask resolves.
    const endings: vscode.TaskProcessEndEvent[] = [];
    let execution: vscode.TaskExecution | undefined;
    let settle: ((code: number | undefined) => void) | undefined;
    const listener = vscode.tasks.onDidEndTaskProcess((event) => {
      if (execution && event.execution === execution) settle?.(event.exitCode);
      else endings.push(event);
    });
    try {
      execution = await vscode.tasks.executeTask(task);
      const early = endings.find((event) => event.execution === execution);
      if (early) return early.exitCode;
      return await new Promise<number | undefined>((resolve) => (settle = resolve));
    } finally {
      listener.dispose();
    }
  };
}



/**
 * What the command was given: a Dockerfile (explorer context menu), a repository row of the ECR
 * view (build into that repository), `BuildAndPushOptions`, or nothing. A message for anything else.
 */
function toOptions(argument: unknown): BuildAndPushOptions | string {
  if (argument === undefined) return {};
  if (argument instanceof vscode.Uri) return { dockerfile: argument.fsPath };
  if (isNode(argument, 'repository')) {
    const target = repositoryTargetOf(argument);
    return { repository: target?.repository, registry: target?.registryKey };
  }
  if (isNode(argument) || typeof argument !== 'object' || argument === null) return 'Build and Push works on a Dockerfile, a repository in the ECR view, or nothing (it asks).';
  const value = argument as Record<string, unknown>;
  const strings = ['dockerfile', 'repository', 'registry', 'context'] as const;
  const wrong: string[] = strings.filter((key) => value[key] !== undefined && typeof value[key] !== 'string');
  if (value.tags !== undefined && !(Array.isArray(value.tags) && value.tags.every((tag) => typeof tag === 'string'))) wrong.push('tags');
  if (value.createRepository !== undefined && typeof value.createRepository !== 'boolean') wrong.push('createRepository');
  if (wrong.length) return `Build and Push: ${wrong.join(', ')} ${wrong.length === 1 ? 'has' : 'have'} the wrong type (strings; tags a list of strings; createRepository true or false).`;
  return {
    dockerfile: value.dockerfile as string | undefined,
    repository: value.repository as string | undefined,
    registry: value.registry as string | undefined,
    tags: value.tags as string[] | undefined,
    context: value.context as string | undefined,
    createRepository: value.createRepository as boolean | undefined,
  };
}

async function pickDockerfile(given: string | undefined, reporter: Reporter): Promise<vscode.Uri | undefined> {
  if (given) {
    const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    return vscode.Uri.file(path.resolve(base, given));
  }
  const active = vscode.window.activeTextEditor?.document;
  const files = await vscode.workspace.findFiles(DOCKERFILE_GLOB, DOCKERFILE_EXCLUDE, 200);
  if (files.length === 0) {
    void reporter.report('No Dockerfile in this workspace.', undefined, { fixes: [{ title: 'New Dockerfile from Aqueduct Base Image…', run: () => runCommand('ecr.newAqueductDockerfile') }] });
    return undefined;
  }
  if (files.length === 1) return files[0];
  const items = files
    .map((file) => ({ label: vscode.workspace.asRelativePath(file), uri: file, picked: file.fsPath === active?.uri.fsPath }))
    .sort((a, b) => Number(b.picked) - Number(a.picked) || a.label.localeCompare(b.label));
  const choice = await vscode.window.showQuickPick(items, { title: 'Build and Push: Dockerfile', placeHolder: 'Which Dockerfile to build?' });
  return choice?.uri;
}

async function pickRepository(
  connection: RegistryConnection,
  suggestion: string,
  redact: (text: string) => string,
): Promise<{ name: string; create?: boolean } | undefined> {
  type Item = vscode.QuickPickItem & { repository?: string; createNew?: boolean; retry?: boolean; typeName?: boolean };
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.title = `Build and Push: repository in ${connection.label}`;
  quickPick.placeholder = 'Pick a repository, or create a new one';
  const createItem: Item = { label: '$(add) Create new repository…', createNew: true, alwaysShow: true };
  // Each listing gets a number, so a slow listing that a retry overtook cannot replace the newer result.
  let listing = 0;
  const list = () => {
    const current = ++listing;
    quickPick.busy = true;
    quickPick.items = [createItem];
    void listRepositoryNames(connection).then(
      (names) => {
        if (current !== listing) return;
        quickPick.items = [createItem, ...names.map((name) => ({ label: name, repository: name }))];
        quickPick.busy = false;
      },
      (error: unknown) => {
        if (current !== listing) return;
        // Picking the error retries the listing in place; the name can also be typed without a listing.
        const message = redact(classifyEcrError(error).message);
        quickPick.items = [
          createItem,
          { label: '$(refresh) Retry listing repositories', description: 'listing failed', detail: `$(error) ${message}`, retry: true, alwaysShow: true },
          { label: '$(edit) Enter an existing repository name…', typeName: true, alwaysShow: true },
        ];
        quickPick.busy = false;
      },
    );
  };
  list();
  quickPick.show();
  const picked = await new Promise<Item | undefined>((resolve) => {
    quickPick.onDidAccept(() => {
      const item = quickPick.selectedItems[0];
      if (item?.retry) list();
      else resolve(item);
    });
    quickPick.onDidHide(() => resolve(undefined));
  });
  const typed = quickPick.value.trim();
  quickPick.dispose();
  if (!picked) return undefined;
  if (picked.repository) return { name: picked.repository, create: false };
  if (picked.typeName) {
    const name = await askRepositoryName('Build and Push: existing repository name', typed, 'The repository must already exist in ECR');
    return name ? { name, create: false } : undefined;
  }
  if (!picked.createNew) return undefined;
  const name = await askRepositoryName('Build and Push: new repository name', suggestion, 'Created in ECR before the push');
  return name ? { name, create: true } : undefined;
}

async function askRepositoryName(title: string, value: string, prompt: string): Promise<string | undefined> {
  const { parseRepositoryInput } = await import('../../core/docker/repositoryReference');
  const name = await vscode.window.showInputBox({
    title,
    value,
    prompt,
    validateInput: problemFrom(parseRepositoryInput),
  });
  return name ? parseRepositoryInput(name).name : undefined;
}

async function listRepositoryNames(connection: RegistryConnection): Promise<string[]> {
  const { listRepositories } = await import('../../core/ecr/listing');
  const repositories = await listRepositories(await connection.client(), { registryId: connection.accountId });
  return repositories.map((repository) => repository.name).filter(Boolean).sort();
}

async function askTags(folder: vscode.WorkspaceFolder): Promise<string[] | undefined> {
  const sha = await gitShortSha(folder.uri.fsPath);
  const { invalidTags } = await import('../../core/docker/repositoryReference');
  const split = (value: string) => value.split(/[\s,]+/).filter(Boolean);
  const value = await vscode.window.showInputBox({
    title: 'Build and Push: tags',
    value: ['latest', ...(sha ? [sha] : [])].join(', '),
    prompt: 'Comma-separated tags to push',
    validateInput: (input) => {
      const tags = split(input);
      if (tags.length === 0) return 'Give at least one tag.';
      const bad = invalidTags(tags);
      return bad.length ? `Not a valid tag: ${bad.join(', ')} (letters, digits, _ . -; up to 128; not starting with . or -)` : undefined;
    },
  });
  return value === undefined ? undefined : split(value);
}

function gitShortSha(folder: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', '--short', 'HEAD'], { cwd: folder, timeout: 5000 }, (error, stdout) => {
      resolve(error ? undefined : stdout.trim() || undefined);
    });
  });
}
