import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../src/core/dockerfile/parse';
import { findingsFromShellcheck, runShellcheck, ShellcheckNotFound, ShellcheckSkipped, shellcheckDialect, shellcheckInputs } from '../../../src/core/dockerfile/shellcheck';
import { covered, lines } from './helpers';

describe('ShellCheck inputs', () => {
  it('one script per RUN, with the stage shell as dialect and its ARG/ENV names declared', () => {
    const model = parseDockerfile(
      lines('ARG BASE_VERSION=1', 'FROM debian:12', 'ARG VERSION', 'RUN echo $VERSION', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN [[ -n $X ]]', 'RUN ["echo", "exec form"]', 'SHELL ["pwsh", "-c"]', 'RUN Write-Host hi', 'FROM alpine:3', 'RUN echo $VERSION'),
    );
    const inputs = shellcheckInputs(model);
    assert.deepEqual(inputs.map((input) => [input.instruction.range.start.line, input.dialect]), [[3, 'sh'], [5, 'bash'], [10, 'sh']]);
    assert.equal(inputs[0].text, '#!/bin/sh\nexport VERSION=1\necho $VERSION\n');
    assert.doesNotMatch(inputs[2].text, /export VERSION=1/);
  });

  it('declares only the names a script uses, so 1,000 ENV are not repeated in each of 1,000 scripts', () => {
    const env = Array.from({ length: 1000 }, (_, i) => `ENV VAR_${i}=${i}`);
    const runs = Array.from({ length: 1000 }, (_, i) => `RUN echo "$VAR_${i}" \${VAR_${(i + 1) % 1000}:-x} $HTTP_PROXY $UNDECLARED`);
    const inputs = shellcheckInputs(parseDockerfile(lines('FROM debian:12', ...env, ...runs)));
    assert.equal(inputs.length, 1000);
    assert.equal(inputs[5].text, '#!/bin/sh\nexport VAR_5=1\nexport VAR_6=1\nexport HTTP_PROXY=1\necho "$VAR_5" ${VAR_6:-x} $HTTP_PROXY $UNDECLARED\n');
    const bytes = inputs.reduce((sum, input) => sum + input.text.length, 0);
    assert.ok(bytes < 150_000, `${bytes} bytes of scripts`);
  });

  it("a stage built FROM another carries that stage's ENV names; an unrelated stage does not", () => {
    const model = parseDockerfile(lines('ARG GLOBAL=1', 'FROM debian:12 AS base', 'ENV APP_HOME=/app', 'FROM base AS build', 'RUN cd "$APP_HOME" && echo "$GLOBAL"', 'FROM base', 'RUN ls "$APP_HOME"', 'FROM debian:12', 'RUN ls "$APP_HOME"'));
    const texts = shellcheckInputs(model).map((input) => input.text);
    assert.match(texts[0], /export APP_HOME=1\nexport GLOBAL=1\n/);
    assert.match(texts[1], /export APP_HOME=1\n/);
    assert.doesNotMatch(texts[2], /APP_HOME=1/);
  });

  it('the flags of RUN and ONBUILD RUN (--mount, --network, --security) are not part of the script', () => {
    const model = parseDockerfile(lines('FROM debian:12', 'ONBUILD RUN --mount=type=cache,target=/root/.cache --network=none pip install -r r.txt', 'RUN --mount=type=secret,id=x --security=insecure make'));
    assert.deepEqual(
      shellcheckInputs(model).map((input) => input.script.source.text),
      ['pip install -r r.txt', 'make'],
    );
  });

  it('a # hadolint shell= pragma sets the dialect; shells ShellCheck cannot check are skipped', () => {
    assert.equal(shellcheckInputs(parseDockerfile(lines('# hadolint shell=bash', 'FROM debian:12', 'RUN echo'))).at(0)?.dialect, 'bash');
    assert.equal(shellcheckDialect('/usr/bin/pwsh'), undefined);
    assert.equal(shellcheckDialect('cmd.exe'), undefined);
    assert.equal(shellcheckDialect('/bin/ash'), 'sh');
  });

  it('maps json1 positions back to the Dockerfile through continuations and tabs', () => {
    const text = lines('FROM debian:12', 'RUN mkdir /x \\', '\t&& cp $SRC /x');
    const [input] = shellcheckInputs(parseDockerfile(text));
    const line = input.prefixLines + 1; // the flattened script is a single line
    const column = input.script.source.text.indexOf('$SRC') + 1;
    const output = JSON.stringify({ comments: [{ file: 'f', line, endLine: line, column, endColumn: column + 4, level: 'info', code: 2086, message: 'Double quote to prevent globbing and word splitting.' }] });
    const [finding] = findingsFromShellcheck(output, () => input);
    assert.equal(finding.ruleId, 'SC2086');
    assert.equal(finding.defaultSeverity, 'info');
    assert.equal(covered(text, finding.range), '$SRC');
    assert.deepEqual(finding.range.start, { line: 2, character: 7 });
    assert.deepEqual(findingsFromShellcheck('not json', () => input), []);
  });
});

describe('runShellcheck', () => {
  it('says when the executable is missing', async () => {
    const model = parseDockerfile(lines('FROM debian:12', 'RUN echo $X'));
    await assert.rejects(runShellcheck(model, '/nonexistent/shellcheck'), ShellcheckNotFound);
  });

  it('skips scripts larger than its bound with a one-line reason, before starting any process', async () => {
    const model = parseDockerfile(lines('FROM debian:12', ...Array.from({ length: 50 }, (_, i) => `RUN echo ${i} $X`)));
    await assert.rejects(runShellcheck(model, '/nonexistent/shellcheck', { limits: { maxScriptBytes: 100 } }), (error: Error) => {
      assert.ok(error instanceof ShellcheckSkipped);
      assert.match(error.message, /^ShellCheck skipped: the 50 RUN scripts are \d+ KB, more than the 0 KB it is run on\.$/);
      return true;
    });
  });
});
