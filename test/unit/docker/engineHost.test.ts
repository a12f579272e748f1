import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contextMetaPath, parseEngineHost, resolveEngineHost } from '../../../src/core/docker/engineHost';
import { EngineUnreachableError } from '../../../src/core/docker/engine';
import { DockerodeEngine } from '../../../src/core/docker/dockerodeEngine';

function dockerConfig(currentContext?: string, contextHost?: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'docker-config-'));
  if (currentContext !== undefined) writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ currentContext }));
  if (currentContext && contextHost) {
    const meta = contextMetaPath(dir, currentContext);
    mkdirSync(path.dirname(meta), { recursive: true });
    writeFileSync(meta, JSON.stringify({ Name: currentContext, Endpoints: { docker: { Host: contextHost, SkipTLSVerify: false } } }));
  }
  return dir;
}

describe('resolveEngineHost', () => {
  const colima = dockerConfig('colima', 'unix:///home/me/.colima/default/docker.sock');

  it('uses the ecr.docker.host setting first', () => {
    const host = resolveEngineHost({ setting: 'tcp://10.0.0.5:2375', env: { DOCKER_HOST: 'unix:///env.sock' }, dockerConfigDir: colima });
    assert.equal(host.host, 'tcp://10.0.0.5:2375');
    assert.equal(host.source, 'setting');
  });

  it('then DOCKER_HOST', () => {
    const host = resolveEngineHost({ setting: '', env: { DOCKER_HOST: 'unix:///env.sock' }, dockerConfigDir: colima });
    assert.deepEqual([host.host, host.source], ['unix:///env.sock', 'DOCKER_HOST']);
  });

  it('then the current docker context, found by the sha256 of its name', () => {
    const host = resolveEngineHost({ env: {}, dockerConfigDir: colima, platform: 'linux' });
    assert.deepEqual([host.host, host.source], ['unix:///home/me/.colima/default/docker.sock', 'docker context']);
    assert.ok(host.looked.some((line) => line.includes('"colima"')));
  });

  it('DOCKER_CONTEXT overrides the config file context', () => {
    const dir = dockerConfig('colima', 'unix:///colima.sock');
    const other = contextMetaPath(dir, 'remote');
    mkdirSync(path.dirname(other), { recursive: true });
    writeFileSync(other, JSON.stringify({ Endpoints: { docker: { Host: 'ssh://me@builder' } } }));
    assert.equal(resolveEngineHost({ env: { DOCKER_CONTEXT: 'remote' }, dockerConfigDir: dir }).host, 'ssh://me@builder');
  });

  it('then the default socket, saying everywhere it looked', () => {
    const host = resolveEngineHost({ env: {}, dockerConfigDir: dockerConfig(), platform: 'linux' });
    assert.deepEqual([host.host, host.source], ['unix:///var/run/docker.sock', 'default socket']);
    assert.deepEqual(host.looked.map((line) => line.split(':')[0]), ['setting ecr.docker.host', 'DOCKER_HOST', 'docker context', 'default socket']);
    assert.equal(resolveEngineHost({ env: {}, dockerConfigDir: dockerConfig('default'), platform: 'win32' }).host, 'npipe:////./pipe/docker_engine');
  });

  it('a context whose metadata is missing falls through to the default socket', () => {
    const host = resolveEngineHost({ env: {}, dockerConfigDir: dockerConfig('gone'), platform: 'linux' });
    assert.equal(host.source, 'default socket');
    assert.ok(host.looked.some((line) => line.includes('"gone"') && line.includes('metadata not found')));
  });
});

describe('resolveEngineHost for remote engines', () => {
  it('TLS: DOCKER_CERT_PATH and DOCKER_TLS_VERIFY, named in what it looked at; also for a tcp:// setting', () => {
    const host = resolveEngineHost({ env: { DOCKER_HOST: 'tcp://builder:2376', DOCKER_CERT_PATH: '/certs', DOCKER_TLS_VERIFY: '1' }, dockerConfigDir: dockerConfig() });
    assert.deepEqual(host.tls, { certPath: '/certs', verify: true });
    assert.equal(host.looked.at(-1), 'TLS: ca.pem, cert.pem, key.pem in /certs');
    const setting = resolveEngineHost({ setting: 'tcp://builder:2376', env: { DOCKER_CERT_PATH: '/certs' }, dockerConfigDir: dockerConfig() });
    assert.deepEqual(setting.tls, { certPath: '/certs', verify: false });
    assert.equal(setting.looked.at(-1), 'TLS: ca.pem, cert.pem, key.pem in /certs (engine certificate not verified)');
    // A socket setting takes no TLS.
    assert.equal(resolveEngineHost({ setting: 'unix:///s.sock', env: { DOCKER_CERT_PATH: '/certs' } }).tls, undefined);
  });

  it("a docker context's TLS files, under contexts/tls/<sha256 of its name>/docker", () => {
    const dir = dockerConfig('remote', 'tcp://builder:2376');
    const meta = contextMetaPath(dir, 'remote');
    const tlsDir = path.join(dir, 'contexts', 'tls', path.basename(path.dirname(meta)), 'docker');
    mkdirSync(tlsDir, { recursive: true });
    const host = resolveEngineHost({ env: {}, dockerConfigDir: dir });
    assert.deepEqual(host.tls, { certPath: tlsDir, verify: true });
    assert.equal(host.looked.at(-1), `TLS: ca.pem, cert.pem, key.pem in ${tlsDir}`);
  });

  it('ssh: the agent from SSH_AUTH_SOCK and the first of ~/.ssh/id_ed25519, id_ecdsa, id_rsa', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'home-'));
    mkdirSync(path.join(home, '.ssh'));
    const none = resolveEngineHost({ env: { DOCKER_HOST: 'ssh://me@builder', HOME: home }, dockerConfigDir: dockerConfig() });
    assert.deepEqual(none.ssh, { agent: undefined, identityFile: undefined });
    assert.equal(none.looked.at(-1), `ssh: agent SSH_AUTH_SOCK unset, key none of id_ed25519, id_ecdsa, id_rsa in ${path.join(home, '.ssh')}`);
    writeFileSync(path.join(home, '.ssh', 'id_rsa'), 'x');
    writeFileSync(path.join(home, '.ssh', 'id_ecdsa'), 'x');
    const found = resolveEngineHost({ env: { DOCKER_HOST: 'ssh://me@builder', HOME: home, SSH_AUTH_SOCK: '/tmp/agent.sock' }, dockerConfigDir: dockerConfig() });
    assert.deepEqual(found.ssh, { agent: '/tmp/agent.sock', identityFile: path.join(home, '.ssh', 'id_ecdsa') });
    assert.equal(found.looked.at(-1), `ssh: agent at /tmp/agent.sock, key ${path.join(home, '.ssh', 'id_ecdsa')}`);
    // Not for other addresses.
    assert.equal(resolveEngineHost({ env: { DOCKER_HOST: 'tcp://builder:2375', HOME: home } }).ssh, undefined);
  });
});

describe('parseEngineHost', () => {
  it('understands unix, tcp, ssh and npipe addresses', () => {
    assert.deepEqual(parseEngineHost('unix:///run/docker.sock'), { kind: 'socket', socketPath: '/run/docker.sock' });
    assert.deepEqual(parseEngineHost('tcp://10.0.0.5:2375'), { kind: 'tcp', protocol: 'http', host: '10.0.0.5', port: 2375 });
    assert.deepEqual(parseEngineHost('tcp://10.0.0.5:2376', { certPath: '/certs', verify: true }), { kind: 'tcp', protocol: 'https', host: '10.0.0.5', port: 2376 });
    assert.deepEqual(parseEngineHost('ssh://me@builder'), { kind: 'ssh', host: 'builder', port: 22, username: 'me' });
    assert.deepEqual(parseEngineHost('npipe:////./pipe/docker_engine'), { kind: 'socket', socketPath: '\\\\.\\pipe\\docker_engine' });
    assert.throws(() => parseEngineHost('ftp://x'), /unsupported scheme ftp:/);
  });
});

describe('daemon unreachable', () => {
  it('says where it looked and what to do', async () => {
    const dead = path.join(mkdtempSync(path.join(os.tmpdir(), 'dead-')), 'docker.sock');
    const engine = new DockerodeEngine(resolveEngineHost({ env: { DOCKER_HOST: `unix://${dead}` }, dockerConfigDir: dockerConfig() }));
    await assert.rejects(engine.ping(), (error: Error) => {
      assert.ok(error instanceof EngineUnreachableError);
      assert.match(error.message, new RegExp(`^Docker daemon unreachable at unix://${dead} \\(from DOCKER_HOST\\): no socket there\\.`));
      assert.match(error.message, /Looked at: setting ecr\.docker\.host: empty; DOCKER_HOST: unix:\/\//);
      assert.match(error.message, /point the "ecr\.docker\.host" setting or DOCKER_HOST at a running engine/);
      return true;
    });
  });
});
