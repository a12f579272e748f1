import type { ECRClient } from '@aws-sdk/client-ecr';
import type { BuildPushDependencies, BuildPushFailure, BuildPushRequest } from '../../core/docker/buildAndPush';
import { errorMessage } from '../../core/errors';
import type { SecretRedactor } from '../../core/log';
import type { RegistryConnection } from '../explorer/api';
import { registryClientFor } from '../registryAccess';

/** What the task's terminal needs to know of a run, single- or multi-platform. */
export type TaskOutcome = { status: 'succeeded' } | { status: 'cancelled' } | { status: 'failed'; failure: BuildPushFailure };

/**
 * The `platforms` run: each platform built through the engine and pushed by digest, then one index
 * under the tags (core/docker/multiPlatform.ts). The registry is spoken to with the connection's
 * ECR token, per request, at the registry-host override when one is set.
 */
export async function buildPlatforms(
  request: BuildPushRequest,
  deps: BuildPushDependencies,
  platforms: string[],
  connection: RegistryConnection,
  ecr: ECRClient,
  redactor: SecretRedactor,
  printFailure: (text: string) => void,
): Promise<TaskOutcome> {
  let registry;
  try {
    registry = await registryClientFor(connection, redactor);
  } catch (error) {
    const message = `Could not get registry credentials for ${connection.label}: ${redactor.redact(errorMessage(error))}`;
    printFailure(message);
    return { status: 'failed', failure: { kind: 'auth-failed', message } };
  }
  const { buildAndPushPlatforms } = await import('../../core/docker/multiPlatform');
  const { platform: _single, ...rest } = request;
  const outcome = await buildAndPushPlatforms({ ...rest, platforms }, { ...deps, registry, ecr });
  if (outcome.status === 'succeeded') return { status: 'succeeded' };
  if (outcome.status === 'cancelled') {
    deps.reporter.line(outcome.message);
    return { status: 'cancelled' };
  }
  printFailure(outcome.message);
  return { status: 'failed', failure: { kind: 'build-failed', message: outcome.message } };
}
