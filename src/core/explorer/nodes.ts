import type { ClassifiedError } from '../ecr/errors';
import type { ImageSummary, RepositorySummary } from '../ecr/listing';
import type { CreationTemplate } from '../ecr/creationTemplates';
import type { PullThroughRule } from '../ecr/pullThroughCache';

/**
 * The explorer tree is built from these plain data nodes (no `vscode` here): the model makes them,
 * the VS Code layer maps them to TreeItems in one place, and commands receive them as arguments.
 * One object per id: the model keeps them, so VS Code can refresh a single row.
 */
export type ExplorerNode =
  | RegistryNode
  | RepositoryNode
  | ImageNode
  | UntaggedGroupNode
  | ArchivedGroupNode
  | LoadMoreNode
  | ErrorNode
  | MessageNode
  | RegistryGroupNode
  | PullThroughRuleNode
  | CreationTemplateNode;
export type NodeKind = ExplorerNode['kind'];

interface NodeBase {
  /** Unique and stable across refreshes (VS Code keeps expansion state by it). */
  id: string;
  parentId?: string;
  registryKey: string;
}

export interface RegistryNode extends NodeBase {
  kind: 'registry';
  label: string;
  region: string;
  accountId?: string;
  profile?: string;
  credentialsFile?: string;
  /** "12 repositories", "1000+ repositories", once listed. */
  summary?: string;
}

export interface RepositoryNode extends NodeBase {
  kind: 'repository';
  repository: RepositorySummary;
  registryHost: string;
  region: string;
  /** The filter matched tags inside it: show it expanded. */
  expandForFilter?: boolean;
  /** A person expanded it: it stays expanded when the filter changes or clears. */
  expanded?: boolean;
}

export interface ImageNode extends NodeBase {
  kind: 'image';
  repositoryName: string;
  registryHost: string;
  region: string;
  /** The tag the row's commands use (the first of `tags`); undefined for an untagged image. */
  tag?: string;
  /** Every tag of the image, as the row shows them ("0.3.6, latest"); empty when untagged. */
  tags: string[];
  image: ImageSummary;
  /** Set while a lifecycle preview says this image would expire: the rule, in words. */
  expiresBy?: string;
  /** What the image is, for rows under an index or image: "linux/arm64 image", "attestation manifest", "signature". */
  role?: string;
  /** Its platform ("linux/arm64/v8"), for a platform image of an index. */
  platform?: string;
  /** For an index: its platforms ("linux/amd64, linux/arm64") once its manifest is read. */
  platforms?: string;
  /** An index still waiting for its manifest: the row says so and fills in later. */
  detailsPending?: boolean;
  /** The size the row shows when it is not ECR's (an index: the sum of its platform images). */
  totalBytes?: number;
  /** Platform images and attachments shown under this row (it expands when > 0). */
  childCount?: number;
  /** Names of the indexes that list this image, or of the image an attachment describes. */
  belongsTo?: string[];
  /** Not pulled for STALE_AFTER_DAYS or more (ecr.images.sortBy decides what the description shows). */
  stale?: boolean;
  /** What the description's time says: push (default) or last pull. */
  sortBy?: 'pushed' | 'pulled';
  /** A restore from the archive in progress or just ended, as the row shows it ("restoring…"). */
  restoreStatus?: string;
  /** A person expanded it (an index or an image with attachments): it stays expanded when the repository redraws. */
  expanded?: boolean;
}

export interface UntaggedGroupNode extends NodeBase {
  kind: 'untagged';
  repositoryName: string;
  count: number;
}

/** The repository's archived images (ECR's archive storage class): not pullable until restored. */
export interface ArchivedGroupNode extends NodeBase {
  kind: 'archived';
  repositoryName: string;
  count: number;
}

export interface LoadMoreNode extends NodeBase {
  kind: 'loadMore';
  /** Which listing it continues: the registry's repositories or one repository's images. */
  repositoryName?: string;
  loaded: number;
  noun: string;
}

export interface ErrorNode extends NodeBase {
  kind: 'error';
  repositoryName?: string;
  error: ClassifiedError;
}

export interface MessageNode extends NodeBase {
  kind: 'message';
  message: string;
  icon?: string;
}

/** A registry's "Pull-Through Cache Rules" or "Creation Templates" group (registryGroups.ts). */
export interface RegistryGroupNode extends NodeBase {
  kind: 'pullThroughGroup' | 'templateGroup';
  /** "2 rules", once listed. */
  summary?: string;
}

export interface PullThroughRuleNode extends NodeBase {
  kind: 'pullThroughRule';
  rule: PullThroughRule;
  /** The host images are pulled through, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com. */
  registryHost: string;
}

export interface CreationTemplateNode extends NodeBase {
  kind: 'creationTemplate';
  template: CreationTemplate;
}

const KINDS: ReadonlySet<string> = new Set<NodeKind>([
  'registry',
  'repository',
  'image',
  'untagged',
  'archived',
  'loadMore',
  'error',
  'message',
  'pullThroughGroup',
  'templateGroup',
  'pullThroughRule',
  'creationTemplate',
]);

/** True for a tree node of one of `kinds` (any kind when none is named); the check every command starts with. */
export function isNode<Kind extends NodeKind>(value: unknown, ...kinds: Kind[]): value is Extract<ExplorerNode, { kind: Kind }> {
  if (!value || typeof value !== 'object') return false;
  const { kind, id, registryKey } = value as { kind?: unknown; id?: unknown; registryKey?: unknown };
  if (typeof kind !== 'string' || !KINDS.has(kind) || typeof id !== 'string' || typeof registryKey !== 'string') return false;
  return kinds.length === 0 || (kinds as string[]).includes(kind);
}

export const registryNodeId = (registryKey: string) => `registry:${registryKey}`;
export const repositoryNodeId = (registryKey: string, repositoryName: string) => `registry:${registryKey}/repo:${repositoryName}`;

export function shortDigest(digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return hex ? `${algorithm}:${hex.slice(0, 12)}` : digest;
}
