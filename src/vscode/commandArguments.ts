import type * as vscode from 'vscode';
import type { CopyAsFormat } from '../core/ecr/copyAs';
import type { LifecycleRuleChoice } from '../core/ecr/lifecycle';
import type { RegistryEntry } from '../core/explorer/arguments';
import type { ErrorNode, ExplorerNode, ImageNode, LoadMoreNode, PullThroughRuleNode, RegistryNode, RepositoryNode } from '../core/explorer/nodes';
import type { RepositoryTarget } from '../core/explorer/targets';
import type { CommandId } from './commandIds';

/** A registry as commands take it: any tree row (its registry), `{ registryKey }`, `{ registry }`, or a key or label. */
export type RegistryArgument = ExplorerNode | { registryKey: string } | { registry: string } | string;

/** What `ecr.createRepository` takes to skip its prompts. */
export interface CreateRepositoryArgs {
  registryKey?: string;
  name: string;
  tagMutability?: 'MUTABLE' | 'IMMUTABLE';
  scanOnPush?: boolean;
  encryption?: 'AES256' | 'KMS';
  kmsKey?: string;
}

/** What `ecr.buildAndPush` takes to skip its prompts (any field given is not asked for). */
export interface BuildAndPushOptions {
  /** Absolute path, or relative to the first workspace folder. */
  dockerfile?: string;
  repository?: string;
  tags?: string[];
  registry?: string;
  context?: string;
  createRepository?: boolean;
}

/** What `ecr.copyImage` takes to skip its prompts (any field given is not asked for). */
export interface CopyImageOptions {
  /** The target registry's key or label; default: pick (the image's own registry first). */
  registryKey?: string;
  repository?: string;
  tag?: string;
  /** Copy the image's signatures, attestations and SBOMs with it (default true). */
  attachments?: boolean;
}

/** What `ecr.newAqueductDockerfile` takes to skip its prompts. */
export interface NewAqueductDockerfileOptions {
  folder?: string | vscode.Uri;
  python?: string;
  /** cpu | gpu-cuda1141 | gpu-cuda1180 | llm-cuda1141 | llm-cuda1180 (also "gpu", "llm"). */
  variant?: string;
  version?: string;
}

type Row<Node> = [row?: Node];
type Target = RepositoryNode | ImageNode | RepositoryTarget;

/**
 * The arguments each command accepts, by id: what menus pass (a row; a context menu adds the
 * selected rows) and what the palette, tests and other features may pass instead. Handlers still
 * check what really arrives (anything can); `runCommand` holds callers inside the extension to this.
 */
type Table<T extends Record<CommandId, unknown[]> & Record<Exclude<keyof T, CommandId>, never>> = T;
export type CommandArguments = Table<{
  'ecr.refresh': Row<RegistryNode | RepositoryNode>;
  /** The view title's Refresh: the whole view, whatever row has the focus. */
  'ecr.refreshView': [];
  'ecr.addRegistry': [entry?: RegistryEntry];
  'ecr.removeRegistry': [registry?: RegistryArgument];
  'ecr.setAccessKeys': [registry?: RegistryArgument];
  'ecr.selectProfile': [registry?: RegistryArgument];
  'ecr.retry': [row?: ErrorNode, options?: { performAction?: boolean }];
  'ecr.loadMore': Row<LoadMoreNode>;
  'ecr.filter': [text?: string];
  'ecr.clearFilter': [];
  'ecr.createRepository': [registryOrPreset?: RegistryArgument | CreateRepositoryArgs];
  'ecr.deleteRepository': Row<RepositoryNode>;
  'ecr.deleteImages': [row?: ImageNode, selection?: ExplorerNode[]];
  'ecr.copyRepositoryUri': Row<RepositoryNode>;
  'ecr.copyImageUriByTag': Row<ImageNode>;
  'ecr.copyImageUriByDigest': Row<ImageNode>;
  'ecr.copyPullCommand': Row<ImageNode>;
  'ecr.checkImage': [image?: ImageNode | RepositoryTarget];
  'ecr.openInConsole': Row<RegistryNode | RepositoryNode | ImageNode>;
  'ecr.newAqueductDockerfile': [folderOrOptions?: vscode.Uri | NewAqueductDockerfileOptions];
  'ecr.buildAndPush': [dockerfileOrOptions?: vscode.Uri | RepositoryNode | BuildAndPushOptions];
  'ecr.loginDockerCli': [registry?: RegistryArgument];
  'ecr.showLog': [];
  'ecr.copyAs': [target?: Target, format?: CopyAsFormat];
  'ecr.viewLifecyclePolicy': [repository?: Target];
  'ecr.buildLifecyclePolicy': [repository?: Target, rules?: LifecycleRuleChoice[]];
  'ecr.previewLifecyclePolicy': [repository?: Target, policyText?: string];
  'ecr.clearLifecyclePreview': [repository?: Target];
  'ecr.applyLifecyclePolicy': [repository?: Target, policyText?: string];
  'ecr.deleteLifecyclePolicy': [repository?: Target];
  'ecr.startImageScan': [image?: Target];
  'ecr.showScanFindings': [image?: Target];
  'ecr.toggleScanOnPush': [repository?: Target, enable?: boolean];
  'ecr.pullImage': [image?: ImageNode | RepositoryTarget];
  'ecr.restoreImage': Row<ImageNode>;
  'ecr.toggleTagImmutability': [repository?: Target, mutability?: 'MUTABLE' | 'IMMUTABLE'];
  'ecr.viewRepositoryPolicy': [repository?: Target];
  'ecr.turnScanOnPushOn': [repository?: Target];
  'ecr.turnScanOnPushOff': [repository?: Target];
  'ecr.editTagMutability': [repository?: Target, settings?: { mode: string; exclusionFilters?: string[] }];
  'ecr.createPullThroughRule': [registry?: RegistryArgument];
  'ecr.deletePullThroughRule': Row<PullThroughRuleNode>;
  'ecr.inspectImage': [image?: ImageNode | RepositoryTarget];
  'ecr.addTag': [image?: ImageNode | RepositoryTarget, tag?: string];
  'ecr.removeTag': [image?: ImageNode | RepositoryTarget, tag?: string];
  'ecr.copyImage': [image?: ImageNode | RepositoryTarget, options?: CopyImageOptions];
}>;
