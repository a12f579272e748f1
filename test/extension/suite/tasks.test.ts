/**
 * The ecr-build task inside a real extension host: offered for a Dockerfile in the workspace, run
 * through "ECR: Build and Push Image…" (options skip the prompts), pushed to the test registry.
 * The harness's settings point the extension at moto, the local registry and the test engine.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { activateExtension, requireStack, screenshot, stack, transcripts, waitFor } from './harness';


const REGISTRY_PASSWORD = '123456789012-auth-token';
const run = randomBytes(3).toString('hex');
/** What the build-and-push test pushed, for the pull test after it. */
let pushedDigest: string | undefined;

/** The docker CLI against the test engine (DOCKER_HOST from the harness), for set-up only. */
function dockerCli(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('docker', args, { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: stack().dockerHost } });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function writeFile(relative: string, content: string | Uint8Array): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  const uri = vscode.Uri.joinPath(folder.uri, relative);
  await vscode.workspace.fs.writeFile(uri, typeof content === 'string' ? new TextEncoder().encode(content) : content);
  return uri;
}

describe('ecr-build task', function () {
  this.timeout(180_000);

  before(async function () {
    requireStack(this);
    await activateExtension();
  });

  it('offers one build task per Dockerfile in the workspace', async () => {
    await writeFile(`operators/tasks-${run}/Dockerfile`, 'FROM aqueducthq/function310:0.3.6\n');
    const tasks = await waitFor('the ecr-build task for the new Dockerfile', async () => {
      const all = await vscode.tasks.fetchTasks({ type: 'ecr-build' });
      return all.find((task) => task.definition.dockerfile === `operators/tasks-${run}/Dockerfile`);
    });
    assert.equal(tasks.definition.repository, `tasks-${run}`);
    assert.equal(tasks.source, 'ECR');
  });

  it('builds and pushes the Aqueduct Dockerfile, streaming the push into the terminal, and exits 0', async () => {
    await writeFile(`aqueduct-${run}/requirements.txt`, 'pandas==2.2.2\n');
    // A layer large enough that the push is on screen for the screenshot.
    await writeFile(`aqueduct-${run}/model.bin`, randomBytes(48 * 1024 * 1024));
    await writeFile(
      `aqueduct-${run}/Dockerfile`,
      'FROM aqueducthq/function310:0.3.6\nRUN echo "operator image" > /marker\nCOPY requirements.txt /opt/requirements.txt\nCOPY model.bin /opt/model.bin\n',
    );
    const before = transcripts().length;
    const exit = vscode.commands.executeCommand<number | undefined>('ecr.buildAndPush', {
      dockerfile: `aqueduct-${run}/Dockerfile`,
      repository: `aqueduct/ext-${run}`,
      tags: ['latest', 'ext-test'],
      registry: 'local',
    });
    // The command returns at once when it cannot start a task (no registry configured, say); when it
    // ran one, that task's transcript exists by the time the command returns.
    const notStarted = exit.then(async (code) => {
      if (transcripts().length === before) throw new Error(`ecr.buildAndPush ended (${code}) without starting a task`);
      return new Promise<never>(() => {});
    });
    const transcript = await Promise.race([waitFor('the build to start', () => transcripts().slice(before).at(-1), 30_000), notStarted]);
    await waitFor('the push to be on screen', () => transcript.phase?.startsWith('Pushing') || transcript.exitCode !== undefined, 120_000);
    await screenshot('build-push-terminal');
    const code = await exit;
    const text = transcript.lines.join('\n');
    assert.equal(code, 0, text);
    assert.equal(transcript.outcome, 'succeeded');
    const { registryHost } = stack();
    assert.match(text, new RegExp(`^Pushed ${registryHost}/aqueduct/ext-${run}@sha256:[0-9a-f]{64}$`, 'm'));
    assert.match(text, new RegExp(`tags: ${registryHost}/aqueduct/ext-${run}:latest, ${registryHost}/aqueduct/ext-${run}:ext-test`));
    assert.match(text, /^Step 2\/4 : RUN echo "operator image" > \/marker$/m);
    assert.ok(!text.includes(REGISTRY_PASSWORD), 'the registry password reached the terminal');
    pushedDigest = /@(sha256:[0-9a-f]{64})$/m.exec(text)?.[1];
  });

  it('pulls the pushed image back into the engine with "Pull Image", logging its layers, never the password', async () => {
    assert.ok(pushedDigest, 'the build-and-push test pushed an image');
    const { registryHost } = stack();
    const reference = `${registryHost}/aqueduct/ext-${run}:ext-test`;
    // Leave only the registry's copy: remove both local tags (and with them the image).
    const removed = dockerCli('image', 'rm', '--force', reference, `${registryHost}/aqueduct/ext-${run}:latest`);
    assert.equal(removed.status, 0, removed.output);
    assert.notEqual(dockerCli('image', 'inspect', reference).status, 0, 'the image is gone locally');

    const pulling = vscode.commands.executeCommand<{ status: string; reference?: string; digest?: string; upToDate?: boolean; message?: string; log: string[] }>('ecr.pullImage', {
      registryKey: 'local',
      repository: `aqueduct/ext-${run}`,
      tag: 'ext-test',
    });
    const outcome = await pulling;
    assert.equal(outcome.status, 'succeeded', outcome.message);
    assert.equal(outcome.reference, reference);
    assert.equal(outcome.digest, pushedDigest);
    assert.equal(outcome.upToDate, false);
    const inspected = dockerCli('image', 'inspect', '--format', '{{json .RepoDigests}}', reference);
    assert.equal(inspected.status, 0, inspected.output);
    assert.ok(inspected.output.includes(`${registryHost}/aqueduct/ext-${run}@${pushedDigest}`), inspected.output);
    // What the ECR log got: a line per layer as it finished, then the summary; no credentials.
    const logged = outcome.log.join('\n');
    assert.match(logged, /^[0-9a-f]{12}: Pull complete$/m, logged);
    assert.match(logged, new RegExp(`^Pulled ${reference.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: image [0-9a-f]{12}, [\\d.]+ MB, digest ${pushedDigest}$`, 'm'), logged);
    assert.ok(!logged.includes(REGISTRY_PASSWORD) && !logged.includes(Buffer.from(`AWS:${REGISTRY_PASSWORD}`).toString('base64')), logged);
    // The layer lines and the summary are in the ECR log.
    await vscode.commands.executeCommand('ecr.showLog');
    await screenshot('pull-log');
  });

  it('a failing RUN exits non-zero and puts a diagnostic on its Dockerfile line', async () => {
    const dockerfile = await writeFile(
      `broken-${run}/Dockerfile`,
      'FROM aqueducthq/function310:0.3.6\n\nRUN echo "about to fail" && exit 4\n',
    );
    const code = await vscode.commands.executeCommand<number | undefined>('ecr.buildAndPush', {
      dockerfile: `broken-${run}/Dockerfile`,
      repository: `aqueduct/broken-${run}`,
      tags: ['latest'],
      registry: 'local',
    });
    assert.equal(code, 1);
    const transcript = transcripts().at(-1);
    assert.match(transcript?.lines.join('\n') ?? '', /ERROR: Build failed at Step 2\/2 : RUN echo "about to fail" && exit 4 \(Dockerfile line 3\)/);
    const diagnostics = await waitFor('the ecr-build diagnostic', () => {
      const found = vscode.languages.getDiagnostics(dockerfile).filter((diagnostic) => diagnostic.source === 'ecr-build');
      return found.length ? found : undefined;
    });
    assert.equal(diagnostics[0].range.start.line, 2);
    assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(diagnostics[0].message, /returned a non-zero code: 4\nabout to fail/);
  });
});
