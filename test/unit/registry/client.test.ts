import { describe, it } from 'node:test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { isLoopbackHost, RegistryClient, sha256Digest } from '../../../src/core/registry/client';
import { RegistryError, registryErrorFrom } from '../../../src/core/registry/errors';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** A fake fetch answering from a handler; records each request (bodies read whole: test-sized). */
function fakeFetch(handler: (request: Seen, index: number) => Response): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const impl = async (input: URL | string, init: RequestInit = {}) => {
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([key, value]) => [key.toLowerCase(), value]));
    let body: Buffer | undefined;
    if (init.body) body = Buffer.from(await new Response(init.body as ReadableStream).arrayBuffer());
    const request: Seen = { method: init.method ?? 'GET', url: String(input), headers, body };
    seen.push(request);
    return handler(request, seen.length - 1);
  };
  return { fetch: impl as typeof fetch, seen };
}

const PASSWORD = 'eyJwYXlsb2FkIjoic2VjcmV0LXRva2VuLXZhbHVlIn0';
const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'x', digest: 'sha256:00', size: 1 }, layers: [] });

describe('registry client', () => {
  it('speaks plain HTTP only to loopback hosts', () => {
    assert.ok(isLoopbackHost('127.0.0.1:5000') && isLoopbackHost('127.4.5.6') && isLoopbackHost('localhost:80') && isLoopbackHost('[::1]:5000'));
    assert.ok(!isLoopbackHost('123456789012.dkr.ecr.us-east-1.amazonaws.com') && !isLoopbackHost('128.0.0.1') && !isLoopbackHost('127.0.0.1.nip.io'));
    assert.equal(new RegistryClient({ host: '127.0.0.1:5000' }).baseUrl, 'http://127.0.0.1:5000');
    assert.equal(new RegistryClient({ host: 'a.dkr.ecr.eu-west-1.amazonaws.com' }).baseUrl, 'https://a.dkr.ecr.eu-west-1.amazonaws.com');
  });

  it('sends basic AWS:<password>, asks for fresh credentials once on 401 and retries', async () => {
    const asked: boolean[] = [];
    const { fetch, seen } = fakeFetch((request, index) =>
      index === 0 ? new Response('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}', { status: 401 }) : new Response(manifest, { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } }),
    );
    const client = new RegistryClient({
      host: 'r.example',
      fetch,
      credentials: async ({ refresh }) => {
        asked.push(refresh);
        return { username: 'AWS', password: refresh ? `${PASSWORD}-new` : PASSWORD };
      },
    });
    const got = await client.getManifest('team/app', '1.0');
    assert.deepEqual(asked, [false, true]);
    assert.equal(seen[1].headers.authorization, `Basic ${Buffer.from(`AWS:${PASSWORD}-new`).toString('base64')}`);
    assert.match(seen[0].headers.accept, /application\/vnd\.oci\.image\.index\.v1\+json/);
    assert.match(seen[0].headers.accept, /application\/vnd\.docker\.distribution\.manifest\.v2\+json/);
    assert.equal(got.digest, sha256Digest(manifest));
    assert.equal(got.bytes.toString(), manifest, 'bytes kept exact');
  });

  it('gives up after the second 401 with a message that never carries the password', async () => {
    const { fetch } = fakeFetch(() => new Response('{"errors":[{"code":"UNAUTHORIZED","message":"bad"}]}', { status: 401 }));
    const client = new RegistryClient({ host: 'r.example', fetch, credentials: async () => ({ username: 'AWS', password: PASSWORD }) });
    const error = await client.getManifest('team/app', '1.0').catch((caught) => caught as RegistryError);
    assert.ok(error instanceof RegistryError);
    assert.equal(error.code, 'UNAUTHORIZED');
    assert.match(error.message, /sign in again/);
    assert.ok(!JSON.stringify({ ...error, message: error.message, stack: error.stack }).includes(PASSWORD));
  });

  it('refuses manifest bytes that do not hash to the digest asked for', async () => {
    const { fetch } = fakeFetch(() => new Response(manifest, { status: 200 }));
    const client = new RegistryClient({ host: 'r.example', fetch });
    const wrong = `sha256:${'0'.repeat(64)}`;
    await assert.rejects(client.getManifest('team/app', wrong), (error: RegistryError) => error.code === 'DIGEST_MISMATCH');
  });

  it('streams a blob from a loopback registry, following a redirect without the password, and errors at its end on a digest mismatch', async () => {
    const seen: Array<{ url: string; authorization?: string }> = [];
    const server = http.createServer((request, response) => {
      seen.push({ url: request.url ?? '', authorization: request.headers.authorization });
      if (request.url?.startsWith('/v2/')) {
        // Like ECR: a blob GET redirects to storage on another origin (here: another port).
        response.writeHead(307, { location: `http://localhost:${(server.address() as AddressInfo).port}/storage${request.url.includes('tampered') ? '?tampered' : ''}` });
        return response.end();
      }
      const body = request.url?.includes('tampered') ? 'tampered' : 'original';
      response.writeHead(200, { 'content-length': String(body.length) });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = new RegistryClient({ host: `127.0.0.1:${(server.address() as AddressInfo).port}`, credentials: async () => ({ username: 'AWS', password: PASSWORD }) });
      assert.equal((await client.getBlobBytes('team/app', sha256Digest('original'))).toString(), 'original');
      assert.ok(seen[0].authorization?.startsWith('Basic '));
      assert.equal(seen[1].authorization, undefined, 'no credentials to another origin');
      await assert.rejects(client.getBlobBytes('team/tampered', sha256Digest('original')), (error: RegistryError) => error.code === 'DIGEST_MISMATCH');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('maps the spec error codes to sentences, and statuses when the body is not the spec JSON', () => {
    const cases: Array<[number, string, string, RegExp]> = [
      [404, '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}', 'MANIFEST_UNKNOWN', /does not exist/],
      [404, '{"errors":[{"code":"NAME_UNKNOWN"}]}', 'NAME_UNKNOWN', /create it first/],
      [404, '{"errors":[{"code":"BLOB_UNKNOWN"}]}', 'BLOB_UNKNOWN', /no blob/],
      [403, '{"errors":[{"code":"DENIED","message":"not authorized"}]}', 'DENIED', /permissions/],
      [429, '{"errors":[{"code":"TOOMANYREQUESTS"}]}', 'TOOMANYREQUESTS', /throttling/],
      [429, '<html>slow down</html>', 'TOOMANYREQUESTS', /throttling/],
      [500, '', 'UNAVAILABLE', /HTTP 500/],
      // The status decides for 5xx: a proxy's 503 saying DENIED is still the registry being unavailable.
      [503, '{"errors":[{"code":"DENIED","message":"no"}]}', 'UNAVAILABLE', /unavailable.*HTTP 503/],
      [503, '<html>Service Unavailable</html>', 'UNAVAILABLE', /unavailable/],
    ];
    for (const [status, body, code, message] of cases) {
      const error = registryErrorFrom(status, body, 'manifest team/app:1.0');
      assert.equal(error.code, code, body);
      assert.match(error.message, message);
    }
  });

  it('uploads in chunks with Content-Range, following each Location, then completes with the digest', async () => {
    const data = Buffer.alloc(25, 7);
    const { fetch, seen } = fakeFetch((request, index) => new Response(null, { status: request.method === 'PUT' ? 201 : 202, headers: { location: `/v2/team/app/blobs/uploads/u?_state=${index}` } }));
    const client = new RegistryClient({ host: '127.0.0.1:5000', fetch });
    const sent: number[] = [];
    await client.upload('/v2/team/app/blobs/uploads/u?_state=start', sha256Digest(data), data.length, new Response(data).body!, { mode: 'chunked', chunkSize: 10, onBytes: (bytes) => sent.push(bytes) });
    assert.deepEqual(seen.map((request) => [request.method, request.headers['content-range'], request.body?.length]), [
      ['PATCH', '0-9', 10],
      ['PATCH', '10-19', 10],
      ['PATCH', '20-24', 5],
      ['PUT', undefined, 0],
    ]);
    assert.equal(seen[1].url, 'http://127.0.0.1:5000/v2/team/app/blobs/uploads/u?_state=0');
    assert.equal(seen[3].url, `http://127.0.0.1:5000/v2/team/app/blobs/uploads/u?_state=2&digest=${encodeURIComponent(sha256Digest(data))}`);
    assert.deepEqual(sent, [10, 20, 25]);
  });

  it('reports a mount the registry did (201) and hands back the session when it did not (202)', async () => {
    const { fetch, seen } = fakeFetch((request) => (request.url.includes('mount=') && request.url.includes('from=team%2Fa') ? new Response(null, { status: 201 }) : new Response(null, { status: 202, headers: { location: '/v2/team/b/blobs/uploads/x' } })));
    const client = new RegistryClient({ host: 'r.example', fetch });
    assert.deepEqual(await client.startUpload('team/b', { mount: { digest: 'sha256:ab', from: 'team/a' } }), { mounted: true });
    assert.deepEqual(await client.startUpload('team/b', { mount: { digest: 'sha256:ab', from: 'team/c' } }), { mounted: false, location: '/v2/team/b/blobs/uploads/x' });
    assert.equal(seen[0].url, 'https://r.example/v2/team/b/blobs/uploads/?mount=sha256%3Aab&from=team%2Fa');
  });

  it('answers undefined for a missing blob or manifest on HEAD, and for a registry without the referrers API', async () => {
    const { fetch } = fakeFetch(() => new Response(null, { status: 404 }));
    const client = new RegistryClient({ host: 'r.example', fetch });
    assert.equal(await client.headBlob('team/app', 'sha256:aa'), undefined);
    assert.equal(await client.headManifest('team/app', 'nope'), undefined);
    assert.equal(await client.referrers('team/app', 'sha256:aa'), undefined);
  });
});
