import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenCache, decodeAuthorizationToken, type RawAuthorization } from '../../../src/core/ecr/tokenCache';
import { SecretRedactor } from '../../../src/core/log';

const HOUR = 3600_000;
const encode = (password: string) => Buffer.from(`AWS:${password}`).toString('base64');

function fakeEcr(expiresAt: (now: number) => Date | undefined, clock: { now: number }) {
  let issued = 0;
  const fetch = async (): Promise<RawAuthorization> => {
    issued++;
    return { authorizationToken: encode(`password-number-${issued}`), proxyEndpoint: 'https://123456789012.dkr.ecr.us-east-1.amazonaws.com', expiresAt: expiresAt(clock.now) };
  };
  return { fetch, issued: () => issued };
}

describe('decodeAuthorizationToken', () => {
  it('splits base64 AWS:<password> at the first colon', () => {
    assert.deepEqual(decodeAuthorizationToken(encode('a:b:c')), { username: 'AWS', password: 'a:b:c' });
  });
  it('rejects a malformed token without echoing it', () => {
    assert.throws(() => decodeAuthorizationToken(Buffer.from('no-colon-here').toString('base64')), (error: Error) => {
      assert.match(error.message, /not base64 "AWS:<password>"/);
      assert.doesNotMatch(error.message, /no-colon-here/);
      return true;
    });
  });
});

describe('TokenCache', () => {
  it('reuses a 12-hour token and refreshes it 15 minutes before expiry', async () => {
    const clock = { now: Date.parse('2026-11-24T00:00:00Z') };
    const ecr = fakeEcr((now) => new Date(now + 12 * HOUR), clock);
    const cache = new TokenCache(ecr.fetch, { now: () => clock.now });
    assert.equal((await cache.get('r')).password, 'password-number-1');
    clock.now += 11 * HOUR;
    assert.equal((await cache.get('r')).password, 'password-number-1');
    clock.now += 46 * 60_000; // 11 h 46 min: inside the 15-minute margin
    assert.equal((await cache.get('r')).password, 'password-number-2');
    assert.equal(ecr.issued(), 2);
  });

  it("treats moto's 2015 expiry as valid for an hour instead of refreshing on every call", async () => {
    const clock = { now: Date.parse('2026-11-24T00:00:00Z') };
    const ecr = fakeEcr(() => new Date('2015-01-01T00:00:00Z'), clock);
    const cache = new TokenCache(ecr.fetch, { now: () => clock.now });
    for (let call = 0; call < 100; call++) await cache.get('r');
    assert.equal(ecr.issued(), 1, '100 calls, one token');
    clock.now += HOUR + 1;
    await cache.get('r');
    assert.equal(ecr.issued(), 2, 'the floor ends after an hour');
  });

  it('uses a nearly expired token for half its remaining life, not once per call', async () => {
    const clock = { now: 0 };
    const ecr = fakeEcr((now) => new Date(now + 4 * 60_000), clock);
    const cache = new TokenCache(ecr.fetch, { now: () => clock.now });
    await cache.get('r');
    clock.now += 60_000;
    await cache.get('r');
    assert.equal(ecr.issued(), 1);
  });

  it('keeps one token per registry and shares a fetch between concurrent callers', async () => {
    const clock = { now: 0 };
    const ecr = fakeEcr((now) => new Date(now + 12 * HOUR), clock);
    const cache = new TokenCache(ecr.fetch, { now: () => clock.now });
    const [a, b] = await Promise.all([cache.get('a'), cache.get('a')]);
    assert.equal(a, b);
    await cache.get('b');
    assert.equal(ecr.issued(), 2);
  });

  it('hands every password to the redactor before anyone can print it', async () => {
    const redactor = new SecretRedactor();
    const clock = { now: 0 };
    const ecr = fakeEcr((now) => new Date(now + 12 * HOUR), clock);
    const cache = new TokenCache(ecr.fetch, { now: () => clock.now, onSecret: (secret) => redactor.add(secret) });
    const token = await cache.get('r');
    assert.equal(redactor.redact(`docker login -p ${token.password}`), 'docker login -p ***');
  });
});
