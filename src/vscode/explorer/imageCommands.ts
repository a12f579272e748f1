import * as vscode from 'vscode';
import { consoleUrl, imageUriByDigest, imageUriByTag, pullCommand, repositoryUri } from '../../core/ecr/links';
import { isNode, type ImageNode } from '../../core/explorer/nodes';
import { runCommand, type Commands } from '../commands';
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

/** Deletes the chosen images by digest (one image once, whichever of its tags were selected), after a modal. */
async function deleteImages(explorer: Explorer, chosen: ImageNode[]): Promise<{ deleted: number; failures: string[] } | undefined> {
  const groups = new Map<string, { registryKey: string; repository: string; images: Map<string, ImageNode['image']> }>();
  for (const item of chosen) {
    const key = `${item.registryKey}\u0000${item.repositoryName}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { registryKey: item.registryKey, repository: item.repositoryName, images: new Map() }));
    group.images.set(item.image.digest, item.image);
  }
  const all = [...groups.values()];
  const total = all.reduce((sum, group) => sum + group.images.size, 0);
  const tags = all.flatMap((group) => [...group.images.values()].flatMap((image) => image.tags.map((tag) => `${group.repository}:${tag}`)));
  const untagged = all.reduce((sum, group) => sum + [...group.images.values()].filter((image) => image.tags.length === 0).length, 0);
  const answer = await explorer.services.modals.show(
    'warning',
    `Delete ${total} image${total === 1 ? '' : 's'} from ${all.map((group) => group.repository).join(', ')}?`,
    [
      'Each image is deleted by digest, with every tag that points at it.',
      tags.length ? `Tags that go: ${tags.slice(0, 12).join(', ')}${tags.length > 12 ? `, and ${tags.length - 12} more` : ''}.` : '',
      untagged ? `${untagged} untagged image${untagged === 1 ? '' : 's'}.` : '',
      'This cannot be undone.',
    ]
      .filter(Boolean)
      .join('\n'),
    `Delete ${total} Image${total === 1 ? '' : 's'}`,
  );
  if (!answer) return undefined;
  const { batchDeleteImages } = await import('../../core/ecr/management');
  const failures: string[] = [];
  let deleted = 0;
  await explorer.withProgress(`Deleting ${total} image${total === 1 ? '' : 's'}…`, async (progress) => {
    for (const group of all) {
      const connection = explorer.targets.find(group.registryKey);
      if (!connection) continue;
      try {
        const result = await batchDeleteImages(await connection.client(), {
          registryId: connection.config.accountId,
          repository: group.repository,
          imageIds: [...group.images.keys()].map((digest) => ({ imageDigest: digest })),
          onProgress: (done) => progress.report({ message: `${group.repository}: ${done} of ${group.images.size}` }),
        });
        deleted += new Set(result.deleted.map((id) => id.imageDigest)).size;
        for (const failure of result.failures) {
          failures.push(`${group.repository}@${failure.imageId.imageDigest ?? failure.imageId.imageTag}: ${failure.code} ${explorer.services.redactor.redact(failure.reason)}`);
        }
      } catch (error) {
        failures.push(`${group.repository}: ${explorer.classify(error, connection).message}`);
      }
      explorer.model.refresh(group.registryKey, group.repository);
    }
  });
  explorer.log.info(`deleted ${deleted} of ${total} images${failures.length ? `; failures:\n  ${failures.join('\n  ')}` : ''}`);
  if (failures.length) {
    const show = await vscode.window.showWarningMessage(
      `Deleted ${deleted} of ${total} images; ${failures.length} failed: ${failures.slice(0, 3).join('; ')}${failures.length > 3 ? '; …' : ''}`,
      'Show Log',
    );
    if (show) await runCommand('ecr.showLog');
  } else {
    vscode.window.setStatusBarMessage(`$(check) Deleted ${deleted} image${deleted === 1 ? '' : 's'}`, 5000);
  }
  return { deleted, failures };
}

function isAwsEndpoint(endpoint: string): boolean {
  try {
    return /\.amazonaws\.com(\.cn)?$/.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}
