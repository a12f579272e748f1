import * as vscode from 'vscode';
import type { ImageCheckReport } from '../../core/ecr/management';
import { aqueductReferenceProblem } from '../../core/ecr/copyAs';
import { consoleUrl, imageUriByDigest, imageUriByTag, pullCommand, repositoryUri } from '../../core/ecr/links';
import { isNode, type ImageNode } from '../../core/explorer/nodes';
import type { Commands } from '../commands';
import { deleteImages } from './deleteImagesCommand';
import type { Explorer } from './explorer';

type ImageCommandId =
  | 'ecr.deleteImages'
  | 'ecr.checkImage'
  | 'ecr.copyRepositoryUri'
  | 'ecr.copyImageUriByTag'
  | 'ecr.copyImageUriByDigest'
  | 'ecr.copyPullCommand'
  | 'ecr.openInConsole';

/** Images: delete (many at once), check as Aqueduct does, copy URIs and pull commands, open in the console. */
export function imageCommands(explorer: Explorer): Commands<ImageCommandId> {
  const { targets } = explorer;
  const location = (node: { registryHost: string }, repository: string) => ({ registryHost: node.registryHost, repository });
  return {
    'ecr.deleteImages': (node, selection) => {
      const chosen = (Array.isArray(selection) && selection.length ? selection : [node]).filter((item): item is ImageNode => isNode(item, 'image'));
      return chosen.length ? deleteImages(explorer, chosen) : undefined;
    },
    'ecr.checkImage': async (arg): Promise<ImageCheckReport | undefined> => {
      const resolved = targets.repository(arg, 'Check Image', { where: 'an image', pick: 'a tag or an untagged image', image: true });
      if (!resolved) return undefined;
      const { connection } = resolved;
      const target = { ...resolved.target, digest: resolved.target.tag ? undefined : resolved.target.digest };
      const label = `${target.repository}${target.tag ? `:${target.tag}` : `@${target.digest}`}`;
      const report = await explorer.attempt(connection, `Could not check ${label}`, () =>
        explorer.withProgress(`Checking ${label} as Aqueduct does…`, async () => {
          const { checkImage } = await import('../../core/ecr/management');
          return checkImage(await connection.client(), { registryId: connection.config.accountId, ...target });
        }),
      );
      if (!report) return undefined;
      // Whatever Aqueduct's image() would fail on, the check fails on too (Copy As says the same).
      const problem = aqueductReferenceProblem(target);
      const checked: ImageCheckReport = {
        ...report,
        ok: report.ok && !problem,
        checks: [
          ...report.checks,
          problem
            ? { name: 'aqueduct-name', title: 'Named by image()', ok: false, detail: `${problem.problem} Fix: ${problem.fix}` }
            : { name: 'aqueduct-name', title: 'Named by image()', ok: true, detail: `image("${target.repository}:${target.tag ?? 'latest'}")` },
        ],
      };
      const lines = checked.checks.map((check) => `${check.ok ? '✓' : '✗'} ${check.title}: ${check.detail}`);
      explorer.log.info(`check ${label}:\n  ${lines.join('\n  ')}`);
      if (checked.ok) {
        explorer.tell(`✓ ${label} passes Aqueduct's image check`);
        void vscode.window.showInformationMessage(`${label} passes Aqueduct's image check. ${lines.join(' · ')}`);
      } else {
        explorer.tell(`✗ ${label} fails Aqueduct's image check`);
        // Blocking for the person about to use the image: a modal, with what failed and the fix.
        void explorer.services.modals.show('warning', `${label} fails Aqueduct's image check`, lines.join('\n\n'));
      }
      return checked;
      return report;
    },
    'ecr.copyRepositoryUri': (node) => (isNode(node, 'repository') ? explorer.copy(repositoryUri(location(node, node.repository.name)), 'repository URI') : undefined),
    'ecr.copyImageUriByTag': (node) =>
      isNode(node, 'image') && node.tag ? explorer.copy(imageUriByTag(location(node, node.repositoryName), node.tag), 'image URI') : undefined,
    'ecr.copyImageUriByDigest': (node) =>
      isNode(node, 'image') ? explorer.copy(imageUriByDigest(location(node, node.repositoryName), node.image.digest), 'image URI (digest)') : undefined,
    'ecr.copyPullCommand': (node) =>
      isNode(node, 'image') ? explorer.copy(pullCommand(location(node, node.repositoryName), { tag: node.tag, digest: node.image.digest }), 'pull command') : undefined,
    'ecr.openInConsole': async (node) => {
      if (!isNode(node, 'registry', 'repository', 'image')) return undefined;
      const connection = targets.find(node.registryKey);
      if (!connection) return undefined;
      // A registry served by another endpoint (a local ECR-compatible stack) is not in the AWS console.
      const endpoint = connection.errorContext.$endpoint;
      if (endpoint && !isAwsEndpoint(endpoint)) {
        explorer.tell(`${connection.label} is served by ${endpoint}, not by AWS: the AWS console cannot show it.`);
        return undefined;
      }
      const url = consoleUrl({
        region: connection.region,
        accountId: node.kind === 'repository' ? node.repository.registryId : node.kind === 'image' ? node.image.registryId : connection.accountId,
        repository: node.kind === 'repository' ? node.repository.name : node.kind === 'image' ? node.repositoryName : undefined,
        digest: node.kind === 'image' ? node.image.digest : undefined,
      });
      if (!url) {
        explorer.tell(`There is no public AWS console for ${connection.region}.`);
        return undefined;
      }
      await vscode.env.openExternal(vscode.Uri.parse(url));
      return url;
    },
  };
}

function isAwsEndpoint(endpoint: string): boolean {
  try {
    return /\.amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}
