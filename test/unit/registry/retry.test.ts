import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient } from '../../../src/core/registry/client';
import { RegistryError } from '../../../src/core/registry/errors';
import { classifyFailure, isRetryableStatus, retryAfterMs, retryDelay, retryText, withRetry, type RetryNotice } from '../../../src/core/registry/retry';

const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'x', digest: 'sha256:00', size: 1 }, layers: [] });
const FAST = { attempts: 5, baseDelayMs: 1, maxDelayMs: 5000, random: () => 0.5 };

describe('retry policy', () => {
  it('retries 408, 429 and 5xx, never a 4xx that means the request is wrong, nor 501 and 505', () => {
    for (const status of [408, 429, 500, 502, 503, 504]) assert.ok(isRetryableStatus(status), String(status));
    for (const status of [400, 401, 403, 404, 405, 409, 412, 413, 416, 501, 505]) assert.ok(!isRetryableStatus(status), String(status));
  });

  it('backs off exponentially with jitter, capped, and never waits less than a Retry-After asks (capped too)', () => {
    const policy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 8000 };
    assert.equal(retryDelay({ ...policy, random: () => 0 }, 1), 500);
    assert.equal(retryDelay({ ...policy, random: () => 1 }, 1), 1000);
    assert.equal(retryDelay({ ...policy, random: () => 1 }, 3), 4000);
    assert.equal(retryDelay({ ...policy, random: () => 1 }, 10), 8000, 'capped');
    assert.equal(retryDelay({ ...policy, random: () => 0 }, 1, 3000), 3000, 'Retry-After honoured');
    assert.equal(retryDelay({ ...policy, random: () => 0 }, 1, 60_000), 8000, 'a Retry-After past the cap is capped');
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 5)).toUTCString(), Date.UTC(2030, 0, 1)), 5000);
    assert.equal(retryAfterMs('soon'), undefined);
  });

  it('says what it retries, why, when and which attempt', async () => {
    const notices: RetryNotice[] = [];
    let calls = 0;
    const result = await withRetry(
      'PUT manifest team/app:1.0',
      async () => {
        calls++;
        if (calls < 2) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        return 'done';
      },
      { policy: { attempts: 5, baseDelayMs: 2000, maxDelayMs: 20_000, random: () => 1 }, onRetry: (notice) => notices.push(notice), classify: (error) => ({ ...classifyFailure(error) }), signal: undefined },
    ).catch((error) => error);
    assert.equal(result, 'done');
    assert.equal(retryText(notices[0]), 'PUT manifest team/app:1.0: ECONNRESET; retrying in 2 s, attempt 2 of 5');
    assert.equal(notices.length, 1);
  });

  it('stops after the attempts the policy allows and throws the last failure', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry('x', async () => {
        calls++;
        throw Object.assign(new Error('HTTP 503'), { status: 503 });
      }, { policy: FAST }),
      /HTTP 503/,
    );
    assert.equal(calls, 5);
  });

  it('a cancel during a wait ends it at once, with the cancel', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = withRetry('x', async () => Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), { policy: { attempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 }, signal: controller.signal, onRetry: () => controller.abort(new Error('cancelled by the user')) });
    await assert.rejects(running, /cancelled by the user/);
    assert.ok(Date.now() - started < 5000);
  });
});

describe('registry client under the retry policy', () => {
  it('retries a 503 and a reset, then answers; a 404 or 403 is not retried', async () => {
    const answers: Array<() => Response> = [
      () => new Response('<html>unavailable</html>', { status: 503 }),
      () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNRESET' } });
      },
      () => new Response(manifest, { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } }),
    ];
    let calls = 0;
    const notices: RetryNotice[] = [];
    const client = new RegistryClient({ host: '127.0.0.1:5000', fetch: (async () => answers[calls++]()) as typeof fetch, retry: FAST, onRetry: (notice) => notices.push(notice) });
    const got = await client.getManifest('team/app', '1.0');
    assert.equal(got.bytes.toString(), manifest);
    assert.deepEqual(notices.map((notice) => notice.reason), ['HTTP 503', 'ECONNRESET']);

    let denied = 0;
    const refusing = new RegistryClient({ host: '127.0.0.1:5000', fetch: (async () => (denied++, new Response('{"errors":[{"code":"DENIED"}]}', { status: 403 }))) as typeof fetch, retry: FAST });
    await assert.rejects(refusing.getManifest('team/app', '1.0'), (error: RegistryError) => error.code === 'DENIED');
    assert.equal(denied, 1);
  });

  it('a 429 carries its Retry-After to the policy', async () => {
    let calls = 0;
    const notices: RetryNotice[] = [];
    const client = new RegistryClient({
      host: '127.0.0.1:5000',
      fetch: (async () => (calls++ === 0 ? new Response('', { status: 429, headers: { 'retry-after': '0' } }) : new Response(null, { status: 200, headers: { 'docker-content-digest': 'sha256:ab', 'content-type': 'x' } }))) as typeof fetch,
      retry: { ...FAST, baseDelayMs: 1000, random: () => 0 },
      onRetry: (notice) => notices.push(notice),
    });
    // Retry-After: 0 with base 1 s and no jitter: the policy's own 500 ms, since it never waits less than its backoff.
    await client.headManifest('team/app', '1.0');
    assert.equal(notices[0].reason, 'HTTP 429');
    assert.equal(notices[0].delayMs, 500);
  });
});
