import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyFix, covered, findings, lines, none, only } from './helpers';

const BASE = 'FROM debian:12.5';

describe('DL3006 / DL3007: base image tags', () => {
  it('DL3006 fires on an untagged image with the name range (registry included)', () => {
    const source = lines('FROM registry.example.com:5000/team/base AS build');
    const diagnostic = only(source, 'DL3006');
    assert.equal(covered(source, diagnostic.range), 'registry.example.com:5000/team/base');
  });

  it('DL3007 fires on latest with the tag range', () => {
    const source = lines('FROM ubuntu:latest');
    assert.equal(covered(source, only(source, 'DL3007').range), 'latest');
  });

  it('neither fires for tags, digests, scratch or stage references', () => {
    const source = lines('FROM ubuntu:22.04 AS build', 'FROM alpine@sha256:0123456789abcdef', 'FROM scratch', 'FROM build');
    none(source, 'DL3006');
    none(source, 'DL3007');
  });
});

describe('apt-get install: DL3014, DL3015, DL3008, DL3009', () => {
  const source = lines(BASE, 'RUN apt-get update && apt-get install curl');

  it('DL3014 fires on "install" and the fix adds -y', () => {
    const diagnostic = only(source, 'DL3014');
    assert.equal(covered(source, diagnostic.range), 'install');
    assert.equal(applyFix(source, diagnostic, 'Add -y'), lines(BASE, 'RUN apt-get update && apt-get install -y curl'));
  });

  it('DL3015 fires on "install" and the fix adds --no-install-recommends', () => {
    const diagnostic = only(source, 'DL3015');
    assert.equal(diagnostic.severity, 'info');
    assert.equal(applyFix(source, diagnostic), lines(BASE, 'RUN apt-get update && apt-get install --no-install-recommends curl'));
  });

  it('DL3008 fires on each unpinned package', () => {
    const multi = lines(BASE, 'RUN apt-get install -y --no-install-recommends curl=7.88.1-10 git \\', '    "ca-certificates"');
    const found = findings(multi, 'DL3008');
    assert.deepEqual(found.map((d) => covered(multi, d.range)), ['git', '"ca-certificates"']);
  });

  it('DL3009 fires on "apt-get update" and the fix appends the list cleanup', () => {
    const diagnostic = only(source, 'DL3009');
    assert.equal(covered(source, diagnostic.range), 'apt-get update');
    assert.equal(applyFix(source, diagnostic), lines(BASE, 'RUN apt-get update && apt-get install curl \\', '    && rm -rf /var/lib/apt/lists/*'));
  });

  it('DL3009 uses the escape directive in its fix, and heredoc scripts get a new line', () => {
    const backtick = lines('# escape=`', BASE, 'RUN apt-get update && apt-get install -y curl');
    assert.match(applyFix(backtick, only(backtick, 'DL3009')), /curl `\n {4}&& rm -rf/);
    const heredoc = lines(BASE, 'RUN <<EOF', 'apt-get update', 'apt-get install -y --no-install-recommends curl=1', 'EOF');
    assert.equal(applyFix(heredoc, only(heredoc, 'DL3009')), lines(BASE, 'RUN <<EOF', 'apt-get update', 'apt-get install -y --no-install-recommends curl=1', 'rm -rf /var/lib/apt/lists/*', 'EOF'));
  });

  it('none fires for a clean install, and DL3009 not in a builder stage', () => {
    const clean = lines(BASE, 'RUN apt-get update \\', '    && apt-get install -yq --no-install-recommends curl=7.88 \\', '    && rm -rf /var/lib/apt/lists/*');
    for (const id of ['DL3014', 'DL3015', 'DL3008', 'DL3009']) none(clean, id);
    none(lines('FROM debian:12 AS build', 'RUN apt-get update && apt-get install -y curl=1', 'FROM debian:12', 'COPY --from=build /x /x'), 'DL3009');
  });

  it('quoted operators are not commands', () => {
    none(lines(BASE, 'RUN echo "apt-get install foo && apt-get update"'), 'DL3014');
  });
});

describe('pip: DL3013, DL3042', () => {
  const source = lines('FROM python:3.10-slim', 'RUN pip install flask requests==2.31.0');

  it('DL3013 fires on the unpinned package only', () => {
    assert.equal(covered(source, only(source, 'DL3013').range), 'flask');
  });

  it('DL3042 fires on "install" and the fix adds --no-cache-dir', () => {
    const diagnostic = only(source, 'DL3042');
    assert.equal(covered(source, diagnostic.range), 'install');
    assert.equal(applyFix(source, diagnostic), lines('FROM python:3.10-slim', 'RUN pip install --no-cache-dir flask requests==2.31.0'));
  });

  it('requirement files, local paths, version ranges, PIP_NO_CACHE_DIR and cache mounts are fine', () => {
    const ok = lines('FROM python:3.10-slim', 'ENV PIP_NO_CACHE_DIR=1', 'RUN pip3 install -r requirements.txt . "numpy>=1.24" ./pkg git+https://x/y.git');
    none(ok, 'DL3013');
    none(ok, 'DL3042');
    none(lines('FROM python:3.10-slim', 'RUN --mount=type=cache,target=/root/.cache/pip pip install x==1'), 'DL3042');
  });

  it('PIP_NO_CACHE_DIR set for the command, exported earlier in the RUN, or in legacy ENV form turns the cache off', () => {
    none(lines('FROM python:3.10-slim', 'RUN PIP_NO_CACHE_DIR=1 pip install x==1'), 'DL3042');
    none(lines('FROM python:3.10-slim', 'RUN export PIP_NO_CACHE_DIR=1 && pip install x==1'), 'DL3042');
    none(lines('FROM python:3.10-slim', 'ENV PIP_NO_CACHE_DIR 1', 'RUN pip install x==1'), 'DL3042');
    // Set for another command only: this pip still caches.
    only(lines('FROM python:3.10-slim', 'RUN PIP_NO_CACHE_DIR=1 echo hi && pip install x==1'), 'DL3042');
    only(lines('FROM python:3.10-slim', 'RUN pip install x==1 && export PIP_NO_CACHE_DIR=1'), 'DL3042');
  });
});

describe('DL3020: ADD for files', () => {
  it('fires on the ADD keyword and changes it to COPY', () => {
    const source = lines(BASE, 'ADD --chown=1000 app/ /srv/app/');
    const diagnostic = only(source, 'DL3020');
    assert.equal(covered(source, diagnostic.range), 'ADD');
    assert.equal(applyFix(source, diagnostic), lines(BASE, 'COPY --chown=1000 app/ /srv/app/'));
  });

  it('does not fire for archives and URLs', () => {
    none(lines(BASE, 'ADD rootfs.tar.gz /', 'ADD https://example.com/x.bin /x.bin'), 'DL3020');
  });
});

describe('DL3003: cd in RUN', () => {
  it('fires on the cd token', () => {
    const source = lines(BASE, 'RUN make -C x && cd /src && make');
    const diagnostic = only(source, 'DL3003');
    assert.equal(covered(source, diagnostic.range), 'cd');
    assert.equal(diagnostic.range.start.character, 17);
  });

  it('does not fire on words containing cd', () => none(lines(BASE, 'RUN echo cd && abcd'), 'DL3003'));
});

describe('DL3025: JSON form for CMD and ENTRYPOINT', () => {
  it('fires on the arguments and converts plain words to JSON', () => {
    const source = lines(BASE, 'CMD python app.py --port 8080');
    const diagnostic = only(source, 'DL3025');
    assert.equal(covered(source, diagnostic.range), 'python app.py --port 8080');
    assert.equal(applyFix(source, diagnostic), lines(BASE, 'CMD ["python", "app.py", "--port", "8080"]'));
  });

  it('keeps shell syntax behind an explicit /bin/sh -c', () => {
    const source = lines(BASE, 'ENTRYPOINT exec gunicorn -b 0.0.0.0:$PORT app');
    assert.equal(applyFix(source, only(source, 'DL3025')), lines(BASE, 'ENTRYPOINT ["/bin/sh", "-c", "exec gunicorn -b 0.0.0.0:$PORT app"]'));
  });

  it('does not fire on the JSON form', () => none(lines(BASE, 'CMD ["python", "app.py"]'), 'DL3025'));
});

describe('DL4006: pipes without pipefail', () => {
  const source = lines(BASE, 'RUN curl -fsSL https://x | bash');

  it('fires on the pipe and the fix adds a SHELL with pipefail', () => {
    const diagnostic = only(source, 'DL4006');
    assert.equal(covered(source, diagnostic.range), '|');
    const fixed = applyFix(source, diagnostic);
    assert.equal(fixed, lines(BASE, 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN curl -fsSL https://x | bash'));
    none(fixed, 'DL4006');
  });

  it('does not fire for ||, quoted pipes, or set -o pipefail', () => {
    none(lines(BASE, 'RUN false || true', 'RUN echo "a|b"', 'RUN set -o pipefail && a | b'), 'DL4006');
  });
});

describe('DL4003 / DL4004: multiple CMD or ENTRYPOINT', () => {
  it('flags the later ones, as hadolint does, and the fix removes the earlier one they make pointless', () => {
    const source = lines(BASE, 'CMD ["a"]', 'ENTRYPOINT ["x"]', 'CMD ["b"]', 'ENTRYPOINT ["y"]');
    const cmd = only(source, 'DL4003');
    assert.equal(cmd.range.start.line, 3);
    assert.equal(applyFix(source, cmd), lines(BASE, 'ENTRYPOINT ["x"]', 'CMD ["b"]', 'ENTRYPOINT ["y"]'));
    const entrypoint = only(source, 'DL4004');
    assert.equal(entrypoint.severity, 'error');
    assert.equal(covered(source, entrypoint.range), 'ENTRYPOINT');
    assert.equal(entrypoint.range.start.line, 4);
  });

  it('counts per stage', () => none(lines(BASE, 'CMD ["a"]', BASE, 'CMD ["b"]'), 'DL4003'));
});

describe('DL3002: last USER root', () => {
  it('fires on the user argument of the final stage', () => {
    const source = lines(BASE, 'USER app', 'USER root:root');
    assert.equal(covered(source, only(source, 'DL3002').range), 'root:root');
  });

  it('does not fire when the last USER is unprivileged or root is only in a builder', () => {
    none(lines(BASE, 'USER root', 'USER 1000'), 'DL3002');
    none(lines('FROM debian:12 AS build', 'USER root', 'FROM debian:12', 'USER app'), 'DL3002');
  });
});
