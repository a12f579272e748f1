import * as vscode from 'vscode';
import { copyAsSnippets, resourceNameFor } from '../../core/ecr/copyAs';
import { optionArgument } from '../../core/explorer/arguments';
import { describeTarget } from '../../core/explorer/targets';
import type { Commands } from '../commands';
import type { Explorer } from './explorer';

/**
 * ecr.copyAs: a quick pick of the snippets ML platforms and deployment tools take (Aqueduct,
 * Flyte/Union, ZenML, Pulumi, Kubernetes, ECS, docker login); the chosen one goes to the clipboard.
 * A `format` argument skips the pick. Returns the copied text.
 */
export function copyAsCommands(explorer: Explorer): Commands<'ecr.copyAs'> {
  return {
    'ecr.copyAs': async (arg, formatArg): Promise<string | undefined> => {
      const format = optionArgument(formatArg);
      const resolved = explorer.targets.repository(arg, 'Copy As…', { where: 'a repository or image', pick: 'one' });
      if (!resolved) return undefined;
      const { target, connection, node } = resolved;
      const snippets = copyAsSnippets({
        registryHost: node?.registryHost ?? connection.registryHost(),
        region: connection.region,
        accountId: connection.accountId,
        repository: target.repository,
        tag: target.tag,
        digest: target.tag ? undefined : target.digest,
        profile: connection.config.profile,
        credentialsFile: connection.config.credentialsFile,
        resourceName: resourceNameFor(connection.label, connection.region),
      });
      let chosen = format === undefined ? undefined : snippets.find((snippet) => snippet.format === format);
      if (format !== undefined && !chosen) {
        void explorer.report(`Unknown "Copy as" format "${String(format)}". Known: ${snippets.map((snippet) => snippet.format).join(', ')}.`);
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
      // A snippet with a warning (image() cannot name this repository…) says it in full where the person
      // looks: the pick's detail line cut it off.
      if (chosen.note) void explorer.report(`Copied ${chosen.title} for ${describeTarget(target)}. ${chosen.note}`, undefined, { warning: true });
      else vscode.window.setStatusBarMessage(`$(check) Copied ${chosen.title} for ${describeTarget(target)}`, 4000);
      explorer.log.info(`copied ${chosen.format} for ${describeTarget(target)}`);
      return chosen.text;
    },
  };
}
