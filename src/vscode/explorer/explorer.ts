import * as vscode from 'vscode';
import type { ClassifiedError } from '../../core/ecr/errors';
import { ExplorerModel } from '../../core/explorer/model';
import { directoryStorage, ManifestCache } from '../../core/images/manifestCache';
import { filterHeader } from '../../core/explorer/filterHeader';
import { RegistryGroups } from '../../core/explorer/registryGroups';
import { isNode } from '../../core/explorer/nodes';
import type { Logger } from '../../core/log';
import { Reporter, type Fix, type Report } from '../report';
import type { Services } from '../services';
import { settings } from '../settings';
import type { ExplorerApi } from './api';
import { AccessKeyStore, Connection, migrateRegistryConfigs, readRegistryConfigs, readSettings } from './connections';
import { TargetResolver } from './targets';
import { RegistryTreeProvider, VIEW_ID } from './treeProvider';

const readSortBy = () => (settings.get('ecr.images.sortBy') === 'pulled' ? 'pulled' : 'pushed');
const CONNECTION_SETTINGS = ['ecr.registries', 'ecr.endpoint', 'ecr.registryHostOverride', 'ecr.pageSize'];

/**
 * What every explorer command works with: the connections (from settings), the model and its
 * view, the target resolver, and the one way to run an ECR call and show its failure.
 */
export class Explorer implements vscode.Disposable {
  readonly log: Logger;
  readonly keys: AccessKeyStore;
  readonly model: ExplorerModel;
  /** Each registry's pull-through cache rules and creation templates (rows under the registry). */
  readonly groups: RegistryGroups;
  readonly targets: TargetResolver;
  /**
   * Manifests by digest, kept in the extension's global storage (bounded): the tree, the lifecycle
   * preview and Check Image read each manifest from ECR once per machine (a read is a pull on ECR).
   */
  readonly manifestCache: ManifestCache;
  private readonly provider: RegistryTreeProvider;
  readonly view: vscode.TreeView<unknown>;
  private connectionList: Connection[] = [];
  /** The last result told in the view (see tell). */
  private result: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly reporter: Reporter;

  constructor(readonly services: Services) {
    this.log = services.logger('explorer');
    this.reporter = new Reporter(services, 'explorer', () => this.reconnect());
    this.keys = new AccessKeyStore(services.context.secrets, services.redactor);
    this.targets = new TargetResolver(() => this.connectionList, this.report);
    const classify = (error: unknown, registry: { key: string }) => this.classify(error, this.connectionList.find((connection) => connection.key === registry.key));
    const track = <T>(work: Promise<T>) => Promise.resolve(vscode.window.withProgress({ location: { viewId: VIEW_ID } }, () => work));
    this.groups = new RegistryGroups({ classify, logger: this.log, track });
    this.manifestCache = new ManifestCache(directoryStorage(vscode.Uri.joinPath(services.context.globalStorageUri, 'manifests').fsPath));
    this.model = new ExplorerModel({ classify, logger: this.log, track, groups: this.groups, manifestCache: this.manifestCache });
    this.model.setSortBy(readSortBy());
    this.reconnect();
    // Registries an earlier version kept out of this host's reach (a remote window) are brought over once.
    void migrateRegistryConfigs().then(
      (moved) => moved > 0 && this.log.info(`moved ${moved} registr${moved === 1 ? 'y' : 'ies'} from the local user settings to this machine's settings`),
      (error: unknown) => this.log.error(`could not move the registries to this machine's settings: ${String(error)}`),
    );
    this.provider = new RegistryTreeProvider(this.model);
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.provider, canSelectMany: true, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.provider,
      this.keepAgesCurrent(),
      this.view.onDidExpandElement(({ element }) => isNode(element) && this.model.setExpanded(element, true)),
      // A result told above the tree belongs to the last action: the next click in the view moves on.
      this.view.onDidChangeSelection(() => this.result !== undefined && this.tell(undefined)),
      this.view.onDidCollapseElement(({ element }) => isNode(element) && this.model.setExpanded(element, false)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (CONNECTION_SETTINGS.some((section) => event.affectsConfiguration(section))) this.reconnect();
        if (event.affectsConfiguration('ecr.images.sortBy')) this.model.setSortBy(readSortBy());
      }),
    );
  }

  /** Relative times on rows ("3 minutes ago") are redrawn while the view shows them: every minute the last hour's, hourly all. */
  private keepAgesCurrent(): vscode.Disposable {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
      if (this.view.visible) this.model.refreshAges({ all: ticks % 60 === 0 });
    }, 60_000);
    return { dispose: () => clearInterval(timer) };
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }

  connections(): readonly Connection[] {
    return this.connectionList;
  }

  /** Connections rebuilt from settings (registries, endpoint, page size changed; credentials re-chosen). */
  reconnect(): void {
    const settings = readSettings();
    const seen = new Set<string>();
    this.connectionList = readRegistryConfigs()
      .map((config) => new Connection(config, settings, this.keys, this.services.redactor, this.log))
      .filter((connection) => !seen.has(connection.key) && Boolean(seen.add(connection.key)));
    this.model.setRegistries(this.connectionList);
  }

  setFilter(text: string): void {
    this.model.setFilter(text);
    this.updateMessage();
    void vscode.commands.executeCommand('setContext', 'ecr.filterActive', Boolean(this.model.filter));
  }

  /**
   * A result worth seeing where the action happened (a check passed, a repository has no policy):
   * the view's message above the tree, until the next result. Notifications alone were missed.
   */
  tell(message: string | undefined): void {
    this.result = message;
    this.updateMessage();
  }

  private updateMessage(): void {
    const filter = filterHeader(this.model.filter);
    this.view.message = [this.result, filter].filter(Boolean).join('\n') || undefined;
  }

  /** An error in the user's terms, with secrets removed. */
  classify(error: unknown, connection?: Connection): ClassifiedError {
    return this.reporter.classifyEcr(error, connection);
  }

  /**
   * A failure the person sees (src/vscode/report.ts): classified, redacted, logged once, shown once
   * with its fix. An earlier result above the tree ("✓ Lifecycle policy applied") is no longer the latest word.
   */
  readonly report: Report = (what, error, options) => {
    if (this.result !== undefined) this.tell(undefined);
    return this.reporter.report(what, error, options);
  };

  /**
   * What an action achieved, as a notification with what can follow (src/vscode/report.ts `done`). An earlier
   * result above the tree is no longer the latest word either.
   */
  readonly done = (message: string, ...next: Fix[]): Promise<void> => {
    if (this.result !== undefined) this.tell(undefined);
    return this.reporter.done(message, ...next);
  };

  /** Runs ECR work; a failure is reported (as a modal when it blocks what the person was doing) and gives undefined. */
  async attempt<T>(connection: Connection, what: string, work: () => PromiseLike<T>, options: { modal?: boolean } = {}): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      void this.report(what, error, { registry: connection, modal: options.modal });
      return undefined;
    }
  }

  withProgress<T>(title: string, work: (progress: vscode.Progress<{ message?: string; increment?: number }>) => Promise<T>): Thenable<T> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, work);
  }

  async copy(text: string, what: string): Promise<string> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`$(check) Copied ${what}: ${text}`, 4000);
    return text;
  }

  /** Does what an error's action says (sign in, pick a profile, retry, …). */
  performAction(action: NonNullable<ClassifiedError['action']>, registryKey: string, repositoryName?: string): Promise<unknown> {
    return this.reporter.perform(action, registryKey, () => this.model.refresh(registryKey, repositoryName));
  }

  /** Shows a registry or repository row in the view, listing pages until the repository shows up. */
  async reveal(registryKey: string, repositoryName?: string, options: { expand?: boolean | number; select?: boolean; focus?: boolean } = {}): Promise<void> {
    const node = repositoryName ? await this.model.findRepositoryNode(registryKey, repositoryName) : this.model.registryNodeFor(registryKey);
    if (!node) throw new Error(`nothing to reveal: ${registryKey}${repositoryName ? ` / ${repositoryName}` : ''} is not in the tree`);
    await this.view.reveal(node, { expand: options.expand ?? true, select: options.select ?? false, focus: options.focus ?? false });
  }

  /** The explorer as other features see it (tests and benches: src/vscode/testApi.ts). */
  api(): ExplorerApi {
    const model = this.model;
    return {
      connections: () => this.connectionList,
      connection: (nameOrKey) => this.targets.find(nameOrKey),
      resolveRegistry: (arg, purpose) => this.targets.registry(arg, purpose),
      refresh: (registryKey, repositoryName) => model.refresh(registryKey, repositoryName),
      tell: (message) => this.tell(message),
      knownImages: () => model.knownImages(),
      pullThroughRules: () =>
        Promise.all(
          this.connectionList.map(async (connection) => {
            const { rules, error } = await this.groups.pullThroughRules(connection.key);
            return { registryKey: connection.key, label: connection.label, registryHost: connection.registryHost(), rules, problem: error?.message };
          }),
        ),
    };
  }
}

