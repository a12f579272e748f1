/**
 * Carries out a delete plan (deletePlan.ts) in one repository: first each referrers fallback-tag
 * index that keeps some of its referrers is rewritten without the others (PUT of a new index under
 * the same `sha256-<subject>` tag, OCI distribution spec v1.1 "Deleting Manifests",
 * https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md#deleting-manifests), then
 * BatchDeleteImage round by round: the old index (untagged by then) before the referrers it listed,
 * every index before what it lists, as ECR requires (ImageReferencedByManifestList).
 * A rewrite that cannot be done safely stops that repository's deletes before any of them: nothing
 * is deleted that the tag still lists.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { batchDeleteImages } from '../ecr/management';
import type { RegistryClient } from '../registry/client';
import type { Manifest } from '../registry/mediaTypes';
import type { DeletePlan, PlannedRewrite } from './deletePlan';
import { shortDigest } from './graph';

export interface DeleteRun {
  ecr: ECRClient;
  registryId?: string;
  /** The registry endpoint, asked for only when the plan rewrites a fallback-tag index. */
  registry: () => Promise<RegistryClient>;
  repository: string;
  plan: DeletePlan;
  /** Manifests deleted so far. */
  onDeleted?: (deleted: number) => void;
}

export interface DeleteRunResult {
  deleted: number;
  /** "sha256:…: ImageReferencedByManifestList …" per digest ECR did not delete. */
  failures: Array<{ reference: string; code: string; reason: string }>;
  /** Fallback tags that name a new index now: from the old index's digest to the new one's. */
  rewritten: Array<{ tag: string; from: string; to: string; listed: number }>;
}

export async function runDeletePlan(run: DeleteRun): Promise<DeleteRunResult> {
  const result: DeleteRunResult = { deleted: 0, failures: [], rewritten: [] };
  if (run.plan.rewrites.length > 0) {
    const client = await run.registry();
    for (const rewrite of run.plan.rewrites) result.rewritten.push(await rewriteReferrersIndex(client, run.repository, rewrite));
  }
  for (const step of run.plan.steps) {
    const answer = await batchDeleteImages(run.ecr, { registryId: run.registryId, repository: run.repository, imageIds: step.map((digest) => ({ imageDigest: digest })) });
    result.deleted += new Set(answer.deleted.map((id) => id.imageDigest)).size;
    run.onDeleted?.(result.deleted);
    for (const failure of answer.failures) result.failures.push({ reference: failure.imageId.imageDigest ?? failure.imageId.imageTag ?? '?', code: failure.code, reason: failure.reason });
  }
  return result;
}

/**
 * Pulls the referrers list under `rewrite.tag`, drops the descriptors of the referrers being
 * deleted and pushes the rest under the same tag, every other field of the index as it was. The
 * tag must still name the index the plan saw (the spec's conditional-request advice, done as a
 * check by digest): a list that changed since is never overwritten.
 */
export async function rewriteReferrersIndex(client: RegistryClient, repository: string, rewrite: PlannedRewrite): Promise<{ tag: string; from: string; to: string; listed: number }> {
  const current = await client.getManifest(repository, rewrite.tag);
  if (current.digest !== rewrite.index) {
    throw new Error(`${repository}:${rewrite.tag} (the referrers fallback tag) names ${shortDigest(current.digest)} now, not ${shortDigest(rewrite.index)} as when the delete was planned; nothing was deleted. Refresh and delete again.`);
  }
  const removing = new Set(rewrite.removes);
  const index = JSON.parse(current.bytes.toString('utf8')) as Manifest & Record<string, unknown>;
  const manifests = (index.manifests ?? []).filter((descriptor) => !removing.has(descriptor.digest));
  const bytes = Buffer.from(JSON.stringify({ ...index, manifests }));
  const to = await client.putManifest(repository, rewrite.tag, bytes, current.mediaType);
  return { tag: rewrite.tag, from: current.digest, to, listed: manifests.length };
}
