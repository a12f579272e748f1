import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Services } from '../services';
import { localDockerEngine } from '../dockerEngine';
import type { ExplorerApi, RegistryConnection } from '../explorer/api';
import type { EcrBuildTaskDefinition } from './taskDefinition';
import type { BuildPushDependencies, BuildPushOutcome, BuildPushRequest } from '../../core/docker/buildAndPush';
import type { TaskOutcome } from './platformsBuild';
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

/**
 * The task's terminal: runs build-and-push when VS Code opens it, streams the text with the push
 * progress updated in place, mirrors it to the "ECR" log, and closes with the exit code.
 */
/**
 * The linter's errors for a Dockerfile, as Problems shows them. A Dockerfile not open in an editor
 * is opened (not shown) so the linter reads it; its first result is awaited for up to 3 s.
 */
async function dockerfileErrors(uri: vscode.Uri): Promise<vscode.Diagnostic[]> {
  const errors = () => vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.severity === vscode.DiagnosticSeverity.Error && diagnostic.source === LINT_SOURCE);
  const open = vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString());
  if (open) return errors();
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, 3_000);
    const listener = vscode.languages.onDidChangeDiagnostics((event) => event.uris.some((changed) => changed.toString() === uri.toString()) && done());
    function done() {
      clearTimeout(timer);
      listener.dispose();
      resolve();
    }
    vscode.workspace.openTextDocument(uri).then(undefined, done);
  });
  return errors();
}

/** The Dockerfile linter's diagnostic source (vscode/authoring/diagnostics.ts). */
const LINT_SOURCE = 'ecr-lint';

/** Longer than VS Code's terminal launch window (terminalProcessManager's LAUNCHING_DURATION, 500 ms). */
const LAUNCH_WINDOW_MS = 1_000;

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
    private readonly definition: EcrBuildTaskDefinition,
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

  /**
   * Before building: the Dockerfile's error diagnostics (the linter's, as the Problems panel shows
   * them) are printed as warnings in the terminal, in the task's problem-matcher format so they are
   * listed under the task in Problems too, or, with "lintErrors": "refuse", stop the task. False: refused.
   */
  private async lintGate(dockerfile: vscode.Uri, folderPath: string, print: (text: string, color?: 'red' | 'yellow') => void): Promise<boolean> {
    const mode = this.definition.lintErrors ?? 'warn';
    if (mode === 'ignore') return true;
    const errors = await dockerfileErrors(dockerfile);
    if (errors.length === 0) return true;
    const file = path.relative(folderPath, dockerfile.fsPath).split(path.sep).join('/') || dockerfile.fsPath;
    const refuse = mode === 'refuse';
    for (const diagnostic of errors) {
      const code = typeof diagnostic.code === 'object' ? diagnostic.code.value : diagnostic.code;
      const line = `${file}:${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}: ${refuse ? 'error' : 'warning'}: ${code ? `${String(code)} ` : ''}${diagnostic.message.split('\n')[0]}`;
      print(line, refuse ? 'red' : 'yellow');
    }
    const count = `${errors.length} error${errors.length === 1 ? '' : 's'}`;
    if (refuse) {
      print(`Not built or pushed: ${file} has ${count} (see Problems). Fix them, or set "lintErrors": "warn" in the task to push anyway.`, 'red');
      return false;
    }
    print(`${file} has ${count} (see Problems): building and pushing anyway. Set "lintErrors": "refuse" in the task to stop instead.`, 'yellow');
    return true;
  }

  private async run(): Promise<number> {
    const log = this.services.logger('build');
    const redact = (text: string) => this.services.redactor.redact(text);
    const transcript = this.transcripts?.start(this.definition.dockerfile ?? 'Dockerfile');
    const { LiveRegion } = await import('../../core/docker/liveRegion');
    const region = new LiveRegion();
    const print = (text: string, color?: 'red' | 'green' | 'yellow') => {
      const clean = redact(text);
      transcript?.lines.push(clean);
      // The log's level follows what the line says: a failure is an error, a cancel a warning.
      if (color === 'red') log.error(clean);
      else if (color === 'yellow') log.warn(clean);
      else log.info(clean);
      const painted = color ? `\x1b[${{ red: 31, green: 32, yellow: 33 }[color]}m${clean}\x1b[0m` : clean;
      this.writeEmitter.fire(region.print(painted));
    };
    const finish = (code: number, outcome?: BuildPushOutcome['status']) => {
      if (transcript) {
        transcript.exitCode = code;
        transcript.outcome = outcome;
      }
      return code;
    };

    if (!vscode.workspace.isTrusted) {
      print('Building is disabled in untrusted workspaces: a build runs this workspace\'s Dockerfile. Trust the folder (Manage Workspace Trust) to build and push.', 'red');
      return finish(EXIT_FAILED);
    }
    const { invalidTags } = await import('../../core/docker/repositoryReference');
    const badTags = Array.isArray(this.definition.tags) ? invalidTags(this.definition.tags.map(String)) : [];
    if (this.definition.tags !== undefined && !Array.isArray(this.definition.tags)) {
      print('The task\'s "tags" must be a list, for example ["latest", "1.0"].', 'red');
      return finish(EXIT_FAILED);
    }
    if (badTags.length) {
      print(`Invalid tag(s) ${badTags.map((tag) => `"${tag}"`).join(', ')} in the task: a tag is 1-128 letters, digits, _ . - and must not start with . or -. Nothing was built or pushed.`, 'red');
      return finish(EXIT_FAILED);
    }
    const platformsProblem = (await import('./platformsBuild')).platformsProblem(this.definition);
    if (platformsProblem) {
      print(platformsProblem, 'red');
      return finish(EXIT_FAILED);
    }
    if (this.definition.builder !== undefined && this.definition.builder !== 'classic' && this.definition.builder !== 'buildkit') {
      print(`The task's "builder" is "${String(this.definition.builder)}": use "classic" or "buildkit".`, 'red');
      return finish(EXIT_FAILED);
    }
    const folderPath = this.folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folderPath) {
      print('Open a folder first: the ecr-build task resolves its Dockerfile relative to a workspace folder.', 'red');
      return finish(EXIT_FAILED);
    }
    const dockerfile = path.resolve(folderPath, this.definition.dockerfile ?? 'Dockerfile');
    const context = path.resolve(folderPath, this.definition.context ?? path.relative(folderPath, path.dirname(dockerfile)));
    const dockerfileUri = vscode.Uri.file(dockerfile);

    const { parseRepositoryInput } = await import('../../core/docker/repositoryReference');
    let repositoryName: string;
    let connection: RegistryConnection | undefined;
    try {
      const reference = parseRepositoryInput(this.definition.repository ?? '');
      repositoryName = reference.name;
      connection = this.pickConnection(reference);
    } catch (error) {
      print((error as Error).message, 'red');
      return finish(EXIT_FAILED);
    }
    if (!connection) {
      print(
        this.definition.registry
          ? `No registry "${this.definition.registry}" in ecr.registries. Use a registry's label or "<accountId>/<region>" key, or add it with ECR: Add Registry….`
          : 'No ECR registry is configured. Add one with ECR: Add Registry… (or the ecr.registries setting), then run the task again.',
        'red',
      );
      return finish(EXIT_FAILED);
    }

    const [{ buildAndPush }, { ecrRepositoryGate }, { listCreationTemplates }] = await Promise.all([
      import('../../core/docker/buildAndPush'),
      import('../../core/docker/ecrRepository'),
      import('../../core/ecr/creationTemplates'),
    ]);
    let engine;
    try {
      engine = await localDockerEngine(this.folder);
    } catch (error) {
      print((error as Error).message, 'red');
      return finish(EXIT_FAILED);
    }
    const activeConnection = connection;
    let ecrClient;
    try {
      ecrClient = await activeConnection.client();
    } catch (error) {
      print(`Could not connect to ECR for ${activeConnection.label}: ${(error as Error).message}`, 'red');
      return finish(EXIT_FAILED);
    }
    if (!(await this.lintGate(dockerfileUri, folderPath, print))) return finish(EXIT_FAILED);
    const tags = this.definition.tags?.length ? this.definition.tags : ['latest'];
    print(`Build and push ${path.relative(folderPath, dockerfile) || dockerfile} → ${repositoryName} (${activeConnection.label}), tags: ${tags.join(', ')}${this.definition.platforms ? `, platforms: ${this.definition.platforms.join(', ')}` : ''}`);

    const { buildPlatforms } = await import('./platformsBuild');
    const outcome: TaskOutcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `ECR: ${repositoryName}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => this.abort.abort());
        let shownPercent = 0;
        const request: BuildPushRequest = {
          dockerfile,
          context,
          repository: repositoryName,
          tags,
          buildArgs: this.definition.buildArgs,
          target: this.definition.target,
          platform: this.definition.platform,
          pull: this.definition.pull,
          networkMode: this.definition.network,
          builder: this.definition.builder,
          createRepository: this.definition.createRepository ?? true,
        };
        const deps: BuildPushDependencies = {
          engine,
          auth: async ({ forceRefresh }) => {
            const auth = await activeConnection.auth({ forceRefresh });
            // Registered before anything can print it.
            this.services.redactor.add(auth.password);
            return auth;
          },
          // A missing repository a creation template covers is left to ECR's create-on-push, with the template's settings.
          repositories: ecrRepositoryGate(ecrClient, activeConnection.accountId, { creationTemplates: () => listCreationTemplates(ecrClient) }),
          signal: this.abort.signal,
          reporter: {
            line: (text) => print(text, /^(#\d+ )?ERROR\b/.test(text) ? 'red' : /^Pushed /.test(text) ? 'green' : undefined),
            note: (text) => log.info(redact(text)),
            live: (lines) => this.writeEmitter.fire(region.update(lines.map(redact))),
            endLive: () => region.settle(),
            phase: (message, percent) => {
              if (transcript) transcript.phase = percent === undefined ? message : `${message} ${percent}%`;
              const increment = percent === undefined ? undefined : Math.max(percent - shownPercent, 0);
              if (percent !== undefined) shownPercent = percent < shownPercent ? 0 : percent;
              progress.report({ message: percent === undefined ? message : `${message} ${percent}%`, increment });
            },
          },
        };
        const platforms = this.definition.platforms;
        return platforms ? buildPlatforms(request, deps, platforms, activeConnection, ecrClient, this.services.redactor, (text) => print(text, 'red')) : buildAndPush(request, deps);
      },
    );

    if (outcome.status === 'succeeded') {
      this.diagnostics.delete(dockerfileUri);
      this.explorer.refresh(activeConnection.key, repositoryName);
      return finish(0, outcome.status);
    }
    if (outcome.status === 'cancelled') {
      print('Cancelled.', 'yellow');
      return finish(EXIT_CANCELLED, outcome.status);
    }
    const failure = outcome.failure;
    const line = failure.build?.line;
    if (failure.kind === 'build-failed' && line !== undefined) {
      const instruction = failure.build?.instruction;
      const range = new vscode.Range(line, 0, instruction?.endLine ?? line, Number.MAX_SAFE_INTEGER);
      const output = failure.build?.output.filter((text) => text.trim()).slice(-5) ?? [];
      const diagnostic = new vscode.Diagnostic(
        range,
        redact(`Build step failed: ${failure.build?.message ?? failure.message}${output.length ? `\n${output.join('\n')}` : ''}`),
        vscode.DiagnosticSeverity.Error,
      );
      diagnostic.source = 'ecr-build';
      this.diagnostics.set(dockerfileUri, [diagnostic]);
    } else {
      this.diagnostics.delete(dockerfileUri);
    }
    return finish(EXIT_FAILED, outcome.status);
  }

  /**
   * The registry to push to. A full repository URI must match a configured registry: falling back
   * to another one would push the image to a different account or region without a word.
   */
  private pickConnection(reference: { registryHost?: string; ecr?: { accountId: string; region: string } }): RegistryConnection | undefined {
    if (this.definition.registry) return this.explorer.connection(this.definition.registry);
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
