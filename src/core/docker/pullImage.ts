import { EngineUnreachableError, isAbort, type DockerEngine, type RegistryAuth } from './engine';
import { formatBytes } from '../ecr/format';
import { followLayers, LayerProgress, UpdateThrottle } from './layerProgress';
import { isDenied, isNotFound, isUnauthorized } from './registryResponses';
import { probeRegistry, RegistryUnavailableError, withRegistryRetries } from './registryRetry';
import { errorMessage } from '../errors';

export interface PullRequest {
  /** The registry host as Docker addresses it (the ECR host, or the registry-host override). */
  registryHost: string;
  repository: string;
  /** Pulled by tag when given (the local image gets the tag), else by digest. */
  tag?: string;
  /** The digest the tree listed; with a tag it tells whether the tag moved since. */
  digest?: string;
}

export interface PullReporter {
  /** A line worth keeping (layer finished, digest, summary). */
  line(text: string): void;
  /** The live view: overall percentage and one line per layer, at most ~10 times a second. */
  progress(percent: number, lines: string[]): void;
}

export interface PullDependencies {
  engine: DockerEngine;
  /** ECR credentials for the registry; `forceRefresh` after the registry refused a token. */
  auth(options: { forceRefresh: boolean }): Promise<RegistryAuth>;
  reporter: PullReporter;
  signal?: AbortSignal;
  /** Retries of resets, 5xx and 429: how many after the first attempt, and the first delay (doubled each time, with jitter). */
  retry?: { attempts: number; baseDelayMs: number; maxDelayMs?: number };
  /** The registry's own answer to GET /v2/ (default: asked over HTTP); tests may pass their own. */
  probe?: (auth: RegistryAuth, signal?: AbortSignal) => Promise<number | undefined>;
  updateIntervalMs?: number;
}

export type PullFailureKind = 'daemon-unreachable' | 'auth-failed' | 'not-found' | 'denied' | 'registry-unavailable' | 'pull-failed';

export type PullOutcome =
  | {
      status: 'succeeded';
      /** What was pulled, as `docker pull` would name it. */
      reference: string;
      /** The digest the registry served. */
      digest?: string;
      imageId: string;
      sizeBytes: number;
      /** The engine had every layer already ("Image is up to date"). */
      upToDate: boolean;
      /** The tag now points at another image than the one listed (pushed over since). */
      tagMoved: boolean;
    }
  /** `cause`: the original error where it says more than the message (a credentials failure). */
  | { status: 'failed'; kind: PullFailureKind; message: string; cause?: unknown }
  | { status: 'cancelled' };

/** `host/name:tag`, or `host/name@sha256:…` for an untagged image. */
export function pullReference(request: PullRequest): string {
  const name = `${request.registryHost}/${request.repository}`;
  if (request.tag) return `${name}:${request.tag}`;
  if (request.digest) return `${name}@${request.digest}`;
  return `${name}:latest`;
}

class PullFailure extends Error {
  constructor(
    readonly kind: PullFailureKind,
    message: string,
    readonly original?: unknown,
  ) {
    super(message);
  }
}

/**
 * Pulls an image into the local Docker Engine with ECR credentials sent per request (never
 * written to a Docker config file), refreshing the token once if the registry refuses it.
 */
export async function pullImage(request: PullRequest, deps: PullDependencies): Promise<PullOutcome> {
  const { engine, reporter, signal } = deps;
  const reference = pullReference(request);
  const retry = deps.retry ?? { attempts: 4, baseDelayMs: 1000 };
  const cancelled = () => signal?.aborted === true;
  try {
    await engine.ping(signal).catch((error: unknown) => {
      if (error instanceof EngineUnreachableError) throw new PullFailure('daemon-unreachable', error.message);
      throw error;
    });
    const credentials = (forceRefresh: boolean) =>
      deps.auth({ forceRefresh }).catch((error: unknown) => {
        throw new PullFailure('auth-failed', `Could not get ECR credentials for ${request.registryHost}: ${errorMessage(error)}`, error);
      });
    const auth = await credentials(false);
    if (cancelled()) return { status: 'cancelled' };
    let model = new LayerProgress('pull');
    try {
      await withRegistryRetries(
        (credentialsNow) => {
          model = new LayerProgress('pull');
          return pullOnce(model, credentialsNow);
        },
        { what: 'pull', auth, refreshAuth: () => credentials(true), retry, signal, say: (line) => reporter.line(line), probe: deps.probe ?? probeRegistry },
      );
    } catch (error) {
      if (cancelled() || isAbort(error) || error instanceof PullFailure) throw error;
      if (error instanceof RegistryUnavailableError) throw new PullFailure('registry-unavailable', `Pull of ${reference} failed: ${error.message}`);
      const message = errorMessage(error);
      if (isUnauthorized(message) || isDenied(message)) {
        // Docker's "may require 'docker login'" misleads here: the token went with the request.
        const reason = message.replace(/,? ?repository does not exist or may require '?docker login'?:?/i, ':').replace(/::/g, ':');
        throw new PullFailure(
          'denied',
          `Pull of ${reference} denied (${reason}). The repository may not exist, or your credentials lack ecr:BatchGetImage and ecr:GetDownloadUrlForLayer on ${request.repository}.`,
        );
      }
      if (isNotFound(message)) {
        throw new PullFailure('not-found', `${reference} is not in the registry (${message}). It may have been deleted or re-tagged since the list was loaded: refresh the repository.`);
      }
      throw new PullFailure('pull-failed', `Pull of ${reference} failed: ${message}`);
    }
    // A cancel that arrives after the last layer landed changes nothing: the image is there.
    const details = await engine.inspectImage(reference);
    const digest = model.digest ?? details.repoDigests.find((entry) => entry.startsWith(`${request.registryHost}/${request.repository}@`))?.split('@')[1];
    const tagMoved = Boolean(request.tag && request.digest && digest && digest !== request.digest);
    const upToDate = /up to date/i.test(model.outcome ?? '');
    reporter.line(`${upToDate ? 'Already up to date' : 'Pulled'} ${reference}: image ${details.id.replace(/^sha256:/, '').slice(0, 12)}, ${formatBytes(details.size)}${digest ? `, digest ${digest}` : ''}`);
    if (tagMoved) reporter.line(`Note: ${request.tag} now points at ${digest}, not at ${request.digest} that the explorer listed; it was pushed over since.`);
    return { status: 'succeeded', reference, digest, imageId: details.id, sizeBytes: details.size, upToDate, tagMoved };
  } catch (error) {
    if (cancelled() || isAbort(error)) return { status: 'cancelled' };
    if (error instanceof PullFailure) return { status: 'failed', kind: error.kind, message: error.message, cause: error.original };
    return { status: 'failed', kind: 'pull-failed', message: `Pull of ${reference} failed: ${errorMessage(error)}` };
  }

  async function pullOnce(model: LayerProgress, auth: RegistryAuth): Promise<void> {
    const throttle = new UpdateThrottle(() => reporter.progress(model.percent(), model.render()), deps.updateIntervalMs ?? 100);
    try {
      const events = engine.pull(`${request.registryHost}/${request.repository}`, request.tag ?? request.digest ?? 'latest', auth, signal);
      await followLayers(events, model, throttle, (line) => reporter.line(line));
    } finally {
      throttle.dispose();
    }
  }
}
