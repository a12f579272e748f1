import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { BuildRun, buildAndPush, buildImage, checkRequest, gateRepository, type BuildPushReporter } from '../../../src/core/docker/buildAndPush';
import type { DockerStreamEvent } from '../../../src/core/docker/dockerStream';
import type { DockerEngine, EngineBuildOptions, RegistryAuth } from '../../../src/core/docker/engine';
import type { RepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { RepositoryMissingError } from '../../../src/core/ecr/ecrRepository';

const STALE = 'stale-password-000000000000';
const FRESH = 'fresh-password-111111111111';
const DIGEST = `sha256:${'e'.repeat(64)}`;
const LAYER = 'aaaaaaaaaaaa';

function workspace(dockerfile = 'FROM aqueducthq/function310:0.3.6\nRUN echo hi\n') {
  const root = mkdtempSync(path.join(os.tmpdir(), 'flow-'));
  writeFileSync(path.join(root, 'Dockerfile'), dockerfile);
  return root;
}

const goodBuild: DockerStreamEvent[] = [
  { stream: 'Step 1/2 : FROM aqueducthq/function310:0.3.6\n' },
  { stream: 'Step 2/2 : RUN echo hi\n' },
  { stream: 'hi\n' },
  { aux: { ID: 'sha256:built' } },
  { stream: 'Successfully built 0123456789ab\n' },
];
const goodPush: DockerStreamEvent[] = [
  { status: 'The push refers to repository [registry/op]' },
  { status: 'Preparing', id: LAYER },
  { status: 'Pushing', id: LAYER, progressDetail: { current: 50, total: 100 } },
  { status: 'Pushed', id: LAYER },
  { status: `latest: digest: ${DIGEST} size: 527` },
  { aux: { Tag: 'latest', Digest: DIGEST, Size: 527 } },
];

/** A scripted engine: each push call takes the next script (events, or events then a thrown error). */
function fakeEngine(options: { build?: DockerStreamEvent[]; pushes: Array<DockerStreamEvent[] | ((auth: RegistryAuth, signal?: AbortSignal) => AsyncIterable<DockerStreamEvent>)> }) {
  const calls = { build: 0, push: [] as RegistryAuth[], tags: [] as string[] };
  const engine: DockerEngine = {
    host: { host: 'unix:///fake.sock', source: 'DOCKER_HOST', looked: ['DOCKER_HOST: unix:///fake.sock'] },
    async ping() {},
    async *build(context: Readable) {
      calls.build++;
      context.resume();
      yield* options.build ?? goodBuild;
    },
    async tag(_image, _repository, tag) {
      calls.tags.push(tag);
    },
    push(_repository, _tag, auth, signal) {
      calls.push.push(auth);
      const script = options.pushes.shift();
      if (!script) throw new Error('unexpected push');
      if (typeof script === 'function') return script(auth, signal);
      return (async function* () {
        yield* script;
      })();
    },
    pull() {
      throw new Error('build and push never pulls');
    },
    async inspectImage() {
      return { id: 'sha256:built', size: 2_000_000, repoDigests: [] };
    },
  };
  return { engine, calls };
}

function recorder() {
  const text: string[] = [];
  const reporter: BuildPushReporter = {
    line: (line) => text.push(line),
    note: (line) => text.push(line),
    live: (lines) => text.push(...lines),
    endLive: () => {},
    phase: (message) => text.push(message),
  };
  return { reporter, text };
}

function authSource() {
  const requests: boolean[] = [];
  return {
    requests,
    auth: async ({ forceRefresh }: { forceRefresh: boolean }) => {
      requests.push(forceRefresh);
      return { username: 'AWS', password: forceRefresh ? FRESH : STALE, registryHost: 'registry.test:5000' };
    },
  };
}

const gate = (overrides: Partial<RepositoryGate> = {}): RepositoryGate => ({
  ensureRepository: async () => ({ created: false, immutable: false }),
  existingTags: async () => [],
  ...overrides,
});

const request = (root: string, extra: Partial<Parameters<typeof buildAndPush>[0]> = {}) => ({
  dockerfile: path.join(root, 'Dockerfile'),
  context: root,
  repository: 'team/op',
  tags: ['latest'],
  createRepository: true,
  ...extra,
});

describe('buildAndPush flow', () => {
  it('a refused token is refreshed once and the push retried; the password never shows', async () => {
    const { engine, calls } = fakeEngine({
      pushes: [[{ status: 'Preparing', id: LAYER }, { errorDetail: { message: `unauthorized: authentication required (password ${STALE})` } }], goodPush],
    });
    const { reporter, text } = recorder();
    const source = authSource();
    const outcome = await buildAndPush(request(workspace()), { engine, auth: source.auth, repositories: gate(), reporter });
    assert.equal(outcome.status, 'succeeded');
    assert.equal(outcome.status === 'succeeded' && outcome.imageUri, `registry.test:5000/team/op@${DIGEST}`);
    assert.deepEqual(source.requests, [false, true]);
    assert.deepEqual(calls.push.map((auth) => auth.password), [STALE, FRESH]);
    assert.ok(text.some((line) => line.startsWith('The registry refused the token')));
    assert.ok(!text.join('\n').includes(STALE) && !text.join('\n').includes(FRESH), 'no password in any output');
  });

  it('a token refused twice is reported as push denied', async () => {
    const denied = [{ errorDetail: { message: 'denied: Your authorization token has expired. Reauthenticate and try again.' } }];
    const { engine } = fakeEngine({ pushes: [denied, denied] });
    const outcome = await buildAndPush(request(workspace()), { engine, auth: authSource().auth, repositories: gate(), reporter: recorder().reporter });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.status === 'failed' && outcome.failure.kind, 'push-denied');
    assert.match(outcome.status === 'failed' ? outcome.failure.message : '', /authorization token has expired.*ecr:PutImage/s);
  });

  it('connection resets are retried with backoff, then given up on', async () => {
    const reset = async function* (): AsyncGenerator<DockerStreamEvent> {
      yield { status: 'Preparing', id: LAYER };
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    };
    const recovered = fakeEngine({ pushes: [reset, () => reset(), goodPush] });
    const { reporter, text } = recorder();
    const outcome = await buildAndPush(request(workspace()), { engine: recovered.engine, auth: authSource().auth, repositories: gate(), reporter, retry: { attempts: 3, baseDelayMs: 1 } });
    assert.equal(outcome.status, 'succeeded');
    assert.deepEqual(text.filter((line) => line.startsWith('The push failed')).map((line) => /retrying in [\d.]+ s, attempt (\d) of 4/.exec(line)?.[1]), ['2', '3']);

    const hopeless = fakeEngine({ pushes: [reset, reset, reset] });
    const failed = await buildAndPush(request(workspace()), { engine: hopeless.engine, auth: authSource().auth, repositories: gate(), reporter: recorder().reporter, retry: { attempts: 2, baseDelayMs: 1 } });
    assert.equal(failed.status === 'failed' && failed.failure.kind, 'registry-unavailable');
    assert.match(failed.status === 'failed' ? failed.failure.message : '', /ECONNRESET.*3 attempts.*not of your credentials/);
  });

  it('a failed RUN step fails the build with its line and output, and nothing is pushed', async () => {
    const { engine, calls } = fakeEngine({
      build: [
        { stream: 'Step 1/2 : FROM aqueducthq/function310:0.3.6\n' },
        { stream: 'Step 2/2 : RUN echo hi\n' },
        { stream: 'sh: pip: not found\n' },
        { errorDetail: { code: 127, message: "The command '/bin/sh -c echo hi' returned a non-zero code: 127" } },
      ],
      pushes: [],
    });
    const outcome = await buildAndPush(request(workspace()), { engine, auth: authSource().auth, repositories: gate(), reporter: recorder().reporter });
    assert.equal(outcome.status, 'failed');
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.failure.kind, 'build-failed');
    assert.equal(outcome.failure.build?.line, 1);
    assert.deepEqual(outcome.failure.build?.output, ['sh: pip: not found']);
    assert.equal(outcome.failure.message, "Build failed at Step 2/2 : RUN echo hi (Dockerfile line 2): The command '/bin/sh -c echo hi' returned a non-zero code: 127");
    assert.equal(calls.push.length, 0);
  });

  it('an immutable tag that exists is refused before building', async () => {
    const { engine, calls } = fakeEngine({ pushes: [] });
    const outcome = await buildAndPush(request(workspace(), { tags: ['v1', 'v2'] }), {
      engine,
      auth: authSource().auth,
      repositories: gate({ ensureRepository: async () => ({ created: false, immutable: true }), existingTags: async (_name, tags) => tags.filter((tag) => tag === 'v1') }),
      reporter: recorder().reporter,
    });
    assert.equal(outcome.status === 'failed' && outcome.failure.kind, 'immutable-tag');
    assert.match(outcome.status === 'failed' ? outcome.failure.message : '', /Tag\(s\) "v1" already exist in team\/op, whose tags are immutable/);
    assert.equal(calls.build, 0);
  });

  it('an excluded tag of an IMMUTABLE_WITH_EXCLUSION repository may be pushed again; the filter that decided is named', async () => {
    const { engine, calls } = fakeEngine({ pushes: [goodPush, goodPush] });
    const asked: string[][] = [];
    const { reporter, text } = recorder();
    const outcome = await buildAndPush(request(workspace(), { tags: ['latest', 'v7'] }), {
      engine,
      auth: authSource().auth,
      repositories: gate({
        ensureRepository: async () => ({ created: false, immutable: true, tagMutability: { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: [{ filterType: 'WILDCARD', filter: 'lat*' }] } }),
        existingTags: async (_name, tags) => (asked.push(tags), tags.filter((tag) => tag === 'latest')),
      }),
      reporter,
    });
    assert.equal(outcome.status, 'succeeded', text.join('\n'));
    assert.deepEqual(asked, [['v7']], 'only the immutable tag is checked');
    assert.ok(text.includes('Tag mutability: "latest" matches the exclusion filter "lat*", so it is mutable (IMMUTABLE_WITH_EXCLUSION).'), text.join('\n'));
    assert.equal(calls.build, 1);
  });

  it('a non-excluded tag that exists is refused before building, naming the filters it missed', async () => {
    const { engine, calls } = fakeEngine({ pushes: [] });
    const outcome = await buildAndPush(request(workspace(), { tags: ['v1'] }), {
      engine,
      auth: authSource().auth,
      repositories: gate({
        ensureRepository: async () => ({ created: false, immutable: true, tagMutability: { mode: 'IMMUTABLE_WITH_EXCLUSION', exclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest' }, { filterType: 'WILDCARD', filter: 'dev-*' }] } }),
        existingTags: async (_name, tags) => tags,
      }),
      reporter: recorder().reporter,
    });
    assert.equal(outcome.status === 'failed' && outcome.failure.message,
      'Tag(s) "v1" already exist in team/op and are immutable there: "v1" matches none of the exclusion filters "latest", "dev-*", so it is immutable (IMMUTABLE_WITH_EXCLUSION). ECR refuses to overwrite them. Push under a new tag, or change the repository\'s exclusion filters.');
    assert.equal(calls.build, 0);
  });

  it('a MUTABLE_WITH_EXCLUSION repository refuses only the tags its filters protect', async () => {
    const { engine, calls } = fakeEngine({ pushes: [] });
    const outcome = await buildAndPush(request(workspace(), { tags: ['latest', 'release-2'] }), {
      engine,
      auth: authSource().auth,
      repositories: gate({
        ensureRepository: async () => ({ created: false, immutable: false, tagMutability: { mode: 'MUTABLE_WITH_EXCLUSION', exclusionFilters: [{ filterType: 'WILDCARD', filter: 'release-*' }] } }),
        existingTags: async (_name, tags) => tags,
      }),
      reporter: recorder().reporter,
    });
    assert.equal(outcome.status === 'failed' && outcome.failure.kind, 'immutable-tag');
    assert.match(outcome.status === 'failed' ? outcome.failure.message : '', /^Tag\(s\) "release-2" already exist in team\/op and are immutable there: "release-2" matches the exclusion filter "release-\*", so it is immutable \(MUTABLE_WITH_EXCLUSION\)\./);
    assert.equal(calls.build, 0);
  });

  it('a missing repository with creation off is a clear failure', async () => {
    const { engine } = fakeEngine({ pushes: [] });
    const outcome = await buildAndPush(request(workspace(), { createRepository: false }), {
      engine,
      auth: authSource().auth,
      repositories: gate({ ensureRepository: async (name) => { throw new RepositoryMissingError(name); } }),
      reporter: recorder().reporter,
    });
    assert.equal(outcome.status === 'failed' && outcome.failure.kind, 'repository-missing');
    assert.match(outcome.status === 'failed' ? outcome.failure.message : '', /"team\/op" does not exist in ECR and "createRepository" is false/);
  });

  it('cancelling during the push reports cancelled, never success', async () => {
    const controller = new AbortController();
    const endless = async function* (_auth: RegistryAuth, signal?: AbortSignal): AsyncGenerator<DockerStreamEvent> {
      yield { status: 'Pushing', id: LAYER, progressDetail: { current: 1, total: 100 } };
      controller.abort();
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (signal?.aborted) throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
      yield* goodPush;
    };
    const { engine } = fakeEngine({ pushes: [endless] });
    const { reporter, text } = recorder();
    const outcome = await buildAndPush(request(workspace()), { engine, auth: authSource().auth, repositories: gate(), reporter, signal: controller.signal });
    assert.equal(outcome.status, 'cancelled');
    assert.equal(outcome.status === 'cancelled' && outcome.phase, 'push');
    assert.ok(text.some((line) => line.startsWith('Cancelled during the push')));
    assert.ok(!text.some((line) => line.startsWith('Pushed ')));
  });

  it('tags are validated before anything runs', async () => {
    const { engine, calls } = fakeEngine({ pushes: [] });
    const outcome = await buildAndPush(request(workspace(), { tags: ['latest', '-bad', 'a:b'] }), { engine, auth: authSource().auth, reporter: recorder().reporter });
    assert.equal(outcome.status === 'failed' && outcome.failure.kind, 'invalid-input');
    assert.match(outcome.status === 'failed' ? outcome.failure.message : '', /"-bad", "a:b"/);
    assert.equal(calls.build, 0);
  });
});

describe('buildAndPush steps, each alone', () => {
  it('checkRequest reads the Dockerfile and the secrets, and registers each value with the redactor', async () => {
    const root = workspace();
    writeFileSync(path.join(root, 'token'), 'step-secret-value-123\n');
    const { reporter } = recorder();
    const run = new BuildRun(request(root, { builder: 'buildkit', secrets: [{ id: 'token', src: path.join(root, 'token') }] }), { engine: fakeEngine({ pushes: [] }).engine, auth: authSource().auth, reporter });
    const checked = await checkRequest(run);
    assert.match(checked.dockerfileText, /^FROM aqueducthq/);
    assert.deepEqual(checked.secrets.map((secret) => [secret.id, secret.value.toString()]), [['token', 'step-secret-value-123\n']]);
    assert.equal(run.scrub('printed step-secret-value-123 here'), 'printed *** here');
  });

  it('checkRequest refuses a secret whose file is missing, naming the secret, before Docker is asked', async () => {
    const root = workspace();
    const { engine, calls } = fakeEngine({ pushes: [] });
    const out = recorder();
    const outcome = await buildAndPush(request(root, { builder: 'buildkit', secrets: [{ id: 'npmrc', src: path.join(root, 'missing') }] }), { engine, auth: authSource().auth, reporter: out.reporter });
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.status === 'failed' && outcome.failure.kind, 'invalid-input');
    assert.match(out.text.at(-1) ?? '', /^ERROR: The build secret "npmrc" reads .*missing, which does not exist\.$/);
    assert.equal(calls.build, 0);
  });

  it('gateRepository says which filter decided and refuses an immutable tag that exists', async () => {
    const out = recorder();
    const run = new BuildRun(request(workspace(), { tags: ['v1'] }), {
      engine: fakeEngine({ pushes: [] }).engine,
      auth: authSource().auth,
      reporter: out.reporter,
      repositories: gate({ ensureRepository: async () => ({ created: true, immutable: true }), existingTags: async (_name, tags) => tags }),
    });
    await assert.rejects(gateRepository(run), /Tag\(s\) "v1" already exist in team\/op, whose tags are immutable/);
    assert.ok(out.text.includes('Created repository team/op in ECR.'));
  });

  it('buildImage hands the engine the request\'s build options, spread, with the secrets\' values', async () => {
    const root = workspace();
    const seen: EngineBuildOptions[] = [];
    const { engine } = fakeEngine({ pushes: [] });
    engine.build = async function* (context, options) {
      seen.push(options);
      context.resume();
      yield* goodBuild;
    };
    const run = new BuildRun(request(root, { buildArgs: { A: '1' }, target: 'app', network: 'none', builder: 'buildkit', noCache: true }), { engine, auth: authSource().auth, reporter: recorder().reporter });
    await run.refreshAuth(false);
    await buildImage(run, { dockerfileText: 'FROM x\n', secrets: [{ id: 's', value: Buffer.from('v') }] });
    const { tag, dockerfile, ...options } = seen[0];
    assert.equal(tag, 'registry.test:5000/team/op:latest');
    assert.equal(dockerfile, 'Dockerfile');
    assert.deepEqual(options, { buildArgs: { A: '1' }, target: 'app', network: 'none', builder: 'buildkit', noCache: true, secrets: [{ id: 's', value: Buffer.from('v') }], registryAuth: [] });
  });

  it('buildImage sends the base images\' registries their tokens (the push registry\'s, a connected ECR registry\'s), none elsewhere, and never prints one', async () => {
    const root = workspace();
    const seen: EngineBuildOptions[] = [];
    const { engine } = fakeEngine({ pushes: [] });
    engine.build = async function* (context, options) {
      seen.push(options);
      context.resume();
      // An engine that echoes what it was given (as a failing pull might, with a URL carrying it).
      yield { stream: `credentials ${options.registryAuth?.map((auth) => auth.password).join(' ')}\n` };
      yield* goodBuild;
    };
    const output = recorder();
    const ecrHost = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
    const baseRegistries = [{ accountId: '123456789012', region: 'us-east-1', auth: async () => ({ username: 'AWS', password: 'base-token-123', registryHost: ecrHost }) }];
    const run = new BuildRun(request(root), { engine, auth: authSource().auth, reporter: output.reporter, baseRegistries });
    await run.refreshAuth(false);
    const dockerfileText = `FROM registry.test:5000/team/base:1 AS one\nFROM ${ecrHost}/docker-hub/library/alpine:3\nFROM ghcr.io/someone/tool:1\n`;
    await buildImage(run, { dockerfileText, secrets: [] });
    assert.deepEqual(seen[0].registryAuth, [
      { username: 'AWS', password: STALE, registryHost: 'registry.test:5000' },
      { username: 'AWS', password: 'base-token-123', registryHost: ecrHost },
    ]);
    assert.ok(output.text.includes(`Base images from registry.test:5000, ${ecrHost} are pulled with their registry's ECR token.`), output.text.join('\n'));
    assert.ok(!output.text.some((line) => line.includes('base-token-123') || line.includes(STALE)), output.text.join('\n'));
  });
});
