// Beyond browsing, in a real extension host against moto: "Copy as…" (clipboard checked), lifecycle
// policy preview. The repositories and images asserted on are created here through the SDK.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { BatchDeleteImageCommand, CreateRepositoryCommand, DeleteRepositoryPolicyCommand, DescribeRepositoriesCommand, ECRClient, PutImageCommand, SetRepositoryPolicyCommand } from '@aws-sdk/client-ecr';
import { activateExtension, hoverTreeRow, nextSecond, pickTyped, quickPickShown, screenshot, stack, visibleTreeRows, waitFor } from './harness';
import { manifestFor } from '../../support/manifest';
import { registerMotoScanFindings } from '../../support/stack';
import type { ExplorerTestApi as ExplorerApi, TreeSnapshotEntry } from '../../../src/vscode/testApi';

const REGISTRY_KEY = '123456789012/us-east-1';
const REPOSITORY = 'beyond-test/operators';


describe('Beyond browsing', () => {
  let explorer: ExplorerApi;
  let client: ECRClient;
  let registryHost: string;

  before(async function () {
    const { ecrEndpoint } = stack();
    if (!ecrEndpoint) throw new Error('ECR_WB_ECR_ENDPOINT is not set in the extension host');
    registryHost = stack().registryHost || '123456789012.dkr.ecr.us-east-1.amazonaws.com';
    const extension = await activateExtension();
    explorer = (extension.exports as unknown as { explorer: ExplorerApi }).explorer;
    client = new ECRClient({
      region: 'us-east-1',
      endpoint: ecrEndpoint,
      credentials: { accessKeyId: 'AKIDBEYONDTEST000000', secretAccessKey: 'beyond-test-not-a-secret' },
    });
    await client.send(new CreateRepositoryCommand({ repositoryName: REPOSITORY })).catch((error: Error) => {
      if (error.name !== 'RepositoryAlreadyExistsException') throw error;
    });
    // A rerun against the same moto finds the images there already (moto: ImageAlreadyExistsException).
    const put = (seed: string, imageTag?: string) =>
      client.send(new PutImageCommand({ repositoryName: REPOSITORY, imageManifest: manifestFor(seed), imageTag })).catch((error: Error) => {
        if (error.name !== 'ImageAlreadyExistsException') throw error;
      });
    await put('op-1', '0.3.5');
    await put('op-untagged');
    await nextSecond();
    await put('op-2', '0.3.6');
    explorer.refresh();
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
  });

  describe('Copy as…', () => {
    it('copies the Kubernetes image field of an image to the clipboard', async () => {
      await vscode.env.clipboard.writeText('');
      const copied = await vscode.commands.executeCommand<string>('ecr.copyAs', { registryKey: REGISTRY_KEY, repository: REPOSITORY, tag: '0.3.6' }, 'kubernetes');
      assert.equal(await vscode.env.clipboard.readText(), `image: ${registryHost}/${REPOSITORY}:0.3.6`);
      assert.equal(copied, await vscode.env.clipboard.readText());
    });

    it('copies the docker login one-liner and the ZenML registration for a repository', async () => {
      await vscode.commands.executeCommand('ecr.copyAs', { registryKey: REGISTRY_KEY, repository: REPOSITORY }, 'docker-login');
      assert.equal(
        await vscode.env.clipboard.readText(),
        `aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin ${registryHost}`,
      );
      await vscode.commands.executeCommand('ecr.copyAs', { registryKey: REGISTRY_KEY, repository: REPOSITORY }, 'zenml-register');
      assert.equal(await vscode.env.clipboard.readText(), `zenml container-registry register ecr_local --flavor=aws --uri=${registryHost}`);
    });

    it('offers the formats in a quick pick and copies the chosen one', async () => {
      await vscode.env.clipboard.writeText('');
      const running = vscode.commands.executeCommand<string | undefined>('ecr.copyAs', { registryKey: REGISTRY_KEY, repository: REPOSITORY, tag: '0.3.6' });
      // The pick opens with Aqueduct's operator image first; screenshot it, then accept it as a person would.
      const pick = await quickPickShown('the Copy As quick pick');
      assert.match(pick.items[0], /Aqueduct/, `first item: ${pick.items.join(' | ')}`);
      await screenshot('copy-as-quick-pick');
      // Typed and entered as a person picks it: an accept sent before the pick has its active item takes nothing (CI saw it once).
      await pickTyped(pick.items[0]);
      assert.equal(await running, 'client.resource("ecr_local").image("beyond-test/operators:0.3.6")');
      assert.equal(await vscode.env.clipboard.readText(), 'client.resource("ecr_local").image("beyond-test/operators:0.3.6")');
    });

    it('says what to do when not given a repository', async () => {
      assert.equal(await vscode.commands.executeCommand('ecr.copyAs'), undefined);
    });
  });

  describe('Image scanning', () => {
    it('starts a scan and shows findings with severity, package, version and link', async () => {
      await registerMotoScanFindings(stack().ecrEndpoint!, REPOSITORY, { imageTag: '0.3.6' }, {
        findingSeverityCounts: { CRITICAL: 1 },
        enhancedFindings: [
          {
            severity: 'CRITICAL',
            title: 'CVE-2024-3094 - xz-utils',
            packageVulnerabilityDetails: {
              vulnerabilityId: 'CVE-2024-3094',
              sourceUrl: 'https://nvd.nist.gov/vuln/detail/CVE-2024-3094',
              vulnerablePackages: [{ name: 'xz-utils', version: '5.6.0' }],
            },
          },
        ],
      });
      const image = { registryKey: REGISTRY_KEY, repository: REPOSITORY, tag: '0.3.6' };
      // moto allows one scan per image per day, like ECR: a rerun of this suite finds it scanned already.
      await vscode.commands.executeCommand('ecr.startImageScan', image);
      const report = await vscode.commands.executeCommand<{ status: string; counts: Record<string, number> }>('ecr.showScanFindings', image);
      assert.equal(report.status, 'COMPLETE');
      assert.deepEqual(report.counts, { CRITICAL: 1 });
      // Rendered (VS Code's Markdown preview, a table with links), not the Markdown source.
      const preview = await waitFor('the findings shown as a rendered Markdown preview', () => {
        const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
        return tab?.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(tab.input.viewType) ? tab : undefined;
      });
      assert.match(preview.label, /scan-findings/);
      const shown = await waitFor('the findings document', () =>
        vscode.workspace.textDocuments.find((document) => document.uri.scheme === 'ecr-view' && document.getText().includes('CVE-2024-3094')),
      );
      assert.equal(shown.isDirty, false);
      assert.ok(shown.getText().includes('| CRITICAL | CVE-2024-3094 | xz-utils | 5.6.0 | [nvd.nist.gov](https://nvd.nist.gov/vuln/detail/CVE-2024-3094) |'));
      await screenshot('scan-findings');
    });

    it('shows counts by severity in the image hover, read from ECR when the listing had none', async () => {
      // A new image each run: moto hands each custom result to the first image id that asks for it.
      const tag = `hover-${randomBytes(3).toString('hex')}`;
      const put = await client.send(new PutImageCommand({ repositoryName: REPOSITORY, imageManifest: manifestFor(tag), imageTag: tag }));
      const digest = put.image?.imageId?.imageDigest;
      assert.ok(digest);
      await vscode.commands.executeCommand('ecr.startImageScan', { registryKey: REGISTRY_KEY, repository: REPOSITORY, digest });
      // A listing from moto carries no scan summary (real ECR's DescribeImages does): the hover asks
      // ECR by digest, and moto matches custom findings by exact image id.
      await registerMotoScanFindings(stack().ecrEndpoint!, REPOSITORY, { imageDigest: digest }, { findingSeverityCounts: { CRITICAL: 1, MEDIUM: 2 }, findings: [] });
      try {
        explorer.refresh(REGISTRY_KEY, REPOSITORY);
        await explorer.reveal(REGISTRY_KEY, REPOSITORY, { expand: true, select: true, focus: true });
        await waitFor('the repository\'s images', async () => {
          const snapshot = await explorer.treeSnapshot([REPOSITORY]);
          return snapshot.find((entry) => entry.label === 'local')?.children?.find((entry) => entry.label === REPOSITORY)?.children?.some((entry) => entry.label === tag);
        });
        const hover = await hoverTreeRow(tag, REPOSITORY);
        assert.match(hover, /Scan: complete \(1 critical, 2 medium\)/, hover);
        assert.ok(hover.includes(`${REPOSITORY}:${tag}`), hover);
        await screenshot('image-hover-scan-counts');
        const unscanned = await hoverTreeRow('0.3.5', REPOSITORY);
        assert.match(unscanned, /Scan: not scanned/, unscanned);
      } finally {
        // The lifecycle tests below count this repository's images.
        await client.send(new BatchDeleteImageCommand({ repositoryName: REPOSITORY, imageIds: [{ imageDigest: digest }] }));
        explorer.refresh(REGISTRY_KEY, REPOSITORY);
      }
    });
  });

  describe('Repository settings', () => {
    const target = { registryKey: REGISTRY_KEY, repository: REPOSITORY };
    const mutability = async () =>
      (await client.send(new DescribeRepositoriesCommand({ repositoryNames: [REPOSITORY] }))).repositories?.[0]?.imageTagMutability;

    it('toggles tag immutability both ways', async () => {
      assert.equal(await mutability(), 'MUTABLE');
      assert.equal(await vscode.commands.executeCommand('ecr.toggleTagImmutability', target), 'IMMUTABLE');
      assert.equal(await mutability(), 'IMMUTABLE');
      assert.equal(await vscode.commands.executeCommand('ecr.toggleTagImmutability', target), 'MUTABLE');
      assert.equal(await mutability(), 'MUTABLE');
    });

    it('shows the repository policy as read-only JSON, and says when there is none', async () => {
      await client.send(new DeleteRepositoryPolicyCommand({ repositoryName: REPOSITORY })).catch(() => undefined);
      assert.equal(await vscode.commands.executeCommand('ecr.viewRepositoryPolicy', target), null);

      const policy = {
        Version: '2012-10-17',
        Statement: [{ Sid: 'AllowTrainingAccountPull', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::210987654321:root' }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] }],
      };
      await client.send(new SetRepositoryPolicyCommand({ repositoryName: REPOSITORY, policyText: JSON.stringify(policy) }));
      const shown = await vscode.commands.executeCommand<string>('ecr.viewRepositoryPolicy', target);
      assert.equal(shown, `${JSON.stringify(policy, null, 2)}\n`);
      const editor = await waitFor('the policy editor', () => (vscode.window.activeTextEditor?.document.uri.path.endsWith('.repository-policy.json') ? vscode.window.activeTextEditor : undefined));
      assert.equal(editor.document.languageId, 'json');
      assert.equal(editor.document.getText(), shown);
      // Shown from memory, not an untitled file: closing it never asks to save.
      assert.equal(editor.document.uri.scheme, 'ecr-view');
      assert.equal(editor.document.isDirty, false);
      assert.ok(editor.document.uri.path.endsWith(`/${REPOSITORY}.repository-policy.json`), editor.document.uri.path);
      await screenshot('repository-policy');
    });
  });

  describe('Lifecycle policy', () => {
    const target = { registryKey: REGISTRY_KEY, repository: REPOSITORY };
    const find = (entries: TreeSnapshotEntry[] | undefined, label: string) => entries?.find((entry) => entry.label === label);

    it('drafts a policy in a schema-checked JSON editor and previews it: the list, and marked images in the tree', async () => {
      await vscode.commands.executeCommand('ecr.buildLifecyclePolicy', target, [
        { kind: 'keepLast', tagStatus: 'untagged', count: 5 },
        { kind: 'keepLast', tagStatus: 'any', count: 1 },
      ]);
      const editor = await waitFor('the policy editor', () => vscode.window.visibleTextEditors.find((candidate) => candidate.document.uri.path.endsWith('.ecr-lifecycle.json')));
      assert.equal(editor.document.languageId, 'json');
      assert.deepEqual(JSON.parse(editor.document.getText()).rules.map((rule: { selection: { tagStatus: string } }) => rule.selection.tagStatus), ['untagged', 'any']);

      const preview = await vscode.commands.executeCommand<{ expired: Array<{ tags: string[]; rulePriority: number }>; keptCount: number; server: { available: boolean; reason?: string } }>(
        'ecr.previewLifecyclePolicy',
        target,
      );
      // Rule 1 protects the untagged image; "any" keeps the newest (0.3.6) and expires 0.3.5.
      assert.deepEqual(preview.expired.map((entry) => [entry.tags, entry.rulePriority]), [[['0.3.5'], 2]]);
      assert.equal(preview.keptCount, 2);
      assert.deepEqual(preview.server, { available: false, reason: 'Preview not available from this endpoint (it does not implement StartLifecyclePolicyPreview).' });

      const tree = await waitFor('the marked image in the tree', async () => {
        const snapshot = await explorer.treeSnapshot([REPOSITORY]);
        const images = find(find(snapshot, 'local')?.children, REPOSITORY)?.children;
        return find(images, '0.3.5')?.description?.startsWith('would expire') ? images : undefined;
      });
      assert.match(find(tree, '0.3.5')!.contextValue ?? '', /\bexpiring\b/);
      assert.doesNotMatch(find(tree, '0.3.6')!.description ?? '', /would expire/);
      await explorer.reveal(REGISTRY_KEY, REPOSITORY, { expand: true });
      await waitFor('the marked image row on screen', async () => (await visibleTreeRows()).includes('0.3.5'));
      await screenshot('lifecycle-preview');
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    });

    it('flags a policy that breaks the schema in the editor', async () => {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse('untitled:schema-check.ecr-lifecycle.json'));
      const editor = await vscode.window.showTextDocument(document);
      await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), JSON.stringify({ rules: [{ rulePriority: 1, selection: { tagStatus: 'sometimes', countType: 'imageCountMoreThan', countNumber: 1 }, action: { type: 'expire' } }] }, null, 2)));
      await vscode.languages.setTextDocumentLanguage(document, 'json');
      const problems = await waitFor('schema diagnostics', () => {
        const found = vscode.languages.getDiagnostics(document.uri);
        return found.length ? found : undefined;
      });
      assert.ok(problems.some((problem) => /tagged|untagged|any/.test(problem.message)), problems.map((problem) => problem.message).join('; '));
      await screenshot('lifecycle-schema-diagnostics');
    });
  });
});
