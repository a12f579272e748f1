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
