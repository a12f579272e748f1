import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, covered, findings, lines, lint, none, only, range } from './helpers';

describe('AQ001: CMD or ENTRYPOINT in an Aqueduct image', () => {
  const text = lines('FROM aqueducthq/function310:0.3.6', 'RUN pip install --no-cache-dir -r /tmp/r.txt', 'CMD ["python", "app.py"]', 'LABEL team=ml');

  it('fires on the CMD keyword as an error and the fix removes the instruction', () => {
    const diagnostic = only(text, 'AQ001');
    assert.equal(diagnostic.severity, 'error');
    assert.deepEqual(diagnostic.range, range(2, 0, 2, 3));
    assert.equal(applyFix(text, diagnostic, 'Remove'), lines('FROM aqueducthq/function310:0.3.6', 'RUN pip install --no-cache-dir -r /tmp/r.txt', 'LABEL team=ml'));
  });

  it('fires on ENTRYPOINT too, including a last line without a newline', () => {
    const source = 'FROM aqueducthq/gpu_cuda1180_py39:0.3.6\nENTRYPOINT /start.sh';
    const diagnostic = only(source, 'AQ001');
    assert.equal(covered(source, diagnostic.range), 'ENTRYPOINT');
    assert.equal(applyFix(source, diagnostic, 'Remove'), 'FROM aqueducthq/gpu_cuda1180_py39:0.3.6');
  });

  it('removes a multi-line CMD whole', () => {
    const source = lines('FROM aqueducthq/function39:0.3.6', 'CMD python \\', '    app.py', 'LABEL a=b');
    assert.equal(applyFix(source, only(source, 'AQ001'), 'Remove'), lines('FROM aqueducthq/function39:0.3.6', 'LABEL a=b'));
  });

  it('follows the final stage through stage names, and ignores builder stages', () => {
    const inherited = lines('FROM aqueducthq/function310:0.3.6 AS base', 'CMD ["x"]', 'FROM base', 'RUN true');
    assert.deepEqual(only(inherited, 'AQ001').range, range(1, 0, 1, 3));
    const builder = lines('FROM python:3.10-slim AS build', 'CMD ["x"]', 'FROM aqueducthq/function310:0.3.6', 'COPY --from=build /x /x');
    none(builder, 'AQ001');
  });

  it('does not fire for non-Aqueduct images unless the workspace is marked Aqueduct', () => {
    const source = lines('FROM python:3.10-slim', 'CMD ["python", "app.py"]');
    none(source, 'AQ001');
    assert.equal(findings(source, 'AQ001', { aqueductWorkspace: true }).length, 1);
  });
});

describe('AQ002: unknown Aqueduct image or Python version', () => {
  it('fires on function311 with the name range, offering real images', () => {
    const source = lines('FROM aqueducthq/function311:0.3.6');
    const diagnostic = only(source, 'AQ002');
    assert.equal(diagnostic.severity, 'error');
    assert.equal(covered(source, diagnostic.range), 'aqueducthq/function311');
    assert.match(diagnostic.message, /function310/);
    assert.equal(applyFix(source, diagnostic), lines('FROM aqueducthq/function310:0.3.6'));
  });

  it('keeps a pull-through-cache registry prefix when fixing', () => {
    const source = lines('FROM 123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/aqueducthq/gpu_cuda1180_py311:0.3.6');
    const diagnostic = only(source, 'AQ002');
    assert.equal(applyFix(source, diagnostic), lines('FROM 123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/aqueducthq/gpu_cuda1180_py310:0.3.6'));
  });

  it('offers several choices of the same kind', () => {
    const diagnostic = only(lines('FROM aqueducthq/llm_cuda1180_py37:0.3.6'), 'AQ002');
    const titles = diagnostic.fixes.map((fix) => fix.title);
    assert.ok(titles.length >= 3, JSON.stringify(titles));
    assert.ok(titles.slice(0, -1).every((title) => title.includes('llm_cuda')), JSON.stringify(titles));
  });

  it('does not fire on every image Aqueduct publishes', () => {
    for (const name of ['function37', 'function310', 'gpu_cuda1141_py37', 'gpu_cuda1180_py310', 'llm_cuda1141_py38', 'llm_cuda1180_py310']) {
      none(lines(`FROM aqueducthq/${name}:0.3.6`), 'AQ002');
    }
  });

  it('resolves ARG defaults in FROM', () => {
    const source = lines('ARG PY=311', 'ARG AQ=0.3.6', 'FROM aqueducthq/function${PY}:${AQ}');
    const diagnostic = only(source, 'AQ002');
    assert.equal(covered(source, diagnostic.range), 'aqueducthq/function${PY}:${AQ}');
    none(lines('ARG PY=310', 'FROM aqueducthq/function${PY}:0.3.6'), 'AQ002');
  });
});

describe('AQ003: the docs\' function<py>gpu name on 0.3.x', () => {
  const source = lines('FROM aqueducthq/function310gpu:0.3.6');

  it('fires with gpu_cuda1180_py310 as the preferred fix', () => {
    const diagnostic = only(source, 'AQ003');
    assert.equal(diagnostic.severity, 'error');
    assert.equal(covered(source, diagnostic.range), 'aqueducthq/function310gpu');
    assert.equal(diagnostic.fixes[0].preferred, true);
    assert.equal(applyFix(source, diagnostic), lines('FROM aqueducthq/gpu_cuda1180_py310:0.3.6'));
    assert.equal(applyFix(source, diagnostic, 'gpu_cuda1141'), lines('FROM aqueducthq/gpu_cuda1141_py310:0.3.6'));
    none(source, 'AQ002');
  });

  it('does not fire for a 0.2.x tag, where the image existed (AQ005 explains the version instead)', () => {
    const old = lines('FROM aqueducthq/function39gpu:0.2.5');
    none(old, 'AQ003');
    assert.equal(only(old, 'AQ005').severity, 'warning');
  });
});

describe('AQ004: missing or latest tag', () => {
  it('fires on an untagged base and pins it to the server version', () => {
    const source = lines('FROM aqueducthq/function310');
    const diagnostic = only(source, 'AQ004', { serverVersion: '0.3.4' });
    assert.equal(diagnostic.severity, 'warning');
    assert.equal(covered(source, diagnostic.range), 'aqueducthq/function310');
    assert.equal(applyFix(source, diagnostic, 'Pin'), lines('FROM aqueducthq/function310:0.3.4'));
    none(source, 'DL3006');
  });

  it('fires on latest with the tag range', () => {
    const source = lines('FROM aqueducthq/function310:latest AS op');
    const diagnostic = only(source, 'AQ004');
    assert.equal(covered(source, diagnostic.range), 'latest');
    assert.equal(applyFix(source, diagnostic, 'Pin'), lines('FROM aqueducthq/function310:0.3.6 AS op'));
    none(source, 'DL3007');
  });

  it('does not fire on a version tag', () => none(lines('FROM aqueducthq/function310:0.3.6'), 'AQ004'));
});

describe('AQ005: a tag that does not run custom images', () => {
  it('fires on the withdrawn 0.3.0', () => {
    const source = lines('FROM aqueducthq/function310:0.3.0');
    const diagnostic = only(source, 'AQ005');
    assert.match(diagnostic.message, /withdrawn/);
    assert.equal(covered(source, diagnostic.range), '0.3.0');
    assert.equal(applyFix(source, diagnostic, 'Pin'), lines('FROM aqueducthq/function310:0.3.6'));
  });

  it('fires on versions before 0.3.1 and unknown ones', () => {
    only(lines('FROM aqueducthq/function38:0.2.9'), 'AQ005');
    only(lines('FROM aqueducthq/function38:0.4.0'), 'AQ005');
    only(lines('FROM aqueducthq/function38:dev'), 'AQ005');
  });

  it('does not fire on 0.3.1 to 0.3.6', () => {
    for (const version of ['0.3.1', '0.3.2', '0.3.3', '0.3.4', '0.3.5', '0.3.6']) none(lines(`FROM aqueducthq/function38:${version}`), 'AQ005', { serverVersion: version });
  });
});

describe('AQ006: tag unlike the configured server version', () => {
  const source = lines('FROM aqueducthq/gpu_cuda1141_py39:0.3.4');

  it('fires on the tag and pins it to the server version', () => {
    const diagnostic = only(source, 'AQ006', { serverVersion: '0.3.6' });
    assert.match(diagnostic.message, /0\.3\.6/);
    assert.equal(covered(source, diagnostic.range), '0.3.4');
    assert.equal(applyFix(source, diagnostic, 'Pin'), lines('FROM aqueducthq/gpu_cuda1141_py39:0.3.6'));
  });

  it('does not fire when they match, or when the server version setting is not usable', () => {
    none(source, 'AQ006', { serverVersion: '0.3.4' });
    none(source, 'AQ006', { serverVersion: 'banana' });
    none(source, 'AQ006', { serverVersion: '0.3.0' });
  });
});

describe('AQ007: installing aqueduct-ml', () => {
  it('fires on the package word and removes it from the install', () => {
    const source = lines('FROM aqueducthq/function310:0.3.6', 'RUN pip install --no-cache-dir pandas==2.0.3 aqueduct-ml==0.3.6');
    const diagnostic = only(source, 'AQ007');
    assert.equal(covered(source, diagnostic.range), 'aqueduct-ml==0.3.6');
    assert.equal(applyFix(source, diagnostic, 'Remove'), lines('FROM aqueducthq/function310:0.3.6', 'RUN pip install --no-cache-dir pandas==2.0.3'));
  });

  it('recognises quoted, underscored and conda-run installs', () => {
    only(lines('FROM aqueducthq/gpu_cuda1180_py310:0.3.6', 'RUN conda run -n py310_env pip install --no-cache-dir "aqueduct_ml>=0.3"'), 'AQ007');
  });

  it('does not fire on other packages or outside Aqueduct images', () => {
    none(lines('FROM aqueducthq/function310:0.3.6', 'RUN pip install --no-cache-dir aqueduct-utils==1.0'), 'AQ007');
    none(lines('FROM python:3.10-slim', 'RUN pip install --no-cache-dir aqueduct-ml==0.3.6'), 'AQ007');
  });
});

describe('AQ008: plain pip on a GPU base', () => {
  const source = lines('FROM aqueducthq/gpu_cuda1180_py310:0.3.6', 'RUN pip install --no-cache-dir torch==2.0.1');

  it('fires on the pip token and routes it through conda run', () => {
    const diagnostic = only(source, 'AQ008');
    assert.equal(covered(source, diagnostic.range), 'pip');
    assert.equal(applyFix(source, diagnostic), lines('FROM aqueducthq/gpu_cuda1180_py310:0.3.6', 'RUN conda run -n py310_env pip install --no-cache-dir torch==2.0.1'));
  });

  it('covers "python -m pip" and LLM bases', () => {
    const llm = lines('FROM aqueducthq/llm_cuda1141_py38:0.3.6', 'RUN python3 -m pip install --no-cache-dir x==1');
    const diagnostic = only(llm, 'AQ008');
    assert.equal(covered(llm, diagnostic.range), 'python3 -m pip');
    assert.match(applyFix(llm, diagnostic), /conda run -n py38_env python3 -m pip install/);
  });

  it('does not fire with conda run, on CPU bases, or after the fix', () => {
    none(lines('FROM aqueducthq/gpu_cuda1180_py310:0.3.6', 'RUN conda run -n py310_env pip install --no-cache-dir torch==2.0.1'), 'AQ008');
    none(lines('FROM aqueducthq/function310:0.3.6', 'RUN pip install --no-cache-dir torch==2.0.1'), 'AQ008');
    none(applyFix(source, only(source, 'AQ008')), 'AQ008');
  });
});

describe('AQ009: workspace marked Aqueduct, base is not', () => {
  it('fires when ecr.aqueduct.enabled is on and offers Aqueduct bases', () => {
    const source = lines('FROM python:3.9-slim', 'RUN true');
    const diagnostic = only(source, 'AQ009', { aqueductWorkspace: true });
    assert.equal(covered(source, diagnostic.range), 'python');
    assert.equal(applyFix(source, diagnostic), lines('FROM aqueducthq/function39:0.3.6', 'RUN true'));
    none(source, 'AQ009');
    none(lines('FROM aqueducthq/function39:0.3.6'), 'AQ009', { aqueductWorkspace: true });
  });
});

describe('a correct Aqueduct Dockerfile', () => {
  it('has no diagnostics at all', () => {
    const source = lines(
      'FROM aqueducthq/gpu_cuda1180_py310:0.3.6',
      'COPY requirements.txt /tmp/requirements.txt',
      'RUN conda run -n py310_env pip install --no-cache-dir -r /tmp/requirements.txt',
    );
    assert.deepEqual(lint(source), []);
  });
});
