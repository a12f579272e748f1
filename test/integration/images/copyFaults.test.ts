/**
 * Copy under faults (issue 21), through the fault proxy (test/stack/faultProxy.ts) between the copy
 * and the stack's registry or a second registry: an index made outside by buildah, with a cosign
 * `.sig` tag and a sigstore bundle behind the referrers fallback tag. Each copy either succeeds
 * through the faults it should survive, or fails with the true cause; and the registry is then
 * looked at with plain HTTP (not through the extension's client) to see that it holds what the
 * result or the message says.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { copyImage, CopyCancelledError, CopyFailedError } from '../../../src/core/images/copy';
import { RegistryClient } from '../../../src/core/registry/client';
import type { RetryNotice } from '../../../src/core/registry/retry';
import { startFaultProxy, type FaultProxy } from '../../stack/faultProxy';
import { startSecondRegistry, type SecondRegistry } from '../../support/registries';
import { MOTO_REGISTRY_PASSWORD, stackFor } from '../../support/stack';
import { digestAt, pushOutsideImages, type OutsideImages } from './faultImages';
import { createRepository, imagesStack, type ImagesStack } from './setup';

const { env, skip } = stackFor('moto', 'registry', 'docker');
const run = randomBytes(3).toString('hex');
const SOURCE = `faults-${run}/src`;
// Short waits, the same policy: five attempts, capped exponential backoff with jitter.
const RETRY = { attempts: 5, baseDelayMs: 20, maxDelayMs: 2000 };

describe('copy under faults', { skip }, () => {
  let stack: ImagesStack;
  let images: OutsideImages;
  let proxy: FaultProxy;
  let second: SecondRegistry;
  let secondProxy: FaultProxy;
  const through = (host: string, notices?: RetryNotice[]) =>
    new RegistryClient({ host, credentials: async () => ({ username: 'AWS', password: stack.password }), retry: RETRY, onRetry: (notice) => notices?.push(notice) });
  const gate = () => ecrRepositoryGate(stack.ecr);
  const secondClient = (notices: RetryNotice[]) =>
    new RegistryClient({ host: secondProxy.host, credentials: async () => ({ username: 'AWS', password: MOTO_REGISTRY_PASSWORD }), retry: RETRY, onRetry: (notice) => notices.push(notice) });

  before(async () => {
    stack = await imagesStack(env);
    await createRepository(stack.ecr, SOURCE);
    images = await pushOutsideImages(env.registryHost, stack.password, stack.registry(), SOURCE);
    proxy = await startFaultProxy(env.registryHost);
    second = await startSecondRegistry(MOTO_REGISTRY_PASSWORD);
    secondProxy = await startFaultProxy(second.host);
  });

  after(async () => {
    await proxy?.close();
    await secondProxy?.close();
    await second?.stop();
  });

  const holdsAll = async (host: string, repository: string) => {
    for (const digest of images.all) assert.equal(await digestAt(host, stack.password, repository, digest), digest, `${repository} has ${digest}`);
    const hex = images.index.slice('sha256:'.length);
    assert.equal(await digestAt(host, stack.password, repository, `sha256-${hex}.sig`), images.signature, 'the cosign .sig tag came along');
    assert.equal(await digestAt(host, stack.password, repository, `sha256-${hex}`), images.fallbackIndex, 'the referrers fallback tag came along');
  };

  it('with half of the connections reset (every other request, after 32 bytes of the answer), three copies in a row of the index with its attachments all succeed', async () => {
    proxy.set([{ every: 2, action: { kind: 'reset', afterBytes: 32 } }]);
    const notices: RetryNotice[] = [];
    for (let copy = 1; copy <= 3; copy++) {
      const repository = `faults-${run}/half-reset-${copy}`;
      const result = await copyImage({
        source: { client: through(proxy.host, notices), repository: SOURCE, reference: '1.0' },
        target: { client: through(proxy.host, notices), repository, tags: ['1.0'] },
        gate: gate(),
      });
      assert.equal(result.digest, images.index);
      assert.equal(result.attachments.manifests, 3, 'signature, bundle and the fallback index');
      assert.equal(await digestAt(env.registryHost, stack.password, repository, '1.0'), images.index, `copy ${copy}: the tag names the index at the registry`);
      await holdsAll(env.registryHost, repository);
    }
    assert.ok(proxy.hits() > 20, `faults were injected (${proxy.hits()})`);
    assert.ok(notices.length > 0 && notices.every((notice) => notice.attempt >= 2 && notice.attempts === 5));
  });

  it('a single platform image, streamed, survives its layer downloads being reset after 64 KiB', async () => {
    const repository = `faults-${run}/single`;
    const notices: RetryNotice[] = [];
    proxy.set([{ method: 'GET', path: /\/blobs\/sha256:/, nth: [1, 2], action: { kind: 'reset', afterBytes: 64 * 1024 } }]);
    const result = await copyImage({
      source: { client: through(proxy.host, notices), repository: SOURCE, reference: images.platforms[0] },
      target: { client: through(proxy.host, notices), repository, tags: ['single'] },
      gate: gate(),
      mount: false,
    });
    assert.equal(proxy.hits(), 2);
    assert.ok(notices.some((notice) => /copy of blob/.test(notice.what)));
    assert.equal(result.blobs.streamed, 2, 'config and layer streamed');
    assert.equal(await digestAt(env.registryHost, stack.password, repository, 'single'), images.platforms[0]);
  });

  it('reports success when every answer to the tag write is lost after the write (the tag names the digest)', async () => {
    const repository = `faults-${run}/lost-answer`;
    proxy.set([{ method: 'PUT', path: /\/manifests\/1\.0$/, nth: [1, 2, 3, 4, 5], action: { kind: 'reset', afterBytes: 1 } }]);
    const result = await copyImage({
      source: { client: through(proxy.host), repository: SOURCE, reference: '1.0' },
      target: { client: through(proxy.host), repository, tags: ['1.0'] },
      gate: gate(),
    });
    assert.equal(proxy.hits(), 5, 'every attempt at the tag lost its answer');
    assert.match(result.recovered ?? '', /unreachable|ECONNRESET|socket/i, 'the result says what went wrong on the way');
    assert.equal(await digestAt(env.registryHost, stack.password, repository, '1.0'), images.index);
  });

  it('with 15 % of the requests answered 503, the copy succeeds', async () => {
    const repository = `faults-${run}/some-503`;
    proxy.set([{ rate: 0.15, action: { kind: 'status', status: 503, body: 'Service Unavailable' } }]);
    const result = await copyImage({
      source: { client: through(proxy.host), repository: SOURCE, reference: '1.0' },
      target: { client: through(proxy.host), repository, tags: ['1.0'] },
      gate: gate(),
    });
    assert.ok(proxy.hits() > 0);
    assert.equal(result.digest, images.index);
    await holdsAll(env.registryHost, repository);
  });

  it('waits as long as a 429 Retry-After asks, then goes on', async () => {
    const repository = `faults-${run}/throttled`;
    const notices: RetryNotice[] = [];
    proxy.set([{ method: 'GET', path: /\/manifests\/1\.0$/, nth: 1, action: { kind: 'status', status: 429, retryAfter: 1, body: '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}' } }]);
    await copyImage({
      source: { client: through(proxy.host, notices), repository: SOURCE, reference: '1.0' },
      target: { client: through(proxy.host), repository, tags: ['1.0'] },
      gate: gate(),
    });
    assert.equal(notices.length, 1);
    assert.equal(notices[0].reason, 'HTTP 429');
    assert.ok(notices[0].delayMs >= 1000, `waited ${notices[0].delayMs} ms for Retry-After: 1`);
    assert.equal(await digestAt(env.registryHost, stack.password, repository, '1.0'), images.index);
  });

  it('when every tag write is answered 503 it fails as the registry being unavailable, and removes the manifests and the repository it created', async () => {
    const repository = `faults-${run}/always-503`;
    proxy.set([{ method: 'PUT', path: /\/manifests\/1\.0$/, rate: 1, action: { kind: 'status', status: 503, body: '<html>503 Service Unavailable</html>' } }]);
    const failure = await copyImage({
      source: { client: through(proxy.host), repository: SOURCE, reference: '1.0' },
      target: { client: through(proxy.host), repository, tags: ['1.0'] },
      gate: gate(),
    }).then(
      () => assert.fail('the copy cannot succeed'),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof CopyFailedError);
    assert.match(failure.message, /unavailable/i);
    assert.match(failure.message, /HTTP 503/);
    assert.doesNotMatch(failure.message, /denied|permission|credentials/i);
    assert.match(failure.message, /Nothing is left at the target: removed \d+ manifests it had written and the repository .* it had created/);
    assert.equal(proxy.hits(), RETRY.attempts, 'the tag write was tried as often as the policy allows');
    for (const digest of images.all) assert.equal(await digestAt(env.registryHost, stack.password, repository, digest), undefined, `${digest} was removed`);
    await assert.rejects(stack.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] })), /RepositoryNotFound/);
  });

  it('a request the registry refuses (403) is not retried and fails with its own cause', async () => {
    const repository = `faults-${run}/denied`;
    proxy.set([{ method: 'PUT', path: /\/manifests\//, rate: 1, action: { kind: 'status', status: 403, body: '{"errors":[{"code":"DENIED","message":"not allowed"}]}' } }]);
    await assert.rejects(
      copyImage({
        source: { client: through(proxy.host), repository: SOURCE, reference: '1.0' },
        target: { client: through(proxy.host), repository, tags: ['1.0'] },
        gate: gate(),
      }),
      (error: Error) => error instanceof CopyFailedError && /denied/i.test(error.message) && /not allowed/.test(error.message),
    );
    assert.equal(proxy.hits(), 1, 'one PUT, not retried');
    assert.equal(await digestAt(env.registryHost, stack.password, repository, '1.0'), undefined);
  });

  it('across registries, a chunked layer upload whose connection drops before a chunk arrives resumes from the offset the target acknowledges', async () => {
    secondProxy.set([{ method: 'PATCH', nth: 3, action: { kind: 'reset', afterBytes: 0 } }]);
    const notices: RetryNotice[] = [];
    const result = await copyImage({
      source: { client: through(proxy.host), repository: SOURCE, reference: '1.0' },
      target: { client: secondClient(notices), repository: 'team/resumed', tags: ['1.0'] },
      concurrency: 1,
      uploadMode: 'chunked',
      chunkSize: 512 * 1024,
    });
    assert.equal(secondProxy.hits(), 1);
    assert.ok(notices.some((notice) => /copy of blob/.test(notice.what)), 'the blob copy was retried');
    const cut = secondProxy.requests.findIndex((request) => request.fault);
    const session = (path: string) => path.split('?')[0];
    const after = secondProxy.requests.slice(cut + 1);
    const status = after.find((request) => request.method === 'GET' && session(request.path) === session(secondProxy.requests[cut].path));
    assert.equal(status?.status, 204, 'asked the upload session where it stands, and it knew');
    const next = after.find((request) => request.method === 'PATCH')!;
    assert.equal(session(next.path), session(secondProxy.requests[cut].path), 'went on in the same upload session');
    const finished = after.findIndex((request) => request.method === 'PUT' && session(request.path) === session(secondProxy.requests[cut].path));
    assert.ok(finished > 0, 'the same session was completed');
    assert.ok(!after.slice(0, finished).some((request) => request.method === 'POST'), 'no upload was begun again');
    assert.equal(result.digest, images.index);
    for (const digest of images.all) assert.equal(await digestAt(second.host, MOTO_REGISTRY_PASSWORD, 'team/resumed', digest), digest);
  });

  it('across registries, an upload cut mid-body is begun again where the registry dropped the session, and the copy succeeds', async () => {
    // Distribution 2.8 answers BLOB_UPLOAD_INVALID (404) for a session a broken PATCH left at another offset than its state.
    secondProxy.set([{ method: 'PATCH', nth: 1, action: { kind: 'reset', afterBytes: 1024 * 1024, of: 'request' } }]);
    const notices: RetryNotice[] = [];
    const result = await copyImage({
      source: { client: through(proxy.host), repository: SOURCE, reference: '1.0' },
      target: { client: secondClient(notices), repository: 'team/restarted', tags: ['1.0'] },
      concurrency: 1,
    });
    assert.equal(secondProxy.hits(), 1);
    assert.ok(notices.some((notice) => /copy of blob/.test(notice.what)));
    const cut = secondProxy.requests.findIndex((request) => request.fault);
    assert.ok(secondProxy.requests.slice(cut + 1).some((request) => request.method === 'POST'), 'a new upload session');
    assert.equal(result.digest, images.index);
    for (const digest of images.all) assert.equal(await digestAt(second.host, MOTO_REGISTRY_PASSWORD, 'team/restarted', digest), digest);
  });

  it('an early cancel is a cancel, and leaves nothing', async () => {
    const repository = `faults-${run}/cancelled`;
    const controller = new AbortController();
    proxy.set([{ method: 'GET', path: /\/manifests\/1\.0$/, nth: 1, action: { kind: 'delay', ms: 3000 } }]);
    const copying = copyImage({
      source: { client: through(proxy.host), repository: SOURCE, reference: '1.0' },
      target: { client: through(proxy.host), repository, tags: ['1.0'] },
      gate: gate(),
      signal: controller.signal,
    });
    while (!proxy.requests.some((request) => request.fault)) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await assert.rejects(copying, (error: Error) => error instanceof CopyCancelledError && /cancelled/.test(error.message) && /Nothing is left at the target/.test(error.message));
    await assert.rejects(stack.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [repository] })), /RepositoryNotFound/);
  });
});
