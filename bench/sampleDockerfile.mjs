// The Dockerfile the lint benches time (bench/lint.mjs, bench/build-checks.mjs): one generator, so their figures are comparable.
/** A realistic file: several stages, continuations, comments, heredocs, apt and pip, some mistakes. */
export function generateDockerfile(lineCount) {
  const lines = ['# syntax=docker/dockerfile:1', 'ARG PY=310', 'ARG AQUEDUCT=0.3.6'];
  let block = 0;
  while (lines.length < lineCount) {
    const n = block++;
    const chunk = [
      n === 0 ? 'FROM aqueducthq/function${PY}:${AQUEDUCT}' : `FROM python:3.${8 + (n % 3)}-slim AS stage${n}`,
      `# stage ${n}: dependencies for operator ${n}`,
      'RUN apt-get update \\',
      `    && apt-get install -y --no-install-recommends curl=7.88.${n} git${n % 2 ? '' : '=1:2.39'} \\`,
      '    && rm -rf /var/lib/apt/lists/*',
      `ENV APP_HOME=/srv/app${n} PYTHONDONTWRITEBYTECODE=1`,
      `WORKDIR /srv/app${n}`,
      `COPY requirements-${n}.txt ./`,
      `RUN pip install --no-cache-dir -r requirements-${n}.txt pandas==2.0.${n % 4} scikit-learn${n % 3 ? '' : '==1.3.0'}`,
      'RUN <<EOF',
      `echo "building ${n}" | tee /tmp/build-${n}.log`,
      `cd /srv/app${n} && python -m compileall .`,
      'EOF',
      `COPY --chown=1000:1000 src/ /srv/app${n}/src/`,
      `LABEL org.opencontainers.image.revision="${n}"`,
      `# hadolint ignore=DL3003`,
      `RUN cd /srv && ls -la app${n}`,
      `USER ${n % 5 ? 'app' : 'root'}`,
    ];
    lines.push(...chunk);
  }
  return lines.slice(0, lineCount).join('\n') + '\n';
}
