import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withRegistryRetries } from '../../../src/core/docker/registryRetry';
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
});
