import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aqueductBaseOf, evaluatePreflight, platformMatches, type PreflightInputs } from '../../../src/core/images/preflight';
import type { ImageConfigJson } from '../../../src/core/images/inspect';

const aqueductConfig: ImageConfigJson = {
  os: 'linux',
  architecture: 'amd64',
  config: { Labels: { 'org.opencontainers.image.base.name': 'docker.io/aqueducthq/function310:0.3.6' } },
  history: [{ created_by: 'Imported from -' }, { created_by: 'RUN /bin/sh -c pip install -r requirements.txt # buildkit' }],
};
const passing: PreflightInputs = {
  label: 'ops:1.0',
  exists: true,
  manifest: { ok: true, mediaType: 'application/vnd.oci.image.index.v1+json' },
  platforms: [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }],
  config: aqueductConfig,
  targetPlatform: 'linux/amd64',
  serverVersion: '0.3.6',
};
const check = (inputs: PreflightInputs, name: string) => evaluatePreflight(inputs).checks.find((candidate) => candidate.name === name)!;

describe('pre-flight', () => {
  it('passes every check for a good Aqueduct image', () => {
    const report = evaluatePreflight(passing);
    assert.equal(report.ok, true);
    assert.deepEqual(report.checks.map((entry) => [entry.name, entry.status]), [
      ['exists', 'pass'],
      ['manifest', 'pass'],
      ['platform', 'pass'],
      ['entrypoint', 'pass'],
      ['base-version', 'pass'],
    ]);
  });

  it('fails "exists" and skips the rest, saying what to do', () => {
    const report = evaluatePreflight({ ...passing, exists: false, manifest: undefined, config: undefined });
    assert.equal(report.ok, false);
    assert.equal(report.checks[0].status, 'fail');
    assert.match(report.checks[0].fix!, /Push the image/);
    assert.ok(report.checks.slice(1).every((entry) => entry.status === 'skipped'));
  });

  it('fails "manifest readable" with the permission to grant', () => {
    const failed = check({ ...passing, manifest: { ok: false, error: 'Access denied' }, config: undefined }, 'manifest');
    assert.equal(failed.status, 'fail');
    assert.match(failed.fix!, /ecr:BatchGetImage/);
  });

  it('fails the platform check for an arm64-only image and names the exec format error', () => {
    const failed = check({ ...passing, platforms: [{ os: 'linux', architecture: 'arm64' }], config: undefined }, 'platform');
    assert.equal(failed.status, 'fail');
    assert.match(failed.detail, /exec format error/);
    assert.match(failed.fix!, /linux\/amd64/);
    assert.equal(check({ ...passing, targetPlatform: 'linux/arm64/v8' }, 'platform').status, 'pass', 'arm64 without variant is v8');
    assert.equal(check({ ...passing, targetPlatform: 'amd64' }, 'platform').status, 'fail', 'a bad setting is reported, not guessed');
  });

  it('fails when the image sets its own ENTRYPOINT or CMD', () => {
    const withCmd: ImageConfigJson = { ...aqueductConfig, config: { ...aqueductConfig.config, Cmd: ['python', 'app.py'] }, history: [...aqueductConfig.history!, { created_by: 'CMD ["python" "app.py"]', empty_layer: true }] };
    const failed = check({ ...passing, config: withCmd }, 'entrypoint');
    assert.equal(failed.status, 'fail');
    assert.match(failed.detail, /CMD \["python" "app.py"\]/);
    assert.match(failed.fix!, /Remove the ENTRYPOINT and CMD/);
    const classic = check({ ...passing, config: { ...aqueductConfig, history: [{ created_by: '/bin/sh -c #(nop)  ENTRYPOINT ["/run.sh"]' }] } }, 'entrypoint');
    assert.equal(classic.status, 'fail');
  });

  it('fails when the Aqueduct base tag differs from the server version', () => {
    const failed = check({ ...passing, serverVersion: '0.3.5' }, 'base-version');
    assert.equal(failed.status, 'fail');
    assert.match(failed.fix!, /FROM aqueducthq\/function310:0\.3\.5/);
    assert.equal(check({ ...passing, serverVersion: undefined }, 'base-version').status, 'skipped');
  });

  it('skips the Aqueduct checks for images not built from an Aqueduct base', () => {
    const plain = { ...passing, config: { os: 'linux', architecture: 'amd64', config: { Cmd: ['nginx'] } } };
    assert.equal(check(plain, 'entrypoint').status, 'skipped');
    assert.equal(evaluatePreflight(plain).ok, true);
  });

  it('finds the base in history when no label names it', () => {
    assert.deepEqual(aqueductBaseOf({ history: [{ created_by: 'ARG BASE=aqueducthq/gpu_cuda1180_py310:0.3.4' }] }), { name: 'gpu_cuda1180_py310', tag: '0.3.4', from: 'history' });
    assert.equal(aqueductBaseOf({ config: { Labels: { base: 'python:3.11' } } }), undefined);
    assert.ok(platformMatches({ os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'linux', architecture: 'arm', variant: 'v7' }));
    assert.ok(!platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, { os: 'linux', architecture: 'arm', variant: 'v7' }));
  });
});
