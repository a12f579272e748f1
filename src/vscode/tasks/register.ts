import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Commands } from '../commands';
import type { Services } from '../services';
import type { ExplorerApi } from '../explorer/api';
import { BuildTerminal, BuildTranscripts } from './buildTerminal';
import { buildAndPushCommand } from './buildAndPushCommand';
import { loginDockerCliCommand } from './loginDockerCli';
import { DOCKERFILE_EXCLUDE, DOCKERFILE_GLOB, PROBLEM_MATCHER, TASK_TYPE, repositoryNameForDockerfile, taskName, type EcrBuildTaskDefinition } from './taskDefinition';

/**
 * The `ecr-build` task (one offered per Dockerfile, tasks.json entries resolved) and the build
 * commands. Nothing here touches Docker or AWS until a task runs; dockerode loads then.
 */
export function registerTasks(
  services: Services,
  explorer: ExplorerApi,
): { commands: Commands<'ecr.buildAndPush' | 'ecr.loginDockerCli'>; transcripts: BuildTranscripts | undefined } {
  const diagnostics = vscode.languages.createDiagnosticCollection('ecr-build');
  // Kept for the extension-host tests only (they cannot read a terminal back); nothing is kept otherwise.
  const transcripts = services.context.extensionMode === vscode.ExtensionMode.Test ? new BuildTranscripts() : undefined;
  services.context.subscriptions.push(diagnostics);

  const createTask = (definition: vscode.TaskDefinition, scope: vscode.WorkspaceFolder | vscode.TaskScope = vscode.TaskScope.Workspace) => {
    const folder = typeof scope === 'object' ? scope : undefined;
    const task = new vscode.Task(
      definition,
      scope,
      taskName(definition),
      'ECR',
      new vscode.CustomExecution(async (resolved) => new BuildTerminal(services, explorer, diagnostics, transcripts, resolved, folder)),
      // The task reports its own problems (the failing Dockerfile line, in the "ecr-build"
      // collection). Naming its matcher tells VS Code so, and it never asks which one to attach.
      [PROBLEM_MATCHER],
    );
    task.detail = 'Build with the Docker Engine and push to Amazon ECR';
    task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
    return task;
  };

  services.context.subscriptions.push(
    vscode.tasks.registerTaskProvider(TASK_TYPE, {
      async provideTasks(token) {
        const files = await vscode.workspace.findFiles(DOCKERFILE_GLOB, DOCKERFILE_EXCLUDE, 100, token);
        return files.flatMap((file) => {
          const folder = vscode.workspace.getWorkspaceFolder(file);
          if (!folder) return [];
          const definition: EcrBuildTaskDefinition = {
            type: TASK_TYPE,
            dockerfile: path.relative(folder.uri.fsPath, file.fsPath).split(path.sep).join('/'),
            repository: repositoryNameForDockerfile(folder, file),
          };
          return [createTask(definition, folder)];
        });
      },
      resolveTask(task) {
        const definition = task.definition;
        if (definition.type !== TASK_TYPE) return undefined;
        // Checked when it runs (BuildTerminal), where a mistake in tasks.json is said by property.
        // tasks.json entries: keep the user's definition and scope, supply the execution.
        const resolved = createTask(definition, task.scope ?? vscode.TaskScope.Workspace);
        resolved.name = task.name || resolved.name;
        return resolved;
      },
    }),
  );
  return {
    commands: {
      'ecr.buildAndPush': buildAndPushCommand(services, explorer, createTask),
      'ecr.loginDockerCli': loginDockerCliCommand(services, explorer),
    },
    transcripts,
  };
}
