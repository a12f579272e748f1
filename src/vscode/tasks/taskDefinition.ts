import * as path from 'node:path';
import * as vscode from 'vscode';
import { repositoryNameProblem, suggestRepositoryName } from '../../core/ecr/names';
import type { BuildTask } from '../../core/docker/buildOptions';

export const TASK_TYPE = 'ecr-build';
/**
 * The task type's own problem matcher (package.json `problemMatchers`). The build reports the
 * failing Dockerfile line itself; the matcher only names the task's problem owner, so VS Code
 * does not stop each run at "Select for which kind of errors and warnings to scan the task output".
 */
export const PROBLEM_MATCHER = '$ecr-build';

/**
 * An `ecr-build` task definition the extension makes itself (the task provider, Build and Push). A
 * tasks.json entry reaches the terminal as VS Code gives it and is checked there (`checkBuildTask`).
 */
export type EcrBuildTaskDefinition = BuildTask & { type: typeof TASK_TYPE };

/** Files offered as Dockerfiles: Dockerfile, Containerfile, Dockerfile.*, *.Dockerfile. */
export const DOCKERFILE_GLOB = '**/{Dockerfile,Containerfile,Dockerfile.*,*.Dockerfile,Containerfile.*}';
export const DOCKERFILE_EXCLUDE = '**/{node_modules,.git}/**';

/** A repository name for a Dockerfile: its folder's name, made valid by the one suggester ("image" when none can be made). */
export function repositoryNameForDockerfile(folder: vscode.WorkspaceFolder, dockerfile: vscode.Uri): string {
  const directory = path.dirname(dockerfile.fsPath);
  const base = directory === folder.uri.fsPath ? folder.name : path.basename(directory);
  return repositoryNameProblem(base) === undefined ? base : (suggestRepositoryName(base) ?? 'image');
}

export function taskName(definition: vscode.TaskDefinition): string {
  const dockerfile: unknown = definition.dockerfile;
  return `Build and push ${typeof dockerfile === 'string' ? dockerfile : 'Dockerfile'} → ${String(definition.repository)}`;
}
