import * as vscode from 'vscode';
import type { Services } from '../services';
import type { ExplorerApi, RegistryConnection } from './api';
import { classifyEcrError, type ClassifiedError } from '../../core/ecr/errors';
import type { CreateRepositoryOptions, ImageCheckReport } from '../../core/ecr/management';
import type { RepositorySummary } from '../../core/ecr/listing';
import { consoleUrl, imageUriByDigest, imageUriByTag, pullCommand, repositoryUri } from '../../core/ecr/links';
import { repositoryNameProblem } from '../../core/ecr/names';
import { AccessKeyStore, Connection, readRegistryConfigs, readSettings } from './connections';
import type { ErrorNode, ExplorerNode, ImageNode, LoadMoreNode, RegistryNode, RepositoryNode } from './nodes';
import { RegistryTreeProvider, VIEW_ID } from './treeProvider';
import { addRegistry, removeRegistry, selectProfile, setAccessKeys } from './registryCommands';
import { registerFeatureCommands } from './featureCommands';

/** What `ecr.createRepository` accepts to skip its prompts (tests, scripts, other features). */
export interface CreateRepositoryArgs {
  registryKey?: string;
  name: string;
  tagMutability?: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush?: boolean;
  encryption?: 'AES256' | 'KMS';
  kmsKey?: string;
}

export function registerExplorer(services: Services): ExplorerApi {
  const { context } = services;
  const log = services.logger('explorer');
  const keys = new AccessKeyStore(context.secrets, services.redactor);
  const classify = (error: unknown, connection?: Connection): ClassifiedError => {
    const result = classifyEcrError(error, connection?.errorContext);
    return { ...result, message: services.redactor.redact(result.message), detail: services.redactor.redact(result.detail) };
  };
  const provider = new RegistryTreeProvider(classify, log);
  let connections: Connection[] = [];

  const buildConnections = () => {
    const settings = readSettings();
    const seen = new Set<string>();
    connections = readRegistryConfigs()
      .map((config) => new Connection(config, settings, keys, services.redactor, log))
      .filter((connection) => !seen.has(connection.key) && Boolean(seen.add(connection.key)));
    provider.setConnections(connections);
  };
  buildConnections();

  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, canSelectMany: true, showCollapseAll: true });
  context.subscriptions.push(
    view,
    provider,
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (['ecr.registries', 'ecr.endpoint', 'ecr.registryHostOverride', 'ecr.pageSize'].some((section) => event.affectsConfiguration(section))) {
        buildConnections();
      }
    }),
  );

  const setFilter = (text: string) => {
    provider.setFilter(text);
    view.message = provider.filter ? `Filtered by "${provider.filter}" (repository names and tags of loaded images)` : undefined;
    void vscode.commands.executeCommand('setContext', 'ecr.filterActive', Boolean(provider.filter));
  };

  const findConnection = (nameOrKey?: string): Connection | undefined => {
    if (!nameOrKey) return connections[0];
    return (
      connections.find((connection) => connection.key === nameOrKey) ??
      connections.find((connection) => connection.label === nameOrKey) ??
      connections.find((connection) => `${connection.accountId}/${connection.region}` === nameOrKey)
    );
  };

  /** The registry a command is about: from its node, an argument, or (with several) a pick. */
  const connectionFor = async (node: unknown, title: string): Promise<Connection | undefined> => {
    const key = (node as { registryKey?: unknown } | undefined)?.registryKey;
    if (typeof key === 'string') {
      const found = findConnection(key);
      if (!found) void vscode.window.showErrorMessage(`No registry "${key}" in ecr.registries.`);
      return found;
    }
    if (connections.length === 0) {
      const add = await vscode.window.showErrorMessage('No ECR registry is configured yet.', 'Add Registry…');
      if (add) await vscode.commands.executeCommand('ecr.addRegistry');
      return undefined;
    }
    if (connections.length === 1) return connections[0];
    const picked = await vscode.window.showQuickPick(
      connections.map((connection) => ({ label: connection.label, description: connection.key, connection })),
      { title },
    );
    return picked?.connection;
  };

  /** Runs an ECR call; on failure shows the classified message with its action and returns undefined. */
  const attempt = async <T>(connection: Connection, what: string, work: () => PromiseLike<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      const classified = classify(error, connection);
      log.error(`${what}: ${classified.message} (${classified.detail})`);
      void showError(`${what}: ${classified.message}`, classified, connection.key);
      return undefined;
    }
  };

  const showError = async (message: string, error: ClassifiedError, registryKey: string) => {
    const action = error.action;
    const picked = action && action.kind !== 'retry' ? await vscode.window.showErrorMessage(message, action.title) : await vscode.window.showErrorMessage(message);
    if (picked && action) await performAction(action, registryKey);
  };

  const performAction = async (action: NonNullable<ClassifiedError['action']>, registryKey: string, repositoryName?: string) => {
    switch (action.kind) {
      case 'select-profile':
        return vscode.commands.executeCommand('ecr.selectProfile', { registryKey });
      case 'set-access-keys':
        return vscode.commands.executeCommand('ecr.setAccessKeys', { registryKey });
      case 'open-settings':
        return vscode.commands.executeCommand('workbench.action.openSettings', action.setting);
      case 'sso-login': {
        const terminal = vscode.window.createTerminal({ name: 'AWS SSO sign-in' });
        terminal.show();
        terminal.sendText(action.command, true);
        const closed = vscode.window.onDidCloseTerminal((closedTerminal) => {
          if (closedTerminal !== terminal) return;
          closed.dispose();
          buildConnections();
        });
        void vscode.window.showInformationMessage(`Finish signing in in the terminal, then use Retry on ${registryKey}.`);
        return;
      }
      case 'retry':
        return provider.refresh(registryKey, repositoryName);
    }
  };

  const withProgress = <T>(title: string, work: (progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, work);

  const copy = async (text: string, what: string) => {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`$(check) Copied ${what}: ${text}`, 4000);
    return text;
  };

  const createRepositoryCommand = async (arg?: RegistryNode | CreateRepositoryArgs): Promise<RepositorySummary | undefined> => {
    const preset = arg && 'name' in arg && typeof arg.name === 'string' ? (arg as CreateRepositoryArgs) : undefined;
    const connection = await connectionFor(arg, 'Create Repository in which registry?');
    if (!connection) return undefined;
    let options: CreateRepositoryOptions;
    if (preset) {
      const problem = repositoryNameProblem(preset.name);
      if (problem) {
        void vscode.window.showErrorMessage(`Cannot create "${preset.name}": ${problem}`);
        return undefined;
      }
      options = {
        name: preset.name,
        tagMutability: preset.tagMutability ?? 'MUTABLE',
        scanOnPush: preset.scanOnPush ?? false,
        encryption: { type: preset.encryption ?? 'AES256', kmsKey: preset.kmsKey },
      };
    } else {
      const name = await vscode.window.showInputBox({
        title: `Create Repository in ${connection.label} (1/4)`,
        prompt: 'Repository name: lower case, digits and . _ - separators, / between path parts',
        placeHolder: 'ml-team/operator',
        ignoreFocusOut: true,
        validateInput: (value) => repositoryNameProblem(value.trim()),
      });
      if (!name) return undefined;
      const mutability = await vscode.window.showQuickPick(
        [
          { label: 'Mutable', description: 'a tag can be pushed again (e.g. latest)', value: 'MUTABLE' as const },
          { label: 'Immutable', description: 'a pushed tag can never be overwritten', value: 'IMMUTABLE' as const },
        ],
        { title: `Create ${name.trim()} (2/4): tag mutability`, ignoreFocusOut: true },
      );
      if (!mutability) return undefined;
      const scan = await vscode.window.showQuickPick(
        [
          { label: 'Scan on push', description: 'basic vulnerability scan of every pushed image', value: true },
          { label: 'No scan on push', value: false },
        ],
        { title: `Create ${name.trim()} (3/4): image scanning`, ignoreFocusOut: true },
      );
      if (!scan) return undefined;
      const encryption = await vscode.window.showQuickPick(
        [
          { label: 'AES-256', description: 'Amazon S3-managed keys (default)', value: 'AES256' as const },
          { label: 'AWS KMS', description: 'the account’s aws/ecr key, or a key you name', value: 'KMS' as const },
        ],
        { title: `Create ${name.trim()} (4/4): encryption (cannot be changed later)`, ignoreFocusOut: true },
      );
      if (!encryption) return undefined;
      let kmsKey: string | undefined;
      if (encryption.value === 'KMS') {
        kmsKey = await vscode.window.showInputBox({
          title: 'KMS key (optional)',
          prompt: 'Key ARN or id; leave empty for the AWS managed key aws/ecr',
          ignoreFocusOut: true,
        });
        if (kmsKey === undefined) return undefined;
      }
      options = { name: name.trim(), tagMutability: mutability.value, scanOnPush: scan.value, encryption: { type: encryption.value, kmsKey: kmsKey?.trim() || undefined } };
    }
    const created = await attempt(connection, `Could not create ${options.name}`, () =>
      withProgress(`Creating repository ${options.name}…`, async () => {
        const { createRepository } = await import('../../core/ecr/management');
        return createRepository(await connection.client(), { ...options, registryId: connection.config.accountId });
      }),
    );
    if (created) {
      log.info(`created repository ${created.name} in ${connection.label}`);
      vscode.window.setStatusBarMessage(`$(check) Created repository ${created.name}`, 5000);
      provider.refresh(connection.key);
    }
    return created;
  };

  const deleteRepositoryCommand = async (node?: RepositoryNode): Promise<boolean> => {
    if (node?.kind !== 'repository') return false;
    const connection = findConnection(node.registryKey);
    if (!connection) return false;
    const name = node.repository.name;
    const count = await attempt(connection, `Could not count the images in ${name}`, () =>
      withProgress(`Counting images in ${name}…`, async () => {
        const { countImages } = await import('../../core/ecr/listing');
        return countImages(await connection.client(), name, { registryId: connection.config.accountId });
      }),
    );
    if (count === undefined) return false;
    const answer = await vscode.window.showWarningMessage(
      count > 0 ? `Delete repository ${name} and its ${count.toLocaleString('en-US')} image${count === 1 ? '' : 's'}?` : `Delete the empty repository ${name}?`,
      { modal: true, detail: `From ${connection.label}. This cannot be undone${count > 0 ? ': every image in it is deleted with it' : ''}.` },
      count > 0 ? `Delete Repository and ${count.toLocaleString('en-US')} Image${count === 1 ? '' : 's'}` : 'Delete Repository',
    );
    if (!answer) return false;
    const deleted = await attempt(connection, `Could not delete ${name}`, () =>
      withProgress(`Deleting repository ${name}…`, async () => {
        const { deleteRepository } = await import('../../core/ecr/management');
        await deleteRepository(await connection.client(), { registryId: connection.config.accountId, name, force: count > 0 });
        return true;
      }),
    );
    if (deleted) {
      log.info(`deleted repository ${name} (${count} images) in ${connection.label}`);
      provider.refresh(connection.key);
    }
    return Boolean(deleted);
  };

  const deleteImagesCommand = async (node?: ImageNode, selection?: ExplorerNode[]) => {
    const chosen = (selection?.length ? selection : node ? [node] : []).filter((item): item is ImageNode => item.kind === 'image');
    if (chosen.length === 0) return;
    // Group by repository; one image (digest) once even when several of its tags are selected.
    const groups = new Map<string, { registryKey: string; repository: string; images: Map<string, ImageNode['image']> }>();
    for (const item of chosen) {
      const key = `${item.registryKey}\u0000${item.repositoryName}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { registryKey: item.registryKey, repository: item.repositoryName, images: new Map() }));
      group.images.set(item.image.digest, item.image);
    }
    const total = [...groups.values()].reduce((sum, group) => sum + group.images.size, 0);
    const tags = [...groups.values()].flatMap((group) => [...group.images.values()].flatMap((image) => image.tags.map((tag) => `${group.repository}:${tag}`)));
    const untagged = [...groups.values()].reduce((sum, group) => sum + [...group.images.values()].filter((image) => image.tags.length === 0).length, 0);
    const answer = await vscode.window.showWarningMessage(
      `Delete ${total} image${total === 1 ? '' : 's'} from ${[...groups.values()].map((group) => group.repository).join(', ')}?`,
      {
        modal: true,
        detail: [
          'Each image is deleted by digest, with every tag that points at it.',
          tags.length ? `Tags that go: ${tags.slice(0, 12).join(', ')}${tags.length > 12 ? `, and ${tags.length - 12} more` : ''}.` : '',
          untagged ? `${untagged} untagged image${untagged === 1 ? '' : 's'}.` : '',
          'This cannot be undone.',
        ]
          .filter(Boolean)
          .join('\n'),
      },
      `Delete ${total} Image${total === 1 ? '' : 's'}`,
    );
    if (!answer) return;
    const { batchDeleteImages } = await import('../../core/ecr/management');
    const failures: string[] = [];
    let deleted = 0;
    await withProgress(`Deleting ${total} image${total === 1 ? '' : 's'}…`, async (progress) => {
      for (const group of groups.values()) {
        const connection = findConnection(group.registryKey);
        if (!connection) continue;
        try {
          const result = await batchDeleteImages(await connection.client(), {
            registryId: connection.config.accountId,
            repository: group.repository,
            imageIds: [...group.images.keys()].map((digest) => ({ imageDigest: digest })),
            onProgress: (done) => progress.report({ message: `${group.repository}: ${done} of ${group.images.size}` }),
          });
          deleted += new Set(result.deleted.map((id) => id.imageDigest)).size;
          for (const failure of result.failures) {
            failures.push(`${group.repository}@${failure.imageId.imageDigest ?? failure.imageId.imageTag}: ${failure.code} ${services.redactor.redact(failure.reason)}`);
          }
        } catch (error) {
          failures.push(`${group.repository}: ${classify(error, connection).message}`);
        }
        provider.refresh(group.registryKey, group.repository);
      }
    });
    log.info(`deleted ${deleted} of ${total} images${failures.length ? `; failures:\n  ${failures.join('\n  ')}` : ''}`);
    if (failures.length) {
      const show = await vscode.window.showWarningMessage(
        `Deleted ${deleted} of ${total} images; ${failures.length} failed: ${failures.slice(0, 3).join('; ')}${failures.length > 3 ? '; …' : ''}`,
        'Show Log',
      );
      if (show) await vscode.commands.executeCommand('ecr.showLog');
    } else {
      vscode.window.setStatusBarMessage(`$(check) Deleted ${deleted} image${deleted === 1 ? '' : 's'}`, 5000);
    }
    return { deleted, failures };
  };

  const checkImageCommand = async (arg?: ImageNode | { registryKey?: string; repository: string; tag?: string; digest?: string }): Promise<ImageCheckReport | undefined> => {
    if (!arg) return undefined;
    const target =
      'kind' in arg && arg.kind === 'image'
        ? { registryKey: arg.registryKey, repository: arg.repositoryName, tag: arg.tag, digest: arg.tag ? undefined : arg.image.digest }
        : (arg as { registryKey?: string; repository: string; tag?: string; digest?: string });
    const connection = await connectionFor(target, 'Check image in which registry?');
    if (!connection) return undefined;
    const label = `${target.repository}${target.tag ? `:${target.tag}` : target.digest ? `@${target.digest}` : ''}`;
    const report = await attempt(connection, `Could not check ${label}`, () =>
      withProgress(`Checking ${label} as Aqueduct does…`, async () => {
        const { checkImage } = await import('../../core/ecr/management');
        return checkImage(await connection.client(), { registryId: connection.config.accountId, ...target });
      }),
    );
    if (!report) return undefined;
    const lines = report.checks.map((check) => `${check.ok ? '✓' : '✗'} ${check.title}: ${check.detail}`);
    log.info(`check ${label}:\n  ${lines.join('\n  ')}`);
    const summary = report.ok ? `${label} passes Aqueduct's image check.` : `${label} fails Aqueduct's image check.`;
    if (report.ok) void vscode.window.showInformationMessage(`${summary} ${lines.join(' · ')}`);
    else void vscode.window.showWarningMessage(`${summary} ${lines.join(' · ')}`);
    return report;
  };

  const nodeLocation = (node: RepositoryNode | ImageNode) =>
    node.kind === 'repository' ? { registryHost: node.registryHost, repository: node.repository.name } : { registryHost: node.registryHost, repository: node.repositoryName };

  const register = (id: string, handler: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));

  register('ecr.refresh', (node?: ExplorerNode) => {
    if (node?.kind === 'repository') provider.refresh(node.registryKey, node.repository.name);
    else if (node?.kind === 'registry') provider.refresh(node.registryKey);
    else buildConnections();
  });
  register('ecr.addRegistry', (args?: Record<string, string>) => addRegistry(args));
  register('ecr.removeRegistry', async (node?: { registryKey?: string }) => {
    const connection = await connectionFor(node, 'Remove which registry?');
    return connection ? removeRegistry(connection.key, keys) : false;
  });
  register('ecr.selectProfile', async (node?: { registryKey?: string }) => {
    const connection = await connectionFor(node, 'Select a profile for which registry?');
    if (connection && (await selectProfile(connection.key, keys))) buildConnections();
  });
  register('ecr.setAccessKeys', async (node?: { registryKey?: string }) => {
    const connection = await connectionFor(node, 'Enter access keys for which registry?');
    if (connection && (await setAccessKeys(connection.key, connection.label, keys))) buildConnections();
  });
  register('ecr.retry', async (node?: ErrorNode, options?: { performAction?: boolean }) => {
    if (node?.kind !== 'error') return buildConnections();
    if (options?.performAction && node.error.action) return performAction(node.error.action, node.registryKey, node.repositoryName);
    provider.refresh(node.registryKey, node.repositoryName);
  });
  register('ecr.loadMore', (node?: LoadMoreNode) => (node?.kind === 'loadMore' ? provider.loadMore(node) : undefined));
  register('ecr.filter', async (text?: string) => {
    const value =
      typeof text === 'string'
        ? text
        : await vscode.window.showInputBox({
            title: 'Filter ECR Registries',
            prompt: 'Shows repositories whose name contains this, and tags that contain it (in images already loaded)',
            value: provider.filter,
          });
    if (value !== undefined) setFilter(value);
  });
  register('ecr.clearFilter', () => setFilter(''));
  register('ecr.createRepository', createRepositoryCommand);
  register('ecr.deleteRepository', deleteRepositoryCommand);
  register('ecr.deleteImages', deleteImagesCommand);
  register('ecr.copyRepositoryUri', (node?: RepositoryNode) => (node?.kind === 'repository' ? copy(repositoryUri(nodeLocation(node)), 'repository URI') : undefined));
  register('ecr.copyImageUriByTag', (node?: ImageNode) =>
    node?.kind === 'image' && node.tag ? copy(imageUriByTag(nodeLocation(node), node.tag), 'image URI') : undefined,
  );
  register('ecr.copyImageUriByDigest', (node?: ImageNode) =>
    node?.kind === 'image' ? copy(imageUriByDigest(nodeLocation(node), node.image.digest), 'image URI (digest)') : undefined,
  );
  register('ecr.copyPullCommand', (node?: ImageNode) =>
    node?.kind === 'image' ? copy(pullCommand(nodeLocation(node), { tag: node.tag, digest: node.image.digest }), 'pull command') : undefined,
  );
  register('ecr.checkImage', checkImageCommand);
  register('ecr.openInConsole', async (node?: RegistryNode | RepositoryNode | ImageNode) => {
    const connection = node ? findConnection(node.registryKey) : undefined;
    if (!node || !connection) return;
    const url = consoleUrl({
      region: connection.region,
      accountId: node.kind === 'repository' ? node.repository.registryId : node.kind === 'image' ? node.image.registryId : connection.accountId,
      repository: node.kind === 'repository' ? node.repository.name : node.kind === 'image' ? node.repositoryName : undefined,
      digest: node.kind === 'image' ? node.image.digest : undefined,
    });
    if (!url) {
      void vscode.window.showInformationMessage(`There is no public AWS console for ${connection.region}.`);
      return;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  });

  registerFeatureCommands({ services, provider, log, findConnection, attempt, classify, withProgress, register });

  const api: ExplorerApi = {
    connections: (): RegistryConnection[] => connections,
    connection: (nameOrKey?: string) => findConnection(nameOrKey),
    refresh: (registryKey?: string, repositoryName?: string) => provider.refresh(registryKey, repositoryName),
    knownImages: () => provider.knownImages(),
    treeSnapshot: (expandRepositories?: string[]) => provider.snapshot(expandRepositories),
    setFilter,
    reveal: async (registryKey, repositoryName, options = {}) => {
      const node = repositoryName ? await provider.findRepositoryNode(registryKey, repositoryName) : provider.registryNodeFor(registryKey);
      if (!node) throw new Error(`nothing to reveal: ${registryKey}${repositoryName ? ` / ${repositoryName}` : ''} is not in the tree`);
      await view.reveal(node, { expand: options.expand ?? true, select: options.select ?? false, focus: options.focus ?? false });
    },
    loadMore: async (registryKey, repositoryName) => {
      const parent = repositoryName ? await provider.findRepositoryNode(registryKey, repositoryName) : provider.registryNodeFor(registryKey);
      if (!parent) return false;
      // The "Load more" child is there only while the listing has a next page (an old node object
      // may outlive it in the provider's cache, so it is looked up among the current children).
      const more = (await provider.getChildren(parent)).find((node) => node.kind === 'loadMore');
      if (more?.kind !== 'loadMore') return false;
      await provider.loadMore(more);
      return true;
    },
  };
  return api;
}
