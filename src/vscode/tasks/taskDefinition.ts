import * as path from 'node:path';
import * as vscode from 'vscode';

export const TASK_TYPE = 'ecr-build';

/** The `ecr-build` task definition, as contributed in package.json's taskDefinitions. */
export interface EcrBuildTaskDefinition extends vscode.TaskDefinition {
  type: typeof TASK_TYPE;
  dockerfile?: string;
  context?: string;
  repository: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  target?: string;
  platform?: string;
  registry?: string;
  createRepository?: boolean;
  pull?: boolean;
  /** Network for RUN steps, e.g. "none" or "host" (engine default when unset). */
  network?: string;
  /** "classic" (default) or "buildkit". */
  builder?: 'classic' | 'buildkit';
}

/** Files offered as Dockerfiles: Dockerfile, Containerfile, Dockerfile.*, *.Dockerfile. */
export const DOCKERFILE_GLOB = '**/{Dockerfile,Containerfile,Dockerfile.*,*.Dockerfile,Containerfile.*}';
export const DOCKERFILE_EXCLUDE = '**/{node_modules,.git}/**';

/** A repository name guessed from where the Dockerfile lives, valid under ECR's naming rule. */
export function defaultRepositoryName(folder: vscode.WorkspaceFolder, dockerfile: vscode.Uri): string {
  const directory = path.dirname(dockerfile.fsPath);
  const base = directory === folder.uri.fsPath ? folder.name : path.basename(directory);
  const name = base.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name.length >= 2 ? name : 'image';
}

export function taskName(definition: EcrBuildTaskDefinition): string {
  return `Build and push ${definition.dockerfile ?? 'Dockerfile'} → ${definition.repository}`;
}
