import { BuildOutputReader, type BuildStepFailure } from './buildOutput';
import { createBuildContext } from './buildContext';
import { outlineDockerfile } from './dockerfileSteps';
import { streamEventError } from './dockerStream';
import { EngineUnreachableError, isAbort, type DockerEngine, type RegistryAuth } from './engine';
import { RepositoryMissingError, type RepositoryGate } from '../ecr/ecrRepository';
import { formatBytes } from '../ecr/format';
import { modeHasExclusions, tagIsImmutable } from '../ecr/tagMutability';
import { LayerProgress, UpdateThrottle } from './layerProgress';
import { isDenied, isImmutableTagError, isUnauthorized } from './registryResponses';
import { probeRegistry, RegistryUnavailableError, withRegistryRetries } from './registryRetry';
import { errorMessage } from '../errors';
import { invalidTags } from './repositoryReference';
import { readFile } from 'node:fs/promises';
import { SecretRedactor } from '../log';

export interface BuildPushRequest {
  /** Absolute paths. */
  dockerfile: string;
  context: string;
  /** Repository name inside the registry (no host). */
  repository: string;
  tags: string[];
  buildArgs?: Record<string, string>;
  target?: string;
  platform?: string;
  pull?: boolean;
  networkMode?: string;
  /** Default "classic"; "buildkit" streams BuildKit's trace, which the output reader decodes too. */
  builder?: 'classic' | 'buildkit';
  /** Build without the engine's cache (the classic builder's cache ignores the platform). */
  noCache?: boolean;
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

/**
 * Build → tag → push, with the repository ensured first. Every outcome comes back as a value:
 * succeeded, failed (with a kind and a message a person can act on) or cancelled.
 */
export async function buildAndPush(request: BuildPushRequest, deps: BuildPushDependencies): Promise<BuildPushOutcome> {
  const started = performance.now();
  const timings: Timings = { totalMs: 0 };
  const progress: ProgressStats = { eventsReceived: 0, updatesEmitted: 0 };
  const secrets = new SecretRedactor();
  const scrub = (text: string) => secrets.redact(text);
  const reporter: BuildPushReporter = {
    line: (text) => deps.reporter.line(scrub(text)),
    note: (text) => deps.reporter.note(scrub(text)),
    live: (lines) => deps.reporter.live(lines.map(scrub)),
    endLive: () => deps.reporter.endLive(),
    phase: (message, percent) => deps.reporter.phase(scrub(message), percent),
  };
  const signal = deps.signal;
  let phase: 'prepare' | 'build' | 'push' = 'prepare';
  /** Tags whose push finished, for an honest message when the user cancels between tags. */
  const pushedTags: string[] = [];
  const checkCancelled = () => {
    if (signal?.aborted) throw new Cancelled();
  };
  const getAuth = async (forceRefresh: boolean) => {
    try {
      const auth = await deps.auth({ forceRefresh });
      secrets.add(auth.password);
      return auth;
    } catch (error) {
      throw new Failure({ kind: 'auth-failed', message: `Could not get registry credentials from ECR: ${errorMessage(error)}` });
    }
  };

  try {
    const tags = request.tags.length ? [...new Set(request.tags)] : ['latest'];
    const badTags = invalidTags(tags);
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

    reporter.phase('Connecting to Docker');
    try {
      await deps.engine.ping(signal);
    } catch (error) {
      checkCancelled();
      if (error instanceof EngineUnreachableError) throw new Failure({ kind: 'daemon-unreachable', message: error.message });
      throw error;
    }
    reporter.line(`Docker Engine: ${deps.engine.host.host} (from ${deps.engine.host.source})`);

    checkCancelled();
    reporter.phase('Getting registry credentials');
    let auth = await getAuth(false);
    const repositoryUri = `${auth.registryHost}/${request.repository}`;

    let createdRepository = false;
    if (deps.repositories) {
      checkCancelled();
      reporter.phase('Checking the repository');
      try {
        const state = await deps.repositories.ensureRepository(request.repository, request.createRepository);
        createdRepository = state.created;
        if (state.created) reporter.line(`Created repository ${request.repository} in ECR.`);
        if (state.note) reporter.line(state.note);
        // Which tags ECR would refuse to move: all of them (IMMUTABLE), or tag by tag when exclusion filters decide.
        const mutability = state.tagMutability;
        const decisions = mutability && modeHasExclusions(mutability.mode) ? tags.map((tag) => ({ tag, decision: tagIsImmutable(mutability, tag) })) : undefined;
        for (const { decision } of decisions ?? []) if (decision.filter) reporter.line(`Tag mutability: ${decision.reason}.`);
        const guarded = decisions ? decisions.filter(({ decision }) => decision.immutable).map(({ tag }) => tag) : state.immutable ? tags : [];
        if (guarded.length) {
          const taken = await deps.repositories.existingTags(request.repository, guarded);
          if (taken.length && decisions) {
            const why = decisions.filter(({ tag }) => taken.includes(tag)).map(({ decision }) => decision.reason);
            throw new Failure({
              kind: 'immutable-tag',
              message: `Tag(s) ${taken.map((tag) => `"${tag}"`).join(', ')} already exist in ${request.repository} and are immutable there: ${why.join('; ')}. ECR refuses to overwrite them. Push under a new tag, or change the repository's exclusion filters.`,
            });
          }
          if (taken.length) {
            throw new Failure({
              kind: 'immutable-tag',
              message: `Tag(s) ${taken.map((tag) => `"${tag}"`).join(', ')} already exist in ${request.repository}, whose tags are immutable: ECR refuses to overwrite them. Push under a new tag, or make the repository's tags mutable.`,
            });
          }
        }
      } catch (error) {
        if (error instanceof Failure) throw error;
        if (error instanceof RepositoryMissingError) throw new Failure({ kind: 'repository-missing', message: error.message });
        throw new Failure({ kind: 'push-failed', message: `Could not check repository "${request.repository}" in ECR: ${errorMessage(error)}` });
      }
    }

    // Build.
    checkCancelled();
    phase = 'build';
    reporter.phase('Building');
    const buildStarted = performance.now();
    const localReference = `${repositoryUri}:${tags[0]}`;
    const context = createBuildContext(request.context, request.dockerfile);
    reporter.line(`Building ${request.dockerfile} (context ${request.context}${context.ignoreFile ? `, honouring ${context.ignoreFile}` : ''})`);
    const reader = new BuildOutputReader(outlineDockerfile(dockerfileText));
    try {
      for await (const event of deps.engine.build(
        context.stream,
        {
          tag: localReference,
          dockerfile: context.dockerfileInContext,
          buildArgs: request.buildArgs,
          target: request.target,
          platform: request.platform,
          pull: request.pull,
          networkMode: request.networkMode,
          builder: request.builder,
          ...(request.noCache ? { noCache: true } : {}),
        },
        signal,
      )) {
        for (const line of reader.accept(event)) reporter.line(line);
      }
      for (const line of reader.finish()) reporter.line(line);
    } catch (error) {
      context.stream.destroy();
      checkCancelled();
      throw new Failure({ kind: 'build-failed', message: `The build stopped: ${errorMessage(error)}` });
    }
    checkCancelled();
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
    timings.buildMs = performance.now() - buildStarted;
    for (const tag of tags.slice(1)) {
      await deps.engine.tag(localReference, repositoryUri, tag);
    }

    // Push every tag; layers go up with the first, the rest only add a manifest tag.
    phase = 'push';
    const pushStarted = performance.now();
    let digest: string | undefined;
    for (const tag of tags) {
      const pushed = await pushWithRetries(tag);
      pushedTags.push(tag);
      digest ??= pushed;
    }
    timings.pushMs = performance.now() - pushStarted;
    if (!digest) throw new Failure({ kind: 'push-failed', message: 'The push finished without reporting a digest.' });

    const image = await deps.engine.inspectImage(localReference);
    timings.totalMs = performance.now() - started;
    const imageUri = `${repositoryUri}@${digest}`;
    reporter.line('');
    reporter.line(`Pushed ${imageUri}`);
    reporter.line(`  tags: ${tags.map((tag) => `${repositoryUri}:${tag}`).join(', ')}`);
    reporter.line(`  size: ${formatBytes(image.size)} unpacked · took ${formatSeconds(timings.totalMs)} (build ${formatSeconds(timings.buildMs)}, push ${formatSeconds(timings.pushMs)})`);
    return { status: 'succeeded', imageUri, digest, tags, imageId: image.id, sizeBytes: image.size, createdRepository, timings, progress };

    async function pushWithRetries(tag: string): Promise<string | undefined> {
      try {
        return await withRegistryRetries((credentials) => pushOnce(tag, credentials), {
          what: 'push',
          auth,
          // Later tags start with the refreshed token.
          refreshAuth: async () => (auth = await getAuth(true)),
          retry: deps.retry ?? { attempts: 4, baseDelayMs: 1000 },
          signal,
          say: (line) => reporter.line(line),
          probe: deps.probe ?? probeRegistry,
        });
      } catch (error) {
        checkCancelled();
        if (error instanceof Failure) throw error;
        if (error instanceof RegistryUnavailableError) throw new Failure({ kind: 'registry-unavailable', message: `Push of ${repositoryUri}:${tag} failed: ${error.message}` });
        const message = errorMessage(error);
        if (isUnauthorized(message) || isDenied(message)) {
          throw new Failure({
            kind: 'push-denied',
            message: `Push of ${repositoryUri}:${tag} denied: ${message}. Check that your credentials allow ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:BatchCheckLayerAvailability and ecr:PutImage on this repository.`,
          });
        }
        if (isImmutableTagError(message)) {
          throw new Failure({ kind: 'immutable-tag', message: `ECR refused ${repositoryUri}:${tag}: ${message}. Push under a new tag.` });
        }
        if (/name unknown|NAME_UNKNOWN|repository .*does not exist/i.test(message)) {
          throw new Failure({ kind: 'repository-missing', message: `The registry has no repository ${request.repository}: ${message}` });
        }
        throw new Failure({ kind: 'push-failed', message: `Push of ${repositoryUri}:${tag} failed: ${message}` });
      }
    }

    async function pushOnce(tag: string, credentials: RegistryAuth): Promise<string | undefined> {
      reporter.phase(`Pushing ${tag}`, 0);
      const model = new LayerProgress('push');
      const throttle = new UpdateThrottle(() => {
        reporter.live(model.render());
        reporter.phase(`Pushing ${tag}`, model.percent());
      }, deps.updateIntervalMs ?? 100);
      try {
        for await (const event of deps.engine.push(repositoryUri, tag, credentials, signal)) {
          const error = streamEventError(event);
          if (error) throw new Error(error);
          const keep = model.accept(event);
          for (const line of keep) reporter.note(line);
          if (event.id) throttle.changed();
        }
        throttle.flush();
      } finally {
        throttle.dispose();
        progress.eventsReceived += throttle.eventsReceived;
        progress.updatesEmitted += throttle.updatesEmitted;
        reporter.endLive();
      }
      checkCancelled();
      reporter.line(`${repositoryUri}:${tag}: digest ${model.digest ?? 'unknown'}`);
      return model.digest;
    }
  } catch (error) {
    reporter.endLive();
    timings.totalMs = performance.now() - started;
    if (error instanceof Cancelled || (signal?.aborted && (isAbort(error) || !(error instanceof Failure)))) {
      // Say exactly what is in the registry now: a cancel between two tags leaves the first pushed.
      const pending = [...new Set(request.tags.length ? request.tags : ['latest'])].filter((tag) => !pushedTags.includes(tag));
      const what =
        pushedTags.length > 0
          ? `${pushedTags.join(', ')} ${pushedTags.length === 1 ? 'was' : 'were'} pushed before the cancel; ${pending.join(', ')} ${pending.length === 1 ? 'was' : 'were'} not`
          : `nothing was pushed${phase === 'push' ? ' under these tags (layers already uploaded stay in the registry unreferenced)' : ''}`;
      reporter.line(`Cancelled during the ${phase === 'prepare' ? 'checks' : phase}; ${what}.`);
      return { status: 'cancelled', phase, timings, progress };
    }
    const failure: BuildPushFailure = error instanceof Failure ? error.failure : { kind: 'push-failed', message: errorMessage(error) };
    failure.message = scrub(failure.message);
    reporter.line(`ERROR: ${failure.message}`);
    return { status: 'failed', failure, timings, progress };
  }
}

function formatSeconds(ms: number | undefined): string {
  return ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`;
}
