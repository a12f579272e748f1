/**
 * The BuildKit session a build's secrets travel through. A BuildKit build over the Engine API
 * (`POST /build?version=2&session=<id>`) asks the client for secrets over a session the client opened
 * with `POST /session` (upgraded to h2c): the engine is the gRPC client, we are the server
 * (moby's api/server/router/session, BuildKit's session/manager.go). dockerode's own session
 * (lib/session.js) serves only registry credentials and is opened inside `buildImage`, so this one is
 * opened the same way (docker-modem's `dial` with `hijack`) and serves, over Node's HTTP/2:
 * - moby.buildkit.secrets.v1.Secrets/GetSecret: the secret's bytes, from memory, never written anywhere
 *   (BuildKit's session/secrets/secrets.proto: GetSecretRequest { string ID = 1; map annotations = 2 },
 *   GetSecretResponse { bytes data = 1 }); an unknown id answers NOT_FOUND, which BuildKit reports as
 *   "secret <id> not found";
 * - moby.filesync.v1.Auth/Credentials: the username and secret for the requested registry host, for the
 *   base images' pulls (BuildKit's session/auth/auth.proto: CredentialsRequest { string Host = 1 },
 *   CredentialsResponse { string Username = 1; string Secret = 2 }); empty for any other host, so a
 *   token never reaches a host it is not for;
 * - moby.filesync.v1.Auth/GetTokenAuthority and FetchToken: UNIMPLEMENTED. BuildKit asks GetTokenAuthority
 *   first on a Bearer challenge and, on UNIMPLEMENTED, falls back to Credentials (session/auth/auth.go
 *   GetTokenAuthority; util/resolver/authorizer.go); FetchToken is asked only of a session that named an
 *   authority;
 * - grpc.health.v1.Health/Check: SERVING (BuildKit's session/grpc.go closes a session whose health
 *   checks fail twice).
 */
import * as http2 from 'node:http2';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { RegistryAuth } from './engine';

/** A secret as the build receives it: an id the Dockerfile names, and its bytes. */
export interface SessionSecret {
  id: string;
  value: Buffer;
}

/** What opening a session needs: docker-modem's dial (hijacked), as dockerode's Modem exposes it. */
export interface SessionDialer {
  dial(options: Record<string, unknown>, callback: (error: unknown, socket: Duplex) => void): void;
}

export interface BuildkitSession {
  id: string;
  close(): void;
}

const GRPC_OK = 0;
const GRPC_NOT_FOUND = 5;
const GRPC_UNIMPLEMENTED = 12;

const METHODS = {
  secret: '/moby.buildkit.secrets.v1.Secrets/GetSecret',
  credentials: '/moby.filesync.v1.Auth/Credentials',
  tokenAuthority: '/moby.filesync.v1.Auth/GetTokenAuthority',
  fetchToken: '/moby.filesync.v1.Auth/FetchToken',
  health: '/grpc.health.v1.Health/Check',
};

/** Opens a session serving these secrets and registry credentials; `close()` after the build's stream ended. */
export function openBuildkitSession(modem: SessionDialer, secrets: SessionSecret[], registryAuth: readonly RegistryAuth[] = []): Promise<BuildkitSession> {
  const id = randomUUID();
  const byId = new Map(secrets.map((secret) => [secret.id, secret.value]));
  const byHost = new Map(registryAuth.map((auth) => [auth.registryHost.toLowerCase(), auth]));
  return new Promise((resolve, reject) => {
    modem.dial(
      {
        method: 'POST',
        path: '/session',
        hijack: true,
        headers: {
          Upgrade: 'h2c',
          'X-Docker-Expose-Session-Uuid': id,
          'X-Docker-Expose-Session-Name': 'ecr-workbench',
          'X-Docker-Expose-Session-Sharedkey': '',
          // The methods this session answers (BuildKit's session.Caller.Supports reads them).
          'X-Docker-Expose-Session-Grpc-Method': Object.values(METHODS),
        },
        statusCodes: { 101: true, 200: true, 500: 'server error' },
      },
      (error, socket) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const server = http2.createServer();
        server.on('stream', (stream, headers) => answer(stream, String(headers[':path']), byId, byHost));
        server.on('sessionError', () => socket.destroy());
        server.emit('connection', socket);
        resolve({ id, close: () => socket.destroy() });
      },
    );
  });
}

function answer(stream: http2.ServerHttp2Stream, method: string, secrets: Map<string, Buffer>, credentials: Map<string, RegistryAuth>): void {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('error', () => undefined);
  stream.on('end', () => {
    const request = unframe(Buffer.concat(chunks));
    if (method === METHODS.secret) {
      const value = secrets.get(stringField(request, 1) ?? '');
      if (value) reply(stream, bytesField(1, value));
      else fail(stream, GRPC_NOT_FOUND, 'secret not provided by this build');
    } else if (method === METHODS.credentials) {
      const auth = credentials.get((stringField(request, 1) ?? '').toLowerCase());
      reply(stream, auth ? Buffer.concat([bytesField(1, Buffer.from(auth.username)), bytesField(2, Buffer.from(auth.password))]) : Buffer.alloc(0));
    }
    else if (method === METHODS.health) reply(stream, Buffer.from([0x08, 0x01])); // status: SERVING
    else fail(stream, GRPC_UNIMPLEMENTED, `${method} is not served by this session`);
  });
}

function reply(stream: http2.ServerHttp2Stream, message: Buffer): void {
  if (stream.destroyed) return;
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(GRPC_OK) }));
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt32BE(message.length, 1);
  message.copy(frame, 5);
  stream.end(frame);
}

/** A trailers-only gRPC answer. */
function fail(stream: http2.ServerHttp2Stream, status: number, message: string): void {
  if (stream.destroyed) return;
  stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': String(status), 'grpc-message': encodeURIComponent(message) }, { endStream: true });
}

/** The message inside a gRPC frame (1 byte compressed flag, 4 bytes length); the engine does not compress. */
function unframe(body: Buffer): Buffer {
  if (body.length < 5) return Buffer.alloc(0);
  return body.subarray(5, 5 + body.readUInt32BE(1));
}

/** A length-delimited protobuf field (wire type 2). */
function bytesField(field: number, value: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(value.length), value]);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0x7f) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** The first string field numbered `field` of a protobuf message; other fields are skipped by wire type. */
function stringField(message: Buffer, field: number): string | undefined {
  let offset = 0;
  const readVarint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = message[offset++];
      if (byte === undefined) throw new RangeError('truncated protobuf');
      result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result;
      shift += 7;
    }
  };
  try {
    while (offset < message.length) {
      const key = readVarint();
      const wire = key & 7;
      if (wire === 0) readVarint();
      else if (wire === 1) offset += 8;
      else if (wire === 5) offset += 4;
      else if (wire === 2) {
        const length = readVarint();
        if (key >>> 3 === field) return message.subarray(offset, offset + length).toString('utf8');
        offset += length;
      } else return undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
