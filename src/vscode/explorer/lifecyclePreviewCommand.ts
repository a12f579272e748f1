import * as vscode from 'vscode';
import type { ExpiredImage } from '../../core/ecr/lifecycle';
import type { ServerPreview } from '../../core/ecr/lifecycleApi';
import { formatAge } from '../../core/ecr/format';
import { errorMessage } from '../../core/errors';
import type { ImageSummary } from '../../core/ecr/listing';
import { shortDigest } from '../../core/explorer/nodes';
import type { RepositoryTarget } from '../../core/explorer/targets';
import type { IndexAwareEvaluation, LifecycleWarning } from '../../core/images/lifecyclePreview';
import type { Connection } from './connections';
import type { Explorer } from './explorer';

interface PreviewEntry {
  digest: string;
  tags: string[];
  rulePriority: number;
  reason: string;
  /** Where ECR's documentation does not settle what happens to this image (an index and its children). */
  warnings: string[];
}

export interface LifecyclePreviewResult {
  repository: string;
  expired: PreviewEntry[];
  /** Images a transition rule would move to the archive (they stay, but cannot be pulled until restored). */
  transitioned: PreviewEntry[];
  keptCount: number;
  server: ServerPreview;
  /** Only when ECR's own preview ran: whether it acts on the same images. */
  agreesWithServer?: boolean;
  /** Manifests that could not be read, so index relations of those images are unknown. */
  manifestFailures: string[];
}

const entryOf = (entry: ExpiredImage, warnings: Map<string, LifecycleWarning[]>): PreviewEntry => ({
  digest: entry.image.digest,
  tags: entry.image.tags,
  rulePriority: entry.rulePriority,
  reason: entry.reason,
  warnings: (warnings.get(entry.image.digest) ?? []).map((warning) => warning.message),
});

/**
 * Evaluates the policy over every image of the repository, each with its last recorded pull and
 * storage status, and with the index relations its manifests show; cross-checks with ECR's own
 * preview and, when `show`, marks the tree and lists the result.
 */
export async function previewLifecycle(
  explorer: Explorer,
  target: RepositoryTarget,
  connection: Connection,
  policyText: string,
  { show = true }: { show?: boolean } = {},
): Promise<LifecyclePreviewResult | undefined> {
  const { parseLifecyclePolicy } = await import('../../core/ecr/lifecycle');
  const { serverLifecyclePreview, comparePreviews } = await import('../../core/ecr/lifecycleApi');
  const { lifecyclePreviewInputs } = await import('../../core/images/manifestsFromEcr');
  const { evaluateLifecycleWithIndexes, lifecycleMarks } = await import('../../core/images/lifecyclePreview');
  let policy;
  try {
    policy = parseLifecyclePolicy(policyText);
  } catch (error) {
    void explorer.report(errorMessage(error));
    return undefined;
  }
  const registryId = connection.config.accountId;
  const done = await explorer.attempt(connection, `Could not preview the lifecycle policy of ${target.repository}`, () =>
    explorer.withProgress(`Previewing the lifecycle policy of ${target.repository}…`, async (progress) => {
      const client = await connection.client();
      progress.report({ message: 'listing images (archived ones too) and reading index manifests' });
      // Archived images included (rules on storageClass archive see them); manifests through the cache.
      const { images, graph, failures } = await lifecyclePreviewInputs(client, target.repository, { registryId, cache: explorer.manifestCache });
      const local = evaluateLifecycleWithIndexes(policy, images, graph);
      progress.report({ message: "asking ECR's own preview" });
      const server = await serverLifecyclePreview(client, target.repository, policyText, { registryId });
      const comparison = comparePreviews(local, server);
      // Marks and the list are for a preview asked for; Apply's own check shows in its modal.
      if (show) explorer.model.setLifecycleMarks(target.registryKey!, target.repository, lifecycleMarks(local));
      const result: LifecyclePreviewResult = {
        repository: target.repository,
        expired: local.expired.map((entry) => entryOf(entry, local.warnings)),
        transitioned: local.transitioned.map((entry) => entryOf(entry, local.warnings)),
        keptCount: local.kept.length,
        server,
        agreesWithServer: comparison?.agree,
        manifestFailures: failures,
      };
      explorer.log.info(
        `lifecycle preview of ${target.repository}: ${result.expired.length} of ${images.length} would expire, ${result.transitioned.length} would be archived, ${local.warnings.size} with warnings; ${server.available ? `ECR's preview ${comparison?.agree ? 'agrees' : `differs (only here: ${comparison?.onlyLocal.length}, only ECR: ${comparison?.onlyServer.length})`}` : server.reason}`,
      );
      if (failures.length) explorer.log.warn(`lifecycle preview of ${target.repository}: manifests not read: ${failures.join('; ')}`);
      return { result, local };
    }),
  );
  if (!done) return undefined;
  if (show) showPreviewList(done.result, done.local);
  return done.result;
}

const imageLabel = (image: ImageSummary) => (image.tags.length ? image.tags.join(', ') : shortDigest(image.digest));

function section(title: string, entries: ExpiredImage[], icon: string, evaluation: IndexAwareEvaluation): vscode.QuickPickItem[] {
  if (!entries.length) return [];
  return [
    { label: title, kind: vscode.QuickPickItemKind.Separator },
    ...entries.flatMap((entry): vscode.QuickPickItem[] => {
      const warnings = evaluation.warnings.get(entry.image.digest) ?? [];
      const age = [entry.image.pushedAt ? `pushed ${formatAge(entry.image.pushedAt)}` : undefined, entry.image.lastPulledAt ? `last recorded pull ${formatAge(entry.image.lastPulledAt)} (ECR: within a day)` : 'no pull recorded'];
      return [
        { label: `$(${icon}) ${imageLabel(entry.image)}`, description: age.filter(Boolean).join(' · '), detail: entry.reason },
        // Undocumented cases are stated, not guessed: one row per warning under its image.
        ...warnings.map((warning) => {
          // What is known on the row, what the documentation leaves open under it: both stay readable.
          const [known, ...rest] = warning.message.split(/(?<=\.) /);
          return { label: `$(warning) ${known}`, detail: rest.join(' ') || undefined };
        }),
      ];
    }),
  ];
}

function showPreviewList(result: LifecyclePreviewResult, evaluation: IndexAwareEvaluation): void {
  // One statement of where the list comes from: evaluated here, and whether ECR's preview agrees.
  const crossCheck: vscode.QuickPickItem = result.server.available
    ? result.agreesWithServer
      ? { label: "$(pass) Evaluated here; ECR's own preview acts on the same images" }
      : { label: "$(warning) Evaluated here; ECR's own preview differs", detail: "ECR's result is what will happen." }
    : { label: "$(info) Evaluated here from the image list; ECR's own preview could not confirm it", detail: result.server.reason };
  const unread: vscode.QuickPickItem[] = result.manifestFailures.length
    ? [{ label: `$(warning) ${result.manifestFailures.length} manifest(s) could not be read: their index relations are unknown`, detail: result.manifestFailures.slice(0, 3).join('; ') }]
    : [];
  const acted = [...section('would expire', evaluation.expired, 'trash', evaluation), ...section('would be archived', evaluation.transitioned, 'archive', evaluation)];
  const archiveNote: vscode.QuickPickItem[] = evaluation.transitioned.length
    ? [{ label: '$(info) Archived images stay listed; they cannot be pulled until restored' }]
    : [];
  const pick = vscode.window.createQuickPick();
  const warned = evaluation.warnings.size;
  pick.title = `Lifecycle preview of ${result.repository} (evaluated here): ${result.expired.length} would expire, ${result.transitioned.length} would be archived, ${result.keptCount} kept${warned ? `, ${warned} with warnings` : ''}`;
  pick.placeholder = crossCheck.label.replace(/^\$\([a-z-]+\) /, '');
  pick.items = [...(acted.length ? acted : [{ label: '$(check) No image would expire or be archived' }]), { label: '', kind: vscode.QuickPickItemKind.Separator }, ...archiveNote, ...unread, crossCheck];
  pick.matchOnDescription = true;
  pick.onDidHide(() => pick.dispose());
  pick.onDidAccept(() => pick.hide());
  pick.show();
}
