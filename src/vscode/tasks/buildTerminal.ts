import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../services';
import { localDockerEngine } from '../dockerEngine';
import type { ExplorerApi, RegistryConnection } from '../explorer/api';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { BuildPushDependencies, BuildPushOutcome, BuildPushRequest } from '../../core/docker/buildAndPush';
import type { BuildTask } from '../../core/docker/buildOptions';
import type { DockerEngine } from '../../core/docker/engine';
import type { TaskOutcome } from './platformsBuild';
import { lintGate } from './lintGate';
import { clearTasksJson, showInTasksJson } from './tasksJsonProblems';
import { TerminalOutput, type Color } from './terminalOutput';
import { errorMessage } from '../../core/errors';
import { settings } from '../settings';

/** Exit codes the task reports: 0 pushed, 1 failed, 130 cancelled (as a shell reports Ctrl+C). */
export const EXIT_FAILED = 1;
export const EXIT_CANCELLED = 130;

/**
 * What each run printed, kept (redacted, last few runs) so extension-host tests can read the
 * transcript; VS Code offers no API to read a terminal or an output channel back.
 */
export interface BuildTranscript {
  dockerfile: string;
  lines: string[];
  /** The notification's current text, e.g. "Pushing latest 40%". */
  phase?: string;
  exitCode?: number;
  outcome?: BuildPushOutcome['status'];
}
/** The last few runs' transcripts, for the extension-host tests' API (src/vscode/testApi.ts); not kept outside tests. */
export class BuildTranscripts {
  private readonly runs: BuildTranscript[] = [];

  start(dockerfile: string): BuildTranscript {
    const transcript: BuildTranscript = { dockerfile, lines: [] };
    this.runs.push(transcript);
    if (this.runs.length > 5) this.runs.shift();
    return transcript;
  }

  all(): readonly BuildTranscript[] {
    return this.runs;
  }
}

/** Longer than VS Code's terminal launch window (terminalProcessManager's LAUNCHING_DURATION, 500 ms). */
const LAUNCH_WINDOW_MS = 1_000;

/** What the checks found the task to mean: its checked properties, its paths resolved, its registry. */
interface Target {
  task: BuildTask;
  folderPath: string;
  dockerfile: string;
  context: string;
  dockerfileUri: vscode.Uri;
  repositoryName: string;
  connection: RegistryConnection;
}

/** The engine and ECR client a run uses. */
interface Clients {
  engine: DockerEngine;
  ecrClient: ECRClient;
}

/**
 * The task's terminal: runs build-and-push when VS Code opens it, streams the text with the push
 * progress updated in place, mirrors it to the "ECR" log, and closes with the exit code.
 */
export class BuildTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private readonly abort = new AbortController();

  constructor(
    private readonly services: Services,
    private readonly explorer: ExplorerApi,
    private readonly diagnostics: vscode.DiagnosticCollection,
    private readonly transcripts: BuildTranscripts | undefined,
    /** As tasks.json gave it: checked when the task runs. */
    private readonly definition: vscode.TaskDefinition,
    private readonly folder: vscode.WorkspaceFolder | undefined,
  ) {}

  open(): void {
    const opened = Date.now();
    // Whatever goes wrong (even a module failing to load), the user sees why and the task ends.
    void this.run()
      .catch((error: unknown) => {
        const message = this.services.redactor.redact(errorMessage(error));
        this.writeEmitter.fire(`\x1b[31mThe build and push stopped unexpectedly: ${message}\x1b[0m\r\n`);
        this.services.logger('build').error(`unexpected failure: ${message}`);
        return 1;
      })
      .then((code) => {
        // VS Code calls a terminal that exits non-zero within its launch window (500 ms) one that
        // "failed to launch", under our own clear message (a bad tag is refused at once): end after it.
        const wait = code === 0 ? 0 : Math.max(0, LAUNCH_WINDOW_MS - (Date.now() - opened));
        setTimeout(() => this.closeEmitter.fire(code), wait);
      });
  }

  /** Ctrl+C in the task terminal cancels, as it would a shell command. */
  handleInput(data: string): void {
    if (data === '\x03') this.abort.abort();
  }

  /** The user closed the terminal: stop the build or push. */
  close(): void {
    this.abort.abort();
  }

  /** Check, connect, lint gate, build and push, conclude. */
  private async run(): Promise<number> {
    const { LiveRegion } = await import('../../core/docker/liveRegion');
    const transcript = this.transcripts?.start(typeof this.definition.dockerfile === 'string' ? this.definition.dockerfile : 'Dockerfile');
    const out = new TerminalOutput(this.writeEmitter, new LiveRegion(), this.services.logger('build'), this.services.redactor, transcript);
    const target = await this.check(out.print);
    if (!target) return out.finish(EXIT_FAILED);
    const clients = await this.connect(target.connection, out.print);
    if (!clients) return out.finish(EXIT_FAILED);
    if (!(await lintGate(target.task.lintErrors, target.dockerfileUri, target.folderPath, out.print))) return out.finish(EXIT_FAILED);
    const outcome = await this.execute(target, clients, out);
    return out.finish(this.conclude(outcome, target, out.print), outcome.status);
  }

  /** Step 1: trust, the task's properties (each problem named), the folder, the repository and its registry. */
  private async check(print: (text: string, color?: Color) => void): Promise<Target | undefined> {
    if (!vscode.workspace.isTrusted) {
      print('Building is disabled in untrusted workspaces: a build runs this workspace\'s Dockerfile. Trust the folder (Manage Workspace Trust) to build and push.', 'red');
      return undefined;
    }
    const [{ checkBuildTask }, { parseRepositoryInput }] = await Promise.all([import('../../core/docker/buildOptions'), import('../../core/docker/repositoryReference')]);
    const checked = checkBuildTask(this.definition);
    if (!checked.task) {
      await showInTasksJson(this.diagnostics, this.folder, this.definition, checked.problems).catch(() => undefined);
      const [only, ...more] = checked.problems;
      if (more.length === 0) print(`${only.message} Nothing was built or pushed.`, 'red');
      else for (const problem of [{ message: `The task has ${checked.problems.length} problems; nothing was built or pushed:` }, ...checked.problems]) print(problem.message, 'red');
      return undefined;
    }
    const task = checked.task;
    clearTasksJson(this.diagnostics, this.folder);
    const folderPath = this.folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folderPath) {
      print('Open a folder first: the ecr-build task resolves its Dockerfile relative to a workspace folder.', 'red');
      return undefined;
    }
    const dockerfile = path.resolve(folderPath, task.dockerfile ?? 'Dockerfile');
    const context = path.resolve(folderPath, task.context ?? path.relative(folderPath, path.dirname(dockerfile)));
    // Secret files, like the Dockerfile, are relative to the workspace folder.
    const secrets = task.secrets?.map((secret) => ('src' in secret ? { ...secret, src: path.resolve(folderPath, secret.src) } : secret));
    try {
      const reference = parseRepositoryInput(task.repository);
      const connection = this.pickConnection(reference, task.registry);
      if (connection) return { task: { ...task, ...(secrets ? { secrets } : {}) }, folderPath, dockerfile, context, dockerfileUri: vscode.Uri.file(dockerfile), repositoryName: reference.name, connection };
    } catch (error) {
      print(errorMessage(error), 'red');
      return undefined;
    }
    print(
      task.registry
        ? `No registry "${task.registry}" in ecr.registries. Use a registry's label or "<accountId>/<region>" key, or add it with ECR: Add Registry….`
        : 'No ECR registry is configured. Add one with ECR: Add Registry… (or the ecr.registries setting), then run the task again.',
      'red',
    );
    return undefined;
  }

  /** Step 2: the Docker Engine and the registry's ECR client. */
  private async connect(connection: RegistryConnection, print: (text: string, color?: Color) => void): Promise<Clients | undefined> {
    let engine: DockerEngine;
    try {
      engine = await localDockerEngine(this.folder);
    } catch (error) {
      print(errorMessage(error), 'red');
      return undefined;
    }
    try {
      return { engine, ecrClient: await connection.client() };
    } catch (error) {
      print(`Could not connect to ECR for ${connection.label}: ${errorMessage(error)}`, 'red');
      return undefined;
    }
  }

  /** Step 3: build and push (each platform, then the index, for "platforms"), with a cancellable notification. */
  private async execute(target: Target, { engine, ecrClient }: Clients, out: TerminalOutput): Promise<TaskOutcome> {
    const { task, connection, repositoryName, folderPath, dockerfile, context } = target;
    const { dockerfile: _dockerfile, context: _context, repository: _repository, tags: given, platforms, registry: _registry, createRepository, lintErrors: _lint, ...options } = task;
    const tags = given?.length ? given : ['latest'];
    out.print(`Build and push ${path.relative(folderPath, dockerfile) || dockerfile} → ${repositoryName} (${connection.label}), tags: ${tags.join(', ')}${platforms ? `, platforms: ${platforms.join(', ')}` : ''}`);
    const [{ buildAndPush }, { ecrRepositoryGate }, { listCreationTemplates }, { buildPlatforms }] = await Promise.all([
      import('../../core/docker/buildAndPush'),
      import('../../core/ecr/ecrRepository'),
      import('../../core/ecr/creationTemplates'),
      import('./platformsBuild'),
    ]);
    const request: BuildPushRequest = { ...options, dockerfile, context, repository: repositoryName, tags, createRepository: createRepository ?? true };
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `ECR: ${repositoryName}`, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => this.abort.abort());
      const deps: BuildPushDependencies = {
        engine,
        auth: async ({ forceRefresh }) => {
          const auth = await connection.auth({ forceRefresh });
          // Registered before anything can print it.
          this.services.redactor.add(auth.password);
          return auth;
        },
        // FROM lines naming a connected registry's host pull with its (cached) token, registered before anything can print it.
        baseRegistries: this.explorer.connections().map((base) => ({
          // Read when the build starts: the push's token may have resolved it.
          get accountId() {
            return base.accountId;
          },
          region: base.region,
          auth: async ({ forceRefresh }) => {
            const auth = await base.auth({ forceRefresh });
            this.services.redactor.add(auth.password);
            return auth;
          },
        })),
        // A missing repository a creation template covers is left to ECR's create-on-push, with the template's settings.
        repositories: ecrRepositoryGate(ecrClient, connection.accountId, { creationTemplates: () => listCreationTemplates(ecrClient) }),
        signal: this.abort.signal,
        reporter: out.reporter(progress),
      };
      return platforms ? buildPlatforms(request, deps, platforms, connection, ecrClient, this.services.redactor, (text) => out.print(text, 'red')) : buildAndPush(request, deps);
    });
  }

  /** Step 4: the exit code; the tree refreshed after a push, the failing Dockerfile line in Problems after a failed step. */
  private conclude(outcome: TaskOutcome, { dockerfileUri, connection, repositoryName }: Target, print: (text: string, color?: Color) => void): number {
    if (outcome.status === 'succeeded') {
      this.diagnostics.delete(dockerfileUri);
      this.explorer.refresh(connection.key, repositoryName);
      return 0;
    }
    if (outcome.status === 'cancelled') {
      print('Cancelled.', 'yellow');
      return EXIT_CANCELLED;
    }
    const failure = outcome.failure;
    const line = failure.build?.line;
    if (failure.kind === 'build-failed' && line !== undefined) {
      const instruction = failure.build?.instruction;
      const range = new vscode.Range(line, 0, instruction?.endLine ?? line, Number.MAX_SAFE_INTEGER);
      const output = failure.build?.output.filter((text) => text.trim()).slice(-5) ?? [];
      const message = `Build step failed: ${failure.build?.message ?? failure.message}${output.length ? `\n${output.join('\n')}` : ''}`;
      const diagnostic = new vscode.Diagnostic(range, this.services.redactor.redact(message), vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'ecr-build';
      this.diagnostics.set(dockerfileUri, [diagnostic]);
    } else {
      this.diagnostics.delete(dockerfileUri);
    }
    return EXIT_FAILED;
  }

  /**
   * The registry to push to. A full repository URI must match a configured registry: falling back
   * to another one would push the image to a different account or region without a word.
   */
  private pickConnection(reference: { registryHost?: string; ecr?: { accountId: string; region: string } }, registry: string | undefined): RegistryConnection | undefined {
    if (registry) return this.explorer.connection(registry);
    if (!reference.registryHost) return this.explorer.connection();
    const { ecr } = reference;
    if (ecr) {
      const match = this.explorer.connections().find((candidate) => candidate.accountId === ecr.accountId && candidate.region === ecr.region);
      if (match) return match;
      throw new Error(
        `No registry for ${reference.registryHost} (account ${ecr.accountId}, ${ecr.region}) in ecr.registries. Add it with ECR: Add Registry… (with its account id), or name a configured registry in the task's "registry".`,
      );
    }
    // A non-ECR host is accepted only as the configured registry-host override (VPC endpoint, local registry).
    const override = settings.get('ecr.registryHostOverride').trim();
    if (override && override.toLowerCase() === reference.registryHost.toLowerCase()) return this.explorer.connection();
    throw new Error(
      `${reference.registryHost} is not an ECR registry host${override ? ` nor the registry-host override (${override})` : ''}. Use the repository name alone, or its ECR URI <account>.dkr.ecr.<region>.amazonaws.com/<name>.`,
    );
  }
}
