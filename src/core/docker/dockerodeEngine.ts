import type { Readable } from 'node:stream';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import type Dockerode from 'dockerode';
import { readDockerStream, type DockerStreamEvent } from './dockerStream';
import { EngineUnreachableError, isAbort, type DockerEngine, type EngineBuildOptions, type ImageDetails, type RegistryAuth } from './engine';
import { parseEngineHost, type EngineHost } from './engineHost';
import { openBuildkitSession, type SessionDialer } from './buildkitSession';

/** A DockerEngine over dockerode; dockerode itself loads on construction, i.e. when a task runs. */
export class DockerodeEngine implements DockerEngine {
  private readonly docker: Dockerode;

  constructor(readonly host: EngineHost) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const DockerodeClass = require('dockerode') as typeof Dockerode;
    const address = parseEngineHost(host.host, host.tls);
    const tls = host.tls
      ? {
          ca: readOptional(path.join(host.tls.certPath, 'ca.pem')),
          cert: readOptional(path.join(host.tls.certPath, 'cert.pem')),
          key: readOptional(path.join(host.tls.certPath, 'key.pem')),
        }
      : {};
    this.docker =
      address.kind === 'socket' ? new DockerodeClass({ socketPath: address.socketPath })
      : address.kind === 'tcp' ? new DockerodeClass({ protocol: address.protocol, host: address.host, port: address.port, ...tls })
      : new DockerodeClass({
          protocol: 'ssh',
          host: address.host,
          port: address.port,
          username: address.username,
          // docker-modem hands these to ssh2 and runs `docker system dial-stdio` on the far side, as the CLI does.
          sshOptions: { agent: host.ssh?.agent, privateKey: host.ssh?.identityFile ? readOptional(host.ssh.identityFile) : undefined },
        } as Dockerode.DockerOptions);
  }

  async ping(signal?: AbortSignal): Promise<void> {
    try {
      await this.docker.ping({ abortSignal: signal } as never);
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new EngineUnreachableError(this.host, error);
    }
  }

  async *build(context: Readable, options: EngineBuildOptions, signal?: AbortSignal): AsyncIterable<DockerStreamEvent> {
    const { tag, dockerfile, buildArgs, network, noCache, pull, registryAuth, builder, secrets, ...rest } = options;
    const registryconfig = Object.fromEntries((registryAuth ?? []).map((auth) => [auth.registryHost, { username: auth.username, password: auth.password }]));
    const query = {
      // target and platform go as they are named.
      ...rest,
      t: tag,
      dockerfile,
      buildargs: buildArgs,
      pull: pull ? '1' : undefined,
      networkmode: network,
      nocache: noCache || undefined,
      rm: true,
      forcerm: true,
    };
    if (builder !== 'buildkit') {
      if (secrets?.length) throw new Error('Build secrets need BuildKit: set "builder": "buildkit".');
      const response = (await this.docker.buildImage(context, {
        ...query,
        version: '1',
        // Sent in the X-Registry-Config header, never in the URL.
        registryconfig: Object.keys(registryconfig).length ? registryconfig : undefined,
        abortSignal: signal,
        // dockerode's typings say NodeJS.ReadableStream; the response is an http.IncomingMessage, a Readable.
      } as Dockerode.ImageBuildOptions)) as unknown as Readable;
      yield* readDockerStream(response);
      return;
    }
    // BuildKit over the Engine API (version 2) needs a session; ours serves the build's secrets and the
    // base images' registry credentials (BuildKit asks the session, Auth/Credentials, per registry host).
    // docker-modem's typings lack dial(); it is the call dockerode's own session.js makes.
    const session = await openBuildkitSession(this.docker.modem as unknown as SessionDialer, secrets ?? [], registryAuth ?? []);
    try {
      const response = await new Promise<Readable>((resolve, reject) => {
        this.docker.modem.dial(
          {
            path: '/build?',
            method: 'POST',
            file: context,
            options: { ...query, version: '2', session: session.id },
            // Sent in the X-Registry-Config header, never in the URL.
            registryconfig: Object.keys(registryconfig).length ? registryconfig : undefined,
            isStream: true,
            abortSignal: signal,
            statusCodes: { 200: true, 500: 'server error' },
          } as never,
          (error: unknown, stream: unknown) => (error ? reject(error) : resolve(stream as Readable)),
        );
      });
      yield* readDockerStream(response);
    } finally {
      session.close();
    }
  }

  async tag(image: string, repository: string, tag: string): Promise<void> {
    await this.docker.getImage(image).tag({ repo: repository, tag });
  }

  async *push(repository: string, tag: string, auth: RegistryAuth, signal?: AbortSignal): AsyncIterable<DockerStreamEvent> {
    const response = (await this.docker.getImage(repository).push({
      tag,
      // dockerode sends authconfig base64-encoded in the X-Registry-Auth header.
      authconfig: { username: auth.username, password: auth.password, serveraddress: auth.registryHost },
      abortSignal: signal,
      // dockerode's typings say NodeJS.ReadableStream (and lack abortSignal); the response is a Readable.
    } as never)) as unknown as Readable;
    yield* readDockerStream(response);
  }

  async *pull(repository: string, tagOrDigest: string, auth: RegistryAuth, signal?: AbortSignal): AsyncIterable<DockerStreamEvent> {
    // POST /images/create; the engine reads a "sha256:…" tag as a digest.
    const response = (await this.docker.createImage({
      fromImage: repository,
      tag: tagOrDigest,
      // Sent base64-encoded in the X-Registry-Auth header; docker-modem keeps it out of the URL.
      authconfig: { username: auth.username, password: auth.password, serveraddress: auth.registryHost },
      abortSignal: signal,
      // dockerode's typings say NodeJS.ReadableStream (and lack abortSignal); the response is a Readable.
    } as never)) as unknown as Readable;
    yield* readDockerStream(response);
  }

  async inspectImage(reference: string): Promise<ImageDetails> {
    const info = await this.docker.getImage(reference).inspect();
    return { id: info.Id, size: info.Size, repoDigests: info.RepoDigests ?? [] };
  }
}

function readOptional(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
