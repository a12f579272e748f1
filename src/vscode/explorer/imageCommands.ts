import * as vscode from 'vscode';
import { consoleUrl, imageUriByDigest, imageUriByTag, pullCommand, repositoryUri } from '../../core/ecr/links';
import { isAwsEndpoint } from '../../core/ecr/registryHost';
import { isNode, type ImageNode } from '../../core/explorer/nodes';
import type { Commands } from '../commands';
import { deleteImages } from './deleteImagesCommand';
import type { Explorer } from './explorer';

type ImageCommandId =
  | 'ecr.deleteImages'
  | 'ecr.copyRepositoryUri'
  | 'ecr.copyImageUriByTag'
  | 'ecr.copyImageUriByDigest'
  | 'ecr.copyPullCommand'
  | 'ecr.openInConsole';

/** Images: delete (many at once), copy URIs and pull commands, open in the console. */
export function imageCommands(explorer: Explorer): Commands<ImageCommandId> {
  const { targets } = explorer;
  const location = (node: { registryHost: string }, repository: string) => ({ registryHost: node.registryHost, repository });
  return {
    'ecr.deleteImages': (node, selection) => {
      const chosen = (Array.isArray(selection) && selection.length ? selection : [node]).filter((item): item is ImageNode => isNode(item, 'image'));
      return chosen.length ? deleteImages(explorer, chosen) : undefined;
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
        void explorer.report(`${connection.label} is served by ${endpoint}, not by AWS: the AWS console cannot show it.`, undefined, { warning: true });
        return undefined;
      }
      const url = consoleUrl({
        region: connection.region,
        accountId: node.kind === 'repository' ? node.repository.registryId : node.kind === 'image' ? node.image.registryId : connection.accountId,
        repository: node.kind === 'repository' ? node.repository.name : node.kind === 'image' ? node.repositoryName : undefined,
        digest: node.kind === 'image' ? node.image.digest : undefined,
      });
      if (!url) {
        void explorer.report(`There is no public AWS console for ${connection.region}.`, undefined, { warning: true });
        return undefined;
      }
      await vscode.env.openExternal(vscode.Uri.parse(url));
      return url;
    },
  };
}
