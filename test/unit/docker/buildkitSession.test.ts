import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { openBuildkitSession } from '../../../src/core/docker/buildkitSession';

/** A dialer whose "hijacked" socket is one end of a local TCP connection; the test is the engine on the other end. */
async function connectedPair(): Promise<{ ours: Duplex; engine: net.Socket; close(): void }> {
  let accepted!: (socket: net.Socket) => void;
  const server = net.createServer((socket) => accepted(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const ours = new Promise<net.Socket>((resolve) => (accepted = resolve));
  const engine = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  return { ours: await ours, engine, close: () => server.close() };
}

/** One unary gRPC call as the engine makes it: the framed request, the answer's message and status. */
async function call(client: http2.ClientHttp2Session, method: string, message: Buffer): Promise<{ status: string | undefined; body: Buffer }> {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  const stream = client.request({ ':method': 'POST', ':path': method, 'content-type': 'application/grpc', te: 'trailers' });
  stream.end(frame);
  const chunks: Buffer[] = [];
  let status: string | undefined;
  stream.on('response', (headers) => (status ??= headers['grpc-status'] as string | undefined));
  stream.on('trailers', (trailers) => (status = trailers['grpc-status'] as string | undefined));
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return { status, body: body.length >= 5 ? body.subarray(5, 5 + body.readUInt32BE(1)) : body };
}

describe('the BuildKit session that serves build secrets', () => {
  it('asks the engine for a session with its id and methods, answers GetSecret with the bytes, NOT_FOUND for another id, and health checks', async () => {
    const pair = await connectedPair();
    let dialed: Record<string, unknown> = {};
    const session = await openBuildkitSession({ dial: (options, callback) => ((dialed = options), callback(null, pair.ours)) }, [{ id: 'pip', value: Buffer.from('secret-bytes') }]);
    const headers = dialed.headers as Record<string, unknown>;
    assert.equal(dialed.path, '/session');
    assert.equal(headers['X-Docker-Expose-Session-Uuid'], session.id);
    assert.ok((headers['X-Docker-Expose-Session-Grpc-Method'] as string[]).includes('/moby.buildkit.secrets.v1.Secrets/GetSecret'));

    const client = http2.connect('http://session', { createConnection: () => pair.engine });
    try {
      // GetSecretRequest { ID = "pip" (field 1), annotations (field 2) skipped }.
      const request = (id: string) => Buffer.concat([Buffer.from([0x0a, id.length]), Buffer.from(id), Buffer.from([0x12, 0x04, 0x0a, 0x00, 0x12, 0x00])]);
      const found = await call(client, '/moby.buildkit.secrets.v1.Secrets/GetSecret', request('pip'));
      assert.equal(found.status, '0');
      assert.deepEqual(found.body, Buffer.concat([Buffer.from([0x0a, 12]), Buffer.from('secret-bytes')]));
      const missing = await call(client, '/moby.buildkit.secrets.v1.Secrets/GetSecret', request('npmrc'));
      assert.equal(missing.status, '5');
      const health = await call(client, '/grpc.health.v1.Health/Check', Buffer.alloc(0));
      assert.deepEqual([health.status, [...health.body]], ['0', [0x08, 0x01]]);
      const other = await call(client, '/moby.sshforward.v1.SSH/CheckAgent', Buffer.alloc(0));
      assert.equal(other.status, '12');
    } finally {
      client.close();
      session.close();
      pair.close();
    }
  });

  it('answers Auth/Credentials with the username and secret for the requested host only, and UNIMPLEMENTED for the token-authority calls', async () => {
    const pair = await connectedPair();
    let dialed: Record<string, unknown> = {};
    const auth = { username: 'AWS', password: 'token-for-ecr', registryHost: '123456789012.dkr.ecr.us-east-1.amazonaws.com' };
    const session = await openBuildkitSession({ dial: (options, callback) => ((dialed = options), callback(null, pair.ours)) }, [], [auth]);
    const methods = (dialed.headers as Record<string, string[]>)['X-Docker-Expose-Session-Grpc-Method'];
    for (const method of ['Credentials', 'GetTokenAuthority', 'FetchToken']) assert.ok(methods.includes(`/moby.filesync.v1.Auth/${method}`), method);
    const client = http2.connect('http://session', { createConnection: () => pair.engine });
    try {
      // CredentialsRequest { string Host = 1 }.
      const request = (host: string) => Buffer.concat([Buffer.from([0x0a, host.length]), Buffer.from(host)]);
      const found = await call(client, '/moby.filesync.v1.Auth/Credentials', request('123456789012.DKR.ECR.us-east-1.amazonaws.com'));
      assert.equal(found.status, '0');
      // CredentialsResponse { string Username = 1; string Secret = 2 }.
      assert.deepEqual(found.body, Buffer.concat([Buffer.from([0x0a, 3]), Buffer.from('AWS'), Buffer.from([0x12, 13]), Buffer.from('token-for-ecr')]));
      const other = await call(client, '/moby.filesync.v1.Auth/Credentials', request('registry.example.com'));
      assert.deepEqual([other.status, other.body.length], ['0', 0]);
      const authority = await call(client, '/moby.filesync.v1.Auth/GetTokenAuthority', request('123456789012.dkr.ecr.us-east-1.amazonaws.com'));
      assert.equal(authority.status, '12');
      const token = await call(client, '/moby.filesync.v1.Auth/FetchToken', Buffer.alloc(0));
      assert.equal(token.status, '12');
    } finally {
      client.close();
      session.close();
      pair.close();
    }
  });
});
