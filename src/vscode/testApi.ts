/**
 * What the extension exports to its extension-host tests and benches, and nothing else: built into a
 * bundle of its own (dist/testApi.js) that extension.ts loads only under ExtensionMode.Test and the
 * .vsix never ships (.vscodeignore), so a packaged extension exports nothing at all.
 */
import type { ExplorerModel } from '../core/explorer/model';
import type { ExplorerNode, ImageNode, NodeKind } from '../core/explorer/nodes';
import type { ExplorerApi } from './explorer/api';
import type { Explorer } from './explorer/explorer';
import { treeSnapshot } from './explorer/snapshot';
import type { Modals } from './modal';
import type { BuildTranscripts } from './tasks/buildTerminal';

/** One row of the tree as a person reads it (label, description), with its children when expanded. */
export interface TreeSnapshotEntry {
  kind: NodeKind;
  label: string;
  description?: string;
  contextValue?: string;
  children?: TreeSnapshotEntry[];
}

/** The explorer as tests and benches see and drive it (no hidden commands needed). */
export interface ExplorerProbe {
  /**
   * Registries with their first page of repositories, and the images of the named repositories ('*' for all listed);
   * a registry group is expanded when its label is named ("Pull-Through Cache Rules", "Creation Templates").
   */
  treeSnapshot(expandRepositories?: string[]): Promise<TreeSnapshotEntry[]>;
  /** Reveals a registry or repository node in the view, listing pages until the repository shows up. */
  reveal(registryKey: string, repositoryName?: string, options?: { expand?: boolean | number; select?: boolean; focus?: boolean }): Promise<void>;
  /** Shows an image's row (under its group or index) and returns its node; undefined when the repository does not list it. */
  revealImage(registryKey: string, repositoryName: string, digest: string, options?: { expand?: boolean; select?: boolean; focus?: boolean }): Promise<ImageNode | undefined>;
  /** Same as ecr.filter / ecr.clearFilter (empty text clears). */
  setFilter(text: string): void;
  /** The repository's row (a tree node, as a context menu passes it), listing pages until found; for tests. */
  repositoryNode(registryKey: string, repositoryName: string): Promise<unknown>;
  /** An image's row (a tree node, as a context menu passes it) by tag or digest, listing the repository if needed; for tests. */
  imageNode(registryKey: string, repositoryName: string, tagOrDigest: string): Promise<unknown>;
  /** The rows right under a repository (tree nodes: images, groups, an error row…), listing it if needed; for tests. */
  repositoryRows(registryKey: string, repositoryName: string): Promise<unknown[]>;
  /** The text above the tree now (a filter, the last result told there); for tests. */
  viewMessage(): string | undefined;
  /**
   * Clicks the "Load more" node under a registry (or one repository) as ecr.loadMore does: fetches
   * the next page and refreshes that node. False when the listing has no further page.
   */
  loadMore(registryKey: string, repositoryName?: string): Promise<boolean>;
}

export type ExplorerTestApi = ExplorerApi & ExplorerProbe;

export interface TestApiParts {
  activationMs: number;
  explorer: Explorer;
  transcripts: BuildTranscripts | undefined;
  modals: Modals;
}

/** The exported API under test: the tree, the build transcripts, the modals (VS Code refuses dialogs there). */
export function testApi({ activationMs, explorer, transcripts, modals }: TestApiParts) {
  return {
    activationMs: () => activationMs,
    explorer: { ...explorer.api(), ...explorerProbe(explorer) } satisfies ExplorerTestApi,
    buildTranscripts: () => transcripts?.all() ?? [],
    modals: modals.forTests(),
  };
}

function explorerProbe(explorer: Explorer): ExplorerProbe {
  const { model, view } = explorer;
  return {
    treeSnapshot: (expandRepositories) => treeSnapshot(model, expandRepositories),
    setFilter: (text) => explorer.setFilter(text),
    viewMessage: () => view.message,
    repositoryNode: (registryKey, repositoryName) => model.findRepositoryNode(registryKey, repositoryName),
    imageNode: async (registryKey, repositoryName, tagOrDigest) => findImageNode(model, await model.findRepositoryNode(registryKey, repositoryName), tagOrDigest),
    repositoryRows: async (registryKey, repositoryName) => {
      const repository = await model.findRepositoryNode(registryKey, repositoryName);
      return repository ? model.children(repository) : [];
    },
    reveal: (registryKey, repositoryName, options) => explorer.reveal(registryKey, repositoryName, options),
    revealImage: async (registryKey, repositoryName, digest, options = {}) => {
      const found = await findImageNode(model, await model.findRepositoryNode(registryKey, repositoryName), digest);
      if (found) await view.reveal(found, { expand: options.expand ?? false, select: options.select ?? false, focus: options.focus ?? false });
      return found;
    },
    loadMore: async (registryKey, repositoryName) => {
      const parent = repositoryName ? await model.findRepositoryNode(registryKey, repositoryName) : model.registryNodeFor(registryKey);
      // The "Load more" child exists only while the listing has a next page.
      const more = parent && (await model.loadMoreNodeOf(parent));
      if (!more) return false;
      await model.loadMore(more);
      return true;
    },
  };
}

/** The row of an image (by digest, or by a tag it carries) under `parent`: among its rows, in the Untagged and Archived groups, under indexes. */
async function findImageNode(model: ExplorerModel, parent: ExplorerNode | undefined, tagOrDigest: string): Promise<ImageNode | undefined> {
  if (!parent) return undefined;
  for (const child of await model.children(parent)) {
    if (child.kind === 'image' && (child.image.digest === tagOrDigest || child.tags.includes(tagOrDigest))) return child;
    const inside = child.kind === 'untagged' || child.kind === 'archived' || (child.kind === 'image' && child.childCount) ? await findImageNode(model, child, tagOrDigest) : undefined;
    if (inside) return inside;
  }
  return undefined;
}
