/**
 * Lifecycle policy calls: read, apply, delete, and ECR's own preview (Start/GetLifecyclePolicyPreview)
 * to cross-check the extension's evaluator where the endpoint offers it.
 */
import type { ECRClient } from '@aws-sdk/client-ecr';
import { classifyEcrError } from './errors';
import { parseLifecyclePolicy, type LifecycleEvaluation, type LifecyclePolicy } from './lifecycle';
import { errorName } from '../errors';


export interface StoredLifecyclePolicy {
  text: string;
  lastEvaluatedAt?: Date;
}

/** The repository's lifecycle policy, or undefined when it has none. */
export async function getLifecyclePolicy(client: ECRClient, repository: string, registryId?: string): Promise<StoredLifecyclePolicy | undefined> {
  const { GetLifecyclePolicyCommand } = await import('@aws-sdk/client-ecr');
  try {
    const response = await client.send(new GetLifecyclePolicyCommand({ registryId, repositoryName: repository }));
    return response.lifecyclePolicyText ? { text: response.lifecyclePolicyText, lastEvaluatedAt: response.lastEvaluatedAt } : undefined;
  } catch (error) {
    if (errorName(error) === 'LifecyclePolicyNotFoundException') return undefined;
    throw error;
  }
}

/** PutLifecyclePolicy; the policy is checked first, so ECR never sees one it would reject for a known reason. */
export async function putLifecyclePolicy(client: ECRClient, repository: string, policy: LifecyclePolicy | string, registryId?: string): Promise<string> {
  const text = typeof policy === 'string' ? policy : JSON.stringify(policy);
  parseLifecyclePolicy(text);
  const { PutLifecyclePolicyCommand } = await import('@aws-sdk/client-ecr');
  const response = await client.send(new PutLifecyclePolicyCommand({ registryId, repositoryName: repository, lifecyclePolicyText: text }));
  return response.lifecyclePolicyText ?? text;
}

/** DeleteLifecyclePolicy; false when there was none. */
export async function deleteLifecyclePolicy(client: ECRClient, repository: string, registryId?: string): Promise<boolean> {
  const { DeleteLifecyclePolicyCommand } = await import('@aws-sdk/client-ecr');
  try {
    await client.send(new DeleteLifecyclePolicyCommand({ registryId, repositoryName: repository }));
    return true;
  } catch (error) {
    if (errorName(error) === 'LifecyclePolicyNotFoundException') return false;
    throw error;
  }
}

export type ServerPreview =
  | {
      available: true;
      expiredDigests: Array<{ digest: string; tags: string[]; rulePriority?: number }>;
      /** Images ECR's preview would move to the archive (action TRANSITION). */
      transitionedDigests?: Array<{ digest: string; tags: string[]; rulePriority?: number }>;
    }
  | { available: false; reason: string };

/**
 * ECR's own preview of a policy. Endpoints without it (moto answers HTML 500) give
 * `available: false` with the reason, never an error: the local evaluation still stands.
 */
export async function serverLifecyclePreview(
  client: ECRClient,
  repository: string,
  policyText: string,
  options: { registryId?: string; timeoutMs?: number; pollMs?: number } = {},
): Promise<ServerPreview> {
  const { StartLifecyclePolicyPreviewCommand, GetLifecyclePolicyPreviewCommand } = await import('@aws-sdk/client-ecr');
  const registryId = options.registryId;
  try {
    await client.send(new StartLifecyclePolicyPreviewCommand({ registryId, repositoryName: repository, lifecyclePolicyText: policyText }));
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const expiredDigests: Array<{ digest: string; tags: string[]; rulePriority?: number }> = [];
      const transitionedDigests: Array<{ digest: string; tags: string[]; rulePriority?: number }> = [];
      let nextToken: string | undefined;
      let status: string | undefined;
      do {
        const page = await client.send(new GetLifecyclePolicyPreviewCommand({ registryId, repositoryName: repository, maxResults: 100, nextToken }));
        status = page.status;
        for (const result of page.previewResults ?? []) {
          if (!result.imageDigest) continue;
          const entry = { digest: result.imageDigest, tags: result.imageTags ?? [], rulePriority: result.appliedRulePriority };
          if (result.action?.type === 'EXPIRE') expiredDigests.push(entry);
          if (result.action?.type === 'TRANSITION') transitionedDigests.push(entry);
        }
        nextToken = page.nextToken;
      } while (nextToken && status === 'COMPLETE');
      if (status === 'COMPLETE') return { available: true, expiredDigests, transitionedDigests };
      if (status === 'FAILED' || status === 'EXPIRED') return { available: false, reason: `ECR's preview ended with status ${status}.` };
      if (Date.now() > deadline) return { available: false, reason: `ECR's preview was still ${status ?? 'running'} after ${Math.round((options.timeoutMs ?? 60_000) / 1000)} s.` };
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2000));
    }
  } catch (error) {
    const classified = classifyEcrError(error);
    if (classified.kind === 'not-implemented') return { available: false, reason: 'Preview not available from this endpoint (it does not implement StartLifecyclePolicyPreview).' };
    if (errorName(error) === 'LifecyclePolicyPreviewInProgressException') return { available: false, reason: 'Another preview of this repository is still running; try again in a minute.' };
    throw error;
  }
}

/**
 * How ECR's preview compares with the local evaluation: digests only one side acts on. An image both
 * act on differently (one expires it, the other archives it) is listed on both sides, as `expire:`/`transition:`.
 */
export function comparePreviews(local: LifecycleEvaluation, server: ServerPreview): { agree: boolean; onlyLocal: string[]; onlyServer: string[] } | undefined {
  if (!server.available) return undefined;
  const localDigests = new Set(local.expired.map((entry) => entry.image.digest));
  const serverDigests = new Set(server.expiredDigests.map((entry) => entry.digest));
  for (const entry of local.transitioned ?? []) localDigests.add(`transition:${entry.image.digest}`);
  for (const entry of server.transitionedDigests ?? []) serverDigests.add(`transition:${entry.digest}`);
  const onlyLocal = [...localDigests].filter((digest) => !serverDigests.has(digest));
  const onlyServer = [...serverDigests].filter((digest) => !localDigests.has(digest));
  return { agree: onlyLocal.length === 0 && onlyServer.length === 0, onlyLocal, onlyServer };
}

/** "Its 2 rules: keep the last 5 untagged images; …" from the stored policy's descriptions, or its rule count. */
export function describePolicyRules(text: string): string {
  try {
    const rules = (JSON.parse(text) as { rules?: Array<{ description?: string }> }).rules ?? [];
    const described = rules.map((rule) => rule.description).filter(Boolean);
    const count = `${rules.length} rule${rules.length === 1 ? '' : 's'}`;
    return described.length === rules.length && rules.length ? `Its ${count}: ${described.join('; ')}.` : `It has ${count}.`;
  } catch {
    return '';
  }
}
