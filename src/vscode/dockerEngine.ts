import * as vscode from 'vscode';
import type { DockerEngine } from '../core/docker/engine';
import { settings } from './settings';

/**
 * The local Docker Engine, as the `ecr.docker.host` setting (scoped to a folder), DOCKER_HOST or
 * the platform default names it. dockerode loads here, on the first build or pull, not at activation.
 */
export async function localDockerEngine(scope?: vscode.ConfigurationScope): Promise<DockerEngine> {
  const [{ DockerodeEngine }, { resolveEngineHost }] = await Promise.all([import('../core/docker/dockerodeEngine'), import('../core/docker/engineHost')]);
  const setting = settings.forResource('ecr.docker.host', scope);
  return new DockerodeEngine(resolveEngineHost({ setting }));
}
