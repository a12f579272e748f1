import * as vscode from 'vscode';
import { ARCHIVE_MINIMUM_DAYS, type LifecycleRuleChoice } from '../../core/ecr/lifecycle';

/** The number each kind of rule asks for, and a default that is a sensible start. */
const COUNT_PROMPTS: Record<LifecycleRuleChoice['kind'], { title: string; value: string }> = {
  keepLast: { title: 'How many of the newest images to keep?', value: '10' },
  expireOlderThan: { title: 'Expire images pushed more than how many days ago?', value: '14' },
  archiveNotPulledFor: { title: 'Archive images not pulled for how many days? (never pulled: counted from the push)', value: '90' },
  expireArchivedAfter: { title: `Expire archived images how many days after they were archived? (at least ${ARCHIVE_MINIMUM_DAYS})`, value: '180' },
};

const atLeastArchiveMinimum = (value: string) =>
  /^[1-9]\d{0,5}$/.test(value.trim()) && Number(value.trim()) >= ARCHIVE_MINIMUM_DAYS
    ? undefined
    : `ECR keeps archived images at least ${ARCHIVE_MINIMUM_DAYS} days: enter a whole number of ${ARCHIVE_MINIMUM_DAYS} or more.`;

/** The guided builder: one rule per round, as Pulumi's maximumNumberOfImages / maximumAgeLimit put them, and the archive's two. */
export async function askRuleChoices(repository: string): Promise<LifecycleRuleChoice[] | undefined> {
  const choices: LifecycleRuleChoice[] = [];
  const positive = (value: string) => (/^[1-9]\d{0,5}$/.test(value.trim()) ? undefined : 'Enter a whole number of 1 or more.');
  for (;;) {
    const kind = await vscode.window.showQuickPick(
      [
        { label: 'Keep the last N images', description: 'imageCountMoreThan (Pulumi maximumNumberOfImages)', value: 'keepLast' as const },
        { label: 'Expire images older than N days', description: 'sinceImagePushed (Pulumi maximumAgeLimit)', value: 'expireOlderThan' as const },
        {
          label: 'Archive images not pulled for N days',
          description: 'sinceImagePulled, transition to archive',
          detail: 'Archived images stay listed but cannot be pulled until restored; storage costs less.',
          value: 'archiveNotPulledFor' as const,
        },
        {
          label: 'Expire archived images after N days',
          description: 'storageClass archive, sinceImageTransitioned',
          detail: `Deletes images N days after they were archived (ECR: at least ${ARCHIVE_MINIMUM_DAYS}).`,
          value: 'expireArchivedAfter' as const,
        },
        ...(choices.length ? [{ label: '$(check) Done', description: `${choices.length} rule${choices.length === 1 ? '' : 's'}`, value: 'done' as const }] : []),
      ],
      { title: `Lifecycle policy for ${repository}: rule ${choices.length + 1}`, ignoreFocusOut: true },
    );
    if (!kind) return undefined;
    if (kind.value === 'done') return choices;
    const status = await vscode.window.showQuickPick(
      [
        { label: 'Untagged images', value: 'untagged' as const, filter: undefined },
        { label: 'Images with a tag prefix…', description: 'e.g. prod', value: 'tagged' as const, filter: 'prefix' as const },
        { label: 'Images with a tag pattern…', description: 'e.g. release-*', value: 'tagged' as const, filter: 'pattern' as const },
        { label: 'Any image', description: 'evaluated last', value: 'any' as const, filter: undefined },
      ],
      { title: `Which ${kind.value === 'expireArchivedAfter' ? 'archived ' : ''}images does the rule apply to?`, ignoreFocusOut: true },
    );
    if (!status) return undefined;
    let tags: string[] | undefined;
    if (status.filter) {
      const text = await vscode.window.showInputBox({
        title: status.filter === 'prefix' ? 'Tag prefixes (comma-separated; an image needs a tag for each)' : 'Tag patterns with * (comma-separated, at most 4 * each)',
        ignoreFocusOut: true,
        validateInput: (value) => (value.split(',').some((part) => part.trim()) ? undefined : 'Enter at least one.'),
      });
      if (text === undefined) return undefined;
      tags = text.split(',').map((part) => part.trim()).filter(Boolean);
    }
    const count = await vscode.window.showInputBox({ ...COUNT_PROMPTS[kind.value], ignoreFocusOut: true, validateInput: kind.value === 'expireArchivedAfter' ? atLeastArchiveMinimum : positive });
    if (count === undefined) return undefined;
    choices.push({
      kind: kind.value,
      tagStatus: status.value,
      count: Number(count.trim()),
      tagPrefixList: status.filter === 'prefix' ? tags : undefined,
      tagPatternList: status.filter === 'pattern' ? tags : undefined,
    });
  }
}
