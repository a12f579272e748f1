import { BuildOutputReader, type BuildStepFailure } from './buildOutput';
import { createBuildContext } from './buildContext';
import { outlineDockerfile } from './dockerfileSteps';
import { EngineUnreachableError, isAbort, type DockerEngine, type RegistryAuth } from './engine';
import { RepositoryMissingError, type RepositoryGate } from '../ecr/ecrRepository';
import { decideTags } from '../ecr/pushGate';
import { readBuildSecrets, type BuildOptions } from './buildOptions';
import type { SessionSecret } from './buildkitSession';
import { formatBytes } from '../ecr/format';
import { followLayers, LayerProgress, UpdateThrottle } from './layerProgress';
import { isDenied, isImmutableTagError, isUnauthorized } from './registryResponses';
import { probeRegistry, RegistryUnavailableError, withRegistryRetries } from './registryRetry';
import { errorMessage } from '../errors';
import { invalidTags } from './repositoryReference';
import { readFile } from 'node:fs/promises';
import { SecretRedactor } from '../log';
import { baseImageAuth, baseImageHosts, type BaseRegistry } from './baseImageAuth';

export interface BuildPushRequest extends BuildOptions {
  /** Absolute paths. */
  dockerfile: string;
  context: string;
  /** Repository name inside the registry (no host). */
  repository: string;
  tags: string[];
  createRepository: boolean;
}

/** Where the flow's text goes; the VS Code layer maps these onto the terminal, the log and a notification. */
export interface BuildPushReporter {
  /** A permanent line: build output, warnings, the summary. */
  line(text: string): void;
  /** A line worth keeping in the log but not worth a terminal line (a layer finished pushing). */
  note(text: string): void;
  /** The live push block (one line per layer + overall), at most ~10 times a second. */
  live(lines: string[]): void;
  /** The live block is final; later output goes below it. */
  endLive(): void;
  /** Short status for a progress notification. */
  phase(message: string, percent?: number): void;
}

export interface BuildPushDependencies {
  engine: DockerEngine;
  /** ECR credentials for the registry; `forceRefresh` after the registry refused a token. */
  auth(options: { forceRefresh: boolean }): Promise<RegistryAuth>;
  /**
   * The connected registries, for the FROM lines' base images: a FROM naming one's ECR host is pulled with
   * its token (the push registry's own host always takes the push token). Other hosts get none.
   */
  baseRegistries?: readonly BaseRegistry[];
  /** ECR's API for the repository checks; omitted for a plain registry. */
  repositories?: RepositoryGate;
  reporter: BuildPushReporter;
  signal?: AbortSignal;
  /** Retries of resets, 5xx and 429: how many after the first attempt, and the first delay (doubled each time, with jitter). */
  retry?: { attempts: number; baseDelayMs: number; maxDelayMs?: number };
  /** The registry's own answer to GET /v2/ (default: asked over HTTP); tests may pass their own. */
  probe?: (auth: RegistryAuth, signal?: AbortSignal) => Promise<number | undefined>;
  /** Screen update interval for the live block. */
  updateIntervalMs?: number;
}

export type FailureKind =
  | 'invalid-input'
  | 'daemon-unreachable'
  | 'auth-failed'
  | 'repository-missing'
  | 'immutable-tag'
  | 'build-failed'
  | 'registry-unavailable'
  | 'push-denied'
  | 'push-failed';

export interface BuildPushFailure {
  kind: FailureKind;
  message: string;
  /** For build failures: the step, its output, and its 0-based Dockerfile line. */
  build?: BuildStepFailure;
}

export interface ProgressStats {
  eventsReceived: number;
  updatesEmitted: number;
}

interface Timings {
  totalMs: number;
  buildMs?: number;
  pushMs?: number;
}

export type BuildPushOutcome =
  | {
      status: 'succeeded';
      /** registryHost/repository@sha256:… */
      imageUri: string;
      digest: string;
      tags: string[];
      imageId: string;
      sizeBytes: number;
      createdRepository: boolean;
      timings: Timings;
      progress: ProgressStats;
    }
  | { status: 'failed'; failure: BuildPushFailure; timings: Timings; progress: ProgressStats }
  | { status: 'cancelled'; phase: 'build' | 'push' | 'prepare'; timings: Timings; progress: ProgressStats };

class Failure extends Error {
  constructor(readonly failure: BuildPushFailure) {
    super(failure.message);
  }
}

class Cancelled extends Error {}

/** One run's state, shared by the steps: the redacted reporter, the phase, the credentials, what was pushed. */
export class BuildRun {
  readonly started = performance.now();
  readonly timings: Timings = { totalMs: 0 };
  readonly progress: ProgressStats = { eventsReceived: 0, updatesEmitted: 0 };
  readonly redactor = new SecretRedactor();
  readonly reporter: BuildPushReporter;
  phase: 'prepare' | 'build' | 'push' = 'prepare';
  /** Tags whose push finished, for an honest message when the user cancels between tags. */
  readonly pushedTags: string[] = [];
  tags: string[];
  auth!: RegistryAuth;

  constructor(readonly request: BuildPushRequest, readonly deps: BuildPushDependencies) {
    const scrub = (text: string) => this.scrub(text);
    this.reporter = {
      line: (text) => deps.reporter.line(scrub(text)),
      note: (text) => deps.reporter.note(scrub(text)),
      live: (lines) => deps.reporter.live(lines.map(scrub)),
      endLive: () => deps.reporter.endLive(),
      phase: (message, percent) => deps.reporter.phase(scrub(message), percent),
    };
    this.tags = request.tags.length ? [...new Set(request.tags)] : ['latest'];
  }

  scrub(text: string): string {
    return this.redactor.redact(text);
  }

  get signal(): AbortSignal | undefined {
    return this.deps.signal;
  }

  get repositoryUri(): string {
    return `${this.auth.registryHost}/${this.request.repository}`;
  }

  checkCancelled(): void {
    if (this.signal?.aborted) throw new Cancelled();
  }

  async refreshAuth(forceRefresh: boolean): Promise<RegistryAuth> {
    try {
      this.auth = await this.deps.auth({ forceRefresh });
      this.redactor.add(this.auth.password);
      return this.auth;
    } catch (error) {
      throw new Failure({ kind: 'auth-failed', message: `Could not get registry credentials from ECR: ${errorMessage(error)}` });
    }
  }
}

/**
 * Build → tag → push, with the repository ensured first. Every outcome comes back as a value:
 * succeeded, failed (with a kind and a message a person can act on) or cancelled.
 */
export async function buildAndPush(request: BuildPushRequest, deps: BuildPushDependencies): Promise<BuildPushOutcome> {
  const run = new BuildRun(request, deps);
  try {
    const checked = await checkRequest(run);
    await connectEngine(run);
    run.checkCancelled();
    run.reporter.phase('Getting registry credentials');
    await run.refreshAuth(false);
    const createdRepository = await gateRepository(run);
    const built = await buildImage(run, checked);
    const digest = await pushTags(run);
    return await summarize(run, built.localReference, digest, createdRepository);
  } catch (error) {
    return outcomeOf(run, error);
  }
}

/** Step 1: what can be checked without Docker or ECR: the tags, the Dockerfile, the secrets. */
export async function checkRequest(run: BuildRun): Promise<{ dockerfileText: string; secrets: SessionSecret[] }> {
  const { request } = run;
  const badTags = invalidTags(run.tags);
  if (badTags.length) {
    throw new Failure({
      kind: 'invalid-input',
      message: `Invalid tag(s) ${badTags.map((tag) => `"${tag}"`).join(', ')}: a tag is 1-128 letters, digits, _ . - and must not start with . or -.`,
    });
  }
  let dockerfileText: string;
  try {
    dockerfileText = await readFile(request.dockerfile, 'utf8');
  } catch {
    throw new Failure({ kind: 'invalid-input', message: `Dockerfile not found: ${request.dockerfile}` });
  }
  let secrets: SessionSecret[];
  try {
    secrets = await readBuildSecrets(request.secrets);
  } catch (error) {
    throw new Failure({ kind: 'invalid-input', message: errorMessage(error) });
  }
  // A RUN step that prints a secret shows *** instead.
  for (const secret of secrets) run.redactor.add(secret.value.toString('utf8').trim());
  return { dockerfileText, secrets };
}

async function connectEngine(run: BuildRun): Promise<void> {
  const { engine } = run.deps;
  run.reporter.phase('Connecting to Docker');
  try {
    await engine.ping(run.signal);
  } catch (error) {
    run.checkCancelled();
    if (error instanceof EngineUnreachableError) throw new Failure({ kind: 'daemon-unreachable', message: error.message });
    throw error;
  }
  run.reporter.line(`Docker Engine: ${engine.host.host} (from ${engine.host.source})`);
}

/** Step 2: the repository exists (or ECR will create it on push) and will take these tags. True: created. */
export async function gateRepository(run: BuildRun): Promise<boolean> {
  const gate = run.deps.repositories;
  const { repository, createRepository } = run.request;
  if (!gate) return false;
  run.checkCancelled();
  run.reporter.phase('Checking the repository');
  try {
    const state = await gate.ensureRepository(repository, createRepository);
    if (state.created) run.reporter.line(`Created repository ${repository} in ECR.`);
    if (state.note) run.reporter.line(state.note);
    const decision = await decideTags(gate, repository, state, run.tags);
    for (const note of decision.notes) run.reporter.line(note);
    if (decision.refused) throw new Failure({ kind: 'immutable-tag', message: decision.refused });
    return state.created;
  } catch (error) {
    if (error instanceof Failure) throw error;
    if (error instanceof RepositoryMissingError) throw new Failure({ kind: 'repository-missing', message: error.message });
    throw new Failure({ kind: 'push-failed', message: `Could not check repository "${repository}" in ECR: ${errorMessage(error)}` });
  }
}

/** Step 3: the build, its output read step by step, the image tagged under every tag. */
export async function buildImage(run: BuildRun, checked: { dockerfileText: string; secrets: SessionSecret[] }): Promise<{ localReference: string }> {
  run.checkCancelled();
  run.phase = 'build';
  run.reporter.phase('Building');
  const buildStarted = performance.now();
  const { dockerfile, context: contextFolder, repository: _repository, tags: _tags, createRepository: _create, secrets: _sources, ...options } = run.request;
  const localReference = `${run.repositoryUri}:${run.tags[0]}`;
  const context = createBuildContext(contextFolder, dockerfile);
  run.reporter.line(`Building ${dockerfile} (context ${contextFolder}${context.ignoreFile ? `, honouring ${context.ignoreFile}` : ''})`);
  const reader = new BuildOutputReader(outlineDockerfile(checked.dockerfileText));
  const registryAuth = await baseRegistryAuth(run, checked.dockerfileText);
  try {
    const events = run.deps.engine.build(context.stream, { ...options, tag: localReference, dockerfile: context.dockerfileInContext, secrets: checked.secrets, registryAuth }, run.signal);
    for await (const event of events) {
      for (const line of reader.accept(event)) run.reporter.line(line);
    }
    for (const line of reader.finish()) run.reporter.line(line);
  } catch (error) {
    context.stream.destroy();
    run.checkCancelled();
    throw new Failure({ kind: 'build-failed', message: `The build stopped: ${errorMessage(error)}` });
  }
  run.checkCancelled();
  if (reader.failure) {
    const step = reader.failure;
    const where = step.line !== undefined ? ` (Dockerfile line ${step.line + 1})` : '';
    throw new Failure({
      kind: 'build-failed',
      message: step.step ? `Build failed at ${step.step}${where}: ${step.message}` : `Build failed${where}: ${step.message}`,
      build: step,
    });
  }
  if (!reader.imageId) {
    throw new Failure({ kind: 'build-failed', message: 'The build ended without producing an image (the engine closed the stream early).' });
  }
  run.timings.buildMs = performance.now() - buildStarted;
  for (const tag of run.tags.slice(1)) await run.deps.engine.tag(localReference, run.repositoryUri, tag);
  return { localReference };
}

/**
 * Tokens for the registries the FROM lines pull from, sent with the build (the engine does not read
 * ~/.docker/config.json); redacted like the push token, never written anywhere.
 */
async function baseRegistryAuth(run: BuildRun, dockerfileText: string): Promise<RegistryAuth[]> {
  const hosts = baseImageHosts(dockerfileText, run.request.buildArgs);
  if (!hosts.length) return [];
  const { auth, problems } = await baseImageAuth(hosts, run.auth, run.deps.baseRegistries ?? []);
  for (const entry of auth) run.redactor.add(entry.password);
  run.checkCancelled();
  for (const problem of problems) run.reporter.line(`Could not get ECR credentials for the base image registry ${problem}; the build pulls from it without them.`);
  if (auth.length) run.reporter.line(`Base images from ${auth.map((entry) => entry.registryHost).join(', ')} are pulled with their registry's ECR token.`);
  return auth;
}

/** Step 4: every tag pushed; layers go up with the first, the rest only add a manifest tag. The image's digest. */
export async function pushTags(run: BuildRun): Promise<string> {
  run.phase = 'push';
  const pushStarted = performance.now();
  let digest: string | undefined;
  for (const tag of run.tags) {
    const pushed = await pushWithRetries(run, tag);
    run.pushedTags.push(tag);
    digest ??= pushed;
  }
  run.timings.pushMs = performance.now() - pushStarted;
  if (!digest) throw new Failure({ kind: 'push-failed', message: 'The push finished without reporting a digest.' });
  return digest;
}

async function pushWithRetries(run: BuildRun, tag: string): Promise<string | undefined> {
  const { deps } = run;
  try {
    return await withRegistryRetries((credentials) => pushOnce(run, tag, credentials), {
      what: 'push',
      auth: run.auth,
      // Later tags start with the refreshed token.
      refreshAuth: () => run.refreshAuth(true),
      retry: deps.retry ?? { attempts: 4, baseDelayMs: 1000 },
      signal: run.signal,
      say: (line) => run.reporter.line(line),
      probe: deps.probe ?? probeRegistry,
    });
  } catch (error) {
    run.checkCancelled();
    if (error instanceof Failure) throw error;
    throw new Failure(pushFailure(error, `${run.repositoryUri}:${tag}`, run.request.repository));
  }
}

/** What a push that failed for good tells a person, by what the registry answered. */
function pushFailure(error: unknown, reference: string, repository: string): BuildPushFailure {
  if (error instanceof RegistryUnavailableError) return { kind: 'registry-unavailable', message: `Push of ${reference} failed: ${error.message}` };
  const message = errorMessage(error);
  if (isUnauthorized(message) || isDenied(message)) {
    return {
      kind: 'push-denied',
      message: `Push of ${reference} denied: ${message}. Check that your credentials allow ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:BatchCheckLayerAvailability and ecr:PutImage on this repository.`,
    };
  }
  if (isImmutableTagError(message)) return { kind: 'immutable-tag', message: `ECR refused ${reference}: ${message}. Push under a new tag.` };
  if (/name unknown|NAME_UNKNOWN|repository .*does not exist/i.test(message)) {
    return { kind: 'repository-missing', message: `The registry has no repository ${repository}: ${message}` };
  }
  return { kind: 'push-failed', message: `Push of ${reference} failed: ${message}` };
}

async function pushOnce(run: BuildRun, tag: string, credentials: RegistryAuth): Promise<string | undefined> {
  const { reporter, deps } = run;
  reporter.phase(`Pushing ${tag}`, 0);
  const model = new LayerProgress('push');
  const throttle = new UpdateThrottle(() => {
    reporter.live(model.render());
    reporter.phase(`Pushing ${tag}`, model.percent());
  }, deps.updateIntervalMs ?? 100);
  try {
    await followLayers(deps.engine.push(run.repositoryUri, tag, credentials, run.signal), model, throttle, (line) => reporter.note(line));
  } finally {
    throttle.dispose();
    run.progress.eventsReceived += throttle.eventsReceived;
    run.progress.updatesEmitted += throttle.updatesEmitted;
    reporter.endLive();
  }
  run.checkCancelled();
  reporter.line(`${run.repositoryUri}:${tag}: digest ${model.digest ?? 'unknown'}`);
  return model.digest;
}

async function summarize(run: BuildRun, localReference: string, digest: string, createdRepository: boolean): Promise<BuildPushOutcome> {
  const { timings, reporter, repositoryUri, tags, progress } = run;
  const image = await run.deps.engine.inspectImage(localReference);
  timings.totalMs = performance.now() - run.started;
  const imageUri = `${repositoryUri}@${digest}`;
  reporter.line('');
  reporter.line(`Pushed ${imageUri}`);
  reporter.line(`  tags: ${tags.map((tag) => `${repositoryUri}:${tag}`).join(', ')}`);
  reporter.line(`  size: ${formatBytes(image.size)} unpacked · took ${formatSeconds(timings.totalMs)} (build ${formatSeconds(timings.buildMs)}, push ${formatSeconds(timings.pushMs)})`);
  return { status: 'succeeded', imageUri, digest, tags, imageId: image.id, sizeBytes: image.size, createdRepository, timings, progress };
}

/** A failure or a cancel, said in the terminal and returned as a value. */
function outcomeOf(run: BuildRun, error: unknown): BuildPushOutcome {
  const { reporter, timings, progress, phase, pushedTags } = run;
  reporter.endLive();
  timings.totalMs = performance.now() - run.started;
  if (error instanceof Cancelled || (run.signal?.aborted && (isAbort(error) || !(error instanceof Failure)))) {
    // Say exactly what is in the registry now: a cancel between two tags leaves the first pushed.
    const pending = run.tags.filter((tag) => !pushedTags.includes(tag));
    const what =
      pushedTags.length > 0
        ? `${pushedTags.join(', ')} ${pushedTags.length === 1 ? 'was' : 'were'} pushed before the cancel; ${pending.join(', ')} ${pending.length === 1 ? 'was' : 'were'} not`
        : `nothing was pushed${phase === 'push' ? ' under these tags (layers already uploaded stay in the registry unreferenced)' : ''}`;
    reporter.line(`Cancelled during the ${phase === 'prepare' ? 'checks' : phase}; ${what}.`);
    return { status: 'cancelled', phase, timings, progress };
  }
  const failure: BuildPushFailure = error instanceof Failure ? error.failure : { kind: 'push-failed', message: errorMessage(error) };
  failure.message = run.scrub(failure.message);
  reporter.line(`ERROR: ${failure.message}`);
  return { status: 'failed', failure, timings, progress };
}

function formatSeconds(ms: number | undefined): string {
  return ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`;
}
