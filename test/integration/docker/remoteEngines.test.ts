/**
 * Remote Docker Engines, for real, on loopback: the stack's second dockerd on a TCP port with TLS
 * (its own CA and client certificates) and an sshd through which ssh://root@127.0.0.1:<port>
 * reaches that engine. The extension's flows (build-and-push, pull) run through each, with the
 * engine found by resolveEngineHost from DOCKER_HOST-style settings or a `docker context`; the
 * images land on the remote engine, not the local one. Failures must say where the extension looked.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import Dockerode from 'dockerode';
import { buildAndPush, type BuildPushReporter } from '../../../src/core/docker/buildAndPush';
import { DockerodeEngine } from '../../../src/core/docker/dockerodeEngine';
import { ecrRepositoryGate } from '../../../src/core/ecr/ecrRepository';
import { fetchRegistryAuth } from '../../support/ecrAuth';
import { EngineUnreachableError, type RegistryAuth } from '../../../src/core/docker/engine';
import { resolveEngineHost, type EngineHost } from '../../../src/core/docker/engineHost';
import { pullImage } from '../../../src/core/docker/pullImage';
import { MOTO_CREDENTIALS, MOTO_REGISTRY_PASSWORD, stackFor } from '../../support/stack';

const { env, skip } = stackFor('moto', 'registry', 'docker', 'remote-engines');
const run = randomBytes(3).toString('hex');
/** The stack imports this base into the remote engine (test/stack/remoteEngines.mjs). */
const BASE = 'ecr-wb-test/busybox:stand-in';
const captured: string[] = [];
const temporary: string[] = [];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temporary.push(dir);
  return dir;
}

function recorder() {
  const lines: string[] = [];
  const push = (text: string) => {
    lines.push(text);
    captured.push(text);
  };
  const reporter: BuildPushReporter = { line: push, note: push, live: (frame) => captured.push(...frame), endLive: () => {}, phase: push };
  return { reporter, lines };
}

describe('remote Docker Engines: TLS over TCP, ssh, a docker context', { skip }, () => {
  let ecr: ECRClient;
  let auth: (options: { forceRefresh: boolean }) => Promise<RegistryAuth>;
  /** The remote engine itself (its socket) and the local one, to see where images landed. */
  let remote: Dockerode;
  let local: Dockerode;
  const pushed: Record<string, { digest: string; imageId: string; repository: string }> = {};

  before(() => {
    ecr = new ECRClient({ region: 'us-east-1', endpoint: env.ecrEndpoint, credentials: MOTO_CREDENTIALS });
    auth = () => fetchRegistryAuth(ecr, { registryHostOverride: env.registryHost });
    remote = new Dockerode({ socketPath: env.remoteSocket.replace(/^unix:\/\//, '') });
    local = new Dockerode({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') });
  });

  /** DOCKER_HOST-style environments, as a user's shell (or VS Code's) would have them. */
  function tlsHost(certs = env.remoteTlsCerts, host = env.remoteTlsHost): EngineHost {
    return resolveEngineHost({ env: { DOCKER_HOST: host, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs, HOME: tempDir('home-') } });
  }
  function sshHost(host = env.remoteSshHost): EngineHost {
    // No agent: the key in ~/.ssh is what ssh would offer.
    return resolveEngineHost({ env: { DOCKER_HOST: host, HOME: env.remoteSshHome } });
  }

  async function buildPushPull(transport: 'tls' | 'ssh', host: EngineHost) {
    const engine = new DockerodeEngine(host);
    const repository = `remote/${transport}-${run}`;
    const root = tempDir(`remote-${transport}-`);
    writeFileSync(path.join(root, 'Dockerfile'), `FROM ${BASE}\nRUN echo "built on the ${transport} engine" > /marker\nCOPY payload.txt /payload.txt\n`);
    writeFileSync(path.join(root, 'payload.txt'), `${transport} ${run}\n`);
    const output = recorder();
    const outcome = await buildAndPush(
      { dockerfile: path.join(root, 'Dockerfile'), context: root, repository, tags: ['v1'], createRepository: true, network: 'none' },
      { engine, auth, repositories: ecrRepositoryGate(ecr), reporter: output.reporter },
    );
    assert.equal(outcome.status, 'succeeded', output.lines.join('\n'));
    if (outcome.status !== 'succeeded') return;
    assert.equal(outcome.imageUri, `${env.registryHost}/${repository}@${outcome.digest}`);
    // Built on the remote engine, not here.
    const reference = `${env.registryHost}/${repository}:v1`;
    assert.equal((await remote.getImage(reference).inspect()).Id, outcome.imageId);
    await assert.rejects(local.getImage(reference).inspect(), { statusCode: 404 });
    pushed[transport] = { digest: outcome.digest, imageId: outcome.imageId, repository };

    // Pull back through the same engine after removing it there.
    await remote.getImage(outcome.imageId).remove({ force: true });
    await assert.rejects(remote.getImage(reference).inspect(), { statusCode: 404 });
    const pulled = await pullImage(
      { registryHost: env.registryHost, repository, tag: 'v1', digest: outcome.digest },
      { engine, auth, reporter: { line: (text) => captured.push(text), progress: () => {} }, updateIntervalMs: 0 },
    );
    assert.equal(pulled.status, 'succeeded', JSON.stringify(pulled));
    if (pulled.status !== 'succeeded') return;
    assert.equal(pulled.imageId, outcome.imageId);
    assert.equal(pulled.digest, outcome.digest);
    assert.equal((await remote.getImage(reference).inspect()).Id, outcome.imageId);
  }

  it('builds, pushes and pulls on the TLS engine named by DOCKER_HOST + DOCKER_CERT_PATH', async () => {
    const host = tlsHost();
    assert.equal(host.source, 'DOCKER_HOST');
    assert.deepEqual(host.tls, { certPath: env.remoteTlsCerts, verify: true });
    await buildPushPull('tls', host);
  });

  it('builds, pushes and pulls over ssh:// with the key from ~/.ssh', async () => {
    const host = sshHost();
    assert.equal(host.source, 'DOCKER_HOST');
    assert.deepEqual(host.ssh, { agent: undefined, identityFile: path.join(env.remoteSshHome, '.ssh', 'id_ed25519') });
    await buildPushPull('ssh', host);
  });

  it('picks up a context made with `docker context create` and `docker context use`', async () => {
    const config = tempDir('docker-config-');
    const cli = (...args: string[]) => {
      // The CLI reads DOCKER_HOST before any context: leave it out, as a user with contexts would.
      const { DOCKER_HOST: _ignored, ...rest } = process.env;
      const result = spawnSync('docker', args, { encoding: 'utf8', env: { ...rest, DOCKER_CONFIG: config } });
      assert.equal(result.status, 0, `docker ${args.join(' ')}: ${result.stderr}`);
    };
    const certs = env.remoteTlsCerts;
    cli('context', 'create', 'ecr-wb-remote', '--docker', `host=${env.remoteTlsHost},ca=${certs}/ca.pem,cert=${certs}/cert.pem,key=${certs}/key.pem`);
    cli('context', 'use', 'ecr-wb-remote');

    const host = resolveEngineHost({ env: { DOCKER_CONFIG: config, HOME: config } });
    assert.equal(host.source, 'docker context');
    assert.equal(host.host, env.remoteTlsHost);
    assert.ok(host.tls && host.tls.certPath.startsWith(path.join(config, 'contexts', 'tls')) && host.tls.verify, JSON.stringify(host.tls));
    assert.ok(host.looked.includes(`docker context "ecr-wb-remote" (config.json currentContext): ${env.remoteTlsHost}`), host.looked.join('\n'));

    // The engine behind the context is the TLS engine: it has the image pushed through it above.
    const engine = new DockerodeEngine(host);
    await engine.ping();
    const tls = pushed.tls;
    assert.ok(tls, 'the TLS push ran first');
    const details = await engine.inspectImage(`${env.registryHost}/${tls.repository}:v1`);
    assert.equal(details.id, tls.imageId);
  });

  it('a certificate from another CA gives a clear message naming the certificates it used', async () => {
    const host = tlsHost(env.remoteTlsWrongCerts);
    const error = await new DockerodeEngine(host).ping().then(
      () => assert.fail('the engine accepted a certificate from another CA'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof EngineUnreachableError);
    const wrong = env.remoteTlsWrongCerts;
    assert.match(
      error.message,
      new RegExp(
        `^Docker daemon at ${escape(env.remoteTlsHost)} \\(from DOCKER_HOST\\) failed the TLS check: the engine's certificate is not signed by the CA in ${escape(wrong)}/ca\\.pem \\([A-Z_]+\\)\\. ` +
          `Looked at: setting ecr\\.docker\\.host: empty; DOCKER_HOST: ${escape(env.remoteTlsHost)}; TLS: ca\\.pem, cert\\.pem, key\\.pem in ${escape(wrong)}\\. ` +
          `Use the ca\\.pem, cert\\.pem and key\\.pem made for this engine \\(DOCKER_CERT_PATH, or the docker context's TLS files\\)\\.$`,
      ),
    );
  });

  it('an unreachable TLS or ssh host gives a clear message naming where it looked', async () => {
    const port = await freeLoopbackPort();
    const tcp = `tcp://127.0.0.1:${port}`;
    const tlsError = await new DockerodeEngine(tlsHost(env.remoteTlsCerts, tcp)).ping().catch((caught: unknown) => caught);
    assert.ok(tlsError instanceof EngineUnreachableError);
    assert.equal(
      tlsError.message,
      `Docker daemon unreachable at ${tcp} (from DOCKER_HOST): connection refused. Looked at: setting ecr.docker.host: empty; DOCKER_HOST: ${tcp}; TLS: ca.pem, cert.pem, key.pem in ${env.remoteTlsCerts}. Start Docker, or point the "ecr.docker.host" setting or DOCKER_HOST at a running engine.`,
    );

    const ssh = `ssh://root@127.0.0.1:${port}`;
    const key = path.join(env.remoteSshHome, '.ssh', 'id_ed25519');
    const sshError = await new DockerodeEngine(sshHost(ssh)).ping().catch((caught: unknown) => caught);
    assert.ok(sshError instanceof EngineUnreachableError);
    assert.equal(
      sshError.message,
      `Docker daemon unreachable at ${ssh} (from DOCKER_HOST): connection refused. Looked at: setting ecr.docker.host: empty; DOCKER_HOST: ${ssh}; ssh: agent SSH_AUTH_SOCK unset, key ${key}. Start Docker, or point the "ecr.docker.host" setting or DOCKER_HOST at a running engine.`,
    );
  });

  it('ssh with a key the host does not accept says so', async () => {
    const home = tempDir('ssh-home-');
    mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
    const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(home, '.ssh', 'id_ed25519')], { encoding: 'utf8' });
    assert.equal(made.status, 0, made.stderr);
    const host = resolveEngineHost({ env: { DOCKER_HOST: env.remoteSshHost, HOME: home } });
    const error = await new DockerodeEngine(host).ping().catch((caught: unknown) => caught);
    assert.ok(error instanceof EngineUnreachableError);
    assert.match(error.message, new RegExp(`^Docker daemon unreachable at ${escape(env.remoteSshHost)} \\(from DOCKER_HOST\\): ssh refused every key offered .*Looked at: .*ssh: agent SSH_AUTH_SOCK unset, key ${escape(path.join(home, '.ssh', 'id_ed25519'))}\\.`));
  });

  after(() => {
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
    if (skip) return;
    const all = captured.join('\n');
    assert.ok(all.length > 0);
    assert.ok(!all.includes(MOTO_REGISTRY_PASSWORD), 'the registry password appeared in output');
    assert.ok(!all.includes('PRIVATE KEY'), 'key material appeared in output');
  });
});

/** A loopback port nothing listens on (taken from the OS, then released). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
