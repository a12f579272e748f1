import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeConfig, type ImageConfigJson, type Inspection } from '../../../src/core/images/inspect';
import { code, inspectionMarkdown } from '../../../src/core/images/inspectMarkdown';
import type { Manifest } from '../../../src/core/registry/mediaTypes';

const layer = (digest: string, size: number) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest, size });
const manifest = (layers: Manifest['layers']): Manifest => ({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:c0', size: 10 }, layers });

const config = (architecture: string, extra: Partial<ImageConfigJson['config']> = {}): ImageConfigJson => ({
  os: 'linux',
  architecture,
  config: { Env: ['HF_TOKEN=hf_secretvalue1234', 'MODE=prod'], Cmd: ['python', 'main.py'], Labels: { team: 'ml|ops' }, ...extra },
  history: [
    { created_by: 'COPY app/ /app # buildkit' },
    { created_by: 'ENV HF_TOKEN=hf_secretvalue1234', empty_layer: true },
    { created_by: 'RUN /bin/sh -c echo `date` > /built # buildkit' },
  ],
});

function platform(architecture: string, digest: string): Inspection['platforms'][number] {
  const m = manifest([layer(`sha256:${architecture}1`, 3_000_000), layer(`sha256:${architecture}2`, 2048)]);
  const summary = summarizeConfig(config(architecture), m);
  return { digest, mediaType: 'application/vnd.oci.image.manifest.v1+json', platform: summary.platform, manifest: m, config: summary };
}

describe('inspect view text', () => {
  it('writes code spans that survive backticks in the text', () => {
    assert.equal(code('plain'), '`plain`');
    assert.equal(code('echo `date`'), '`` echo `date` ``');
    assert.equal(code('`x`'), '`` `x` ``');
  });

  it('shows one image: config table, masked env with a note, labels with pipes escaped, history lined up with layer sizes', () => {
    const inspection: Inspection = { digest: 'sha256:top', mediaType: 'application/vnd.oci.image.manifest.v1+json', manifestText: '{"schemaVersion":2}', isIndex: false, platforms: [platform('amd64', 'sha256:top')], attestations: [] };
    const text = inspectionMarkdown('Inspect app:1.0', inspection);
    assert.ok(!text.includes('hf_secretvalue1234'), 'the secret is masked in env and history');
    assert.match(text, /^# Inspect app:1\.0$/m);
    assert.match(text, /Image for linux\/amd64\./);
    assert.match(text, /\| Cmd \| `\["python","main\.py"\]` \|/);
    assert.match(text, /\| `HF_TOKEN` \| `••••••` \|/);
    assert.match(text, /1 value masked/);
    assert.match(text, /\| `team` \| `ml\\\|ops` \|/, 'a pipe in a label does not split the table');
    assert.match(text, /\| 1 \| `COPY app\/ \/app` \| 3 MB \|/);
    assert.match(text, /\| 2 \| `ENV HF_TOKEN=••••••` \| {2}\|/);
    assert.match(text, /\| 3 \| ``RUN \/bin\/sh -c echo `date` > \/built`` \| 2 kB \|/);
    assert.match(text, /## Manifest\n\n```json\n\{\n {2}"schemaVersion": 2\n\}\n```/);
  });

  it('shows an index as one section per platform, its attestations, and the index manifest', () => {
    const inspection: Inspection = {
      digest: 'sha256:index',
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifestText: '{"schemaVersion":2,"manifests":[]}',
      isIndex: true,
      platforms: [platform('amd64', 'sha256:a'), platform('arm64', 'sha256:b')],
      attestations: [{ digest: 'sha256:att', describes: 'sha256:a' }],
    };
    const text = inspectionMarkdown('Inspect app:multi', inspection);
    assert.match(text, /Image index of 2 platform images \(linux\/amd64, linux\/arm64\) and 1 attestation\./);
    assert.deepEqual([...text.matchAll(/^## (.+)$/gm)].map((match) => match[1]), ['linux/amd64', 'linux/arm64', 'Attestations', 'Index manifest']);
    assert.match(text, /Platform image `sha256:b`/);
    assert.match(text, /\| `sha256:att` \| `sha256:a` \|/);
  });
});
