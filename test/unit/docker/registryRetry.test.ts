import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryUnavailableError, withRegistryRetries } from '../../../src/core/docker/registryRetry';
import { TokenCache } from '../../../src/core/ecr/tokenCache';

/** A TokenCache over a fake GetAuthorizationToken that issues password-number-1, -2, … */
function tokens() {
  let issued = 0;
  const cache = new TokenCache(async () => ({
    authorizationToken: Buffer.from(`AWS:password-number-${++issued}`).toString('base64'),
    proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com',
    expiresAt: new Date('2015-01-01'), // moto's: already "expired", which must not cause a refresh loop
  }));
  const auth = async (forceRefresh = false) => {
    const token = await cache.get('r', { forceRefresh });
    return { username: token.username, password: token.password, registryHost: 'registry.test' };
  };
  return { auth, issued: () => issued };
}

const options = async (source: ReturnType<typeof tokens>, lines: string[]) => ({
  what: 'push',
  auth: await source.auth(),
  refreshAuth: () => source.auth(true),
  retry: { attempts: 2, baseDelayMs: 1 },
  say: (line: string) => lines.push(line),
});

describe('registry retries (shared by push and pull)', () => {
  it('a refused token is refreshed through the token cache once, never in a loop', async () => {
    const source = tokens();
    const lines: string[] = [];
    const seen: string[] = [];
    await assert.rejects(
      withRegistryRetries(async (auth) => {
        seen.push(auth.password);
        throw new Error('unauthorized: authentication required');
      }, await options(source, lines)),
      /authentication required/,
    );
    assert.deepEqual(seen, ['password-number-1', 'password-number-2']);
    assert.equal(source.issued(), 2);
    assert.deepEqual(lines, ['The registry refused the token (unauthorized: authentication required); fetching a new one and retrying.']);
  });

  it('the refreshed token is used, and what the operation returns comes back', async () => {
    const source = tokens();
    let attempts = 0;
    const result = await withRegistryRetries(async (auth) => {
      if (attempts++ === 0) throw new Error('401 Unauthorized');
      return auth.password;
    }, await options(source, []));
    assert.equal(result, 'password-number-2');
  });

  it('a dropped connection is retried with back-off a few times; other errors are thrown at once', async () => {
    const source = tokens();
    const lines: string[] = [];
    let attempts = 0;
    await assert.rejects(
      withRegistryRetries(async () => {
        attempts++;
        throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      }, await options(source, lines)),
      /ECONNRESET/,
    );
    assert.equal(attempts, 3);
    assert.deepEqual(lines.map((line) => /attempt (\d) of 3/.exec(line)?.[1]), ['2', '3']);

    attempts = 0;
    await assert.rejects(
      withRegistryRetries(async () => {
        attempts++;
        throw new Error('denied: not allowed');
      }, await options(source, [])),
      /denied/,
    );
    assert.equal(attempts, 1);
    assert.equal(source.issued(), 1, 'no token refresh for anything but a refused token');
  });

  it('stops before starting when cancelled', async () => {
    const abort = new AbortController();
    abort.abort();
    let ran = false;
    await assert.rejects(withRegistryRetries(async () => (ran = true), { ...(await options(tokens(), [])), signal: abort.signal }));
    assert.equal(ran, false);
  });

  it('a 503 or 429 the engine passes on is retried with backoff; at the end it is the registry being unavailable, not a permission problem', async () => {
    const source = tokens();
    const lines: string[] = [];
    let attempts = 0;
    const result = await withRegistryRetries(async () => {
      if (attempts++ < 2) throw new Error(attempts === 1 ? 'received unexpected HTTP status: 503 Service Unavailable' : 'toomanyrequests: Rate exceeded');
      return 'pushed';
    }, await options(source, lines));
    assert.equal(result, 'pushed');
    assert.match(lines[0], /^The push failed \(received unexpected HTTP status: 503 Service Unavailable\); retrying in [\d.]+ s, attempt 2 of 3\.$/);
    assert.equal(source.issued(), 1, 'no token refresh for a server fault');

    await assert.rejects(
      withRegistryRetries(async () => Promise.reject(new Error('received unexpected HTTP status: 502 Bad Gateway')), await options(source, [])),
      (error: Error) => error instanceof RegistryUnavailableError && /502 Bad Gateway/.test(error.message) && /not of your credentials/.test(error.message),
    );
  });

  it('an "unauthorized" from the engine while the registry itself answers 503 is the registry\'s trouble: retried, never reported as denied', async () => {
    const source = tokens();
    const lines: string[] = [];
    const probed: string[] = [];
    await assert.rejects(
      withRegistryRetries(async () => Promise.reject(new Error('(HTTP code 500) server error - unauthorized: authentication required ')), {
        ...(await options(source, lines)),
        probe: async (auth) => (probed.push(auth.password), 503),
      }),
      (error: Error) => error instanceof RegistryUnavailableError && /HTTP 503 to \/v2\//.test(error.message),
    );
    assert.equal(probed.length, 3);
    assert.equal(source.issued(), 1, 'the token was not blamed');
    // When the registry answers 401 to the credentials, it is the token: refreshed once, as before.
    const refused = tokens();
    await assert.rejects(
      withRegistryRetries(async () => Promise.reject(new Error('unauthorized: authentication required')), { ...(await options(refused, [])), probe: async () => 401 }),
      /authentication required/,
    );
    assert.equal(refused.issued(), 2);
  });
});
