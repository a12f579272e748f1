import * as path from 'node:path';
import * as vscode from 'vscode';
import { repositoryNameProblem, suggestRepositoryName } from '../../core/ecr/names';

export const TASK_TYPE = 'ecr-build';
/**
 * The task type's own problem matcher (package.json `problemMatchers`). The build reports the
 * failing Dockerfile line itself; the matcher only names the task's problem owner, so VS Code
 * does not stop each run at "Select for which kind of errors and warnings to scan the task output".
 */
export const PROBLEM_MATCHER = '$ecr-build';

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
  /** Several platforms: each built and pushed by digest, then one index under the tags. */
  platforms?: string[];
  registry?: string;
  createRepository?: boolean;
  pull?: boolean;
  /** Network for RUN steps, e.g. "none" or "host" (engine default when unset). */
  network?: string;
  /** "classic" (default) or "buildkit". */
  builder?: 'classic' | 'buildkit';
  /** What the task does when the Dockerfile has error diagnostics: "warn" (default), "refuse" or "ignore". */
  lintErrors?: 'warn' | 'refuse' | 'ignore';
}

/** Files offered as Dockerfiles: Dockerfile, Containerfile, Dockerfile.*, *.Dockerfile. */
export const DOCKERFILE_GLOB = '**/{Dockerfile,Containerfile,Dockerfile.*,*.Dockerfile,Containerfile.*}';
export const DOCKERFILE_EXCLUDE = '**/{node_modules,.git}/**';

/** A repository name for a Dockerfile: its folder's name, made valid by the one suggester ("image" when none can be made). */
export function repositoryNameForDockerfile(folder: vscode.WorkspaceFolder, dockerfile: vscode.Uri): string {
  const directory = path.dirname(dockerfile.fsPath);
  const base = directory === folder.uri.fsPath ? folder.name : path.basename(directory);
  return repositoryNameProblem(base) === undefined ? base : (suggestRepositoryName(base) ?? 'image');
}

export function taskName(definition: EcrBuildTaskDefinition): string {
  return `Build and push ${definition.dockerfile ?? 'Dockerfile'} → ${definition.repository}`;
}
