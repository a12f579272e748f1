import * as vscode from 'vscode';
import { isNode } from '../../core/explorer/nodes';
import type { NewPullThroughRule, PullThroughRule, UpstreamKind } from '../../core/ecr/pullThroughCache';
import type { Commands } from '../commands';
import type { Explorer } from './explorer';

/** Problems of the rule that concern one field the person is typing (the rest is asked later). */
function fieldProblem(problems: string[], field: 'prefix' | 'url' | 'credentials' | 'role' | 'upstreamRole'): string | undefined {
  const concerns = {
    prefix: (problem: string) => /repository prefix "|rule with the prefix/.test(problem) && !/upstream repository prefix/.test(problem),
    url: (problem: string) => /registry URL/.test(problem),
    credentials: (problem: string) => /credentials|Secrets Manager/.test(problem),
    role: (problem: string) => /IAM role/.test(problem) && !/upstreamRoleArn|aws partition/.test(problem),
    upstreamRole: (problem: string) => /upstreamRoleArn|aws partition/.test(problem),
  }[field];
  return problems.find(concerns);
}

/** Asks for the upstream, prefix and, where the upstream needs them, URL, credentials secret or role. */
async function askRule(registryLabel: string, existing: PullThroughRule[]): Promise<NewPullThroughRule | undefined> {
  const { UPSTREAMS, pullThroughRuleProblems } = await import('../../core/ecr/pullThroughCache');
  const title = `Create Pull-Through Cache Rule in ${registryLabel}`;
  const authText = (kind: UpstreamKind) =>
    kind.auth === 'secret'
      ? 'needs a Secrets Manager secret (ecr-pullthroughcache/…)'
      : kind.auth === 'none'
        ? 'no authentication needed'
        : kind.auth === 'roles'
          ? 'needs two IAM roles: one in this account, one it assumes upstream'
          : 'an IAM role when in another account';
  const picked = await vscode.window.showQuickPick(
    UPSTREAMS.map((kind) => ({ label: kind.label, description: kind.url ?? 'your registry', detail: authText(kind), upstream: kind })),
    { title, placeHolder: 'Upstream registry to cache images from', ignoreFocusOut: true },
  );
  if (!picked) return undefined;
  const kind = picked.upstream;
  const rule: NewPullThroughRule = { upstream: kind.upstream, ecrRepositoryPrefix: '' };
  const check = (field: Parameters<typeof fieldProblem>[1]) => (value: string) => {
    const draft = { ...rule, [{ prefix: 'ecrRepositoryPrefix', url: 'upstreamRegistryUrl', credentials: 'credentialArn', role: 'customRoleArn', upstreamRole: 'upstreamRoleArn' }[field]]: value.trim() || undefined };
    return fieldProblem(pullThroughRuleProblems({ ...draft, ecrRepositoryPrefix: draft.ecrRepositoryPrefix ?? '' }, existing), field);
  };
  const taken = existing.some((other) => other.ecrRepositoryPrefix.replace(/\/$/, '') === kind.suggestedPrefix);
  const prefix = await vscode.window.showInputBox({
    title,
    prompt: `Repository prefix in this registry: pulling <registry>/<prefix>/<image> fetches <image> from ${kind.label}`,
    value: taken ? '' : kind.suggestedPrefix,
    ignoreFocusOut: true,
    validateInput: check('prefix'),
  });
  if (prefix === undefined) return undefined;
  rule.ecrRepositoryPrefix = prefix.trim();
  if (!kind.url) {
    const url = await vscode.window.showInputBox({
      title,
      prompt: kind.upstream === 'ecr' ? 'The upstream ECR registry, e.g. 210987654321.dkr.ecr.eu-west-1.amazonaws.com' : 'The upstream registry, e.g. myregistry.azurecr.io',
      ignoreFocusOut: true,
      validateInput: check('url'),
    });
    if (url === undefined) return undefined;
    rule.upstreamRegistryUrl = url.trim();
  }
  return (await askAuth(title, kind, rule, check)) ? rule : undefined;
}

/** The upstream's credentials secret or roles, into `rule`; false when the person backed out. */
async function askAuth(title: string, kind: UpstreamKind, rule: NewPullThroughRule, check: (field: Parameters<typeof fieldProblem>[1]) => (value: string) => string | undefined): Promise<boolean> {
  if (kind.auth === 'secret') {
    const arn = await vscode.window.showInputBox({
      title,
      prompt: `ARN of the Secrets Manager secret holding your ${kind.label} user name and access token (its name must begin with ecr-pullthroughcache/)`,
      placeHolder: 'arn:aws:secretsmanager:<region>:<account>:secret:ecr-pullthroughcache/<name>',
      ignoreFocusOut: true,
      validateInput: check('credentials'),
    });
    if (arn === undefined) return false;
    rule.credentialArn = arn.trim();
  } else if (kind.auth === 'roles') {
    // ECR API model: customRoleArn in this account, assumed first; upstreamRoleArn (aws partition) assumed through it.
    const role = await vscode.window.showInputBox({
      title,
      prompt: `IAM role in this account that ECR assumes to reach ${kind.label} (customRoleArn)`,
      placeHolder: 'arn:aws:iam::<this account>:role/<name>',
      ignoreFocusOut: true,
      validateInput: check('role'),
    });
    if (role === undefined) return false;
    rule.customRoleArn = role.trim();
    const upstreamRole = await vscode.window.showInputBox({
      title,
      prompt: `IAM role ECR assumes through that role to read from ${kind.label} (upstreamRoleArn, in the aws partition)`,
      placeHolder: 'arn:aws:iam::<account>:role/<name>',
      ignoreFocusOut: true,
      validateInput: check('upstreamRole'),
    });
    if (upstreamRole === undefined) return false;
    rule.upstreamRoleArn = upstreamRole.trim();
  } else if (kind.auth === 'role-when-cross-account') {
    const role = await vscode.window.showInputBox({
      title,
      prompt: 'IAM role ECR assumes to pull from a registry in another account (leave empty for this account)',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? check('role')(value) : undefined),
    });
    if (role === undefined) return false;
    rule.customRoleArn = role.trim() || undefined;
  }
  return true;
}

/** Pull-through cache rules under a registry: create and delete (listing is the group's). */
export function pullThroughCommands(explorer: Explorer): Commands<'ecr.createPullThroughRule' | 'ecr.deletePullThroughRule'> {
  const { targets, groups } = explorer;
  return {
    'ecr.createPullThroughRule': async (arg): Promise<PullThroughRule | undefined> => {
      const connection = await targets.registry(arg, 'Create Pull-Through Cache Rule');
      if (!connection) return undefined;
      // The listing the group shows (one call at most): a taken prefix is refused while typing.
      const { rules: existing } = await groups.pullThroughRules(connection.key);
      const rule = await askRule(connection.label, existing);
      if (!rule) return undefined;
      const created = await explorer.attempt(
        connection,
        `Could not create the pull-through cache rule ${rule.ecrRepositoryPrefix}/`,
        () =>
          explorer.withProgress(`Creating pull-through cache rule ${rule.ecrRepositoryPrefix}/…`, async () => {
            const { createPullThroughRule } = await import('../../core/ecr/pullThroughCache');
            return createPullThroughRule(await connection.client(), rule, { registryId: connection.config.accountId, existing });
          }),
        { modal: true },
      );
      if (!created) return undefined;
      groups.refresh(connection.key, 'pullThrough');
      const prefix = `${connection.registryHost()}/${created.ecrRepositoryPrefix}/`;
      void explorer.done(`Created pull-through cache rule ${created.ecrRepositoryPrefix}/: pull ${prefix}<image>:<tag>`, { title: 'Copy Prefix', run: () => explorer.copy(prefix, 'the pull-through prefix') });
      return created;
    },
    'ecr.deletePullThroughRule': async (arg): Promise<boolean> => {
      if (!isNode(arg, 'pullThroughRule')) {
        void explorer.report('Delete Pull-Through Cache Rule works on a rule row: expand "Pull-Through Cache Rules" under a registry in the ECR view.');
        return false;
      }
      const connection = targets.find(arg.registryKey);
      if (!connection) return false;
      const prefix = arg.rule.ecrRepositoryPrefix.replace(/\/$/, '');
      const answer = await explorer.services.modals.show(
        'warning',
        `Delete the pull-through cache rule ${prefix}/ (${arg.rule.upstreamRegistryUrl})?`,
        [
          `From ${connection.label}. Pulls of ${arg.registryHost}/${prefix}/… stop fetching from ${arg.rule.upstreamRegistryUrl}.`,
          'Images already cached under it stay in their repositories.',
          arg.rule.credentialArn ? `The credentials secret is not deleted: ${arg.rule.credentialArn}` : '',
        ]
          .filter(Boolean)
          .join('\n\n'),
        'Delete Rule',
      );
      if (!answer) return false;
      const deleted = await explorer.attempt(connection, `Could not delete the pull-through cache rule ${prefix}/`, async () => {
        const { deletePullThroughRule } = await import('../../core/ecr/pullThroughCache');
        await deletePullThroughRule(await connection.client(), prefix, connection.config.accountId);
        return true;
      });
      if (!deleted) return false;
      groups.refresh(connection.key, 'pullThrough');
      void explorer.done(`Deleted pull-through cache rule ${prefix}/: images already cached under it stay.`);
      return true;
    },
  };
}
