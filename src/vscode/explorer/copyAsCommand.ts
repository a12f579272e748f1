import * as vscode from 'vscode';
import { copyAsSnippets, resourceNameFor, type CopyAsFormat } from '../../core/ecr/copyAs';
import { describeTarget, targetOf, type ExplorerCommandContext, type RepositoryTarget } from './commandContext';
import type { ImageNode, RepositoryNode } from './nodes';

/**
 * ecr.copyAs: a quick pick of the snippets ML platforms and deployment tools take (Aqueduct,
 * Flyte/Union, ZenML, Pulumi, Kubernetes, ECS, docker login); the chosen one goes to the clipboard.
 * A `format` argument skips the pick. Returns the copied text.
 */
export function registerCopyAs(context: ExplorerCommandContext): void {
  context.register('ecr.copyAs', async (arg?: RepositoryNode | ImageNode | RepositoryTarget, format?: CopyAsFormat): Promise<string | undefined> => {
    const target = targetOf(arg);
    const connection = target ? context.findConnection(target.registryKey) : undefined;
    if (!target || !connection) {
      void vscode.window.showErrorMessage('Copy as… works on a repository or image in the ECR Registries view: right-click one there.');
      return undefined;
    }
    const node = arg && 'kind' in arg ? arg : undefined;
    const uri = node?.kind === 'repository' ? node.repository.uri : undefined;
    const snippets = copyAsSnippets({
      registryHost: node?.registryHost ?? connection.registryHost(uri),
      region: connection.region,
      accountId: connection.accountId,
      repository: target.repository,
      tag: target.tag,
      digest: target.tag ? undefined : target.digest,
      profile: connection.config.profile,
      credentialsFile: connection.config.credentialsFile,
      resourceName: resourceNameFor(connection.label, connection.region),
    });
    let chosen = format ? snippets.find((snippet) => snippet.format === format) : undefined;
    if (format && !chosen) {
      void vscode.window.showErrorMessage(`Unknown "Copy as" format "${format}". Known: ${snippets.map((snippet) => snippet.format).join(', ')}.`);
      return undefined;
    }
    if (!chosen) {
      const picked = await vscode.window.showQuickPick(
        snippets.map((snippet) => ({
          label: snippet.title,
          // One line, so a multi-line snippet reads whole in the pick.
          description: snippet.text.replace(/^import .*\n+/, '').replace(/\s*\n\s*/g, ' '),
          detail: snippet.note ? `$(warning) ${snippet.note}` : undefined,
          snippet,
        })),
        { title: `Copy ${describeTarget(target)} as…`, matchOnDescription: true },
      );
      chosen = picked?.snippet;
    }
    if (!chosen) return undefined;
    await vscode.env.clipboard.writeText(chosen.text);
    vscode.window.setStatusBarMessage(`$(check) Copied ${chosen.title} for ${describeTarget(target)}`, 4000);
    context.log.info(`copied ${chosen.format} for ${describeTarget(target)}`);
    return chosen.text;
  });
}
