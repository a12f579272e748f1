/**
 * Issue 14, items 5 and 6 in a real extension host: the registry's "Pull-Through Cache Rules" group
 * lists a rule created through Create Pull-Through Cache Rule… (typed as a person types it), the FROM
 * quick fix rewrites `FROM python:3.11` to the pull-through URI and the hover names the rule; an
 * AccessDenied on the rules is an error row in the group; Delete asks, naming the rule; creation
 * templates are listed with what they apply. moto lacks these operations: the stack's ECR front keeps
 * them (test/stack/registryFeatures.ts).
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { CreateRepositoryCreationTemplateCommand, DeleteRepositoryCreationTemplateCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { activateExtension, frameShows, hoverTreeRow, modals, notificationShown, pickTyped, quickInput, quickPickShown, requireStack, screenshot, stack, transcripts, typeKeys, visibleTreeRows, waitFor } from './harness';
import type { ExplorerTestApi as ExplorerApi, TreeSnapshotEntry } from '../../../src/vscode/testApi';

const REGISTRY_KEY = '123456789012/us-east-1';
const RULES = 'Pull-Through Cache Rules';
const TEMPLATES = 'Creation Templates';
const run = randomBytes(3).toString('hex');
const PREFIX = `hub-${run}`;
const TEMPLATE_PREFIX = `team-${run}`;
const SECRET = `arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-${run}`;

const find = (entries: TreeSnapshotEntry[] | undefined, label: string) => entries?.find((entry) => entry.label === label);
const group = async (explorer: ExplorerApi, label: string) => find(find(await explorer.treeSnapshot([label]), 'local')?.children, label);
const input = (title: string) => async () => {
  const state = await quickInput();
  return state.visible && (state.title ?? '').includes(title) ? state : undefined;
};

describe('Pull-through cache and creation templates', function () {
  this.timeout(180_000);
  let explorer: ExplorerApi;
  let client: ECRClient;
  let registryHost: string;

  before(async function () {
    requireStack(this);
    explorer = ((await activateExtension()).exports as unknown as { explorer: ExplorerApi }).explorer;
    registryHost = stack().registryHost!;
    client = new ECRClient({
      region: 'us-east-1',
      endpoint: stack().ecrEndpoint,
      credentials: { accessKeyId: 'AKIDPULLTHROUGHTEST0', secretAccessKey: 'pull-through-test-not-a-secret' },
    });
    explorer.refresh();
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
  });

  afterEach(async () => {
    modals().answerWith(undefined);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  after(async () => {
    await client?.send(new DeleteRepositoryCreationTemplateCommand({ prefix: TEMPLATE_PREFIX })).catch(() => undefined);
  });

  it('lists a Docker Hub rule created through Create Pull-Through Cache Rule…, with its upstream and credentials', async () => {
    const creating = vscode.commands.executeCommand('ecr.createPullThroughRule', { registryKey: REGISTRY_KEY });
    const upstreams = await quickPickShown('the upstream pick', 'Create Pull-Through Cache Rule');
    assert.equal(upstreams.items[0], 'Docker Hub');
    assert.ok(upstreams.items.includes('needs a Secrets Manager secret (ecr-pullthroughcache/…)') && upstreams.items.includes('no authentication needed'), upstreams.items.join(' | '));
    await pickTyped('Docker Hub');

    const prefixStep = await waitFor('the prefix step', async () => {
      const state = await input('Create Pull-Through Cache Rule')();
      return state?.items.length === 0 && /Repository prefix/.test(state.message ?? '') ? state : undefined;
    });
    assert.equal(prefixStep.value, 'docker-hub', "the ECR console's default prefix is offered");
    await typeKeys('Hub_Mirror');
    const refused = await waitFor('the bad prefix refused while typing', async () => ((await quickInput()).message?.includes('must be lowercase') ? quickInput() : undefined));
    assert.match(refused.message ?? '', /The repository prefix "Hub_Mirror" must be lowercase letters and digits/);
    await screenshot('pull-through-create-prefix-refused');
    await typeKeys('', 'Control+A');
    await typeKeys(PREFIX, 'Enter');

    await waitFor('the credentials step', async () => ((await quickInput()).message ?? '').includes('Secrets Manager secret') || undefined);
    await typeKeys('arn:aws:secretsmanager:us-east-1:123456789012:secret:dockerhub');
    await waitFor('a secret not named ecr-pullthroughcache/ refused', async () => /is not the ARN of a Secrets Manager secret named "ecr-pullthroughcache\/…"/.test((await quickInput()).message ?? '') || undefined);
    await typeKeys('', 'Control+A');
    await typeKeys(SECRET, 'Enter');
    const created = (await creating) as { ecrRepositoryPrefix: string; credentialArn?: string } | undefined;
    assert.equal(created?.ecrRepositoryPrefix, PREFIX);
    assert.equal(created?.credentialArn, SECRET);
    await notificationShown(`Created pull-through cache rule ${PREFIX}/: pull ${registryHost}/${PREFIX}/<image>:<tag>`);

    const rules = await group(explorer, RULES);
    const row = find(rules?.children, `${PREFIX}/`);
    assert.ok(row, `the rule in the group: ${rules?.children?.map((entry) => entry.label).join(' | ')}`);
    assert.equal(row.kind, 'pullThroughRule');
    assert.equal(row.description, `Docker Hub · ecr-pullthroughcache/docker-hub-${run}`);
    assert.match(rules?.description ?? '', /^\d+ rules?$/);
  });

  it('lists creation templates read-only, with what they apply', async () => {
    await client.send(
      new CreateRepositoryCreationTemplateCommand({
        prefix: TEMPLATE_PREFIX,
        appliedFor: ['CREATE_ON_PUSH', 'PULL_THROUGH_CACHE'],
        imageTagMutability: 'IMMUTABLE',
        description: 'Images of the ML team',
        resourceTags: [{ Key: 'team', Value: 'ml' }],
      }),
    );
    explorer.refresh(REGISTRY_KEY);
    const templates = await group(explorer, TEMPLATES);
    const row = find(templates?.children, `${TEMPLATE_PREFIX}/`);
    assert.ok(row, `the template in the group: ${templates?.children?.map((entry) => entry.label).join(' | ')}`);
    assert.equal(row.description, 'tags immutable · 1 resource tag · for create on push, pull-through cache');
    assert.equal(row.contextValue, 'creationTemplate', 'read-only: no command is offered on it');

    await explorer.reveal(REGISTRY_KEY, undefined, { expand: 2, focus: true });
    let rows: string[] = [];
    try {
      await waitFor('the groups on screen', async () => {
        rows = await visibleTreeRows();
        return rows.includes(`${PREFIX}/`) && rows.includes(`${TEMPLATE_PREFIX}/`);
      });
    } finally {
      await screenshot('pull-through-registry-groups');
    }
    assert.ok(rows.indexOf(RULES) < rows.indexOf(TEMPLATES), rows.join(' | '));

    const ruleTip = await hoverTreeRow(`${PREFIX}/`, RULES);
    assert.match(ruleTip, new RegExp(`Credentials: ${SECRET.replace(/[/.]/g, '\\$&')}`));
    assert.match(ruleTip, new RegExp(`Pull through it: ${registryHost.replace(/\./g, '\\.')}/${PREFIX}/<repository>:<tag>`));
    const templateTip = await hoverTreeRow(`${TEMPLATE_PREFIX}/`, TEMPLATES);
    assert.match(templateTip, /Images of the ML team/);
    assert.match(templateTip, /Applied for: create on push, pull-through cache/);
    assert.match(templateTip, /Resource tags: team=ml/);
    await screenshot('pull-through-template-tooltip');
  });

  it('Build and Push to a missing repository a creation template covers leaves it to ECR and says which template; ECR creates it with the template', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace folder is open');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder.uri, `template-${run}`, 'Dockerfile'), new TextEncoder().encode('FROM aqueducthq/function310:0.3.6\nRUN echo built > /built.txt\n'));
    const repository = `${TEMPLATE_PREFIX}/operator`;
    const code = await vscode.commands.executeCommand<number | undefined>('ecr.buildAndPush', {
      dockerfile: `template-${run}/Dockerfile`,
      repository,
      tags: ['0.3.6'],
      registry: 'local',
      createRepository: true,
    });
    const lines = transcripts().at(-1)?.lines ?? [];
    assert.equal(code, 0, lines.join('\n'));
    assert.ok(
      lines.some((line) => line.includes(`Repository ${repository} does not exist yet: ECR creates it on push with the creation template ${TEMPLATE_PREFIX}/ (Tags: immutable;`)),
      lines.join('\n'),
    );
    const created = await waitFor('the repository ECR created on push', async () => (await client.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }))).repositories?.[0]);
    assert.equal(created.imageTagMutability, 'IMMUTABLE', "the template's setting, not the task's");
  });

  it('the FROM quick fix rewrites FROM python:3.11 to the pull-through URI, and the hover names the rule', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the test workspace folder is open');
    const uri = vscode.Uri.joinPath(folder.uri, `pull-through-${run}`, 'Dockerfile');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('FROM python:3.11\nRUN pip install --no-cache-dir numpy\n'));
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    const expected = `${registryHost}/${PREFIX}/library/python:3.11`;

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 8));
    const hoverText = hovers.flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value))).join('\n');
    assert.match(hoverText, new RegExp(`Served by the pull-through cache rule ${PREFIX}/ \\(Docker Hub\\) as ${PREFIX}/library/python in local`));
    editor.selection = new vscode.Selection(0, 8, 0, 8);
    await vscode.commands.executeCommand('editor.action.showHover');
    await waitFor('the hover on screen', () => frameShows(`Served by the pull-through cache rule ${PREFIX}/`));
    await screenshot('pull-through-from-hover');

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(0, 8, 0, 8), vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((action) => action.title.startsWith('Pull python:3.11 through the ECR pull-through cache'));
    assert.ok(fix?.edit, `no pull-through quick fix among: ${actions.map((action) => action.title).join(' | ')}`);
    assert.ok(fix.title.endsWith(expected), fix.title);
    await typeKeys('', 'Escape');
    await waitFor('the hover closed', async () => !(await frameShows(`Served by the pull-through cache rule ${PREFIX}/`)));
    await vscode.commands.executeCommand('editor.action.quickFix');
    await waitFor('the quick fix menu on screen', () => frameShows('through the ECR pull-through cache'));
    await screenshot('pull-through-from-quick-fix');
    await typeKeys('', 'Escape');

    assert.equal(await vscode.workspace.applyEdit(fix.edit), true);
    assert.equal(document.getText(), `FROM ${expected}\nRUN pip install --no-cache-dir numpy\n`);
    const after = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, new vscode.Range(0, 8, 0, 8), vscode.CodeActionKind.QuickFix.value);
    assert.equal(after.filter((action) => /pull-through cache/.test(action.title)).length, 0, 'an image already in the registry is not rewritten again');
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('an AccessDenied listing the rules is an error row in the group naming ecr:DescribePullThroughCacheRules; the repositories still list', async () => {
    const message = 'User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ecr:DescribePullThroughCacheRules on resource: arn:aws:ecr:us-east-1:123456789012:registry/*';
    const injected = await fetch(new URL('/_front/faults', stack().ecrEndpoint), {
      method: 'POST',
      body: JSON.stringify({ operation: 'DescribePullThroughCacheRules', status: 400, type: 'AccessDeniedException', message }),
    });
    assert.equal(injected.status, 200);
    explorer.refresh(REGISTRY_KEY);
    const registry = find(await explorer.treeSnapshot([RULES]), 'local');
    const rows = find(registry?.children, RULES)?.children ?? [];
    assert.equal(rows.length, 1);
    assert.equal(rows[0].kind, 'error');
    assert.match(rows[0].label, /ecr:DescribePullThroughCacheRules/);
    assert.ok((registry?.children ?? []).some((entry) => entry.kind === 'repository'), 'repositories are listed beside the failed group');
    assert.ok(find(registry?.children, TEMPLATES), 'the templates group is still there');
    explorer.refresh(REGISTRY_KEY);
  });

  it('Delete asks, naming the rule and what stays; Cancel keeps it, Delete Rule deletes it', async () => {
    const rule = { kind: 'pullThroughRule', id: `registry:${REGISTRY_KEY}/pull-through-rules/${PREFIX}`, registryKey: REGISTRY_KEY, registryHost, rule: { ecrRepositoryPrefix: PREFIX, upstreamRegistryUrl: 'registry-1.docker.io', credentialArn: SECRET } };
    modals().answerWith(() => undefined);
    assert.equal(await vscode.commands.executeCommand('ecr.deletePullThroughRule', rule), false);
    const asked = modals().shown().at(-1);
    assert.equal(asked?.message, `Delete the pull-through cache rule ${PREFIX}/ (registry-1.docker.io)?`);
    assert.deepEqual(asked?.buttons, ['Delete Rule'], 'Cancel (VS Code adds it) is the safe way out');
    assert.match(asked?.detail ?? '', /Images already cached under it stay/);
    assert.match(asked?.detail ?? '', /The credentials secret is not deleted/);
    assert.ok(find((await group(explorer, RULES))?.children, `${PREFIX}/`), 'kept after Cancel');

    modals().answerWith(() => 'Delete Rule');
    assert.equal(await vscode.commands.executeCommand('ecr.deletePullThroughRule', rule), true);
    await waitFor('the rule gone from the group', async () => !find((await group(explorer, RULES))?.children, `${PREFIX}/`));
  });
});
