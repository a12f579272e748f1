import { formatBytes } from '../../core/ecr/format';
import { planDelete, type DeletePlan, type PlannedImage, type PlannedRewrite } from '../../core/images/deletePlan';
import { shortDigest, type ImageNode } from '../../core/explorer/nodes';
import { registryClientFor } from '../registryAccess';
import type { Explorer } from './explorer';

/** What one repository's part of a delete does: the plan (deletes in BatchDeleteImage rounds) and what was refused. */
interface RepositoryDelete {
  registryKey: string;
  repository: string;
  plan: DeletePlan;
  /** The plan had the platform images and attachments gone too (the person chose so). */
  cascade: boolean;
}

const named = (image: Pick<PlannedImage, 'tags' | 'digest'>) => (image.tags.length ? `${image.tags.join(', ')} (${shortDigest(image.digest)})` : shortDigest(image.digest));
const line = (image: PlannedImage) => `• ${image.kind}: ${named(image)}, ${formatBytes(image.sizeBytes)}`;
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
/** What a fallback-tag rewrite does, in the words of the confirmation (OCI distribution spec v1.1, "Deleting Manifests"). */
const rewriteLines = (rewrite: PlannedRewrite) => [
  `• rewritten first: the referrers fallback tag ${rewrite.tag.slice(0, 19)}… (of ${shortDigest(rewrite.subject)}) gets a new index listing the ${plural(rewrite.keeps.length, 'referrer')} that stay${rewrite.keeps.length ? ` (${rewrite.keeps.map((kept) => `${kept.kind} ${shortDigest(kept.digest)}`).join(', ')})` : ''}, without ${rewrite.removes.map(shortDigest).join(', ')}; then its old index ${shortDigest(rewrite.index)}, untagged by then, is deleted, then the referrer${rewrite.removes.length === 1 ? '' : 's'}.`,
];

/**
 * Deletes the chosen images so that nothing is lost by surprise (issue 12): an image an index
 * lists is refused, naming the index, unless the index goes too; deleting an index offers its
 * platform images and attachments in the same modal (listed with sizes; the first, default
 * button deletes less); a selection is planned as a whole, per repository.
 */
export async function deleteImages(explorer: Explorer, chosen: ImageNode[]): Promise<{ deleted: number; failures: string[]; refused: string[] } | undefined> {
  const groups = new Map<string, { registryKey: string; repository: string; digests: Set<string> }>();
  for (const item of chosen) {
    const key = `${item.registryKey}\u0000${item.repositoryName}`;
    if (!groups.has(key)) groups.set(key, { registryKey: item.registryKey, repository: item.repositoryName, digests: new Set() });
    groups.get(key)!.digests.add(item.image.digest);
  }
  const plans: Array<{ registryKey: string; repository: string; safe: DeletePlan; full: DeletePlan }> = [];
  for (const group of groups.values()) {
    const connection = explorer.targets.find(group.registryKey);
    if (!connection) continue;
    // Which index owns what needs every page and every index manifest of the repository.
    const graph = await explorer.attempt(connection, `Could not read the images of ${group.repository}`, () =>
      explorer.withProgress(`Reading the images of ${group.repository}…`, async () => explorer.model.imageGraph(group.registryKey, group.repository)),
    );
    if (!graph) return undefined;
    // Archived images are not in the graph (nothing that lists them can be pulled either): deleted as chosen.
    const outside = [...group.digests].filter((digest) => !graph.nodes.has(digest));
    const withOutside = (plan: DeletePlan): DeletePlan => {
      const extra = outside.map((digest) => chosen.find((node) => node.image.digest === digest)!.image);
      const planned = extra.map((image) => ({ digest: image.digest, kind: 'archived image', tags: image.tags, sizeBytes: image.sizeBytes ?? 0 }));
      return { ...plan, deletes: [...plan.deletes, ...planned], steps: extra.length ? [...plan.steps, extra.map((image) => image.digest)] : plan.steps, totalBytes: plan.totalBytes + planned.reduce((sum, image) => sum + image.sizeBytes, 0) };
    };
    const selection = [...group.digests];
    plans.push({ ...group, safe: withOutside(planDelete(graph, selection, { cascade: false })), full: withOutside(planDelete(graph, selection, { cascade: true })) });
  }
  const refused = plans.flatMap((plan) => plan.safe.refused.map((refusal) => `${plan.repository}: ${refusal.reason}`));
  const going = plans.reduce((sum, plan) => sum + plan.safe.deletes.length, 0);
  const repositories = plans.map((plan) => plan.repository).join(', ');
  if (going === 0) {
    if (refused.length) await explorer.report(`Nothing deleted: ${refused.length === 1 ? 'the image belongs' : 'these images belong'} to an index`, undefined, { modal: true, warning: true, detail: refused.join('\n\n') });
    return { deleted: 0, failures: [], refused };
  }
  const offered = plans.flatMap((plan) => plan.full.offered);
  const kept = plans.flatMap((plan) => plan.full.keptShared.map((entry) => entry.reason));
  const rewrites = plans.flatMap((plan) => plan.safe.rewrites);
  const detail = [
    ...plans.flatMap((plan) => (plans.length > 1 ? [`${plan.repository}:`] : []).concat(plan.safe.deletes.map(line))),
    ...(rewrites.length ? ['\nThe referrers index (OCI 1.1 fallback tag) that lists it keeps the others:', ...rewrites.flatMap(rewriteLines)] : []),
    offered.length ? `\nWith it go, if you choose so, its platform images and attachments (signatures, attestations, SBOMs) (${offered.length} · ${formatBytes(offered.reduce((sum, image) => sum + image.sizeBytes, 0))}):` : '',
    ...offered.map(line),
    ...(kept.length ? ['\nKept:', ...kept] : []),
    ...(refused.length ? ['\nNot deleted (refused):', ...refused] : []),
    '\nEach image is deleted by digest, with every tag that points at it. This cannot be undone.',
  ].filter(Boolean);
  const only = offered.length ? `Delete ${plural(going, 'Image')} Only` : `Delete ${plural(going, 'Image')}`;
  const all = `Delete ${plural(going + offered.length, 'Image')}`;
  const answer = await explorer.services.modals.show('warning', `Delete ${plural(going, 'image')} from ${repositories}?`, detail.join('\n'), ...(offered.length ? [only, all] : [only]));
  if (!answer) return undefined;
  const cascade = answer === all && offered.length > 0;
  const runs: RepositoryDelete[] = plans.map((plan) => ({ registryKey: plan.registryKey, repository: plan.repository, plan: cascade ? plan.full : plan.safe, cascade }));
  return { ...(await carryOut(explorer, runs)), refused };
}

/** BatchDeleteImage round by round (an index before what it lists, as ECR requires), then the tree lists again. */
async function carryOut(explorer: Explorer, runs: RepositoryDelete[]): Promise<{ deleted: number; failures: string[] }> {
  const total = runs.reduce((sum, run) => sum + run.plan.deletes.length, 0);
  const failures: string[] = [];
  let deleted = 0;
  await explorer.withProgress(`Deleting ${plural(total, 'image')}…`, async (progress) => {
    for (const run of runs) {
      const connection = explorer.targets.find(run.registryKey);
      if (!connection) continue;
      try {
        const { runDeletePlan } = await import('../../core/images/deleteRun');
        const done = deleted;
        const result = await runDeletePlan({
          ecr: await connection.client(),
          registryId: connection.config.accountId,
          registry: () => registryClientFor(connection, explorer.services.redactor, explorer.log),
          repository: run.repository,
          plan: run.plan,
          onDeleted: (count) => {
            deleted = done + count;
            progress.report({ message: `${run.repository}: ${deleted} of ${total}` });
          },
        });
        for (const rewrite of result.rewritten) explorer.log.info(`${run.repository}:${rewrite.tag} rewritten: ${rewrite.from} → ${rewrite.to} (${rewrite.listed} referrer(s) listed)`);
        for (const failure of result.failures) failures.push(`${run.repository}@${failure.reference}: ${failure.code} ${explorer.services.redactor.redact(failure.reason)}`);
      } catch (error) {
        failures.push(`${run.repository}: ${explorer.classify(error, connection).message}`);
      }
      explorer.model.refresh(run.registryKey, run.repository);
    }
  });
  explorer.log.info(`deleted ${deleted} of ${total} images${failures.length ? `; failures:\n  ${failures.join('\n  ')}` : ''}`);
  if (failures.length) {
    await explorer.report(`Deleted ${deleted} of ${total} images; ${failures.length} failed: ${failures.slice(0, 3).join('; ')}${failures.length > 3 ? '; …' : ''}`, undefined, { warning: true, showLog: true });
  } else {
    void explorer.done(`Deleted ${plural(deleted, 'image')}`);
  }
  return { deleted, failures };
}
