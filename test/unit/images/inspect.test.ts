import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cleanCreatedBy, isSecretName, maskEnv, MASK, summarizeConfig, type ImageConfigJson } from '../../../src/core/images/inspect';
import type { Manifest } from '../../../src/core/registry/mediaTypes';

/** A config as BuildKit writes it for `FROM aqueducthq/function310:0.3.6` + COPY + RUN + ENV + EXPOSE + USER. */
const config: ImageConfigJson = {
  architecture: 'arm64',
  os: 'linux',
  variant: 'v8',
  config: {
    Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HF_TOKEN=hf_abcdefghijklmnop', 'DB_PASSWORD=hunter2hunter2', 'AWS_SECRET_ACCESS_KEY=abc', 'API_KEY_ID=k', 'MY_SECRET=s', 'EMPTY_TOKEN=', 'MONKEY=banana', 'MODE=prod'],
    WorkingDir: '/app',
    User: 'app',
    ExposedPorts: { '8080/tcp': {} },
    Labels: { 'org.opencontainers.image.base.name': 'aqueducthq/function310:0.3.6', team: 'ml' },
  },
  history: [
    { created: '2026-01-01T00:00:00Z', created_by: 'Imported from -', comment: 'Imported from -' },
    { created_by: 'WORKDIR /app', empty_layer: true, comment: 'buildkit.dockerfile.v0' },
    { created_by: 'COPY requirements.txt . # buildkit', comment: 'buildkit.dockerfile.v0' },
    { created_by: 'RUN /bin/sh -c pip install -r requirements.txt # buildkit', comment: 'buildkit.dockerfile.v0' },
    { created_by: '/bin/sh -c #(nop)  EXPOSE 8080', empty_layer: true },
  ],
};
const manifest: Manifest = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:c0', size: 900 },
  layers: [
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:l1', size: 3_000_000 },
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:l2', size: 200 },
    { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:l3', size: 70_000 },
  ],
};

describe('inspect', () => {
  it('masks values of secret-looking names and nothing else', () => {
    const env = maskEnv(config.config!.Env!);
    const masked = Object.fromEntries(env.map((entry) => [entry.name, entry.value]));
    assert.equal(masked.HF_TOKEN, MASK);
    assert.equal(masked.DB_PASSWORD, MASK);
    assert.equal(masked.AWS_SECRET_ACCESS_KEY, MASK);
    assert.equal(masked.API_KEY_ID, MASK);
    assert.equal(masked.MY_SECRET, MASK);
    assert.equal(masked.MONKEY, MASK, '*KEY* matches anywhere in the name, as the issue asks');
    assert.equal(masked.EMPTY_TOKEN, '', 'an empty value has nothing to hide');
    assert.equal(masked.PATH, '/usr/local/bin:/usr/bin:/bin');
    assert.equal(masked.MODE, 'prod');
    assert.ok(!JSON.stringify(env).includes('hunter2'));
    assert.ok(isSecretName('GITHUB_TOKEN') && !isSecretName('TOKENIZER_PATH'));
  });

  it('summarizes platform, config, history lines and layers with their instructions', () => {
    const summary = summarizeConfig(config, manifest);
    assert.equal(summary.platform, 'linux/arm64/v8');
    assert.equal(summary.workdir, '/app');
    assert.equal(summary.user, 'app');
    assert.deepEqual(summary.ports, ['8080/tcp']);
    assert.equal(summary.labels.team, 'ml');
    assert.equal(summary.entrypoint, undefined);
    assert.deepEqual(summary.history.map((entry) => entry.createdBy), ['Imported from -', 'WORKDIR /app', 'COPY requirements.txt .', 'RUN /bin/sh -c pip install -r requirements.txt', 'EXPOSE 8080']);
    assert.deepEqual(summary.layers.map((layer) => [layer.sizeBytes, layer.createdBy]), [
      [3_000_000, 'Imported from -'],
      [200, 'COPY requirements.txt .'],
      [70_000, 'RUN /bin/sh -c pip install -r requirements.txt'],
    ]);
    assert.equal(summary.totalBytes, 3_070_200);
  });

  it('does not pair layers with history when the counts differ', () => {
    const summary = summarizeConfig({ ...config, history: config.history!.slice(0, 2) }, manifest);
    // Every layer is still listed (an empty list would pass the check below), none with a guessed instruction.
    assert.equal(summary.layers.length, manifest.layers?.length);
    assert.ok(summary.layers.length > 0);
    assert.ok(summary.layers.every((layer) => layer.createdBy === undefined));
  });

  it('reads classic builder lines as instructions', () => {
    assert.equal(cleanCreatedBy('/bin/sh -c #(nop)  CMD ["python" "app.py"]'), 'CMD ["python" "app.py"]');
    assert.equal(cleanCreatedBy('/bin/sh -c apt-get update'), 'RUN apt-get update');
  });
});

describe('inspect history masking', () => {
  it('masks secret assignments in history lines, whatever the builder wrote', async () => {
    const { maskAssignments } = await import('../../../src/core/images/inspect');
    assert.equal(maskAssignments('ENV PATH=/bin HF_TOKEN=hf_abc'), `ENV PATH=/bin HF_TOKEN=${MASK}`);
    assert.equal(maskAssignments('ENV DB_PASSWORD hunter2 and more'), `ENV DB_PASSWORD ${MASK}`);
    assert.equal(maskAssignments('RUN export API_KEY="a b c" && make'), `RUN export API_KEY=${MASK} && make`);
    assert.equal(maskAssignments('ENV MODE=prod'), 'ENV MODE=prod');
    const summary = summarizeConfig({ history: [{ created_by: '/bin/sh -c #(nop)  ENV HF_TOKEN=hf_secretvalue' }] }, { schemaVersion: 2, layers: [] });
    assert.equal(summary.history[0].createdBy, `ENV HF_TOKEN=${MASK}`);
  });
});
