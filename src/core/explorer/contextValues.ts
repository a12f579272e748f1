import { isArchived } from '../ecr/storageClass';
import { isImmutable } from '../ecr/repositorySettings';
import type { ExplorerNode, ImageNode, RepositoryNode } from './nodes';

/**
 * The `contextValue` of each tree row: space-separated tokens that package.json's menus match with
 * `viewItem =~ /\btoken\b/`. Each row kind has slots, each slot one token from its alternatives (''
 * for none), so test/unit/explorer/contextValues.test.ts can list every value a row can have and check
 * the menus against them. Kept here, not in the VS Code layer, so that test runs in plain Node.
 */
export const CONTEXT_SLOTS = {
  registry: [['registry']],
  // Tokens the menus read to offer the opposite of the current state ("Turn Scan on Push Off").
  repository: [['repository'], ['scanOnPush', 'noScanOnPush'], ['immutable', 'mutable']],
  image: [
    ['image'],
    ['tagged', 'untagged'],
    // Signatures, attestations, SBOMs, referrers indexes: not images to pull, check or scan.
    ['archived', 'artifact', 'pullable'],
    ['index', ''],
    ['referenced', ''],
    ['stale', ''],
    ['expiring', ''],
  ],
  untagged: [['untaggedGroup']],
  archived: [['archivedGroup']],
  loadMore: [['loadMore']],
  error: [['error']],
  message: [['message']],
  pullThroughGroup: [['pullThroughGroup']],
  templateGroup: [['templateGroup']],
  pullThroughRule: [['pullThroughRule']],
  creationTemplate: [['creationTemplate']],
} as const satisfies Partial<Record<ExplorerNode['kind'], ReadonlyArray<ReadonlyArray<string>>>>;

const join = (tokens: Array<string | false | undefined>) => tokens.filter(Boolean).join(' ');

export function repositoryContextValue(node: RepositoryNode): string {
  const { repository } = node;
  return join(['repository', repository.scanOnPush ? 'scanOnPush' : 'noScanOnPush', isImmutable(repository.tagMutability) ? 'immutable' : 'mutable']);
}

/** A row about an image rather than an image to run: a signature, attestation, SBOM, other artifact or referrers index. */
export function isArtifactRow(node: ImageNode): boolean {
  return Boolean(node.role && /signature|attestation|SBOM|artifact|referrers/.test(node.role));
}

export function imageContextValue(node: ImageNode): string {
  const artifact = isArtifactRow(node);
  return join([
    'image',
    node.tag ? 'tagged' : 'untagged',
    isArchived(node.image) ? 'archived' : artifact ? 'artifact' : 'pullable',
    Boolean(node.platforms || node.detailsPending) && 'index',
    Boolean(node.belongsTo?.length) && 'referenced',
    Boolean(node.stale) && 'stale',
    Boolean(node.expiresBy) && 'expiring',
  ]);
}
