import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RULES } from '../../../src/core/dockerfile/lint';
import { applyFix, covered, findings, lines, lint, none } from './helpers';

const FROM = 'FROM debian:12.5';

interface RuleCase {
  /** Fires here… */
  fires: string;
  /** …on exactly these words (one finding each). */
  on: string[];
  /** Silent on each of these. */
  silent: string[];
  /** The fix of the first finding: its title (substring) and the resulting text. */
  fix?: [string, string];
}

// hadolint's default rules, as its documentation (README rule table and wiki) describes them.
const CASES: Record<string, RuleCase> = {
  DL3000: { fires: lines(FROM, 'WORKDIR app'), on: ['app'], silent: [lines(FROM, 'WORKDIR /app', 'WORKDIR $HOME', 'WORKDIR "/x y"')], fix: ['/app', lines(FROM, 'WORKDIR /app')] },
  DL3001: { fires: lines(FROM, 'RUN service nginx start && ssh host'), on: ['service', 'ssh'], silent: [lines(FROM, 'RUN echo service')] },
  DL3002: { fires: lines(FROM, 'USER app', 'USER root'), on: ['root'], silent: [lines(FROM, 'USER root', 'USER 1000'), lines('FROM a:1 AS b', 'USER root', FROM, 'USER 1000')] },
  DL3003: { fires: lines(FROM, 'RUN cd /tmp && make'), on: ['cd'], silent: [lines(FROM, 'WORKDIR /tmp', 'RUN make')] },
  DL3004: { fires: lines(FROM, 'RUN sudo apt-get update'), on: ['sudo'], silent: [lines(FROM, 'RUN gosu app true')] },
  DL3006: { fires: lines('FROM ubuntu'), on: ['ubuntu'], silent: [lines('FROM ubuntu:22.04 AS build', 'FROM build'), lines('FROM scratch'), lines('FROM ${BASE}'), lines('FROM alpine@sha256:abc')] },
  DL3007: { fires: lines('FROM ubuntu:latest'), on: ['latest'], silent: [lines('FROM ubuntu:24.04'), lines('FROM ubuntu:latest@sha256:abc')] },
  DL3008: { fires: lines(FROM, 'RUN apt-get install -y --no-install-recommends curl git=1:2.39 ./x.deb'), on: ['curl'], silent: [lines(FROM, 'RUN apt-get install -y --no-install-recommends -t bookworm-backports curl=7.88 lib/foo')] },
  DL3009: {
    fires: lines(FROM, 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7'),
    on: ['apt-get update'],
    silent: [
      lines(FROM, 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7 && rm -rf /var/lib/apt/lists/*'),
      lines(FROM, 'RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update'),
      lines('FROM debian:12 AS build', 'RUN apt-get update', FROM),
    ],
    fix: ['Remove the apt lists', lines(FROM, 'RUN apt-get update && apt-get install -y --no-install-recommends curl=7 \\', '    && rm -rf /var/lib/apt/lists/*')],
  },
  DL3010: { fires: lines(FROM, 'COPY dist/app.tar.gz /tmp/', 'RUN tar -xzf /tmp/app.tar.gz -C /srv && rm /tmp/app.tar.gz'), on: ['dist/app.tar.gz'], silent: [lines(FROM, 'COPY app.tar.gz /tmp/', 'RUN sha256sum /tmp/app.tar.gz'), lines(FROM, 'ADD app.tar.gz /srv/'), lines(FROM, 'COPY a.tgz /x.tgz', FROM, 'RUN tar xf /x.tgz')] },
  DL3011: { fires: lines(FROM, 'EXPOSE 80 70000/tcp'), on: ['70000/tcp'], silent: [lines(FROM, 'EXPOSE 80 443/udp 8000-8010 $PORT')] },
  DL3012: { fires: lines(FROM, 'HEALTHCHECK CMD ["a"]', 'HEALTHCHECK CMD ["b"]'), on: ['HEALTHCHECK'], silent: [lines(FROM, 'HEALTHCHECK CMD ["a"]', FROM, 'HEALTHCHECK CMD ["b"]')] },
  DL3013: { fires: lines(FROM, 'RUN pip install --no-cache-dir flask requests==2.31 "numpy>=1" ./pkg x.whl'), on: ['flask'], silent: [lines(FROM, 'RUN pip install --no-cache-dir -r requirements.txt', 'RUN pip install --no-cache-dir -c constraints.txt flask', 'RUN pip install --no-cache-dir git+https://github.com/a/b@v1.0')] },
  DL3014: { fires: lines(FROM, 'RUN apt-get install --no-install-recommends curl=7'), on: ['install'], silent: [lines(FROM, 'RUN apt-get -y install --no-install-recommends a=1 && apt-get -qq install --no-install-recommends b=1 && apt-get --assume-yes install --no-install-recommends c=1')], fix: ['-y', lines(FROM, 'RUN apt-get install -y --no-install-recommends curl=7')] },
  DL3015: { fires: lines(FROM, 'RUN apt-get install -y curl=7'), on: ['install'], silent: [lines(FROM, 'RUN apt-get install -y -o APT::Install-Recommends=false curl=7')], fix: ['--no-install-recommends', lines(FROM, 'RUN apt-get install --no-install-recommends -y curl=7')] },
  DL3016: { fires: lines(FROM, 'RUN npm install -g express @angular/cli@17 ./local'), on: ['express'], silent: [lines(FROM, 'RUN npm install', 'RUN npm install express@4 git+https://x/y#v1 foo.tgz')] },
  DL3018: { fires: lines(FROM, 'RUN apk add --no-cache curl bash=5.2.15-r0'), on: ['curl'], silent: [lines(FROM, 'RUN apk add --no-cache --virtual .deps curl=8.5.0-r0 git~2.43 ./x.apk')] },
  DL3019: { fires: lines(FROM, 'RUN apk add curl=8'), on: ['add'], silent: [lines(FROM, 'RUN apk add --no-cache curl=8')], fix: ['--no-cache', lines(FROM, 'RUN apk add --no-cache curl=8')] },
  DL3020: {
    fires: lines(FROM, 'ADD app.py /app/', 'ADD [ "test file", "/tmp/test file" ]'),
    on: ['ADD', 'ADD'],
    silent: [lines(FROM, 'ADD https://x/y.tar.gz /tmp/', 'ADD rootfs.tar.xz /', 'ADD ["a.tar.gz", "/x/"]')],
    fix: ['COPY', lines(FROM, 'COPY app.py /app/', 'ADD [ "test file", "/tmp/test file" ]')],
  },
  DL3021: { fires: lines(FROM, 'COPY a b /dest'), on: ['/dest'], silent: [lines(FROM, 'COPY a b /dest/', 'COPY a /dest')], fix: ['/dest/', lines(FROM, 'COPY a b /dest/')] },
  DL3022: { fires: lines(FROM, 'COPY --from=builder /a /b'), on: ['--from=builder'], silent: [lines('FROM a:1 AS builder', FROM, 'COPY --from=builder /a /b', 'COPY --from=0 /a /b', 'COPY --from=nginx:1.25 /a /b')] },
  DL3023: { fires: lines('FROM debian:12 AS app', 'COPY --from=app /a /b'), on: ['--from=app'], silent: [lines('FROM debian:12 AS build', 'FROM debian:12 AS app', 'COPY --from=build /a /b')] },
  DL3024: { fires: lines('FROM a:1 AS x', 'FROM b:1 AS x'), on: ['x'], silent: [lines('FROM a:1 AS x', 'FROM b:1 AS y')] },
  DL3025: { fires: lines(FROM, 'CMD python app.py'), on: ['python app.py'], silent: [lines(FROM, 'CMD ["python", "app.py"]')], fix: ['JSON', lines(FROM, 'CMD ["python", "app.py"]')] },
  DL3027: { fires: lines(FROM, 'RUN apt install -y curl'), on: ['apt'], silent: [lines(FROM, 'RUN apt-get install -y --no-install-recommends curl=7 && apt-cache policy curl')], fix: ['apt-get', lines(FROM, 'RUN apt-get install -y curl')] },
  DL3028: { fires: lines(FROM, 'RUN gem install rails bundler:2.4'), on: ['rails'], silent: [lines(FROM, 'RUN gem install rails:7.1 && gem install -v 2.4 bundler')] },
  DL3029: { fires: lines('FROM --platform=linux/amd64 debian:12'), on: ['--platform=linux/amd64'], silent: [lines('FROM --platform=$BUILDPLATFORM debian:12')] },
  DL3030: { fires: lines(FROM, 'RUN yum install httpd-2.4 && yum clean all'), on: ['install'], silent: [lines(FROM, 'RUN yum install -y httpd-2.4 && yum clean all')] },
  DL3032: { fires: lines(FROM, 'RUN yum install -y httpd-2.4'), on: ['yum install'], silent: [lines(FROM, 'RUN yum install -y httpd-2.4 && yum clean all')] },
  DL3033: { fires: lines(FROM, 'RUN yum install -y httpd && yum clean all'), on: ['httpd'], silent: [lines(FROM, 'RUN yum install -y httpd-2.4 x.rpm && yum module install -y nodejs:18 && yum clean all')] },
  DL3034: { fires: lines(FROM, 'RUN zypper install curl=8 && zypper clean'), on: ['zypper install'], silent: [lines(FROM, 'RUN zypper install -y curl=8 && zypper clean')] },
  DL3035: { fires: lines(FROM, 'RUN zypper dist-upgrade -y'), on: ['zypper dist-upgrade'], silent: [lines(FROM, 'RUN zypper refresh')] },
  DL3036: { fires: lines(FROM, 'RUN zypper install -y curl=8'), on: ['zypper'], silent: [lines(FROM, 'RUN zypper install -y curl=8 && zypper clean')] },
  DL3037: { fires: lines(FROM, 'RUN zypper install -y curl && zypper clean'), on: ['curl'], silent: [lines(FROM, 'RUN zypper install -y curl=8 "git>=2" && zypper clean')] },
  DL3038: { fires: lines(FROM, 'RUN dnf install httpd-2.4 && dnf clean all'), on: ['install'], silent: [lines(FROM, 'RUN dnf install -y httpd-2.4 && dnf clean all')] },
  DL3040: { fires: lines(FROM, 'RUN dnf install -y httpd-2.4'), on: ['dnf install'], silent: [lines(FROM, 'RUN microdnf install -y httpd-2.4 && microdnf clean all')] },
  DL3041: { fires: lines(FROM, 'RUN dnf install -y httpd && dnf clean all'), on: ['httpd'], silent: [lines(FROM, 'ARG VERSION=1.2', 'RUN dnf install -y httpd-2.4.57 x.rpm pkg-$VERSION && dnf module install -y nodejs:18 && dnf clean all')] },
  DL3042: { fires: lines(FROM, 'RUN pip install flask==3'), on: ['install'], silent: [lines(FROM, 'ENV PIP_NO_CACHE_DIR=1', 'RUN pip install flask==3'), lines(FROM, 'RUN pipx install black==24.1')], fix: ['--no-cache-dir', lines(FROM, 'RUN pip install --no-cache-dir flask==3')] },
  DL3043: { fires: lines(FROM, 'ONBUILD FROM debian:12'), on: ['FROM'], silent: [lines(FROM, 'ONBUILD RUN true')] },
  DL3044: { fires: lines(FROM, 'ENV A=1 B=$A'), on: ['B=$A'], silent: [lines(FROM, 'ENV A=1', 'ENV B=$A'), lines(FROM, 'ENV PATH=/x:$PATH')] },
  DL3045: { fires: lines(FROM, 'COPY app.py app/'), on: ['app/'], silent: [lines(FROM, 'WORKDIR /srv', 'COPY app.py app/'), lines(FROM, 'COPY app.py /srv/', 'COPY app.py $HOME')] },
  DL3046: { fires: lines(FROM, 'RUN useradd -u 123456 app'), on: ['useradd'], silent: [lines(FROM, 'RUN useradd -l -u 123456 app && useradd -u 1000 b')], fix: ['-l', lines(FROM, 'RUN useradd -l -u 123456 app')] },
  DL3047: { fires: lines(FROM, 'RUN wget https://x/y.tgz'), on: ['wget'], silent: [lines(FROM, 'RUN wget -q https://x && wget -nv https://y && wget --progress=dot:giga https://z && wget -o log https://w')], fix: ['--progress=dot:giga', lines(FROM, 'RUN wget --progress=dot:giga https://x/y.tgz')] },
  DL3048: { fires: lines(FROM, 'LABEL Maintainer="A B" org.opencontainers.image.title="x"'), on: ['Maintainer="A B"'], silent: [lines(FROM, 'LABEL maintainer="A B" org.label-schema.name=x version=1')] },
  DL3059: { fires: lines(FROM, 'RUN apt-get update', 'RUN echo hi'), on: ['RUN'], silent: [lines(FROM, 'RUN a && b', 'RUN c'), lines(FROM, 'RUN a', 'WORKDIR /x', 'RUN b'), lines(FROM, 'RUN a', 'RUN --mount=type=cache,target=/x b')], fix: ['Merge', lines(FROM, 'RUN apt-get update \\', '    && echo hi')] },
  DL3060: { fires: lines(FROM, 'RUN yarn install'), on: ['yarn install'], silent: [lines(FROM, 'RUN yarn install && yarn cache clean')] },
  DL3061: { fires: lines('LABEL a=b', FROM), on: ['LABEL'], silent: [lines('ARG X=1', '# comment', FROM)] },
  DL3062: { fires: lines(FROM, 'RUN go install golang.org/x/tools/gopls'), on: ['golang.org/x/tools/gopls'], silent: [lines(FROM, 'RUN go install golang.org/x/tools/gopls@v0.15.0 && go install ./cmd/...')] },
  DL3064: { fires: lines(FROM, 'ARG GITHUB_TOKEN', 'ENV DB_PASSWORD=x'), on: ['GITHUB_TOKEN', 'DB_PASSWORD=x'], silent: [lines(FROM, 'ARG VERSION=1', 'ENV PATH=/x')] },
  DL3066: { fires: lines(FROM, 'USER app', 'ENV NB_USER=jovyan', 'USER ${NB_USER}'), on: ['app', '${NB_USER}'], silent: [lines(FROM, 'USER 1000:1000', 'ARG APP_UID=1000', 'USER ${APP_UID}', 'USER $APP_UID:0')] },
  DL3067: { fires: lines('FROM a:1 AS build', FROM, 'COPY --from=build / /'), on: ['/ /'], silent: [lines('FROM a:1 AS build', FROM, 'COPY --from=build /app /app')] },
  DL4000: { fires: lines(FROM, 'MAINTAINER Jane Doe <jane@example.com>'), on: ['MAINTAINER'], silent: [lines(FROM, 'LABEL maintainer="Jane"')], fix: ['LABEL', lines(FROM, 'LABEL maintainer="Jane Doe <jane@example.com>"')] },
  DL4001: { fires: lines(FROM, 'RUN curl -fsSLO https://x', 'RUN wget -q https://y'), on: ['wget'], silent: [lines(FROM, 'RUN curl -fsSLO https://x', FROM, 'RUN wget -q https://y')] },
  DL4003: { fires: lines(FROM, 'CMD ["a"]', 'CMD ["b"]'), on: ['CMD'], silent: [lines(FROM, 'CMD ["a"]', FROM, 'CMD ["b"]')], fix: ['Remove the CMD on line 2', lines(FROM, 'CMD ["b"]')] },
  DL4004: { fires: lines(FROM, 'ENTRYPOINT ["a"]', 'ENTRYPOINT ["b"]'), on: ['ENTRYPOINT'], silent: [lines(FROM, 'ENTRYPOINT ["a"]', 'CMD ["b"]')] },
  DL3063: {
    fires: lines('FROM alpine:3.20 AS scratch', 'RUN true', 'FROM alpine:3.20', 'COPY --from=scratch /a /b'),
    on: ['scratch'],
    silent: [lines('FROM alpine:3.20 AS build', 'FROM scratch')],
    fix: ['scratch-stage', lines('FROM alpine:3.20 AS scratch-stage', 'RUN true', 'FROM alpine:3.20', 'COPY --from=scratch-stage /a /b')],
  },
  DL3065: {
    fires: lines('FROM --platform=${TARGETPLATFORM} alpine:3.20'),
    on: ['--platform=${TARGETPLATFORM}'],
    silent: [lines('FROM --platform=$BUILDPLATFORM golang:1.22 AS build')],
    fix: ['Remove', lines('FROM alpine:3.20')],
  },
  DL4005: { fires: lines(FROM, 'RUN ln -sf /bin/bash /bin/sh'), on: ['ln'], silent: [lines(FROM, 'SHELL ["/bin/bash", "-c"]', 'RUN ln -s /a /b')] },
  DL4006: { fires: lines(FROM, 'RUN curl -fsSL https://x | bash'), on: ['|'], silent: [lines(FROM, 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN curl -fsSL https://x | bash'), lines(FROM, 'RUN a || b')] },
};

describe("hadolint's default rules", () => {
  for (const [ruleId, rule] of Object.entries(CASES)) {
    describe(ruleId, () => {
      it('fires on the words it is about', () => {
        const found = findings(rule.fires, ruleId);
        assert.deepEqual(found.map((diagnostic) => covered(rule.fires, diagnostic.range)), rule.on);
      });
      it('stays silent where the rule is met', () => rule.silent.forEach((text) => none(text, ruleId)));
      if (rule.fix) {
        const [title, expected] = rule.fix;
        it(`fixes: ${title}`, () => {
          const fixed = applyFix(rule.fires, findings(rule.fires, ruleId)[0], title);
          assert.equal(fixed, expected);
        });
      }
    });
  }

  it("DL3063 and DL3065 fold their build-check twins into one diagnostic, with one fix where both make the same edit", () => {
    const text = lines('FROM --platform=$TARGETPLATFORM alpine:3.20 AS context', 'RUN true');
    const found = lint(text, { buildChecks: { mode: 'merged' } }).filter((diagnostic) => /DL306[35]|ReservedStageName|RedundantTargetPlatform/.test(diagnostic.ruleId));
    assert.deepEqual(found.map((diagnostic) => [diagnostic.ruleId, diagnostic.alsoCodes]), [['DL3065', ['RedundantTargetPlatform']], ['DL3063', ['ReservedStageName']]]);
    assert.deepEqual(found[0].fixes.filter((fix) => fix.title.startsWith('Remove')).map((fix) => fix.title), ['Remove --platform=$TARGETPLATFORM']);
  });

  it('every DL rule we check has a case here, with the severity hadolint gives it', () => {
    // DL3026 and DL3049-DL3058 need .hadolint.yaml settings: configuration.test.ts covers them.
    const dlRules = RULES.filter((rule) => /^DL/.test(rule.id) && !/^DL30(26|49|5[0-8])$/.test(rule.id));
    assert.deepEqual(dlRules.map((rule) => rule.id).filter((id) => !(id in CASES)), []);
    const severities = Object.fromEntries(RULES.map((rule) => [rule.id, rule.defaultSeverity]));
    assert.equal(severities.DL3048, 'hint'); // hadolint's "style"
    assert.equal(severities.DL3047, 'info');
    assert.equal(severities.DL3000, 'error');
  });
});

describe('hadolint rule details the parity bench showed', () => {
  it('DL3062: @latest is not a pin', () => {
    const text = lines(FROM, 'RUN go install github.com/mikefarah/yq/v4@latest');
    assert.deepEqual(findings(text, 'DL3062').map((d) => covered(text, d.range)), ['github.com/mikefarah/yq/v4@latest']);
  });

  it('DL3045: a stage inherits WORKDIR from the stage it builds on, not from another stage of the same base image', () => {
    none(lines('FROM debian:12 AS base', 'WORKDIR /srv', 'FROM base AS app', 'COPY a b'), 'DL3045');
    const text = lines('FROM debian:12 AS build', 'WORKDIR /srv', 'FROM debian:12 AS app', 'COPY a b');
    assert.deepEqual(findings(text, 'DL3045').map((d) => d.range.start.line), [3]);
  });

  it('DL3025 and DL4003 also look at instructions before the first FROM; invalid JSON is the shell form', () => {
    const text = lines("CMD ['echo', 'single quotes are not JSON']", 'CMD ["a"]');
    assert.deepEqual(findings(text, 'DL3025').map((d) => d.range.start.line), [0]);
    assert.deepEqual(findings(text, 'DL4003').map((d) => d.range.start.line), [1]);
    none(lines(FROM, 'CMD ["sh", "-c", "echo \\"${X:-/}\\""]'), 'DL3025');
  });
});
