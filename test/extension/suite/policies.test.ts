/**
 * Issue 14 (tag mutability, archive lifecycle rules, a login that lasts) in a real extension host
 * against the local ECR: the Tag Mutability… editor driven by keys (mode, filters checked as typed,
 * the result in ECR and in the row's tooltip), filters never dropped silently, the builder's archive
 * rule in the preview and the tree, and "Log In Docker CLI…" choosing the credential helper.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import { activateExtension, hoverTreeRow, modals, pickTyped, quickInput, quickPickShown, requireStack, screenshot, stack, typeKeys, visibleTreeRows, waitFor } from './harness';
import { manifestFor } from '../../support/manifest';
import type { ExplorerTestApi as ExplorerApi, TreeSnapshotEntry } from '../../../src/vscode/testApi';

const REGISTRY_KEY = '123456789012/us-east-1';
const ECR_HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const run = randomBytes(3).toString('hex');
const DAY = 86_400;
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

const find = (entries: TreeSnapshotEntry[] | undefined, label: string) => entries?.find((entry) => entry.label === label);

/** Waits until the quick input shows an item matching `pattern`, and returns the state. */
const itemShown = (what: string, pattern: RegExp) =>
  waitFor(what, async () => {
    const state = await quickInput();
    return state.visible && state.items.some((item) => pattern.test(item)) ? state : undefined;
  });

describe('Policies: tag mutability, lifecycle archive rules, docker login', function () {
  this.timeout(180_000);
  let explorer: ExplorerApi;
  const client = new ECRClient({
    region: 'us-east-1',
    endpoint: stack().ecrEndpoint,
    credentials: { accessKeyId: 'AKIDPOLICIESTEST0000', secretAccessKey: 'policies-test-not-a-secret' },
  });

  before(async function () {
    requireStack(this);
    explorer = ((await activateExtension()).exports as unknown as { explorer: ExplorerApi }).explorer;
    await vscode.commands.executeCommand('workbench.view.extension.ecr');
  });

  // Modals answer Cancel unless a test says otherwise.
  beforeEach(() => modals().answerWith(() => undefined));
  afterEach(async () => {
    modals().answerWith(undefined);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  describe('Tag Mutability…', () => {
    const repository = `policies/filters-${run}`;
    const target = { registryKey: REGISTRY_KEY, repository };
    const held = async () => {
      const found = (await client.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] }))).repositories?.[0];
      return { mode: found?.imageTagMutability, filters: (found?.imageTagMutabilityExclusionFilters ?? []).map((entry) => entry.filter) };
    };

    before(async () => {
      await client.send(new CreateRepositoryCommand({ repositoryName: repository }));
      explorer.refresh(REGISTRY_KEY);
    });

    it('picks a mode, checks each filter as it is typed, saves mode and filters, and shows them in the row tooltip', async () => {
      const editing = Promise.resolve(vscode.commands.executeCommand('ecr.editTagMutability', target));
      const modes = await quickPickShown('the mode step', '(1/2): mode');
      // The harness reads labels and detail lines alike: each mode comes with what it does.
      assert.deepEqual(modes.items.filter((item) => /^(Im)?[Mm]utable( except matching tags)?$/.test(item)), ['Mutable', 'Immutable', 'Immutable except matching tags', 'Mutable except matching tags']);
      assert.ok(modes.items.includes('Tags are locked once pushed, except those an exclusion filter matches (e.g. latest, dev-*), which pushes can move.'));
      await pickTyped('Immutable except');
      await quickPickShown('the filter step', '(2/2): exclusion filters');
      assert.ok((await quickInput()).items.some((item) => /Cannot save yet: IMMUTABLE_WITH_EXCLUSION needs at least one exclusion filter/.test(item)));

      await typeKeys('feature/x');
      await itemShown('the problem with "/"', /contains "\/": ECR allows only letters, digits, "\.", "_", "-" and the wildcard "\*"/);
      await screenshot('policies-filter-editor-invalid');
      await typeKeys('', 'Control+A');
      await typeKeys('latest');
      await itemShown('the offer to add "latest"', /^Add exclusion filter "latest"$/);
      await typeKeys('', 'Enter');
      await itemShown('"latest" in the list', /^latest$/);
      await typeKeys('dev-*');
      await itemShown('the offer to add "dev-*"', /^Add exclusion filter "dev-\*"$/);
      await typeKeys('', 'Enter');
      const listed = await itemShown('"dev-*" in the list', /^dev-\*$/);
      assert.deepEqual(listed.items.filter((item) => ['latest', 'dev-*'].includes(item)), ['latest', 'dev-*']);
      await typeKeys('latest');
      await itemShown('a duplicate refused', /"latest" is already a filter/);
      await typeKeys('', 'Control+A');
      await typeKeys('', 'Backspace');
      await itemShown('the Save row again', /^Save$/);
      await screenshot('policies-filter-editor');
      await typeKeys('', 'Enter');

      const saved = await editing;
      assert.deepEqual(saved, {
        mode: 'IMMUTABLE_WITH_EXCLUSION',
        exclusionFilters: [
          { filterType: 'WILDCARD', filter: 'latest' },
          { filterType: 'WILDCARD', filter: 'dev-*' },
        ],
      });
      assert.deepEqual(await held(), { mode: 'IMMUTABLE_WITH_EXCLUSION', filters: ['latest', 'dev-*'] });

      const row = find(find(await explorer.treeSnapshot(), 'local')?.children, repository);
      assert.match(row?.contextValue ?? '', /\bimmutable\b/, 'the menus read the mode from the row');
      // After the whole suite the registry holds many repositories: collapsed first, the row is drawn near the top.
      await vscode.commands.executeCommand('workbench.actions.treeView.ecr.registries.collapseAll');
      await explorer.reveal(REGISTRY_KEY, repository, { select: true, focus: true });
      await waitFor('the repository row on screen', async () => (await visibleTreeRows()).includes(repository) || undefined);
      const tooltip = await hoverTreeRow(repository, 'local');
      assert.match(tooltip, /Tags: immutable, except latest, dev-\* \(IMMUTABLE_WITH_EXCLUSION\)/, tooltip);
      await screenshot('policies-repository-tooltip');
    });

    it('never drops filters silently: a plain mode names them in a modal first, and Cancel keeps them', async () => {
      assert.equal(await vscode.commands.executeCommand('ecr.editTagMutability', target, { mode: 'MUTABLE' }), undefined);
      const asked = modals().shown().at(-1);
      assert.equal(asked?.message, `Remove the exclusion filters latest, dev-* from ${repository}?`);
      assert.match(asked?.detail ?? '', /Now: Tags: immutable, except latest, dev-\*\.\nAfter: Tags: mutable\./);
      assert.deepEqual(await held(), { mode: 'IMMUTABLE_WITH_EXCLUSION', filters: ['latest', 'dev-*'] }, 'cancelled: ECR unchanged');

      modals().answerWith((request) => request.buttons[0]);
      assert.deepEqual(await vscode.commands.executeCommand('ecr.editTagMutability', target, { mode: 'MUTABLE_WITH_EXCLUSION', exclusionFilters: ['release-*'] }), {
        mode: 'MUTABLE_WITH_EXCLUSION',
        exclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }],
      });
      assert.deepEqual(await held(), { mode: 'MUTABLE_WITH_EXCLUSION', filters: ['release-*'] });
      assert.equal(await vscode.commands.executeCommand('ecr.editTagMutability', target, { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: ['feat/x'] }), undefined, 'refused before any call');
      assert.deepEqual(await held(), { mode: 'MUTABLE_WITH_EXCLUSION', filters: ['release-*'] });
    });
  });

  describe('lifecycle: the archive rule', () => {
    const repository = `policies/archive-${run}`;
    const target = { registryKey: REGISTRY_KEY, repository };

    before(async () => {
      await client.send(new CreateRepositoryCommand({ repositoryName: repository }));
      const now = Date.now() / 1000;
      // moto records "now": the ECR front sets push and pull times in the past, standing in for days going by.
      const age = async (digest: string | undefined, pushedDaysAgo: number, pulledDaysAgo?: number) => {
        const answer = await fetch(`${stack().ecrEndpoint}/_front/age`, {
          method: 'POST',
          body: JSON.stringify({
            repositoryName: repository,
            imageDigest: digest,
            pushedAt: new Date((now - pushedDaysAgo * DAY) * 1000).toISOString(),
            ...(pulledDaysAgo ? { pulledAt: new Date((now - pulledDaysAgo * DAY) * 1000).toISOString() } : {}),
          }),
        });
        assert.equal(answer.status, 200);
      };
      for (const [seed, tag, pushedDaysAgo, pulledDaysAgo] of [
        ['stale', 'stale', 200, 120],
        ['unpulled', 'unpulled', 150, undefined],
        ['fresh', 'fresh', 200, 2],
      ] as const) {
        const put = await client.send(new PutImageCommand({ repositoryName: repository, imageManifest: manifestFor(`${seed}-${run}`), imageTag: tag }));
        await age(put.image?.imageId?.imageDigest, pushedDaysAgo, pulledDaysAgo);
      }
      // A two-platform index pulled yesterday whose platform images were last pulled (by digest) 100 days ago.
      const platforms = ['amd64', 'arm64'].map((architecture) => ({ architecture, manifest: manifestFor(`${architecture}-${run}`) }));
      const descriptors = [];
      for (const { architecture, manifest } of platforms) {
        const put = await client.send(new PutImageCommand({ repositoryName: repository, imageManifest: manifest, imageManifestMediaType: DOCKER_MANIFEST }));
        await age(put.image?.imageId?.imageDigest, 100, 100);
        descriptors.push({ mediaType: DOCKER_MANIFEST, digest: put.image?.imageId?.imageDigest, size: manifest.length, platform: { os: 'linux', architecture } });
      }
      const index = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: descriptors });
      const put = await client.send(new PutImageCommand({ repositoryName: repository, imageManifest: index, imageManifestMediaType: OCI_INDEX, imageTag: 'multi' }));
      await age(put.image?.imageId?.imageDigest, 100, 1);
      explorer.refresh(REGISTRY_KEY);
    });

    it('builds "archive images not pulled for 90 days" (and "expire archived after 180 days") and previews it: archived apart from expired, marked in the tree', async () => {
      const building = Promise.resolve(vscode.commands.executeCommand('ecr.buildLifecyclePolicy', target));
      await quickPickShown('the rule kind', 'rule 1');
      await pickTyped('Archive images not pulled');
      await quickPickShown('the images step', 'Which images');
      await pickTyped('Any image');
      const days = await waitFor('the days step', async () => {
        const state = await quickInput();
        return state.visible && /Archive images not pulled for how many days/.test(state.title ?? '') ? state : undefined;
      });
      assert.equal(days.value, '90');
      await typeKeys('', 'Enter');
      await quickPickShown('the next rule', 'rule 2');
      await pickTyped('Expire archived images');
      await quickPickShown('the archived images step', 'Which archived images');
      await pickTyped('Any image');
      await waitFor('the archive days step', async () => /Expire archived images how many days/.test((await quickInput()).title ?? ''));
      await typeKeys('', 'Control+A');
      await typeKeys('30');
      await waitFor('ECR\'s 90-day minimum said as it is typed', async () => /at least 90 days/.test((await quickInput()).message ?? ''));
      await typeKeys('', 'Control+A');
      await typeKeys('180', 'Enter');
      await quickPickShown('the third rule', 'rule 3');
      await pickTyped('Done');
      const policy = (await building) as { rules: Array<{ selection: Record<string, unknown>; action: Record<string, unknown> }> };
      assert.deepEqual(policy.rules[0].selection, { tagStatus: 'any', countType: 'sinceImagePulled', countUnit: 'days', countNumber: 90 });
      assert.deepEqual(policy.rules[0].action, { type: 'transition', targetStorageClass: 'archive' });
      assert.deepEqual(policy.rules[1].selection, { tagStatus: 'any', storageClass: 'archive', countType: 'sinceImageTransitioned', countUnit: 'days', countNumber: 180 });
      assert.deepEqual(policy.rules[1].action, { type: 'expire' });

      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      const result = (await vscode.commands.executeCommand('ecr.previewLifecyclePolicy', target)) as { expired: unknown[]; transitioned: Array<{ tags: string[] }> };
      assert.deepEqual(result.expired, []);
      // The index's platform images are untagged images to ECR's API: archived with the others, each with a warning.
      assert.deepEqual(result.transitioned.map((entry) => entry.tags.join()).sort(), ['', '', 'stale', 'unpulled']);
      const warned = (result.transitioned as Array<{ tags: string[]; warnings: string[] }>).filter((entry) => entry.warnings.length);
      assert.equal(warned.length, 2);
      assert.ok(warned.every((entry) => entry.tags.length === 0 && /^Listed by multi \(sha256:[0-9a-f]{12}\), which stays in standard storage/.test(entry.warnings[0])));
      const shown = await quickPickShown('the preview list', 'Lifecycle preview');
      assert.match(shown.title ?? '', /0 would expire, 4 would be archived, 2 kept, 2 with warnings/);
      assert.ok(shown.items.includes('stale') && shown.items.includes('unpulled') && !shown.items.includes('fresh') && !shown.items.includes('multi'), shown.items.join(' | '));
      assert.equal(shown.items.filter((item) => /^Listed by multi \(sha256:[0-9a-f]{12}\), which stays in standard storage\.$/.test(item)).length, 2, 'one warning row per platform image');
      assert.equal(shown.items.filter((item) => /ECR's documentation does not say whether lifecycle archives an image an index lists/.test(item)).length, 2, 'each saying what is undocumented');
      await screenshot('policies-lifecycle-archive-preview');
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');

      const rows = find(find(await explorer.treeSnapshot([repository]), 'local')?.children, repository)?.children ?? [];
      const marked = rows.filter((row) => /^would be archived · /.test(row.description ?? '')).map((row) => row.label).sort();
      assert.deepEqual(marked, ['stale', 'unpulled'], rows.map((row) => `${row.label}: ${row.description}`).join(' | '));
      assert.ok(!rows.some((row) => /would expire/.test(row.description ?? '')));
      await explorer.reveal(REGISTRY_KEY, repository, { expand: true, select: true, focus: true });
      await waitFor('the marked rows on screen', async () => (await visibleTreeRows()).includes('unpulled'));
      await screenshot('policies-lifecycle-archive-tree');
    });
  });

  describe('Log In Docker CLI…', () => {
    it('offers the credential helper first; choosing it writes credHelpers for the registry and removes the stored token', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'policies-docker-config-'));
      const token = Buffer.from('AWS:an-old-plain-text-token').toString('base64');
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [ECR_HOST]: { auth: token } }, currentContext: 'default' }, null, '\t'));
      const previous = process.env.DOCKER_CONFIG;
      process.env.DOCKER_CONFIG = dir;
      try {
        modals().answerWith((request) => (/credential helper/.test(request.message) ? 'Use Credential Helper' : undefined));
        const login = Promise.resolve(vscode.commands.executeCommand('ecr.loginDockerCli', { registryKey: REGISTRY_KEY }));
        const choice = await quickPickShown('the login choice', `Log the docker CLI in to ${ECR_HOST}`);
        assert.deepEqual(choice.items.filter((item) => /^(Use the ECR|Log in with)/.test(item)), ['Use the ECR credential helper', 'Log in with a 12-hour token'], 'the helper first');
        await screenshot('policies-login-choice');
        await typeKeys('', 'Enter');
        assert.equal(await login, true);

        const asked = modals().shown().at(-1);
        assert.equal(asked?.message, `Write the credential helper for ${ECR_HOST} to docker's config?`);
        assert.match(asked?.detail ?? '', /credHelpers\["123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com"\] = "ecr-login"/);
        assert.match(asked?.detail ?? '', /The plain-text token an earlier "docker login" stored/);
        const diff = vscode.workspace.textDocuments.filter((document) => document.uri.scheme === 'ecr-docker-config');
        assert.equal(diff.length, 2, 'the change was shown as a diff');
        assert.ok(diff.every((document) => !document.getText().includes(token)), 'the diff never shows the token');
        assert.ok(diff.some((document) => document.getText().includes('<secret removed from view>')));
        await screenshot('policies-login-diff');

        const written = readFileSync(path.join(dir, 'config.json'), 'utf8');
        const config = JSON.parse(written);
        assert.deepEqual(config.credHelpers, { [ECR_HOST]: 'ecr-login' });
        assert.equal(config.auths, undefined, 'no auths entry left');
        assert.ok(!written.includes(token));
        assert.equal(config.currentContext, 'default', 'other settings kept');
      } finally {
        if (previous === undefined) delete process.env.DOCKER_CONFIG;
        else process.env.DOCKER_CONFIG = previous;
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      }
    });
  });
});
