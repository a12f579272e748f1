import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { scaffoldAqueductDockerfile, validateAqueductVersion, validateScaffoldRequest, SCAFFOLD_VARIANTS } from '../../../src/core/dockerfile/scaffold';
import { PYTHON_VERSIONS, LLM_PYTHON_VERSIONS } from '../../../src/core/dockerfile/aqueductCatalogue';
import { lint } from './helpers';

function scaffold(python: string, variant: string, version = '0.3.6') {
  const request = validateScaffoldRequest({ python, variant, version });
  assert.ok(request.ok, JSON.stringify(request));
  return scaffoldAqueductDockerfile(request.value);
}

describe('Aqueduct scaffold', () => {
  it('CPU: FROM aqueducthq/function310 with plain pip', () => {
    const files = scaffold('3.10', 'cpu');
    assert.equal(files.baseImage, 'aqueducthq/function310:0.3.6');
    assert.match(files.dockerfile, /^FROM aqueducthq\/function310:0\.3\.6$/m);
    assert.match(files.dockerfile, /^RUN pip install --no-cache-dir -r \/tmp\/requirements\.txt$/m);
    assert.match(files.dockerfile, /No ENTRYPOINT or CMD/);
    assert.doesNotMatch(files.dockerfile, /^(CMD|ENTRYPOINT)/m);
  });

  it('GPU CUDA 11.8.0: pip through conda run -n py310_env', () => {
    const files = scaffold('3.10', 'gpu-cuda1180');
    assert.match(files.dockerfile, /^FROM aqueducthq\/gpu_cuda1180_py310:0\.3\.6$/m);
    assert.match(files.dockerfile, /^RUN conda run -n py310_env pip install --no-cache-dir -r \/tmp\/requirements\.txt$/m);
  });

  it('GPU CUDA 11.4.1 and LLM variants, and other versions', () => {
    assert.match(scaffold('3.7', 'gpu-cuda1141', '0.3.1').dockerfile, /^FROM aqueducthq\/gpu_cuda1141_py37:0\.3\.1$/m);
    assert.match(scaffold('3.8', 'llm-cuda1141').dockerfile, /^FROM aqueducthq\/llm_cuda1141_py38:0\.3\.6$/m);
    assert.match(scaffold('3.9', 'llm').dockerfile, /conda run -n py39_env pip/);
  });

  it('every variant lints clean of errors and warnings with the server version it was made for', () => {
    for (const variant of SCAFFOLD_VARIANTS) {
      const pythons = variant.kind === 'llm' ? LLM_PYTHON_VERSIONS : PYTHON_VERSIONS;
      for (const python of pythons) {
        for (const version of ['0.3.1', '0.3.6']) {
          const files = scaffold(python, variant.id, version);
          const problems = lint(files.dockerfile, { serverVersion: version });
          assert.deepEqual(problems.map((d) => `${d.ruleId} ${d.message}`), [], `${variant.id} ${python} ${version}`);
        }
      }
    }
  });

  it('.dockerignore keeps VCS, caches and secrets out of the context', () => {
    const { dockerignore } = scaffold('3.10', 'cpu');
    for (const entry of ['.git', '__pycache__/', '.env', '.aws/']) assert.ok(dockerignore.split('\n').includes(entry), entry);
  });

  it('rejects what has no image, with messages that say what to pick', () => {
    const bad = validateScaffoldRequest({ python: '3.11', variant: 'tpu', version: '0.3.0' });
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.match(bad.problems.join('\n'), /3\.11.*3\.7, 3\.8, 3\.9 or 3\.10/);
      assert.match(bad.problems.join('\n'), /"tpu" is not a base image variant/);
      assert.match(bad.problems.join('\n'), /withdrawn/);
    }
    const llm37 = validateScaffoldRequest({ python: '3.7', variant: 'llm-cuda1180', version: '0.3.6' });
    assert.ok(!llm37.ok && /LLM images exist for Python 3.8, 3.9 and 3.10/.test(llm37.problems[0]));
  });

  it('validates typed versions', () => {
    assert.equal(validateAqueductVersion('0.3.4'), undefined);
    assert.match(validateAqueductVersion('0.3')!, /not a version/);
    assert.match(validateAqueductVersion('0.2.5')!, /does not run custom operator images/);
    assert.equal(validateAqueductVersion('0.3.7'), undefined);
  });
});
