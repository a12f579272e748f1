import * as vscode from 'vscode';
import { formatBytes } from '../../core/ecr/format';
import { repositoryNameProblem } from '../../core/ecr/names';
import { tagIsImmutable, tagMutabilityFrom } from '../../core/ecr/tagMutability';
import { optionArgument } from '../../core/explorer/arguments';
import type { CopyCancelledError, CopyFailedError, CopyProgress, CopyRequest, CopyResult } from '../../core/images/copy';
import { tagProblem } from '../../core/images/tags';
import type { CopyImageOptions } from '../commandArguments';
import type { Commands } from '../commands';
import { registryClientFor } from '../registryAccess';
import type { Connection } from './connections';
import type { Explorer } from './explorer';
import { resolveImage } from './imagePick';
import type { ResolvedTarget } from './targets';

export type CopyImageOutcome =
  | { status: 'copied'; result: CopyResult; target: string; progress: CopyProgress[]; retries: string[] }
  | { status: 'cancelled'; message: string; progress: CopyProgress[] }
  | { status: 'failed'; message: string; progress: CopyProgress[]; retries: string[] };

const short = (digest: string) => digest.slice(0, 19);

/**
 * "Copy Image To…": copies or promotes an image, or a whole index with its platform images and
 * attachments, to another repository of this or another configured registry (region, account),
 * registry to registry without pulling. Progress by bytes, cancellable (a cancelled copy writes no
 * tag), the target repository created when missing, the result verified by digest. Every retry is
 * shown in the progress and written to the ECR log; a failure or cancel says what it removed from
 * the target, or what it left there and why.
 */
export function copyImageCommands(explorer: Explorer): Commands<'ecr.copyImage'> {
  return { 'ecr.copyImage': (arg, options) => copyImageCommand(explorer, arg, optionArgument(options)) };
}

async function copyImageCommand(explorer: Explorer, arg: unknown, optionsArg: unknown): Promise<CopyImageOutcome | undefined> {
  const resolved = await resolveImage(explorer, arg, 'Copy Image To');
  if (!resolved) return undefined;
  const plan = await askCopyPlan(explorer, resolved, (optionsArg && typeof optionsArg === 'object' ? optionsArg : {}) as CopyImageOptions);
  if (!plan) return undefined;
  const prepared = await prepareCopy(explorer, plan);
  if (!prepared) return undefined;

  const seen: Seen = { progress: [], retries: [] };
  // A "✓ Copied …" of an earlier copy must not stand beside this one.
  explorer.tell(undefined);
  const copy = await import('../../core/images/copy');
  const [{ ecrRepositoryGate }, { ecrReferrers }] = await Promise.all([import('../../core/ecr/ecrRepository'), import('../../core/images/attachments')]);
  const { source, sourceConnection, targetConnection, from, repository, tag, withAttachments, targetLabel } = plan;
  const attempt = () =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Copying ${from} → ${targetLabel}`, cancellable: true }, async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return copy.copyImage({
        source: { client: prepared.sourceClient, repository: source.repository, reference: prepared.root.digest },
        target: { client: prepared.targetClient, repository, tags: [tag] },
        withAttachments,
        listReferrers: ecrReferrers(await sourceConnection.client(), sourceConnection.config.accountId),
        gate: ecrRepositoryGate(await targetConnection.client(), targetConnection.accountId),
        createRepository: true,
        signal: abort.signal,
        ...progressReporter(progress, seen),
      });
    });
  try {
    return copied(explorer, plan, await attempt(), seen);
  } catch (error) {
    return copyStopped(explorer, plan, error, seen, copy);
  }
}

/** What to copy, where to and under which tag. */
interface CopyPlan {
  source: ResolvedTarget['target'];
  sourceConnection: Connection;
  targetConnection: Connection;
  /** The source as shown: repository:tag, or repository@short digest. */
  from: string;
  repository: string;
  tag: string;
  withAttachments: boolean;
  /** repository:tag at the target. */
  to: string;
  /** The target as shown: repository:tag, with the registry when it is another. */
  targetLabel: string;
}

/** What the copy's progress and retries showed, for the outcome. */
interface Seen {
  progress: CopyProgress[];
  retries: string[];
}

/** Where the copy goes and how it is named, as given in the options or asked for; undefined when dismissed or invalid. */
async function askCopyPlan(explorer: Explorer, resolved: ResolvedTarget, options: CopyImageOptions): Promise<CopyPlan | undefined> {
  const { target: source, connection: sourceConnection } = resolved;
  const from = source.tag ? `${source.repository}:${source.tag}` : `${source.repository}@${short(source.digest ?? '')}`;
  const targetConnection = options.registryKey ? explorer.targets.find(options.registryKey) : await pickRegistry(explorer, sourceConnection, from);
  if (!targetConnection) {
    if (options.registryKey) void explorer.report(`Copy Image To: no registry "${options.registryKey}" in ecr.registries.`);
    return undefined;
  }
  const repository = (options.repository ?? (await ask(`Copy ${from} to which repository in ${targetConnection.label}?`, source.repository, repositoryNameProblem, 'Created when it does not exist, as Build and Push does.')))?.trim();
  if (!repository) return undefined;
  const tag = (options.tag ?? (await ask(`Tag for the copy in ${repository}`, source.tag ?? 'latest', tagProblem, 'The copy gets this tag once every blob and manifest is there.')))?.trim();
  if (!tag) return undefined;
  const problem = repositoryNameProblem(repository) ?? tagProblem(tag);
  if (problem) {
    void explorer.report(`Copy Image To: ${problem}`);
    return undefined;
  }
  let withAttachments = options.attachments ?? true;
  if (options.attachments === undefined && options.repository === undefined) {
    const picked = await vscode.window.showQuickPick([{ label: 'Copy its signatures, attestations and SBOMs with it', picked: true }], {
      title: `Copy ${from}: attachments`,
      canPickMany: true,
      placeHolder: 'Untick to copy the image alone',
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    withAttachments = picked.length > 0;
  }
  const to = `${repository}:${tag}`;
  const targetLabel = targetConnection === sourceConnection ? to : `${to} in ${targetConnection.label}`;
  return { source, sourceConnection, targetConnection, from, repository, tag, withAttachments, to, targetLabel };
}

/**
 * Reads the source and what the tag names at the target; stops when the source is gone, the target
 * already is this image or its tag is immutable, and asks before moving a tag that names another image.
 */
async function prepareCopy(explorer: Explorer, plan: CopyPlan) {
  const { source, sourceConnection, targetConnection, from, repository, tag, to, targetLabel } = plan;
  const { redactor } = explorer.services;
  const prepared = await explorer.attempt(targetConnection, `Could not copy ${from} to ${targetLabel}`, async () => {
    const [sourceClient, targetClient] = await Promise.all([registryClientFor(sourceConnection, redactor, explorer.log), registryClientFor(targetConnection, redactor, explorer.log)]);
    const [root, existing] = await Promise.all([sourceClient.headManifest(source.repository, source.digest ?? source.tag ?? 'latest'), targetClient.headManifest(repository, tag)]);
    const { describeRepository } = await import('../../core/ecr/management');
    const settings = existing ? await describeRepository(await targetConnection.client(), repository, targetConnection.config.accountId) : undefined;
    return { sourceClient, targetClient, root, existing, settings };
  });
  if (!prepared) return undefined;
  const { sourceClient, targetClient, root, existing, settings } = prepared;
  if (!root) {
    void explorer.report(`Copy Image To: ${from} no longer exists in the registry. Refresh the repository.`);
    return undefined;
  }
  if (existing && existing.digest === root.digest) {
    void explorer.done(`${targetLabel} already is this image (${short(root.digest)}): nothing to copy.`);
    return undefined;
  }
  if (existing) {
    const decision = settings ? tagIsImmutable(tagMutabilityFrom(settings.tagMutability, settings.tagMutabilityExclusionFilters), tag) : undefined;
    if (decision?.immutable) {
      await explorer.report(`${targetLabel} exists and cannot be replaced`, undefined, { modal: true, warning: true, detail: `It names ${existing.digest}, and ${decision.reason}. Choose another tag for the copy.` });
      return undefined;
    }
    const answer = await explorer.services.modals.show('warning', `Replace ${targetLabel}?`, `${to} names another image now (${existing.digest}). After the copy it names ${root.digest}; the other image keeps its other tags, or stays untagged.`, 'Copy and Move Tag');
    if (!answer) return undefined;
  }
  return { sourceClient, targetClient, root };
}

/** The notification's progress by bytes and blobs, and each retry in it; both kept in `seen`. */
function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>, seen: Seen): Required<Pick<CopyRequest, 'onProgress' | 'onRetry'>> {
  let shown = 0;
  let latest = '';
  return {
    onProgress: (now) => {
      seen.progress.push(now);
      const percent = now.bytesTotal ? Math.floor((now.bytesDone / now.bytesTotal) * 100) : 100;
      latest = `${formatBytes(now.bytesDone)} of ${formatBytes(now.bytesTotal)} · ${now.blobsDone}/${now.blobsTotal} blobs`;
      progress.report({ message: latest, increment: Math.max(percent - shown, 0) });
      shown = Math.max(shown, percent);
    },
    onRetry: (notice, text) => {
      seen.retries.push(text);
      progress.report({ message: `${latest ? `${latest} · ` : ''}retrying in ${Math.max(1, Math.round(notice.delayMs / 1000))} s, attempt ${notice.attempt} of ${notice.attempts}` });
    },
  };
}

function copied(explorer: Explorer, plan: CopyPlan, result: CopyResult, seen: Seen): CopyImageOutcome {
  const { source, targetConnection, from, repository, targetLabel } = plan;
  const { streamed, mounted, skipped } = result.blobs;
  const how = [streamed ? `${streamed} blob${streamed === 1 ? '' : 's'} copied (${formatBytes(result.bytesStreamed)})` : '', mounted ? `${mounted} mounted` : '', skipped ? `${skipped} already there` : ''].filter(Boolean).join(', ');
  const created = result.createdRepository ? ` Created repository ${repository}.` : '';
  const { manifests: attachments, nested } = result.attachments;
  const attached = attachments ? ` With ${attachments} attachment${attachments === 1 ? '' : 's'} (signatures, attestations, SBOMs)${nested ? `, ${nested} of them attachments of attachments` : ''}.` : '';
  const recovered = result.recovered ? ` (A request failed on the way, ${result.recovered}, but the tag names the digest.)` : '';
  explorer.log.debug(`copied ${source.repository}@${result.digest} to ${targetLabel}: ${result.manifests.length} manifest(s), ${attachments} attachment(s) (${nested} nested); ${how || 'nothing to transfer'}${created}${recovered}`);
  explorer.model.refresh(targetConnection.key, repository);
  void explorer.done(`Copied ${from} to ${targetLabel}: digest ${short(result.digest)} verified at the target; ${how || 'nothing to transfer'}.${attached}${created}${recovered}`);
  return { status: 'copied', result, target: targetLabel, progress: seen.progress, retries: seen.retries };
}

/** A cancel or failure: says what it removed from the target or left there (the copy's message), then refreshes the target. */
async function copyStopped(
  explorer: Explorer,
  plan: CopyPlan,
  error: unknown,
  seen: Seen,
  /** The copy module's error classes (it is loaded when a copy starts). */
  errors: { CopyCancelledError: typeof CopyCancelledError; CopyFailedError: typeof CopyFailedError },
): Promise<CopyImageOutcome> {
  const { targetConnection, from, repository, targetLabel } = plan;
  if (error instanceof errors.CopyCancelledError || abortedEarly(error)) {
    const message = error instanceof errors.CopyCancelledError ? error.message : 'The copy was cancelled; nothing was written at the target.';
    void explorer.done(`Copy of ${from} to ${targetLabel} cancelled. ${message.replace(/^The copy was cancelled; /, '')}`);
    explorer.model.refresh(targetConnection.key, repository);
    return { status: 'cancelled', message, progress: seen.progress };
  }
  if (error instanceof errors.CopyFailedError) {
    // What it removed or left is part of the message; the cause is classified as every ECR failure is.
    void explorer.report(`Could not copy ${from} to ${targetLabel}`, error.message, { showLog: true });
    explorer.model.refresh(targetConnection.key, repository);
    return { status: 'failed', message: error.message, progress: seen.progress, retries: seen.retries };
  }
  await explorer.report(`Could not copy ${from} to ${targetLabel}`, error, { registry: targetConnection });
  return { status: 'failed', message: error instanceof Error ? error.message : String(error), progress: seen.progress, retries: seen.retries };
}

async function pickRegistry(explorer: Explorer, source: Connection, from: string): Promise<Connection | undefined> {
  const all = explorer.connections();
  if (all.length <= 1) return source;
  const items = [source, ...all.filter((connection) => connection !== source)].map((connection) => ({
    label: connection.label,
    description: connection === source ? 'this registry (another repository)' : connection.key,
    connection,
  }));
  return (await vscode.window.showQuickPick(items, { title: `Copy ${from} to which registry?`, placeHolder: 'Another registry may be another account or region' }))?.connection;
}

function ask(title: string, value: string, problem: (text: string) => string | undefined, prompt: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, value, prompt, ignoreFocusOut: true, validateInput: (text) => (text.trim() ? problem(text.trim()) : 'Type a name.') });
}

/** A cancel that landed before the copy began (an AbortError from the first request). */
function abortedEarly(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}
