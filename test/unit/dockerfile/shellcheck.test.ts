import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../src/core/dockerfile/parse';
import { findingsFromShellcheck, runShellcheck, ShellcheckNotFound, shellcheckDialect, shellcheckInputs } from '../../../src/core/dockerfile/shellcheck';
import { covered, lines } from './helpers';

describe('ShellCheck inputs', () => {
  it('one script per RUN, with the stage shell as dialect and its ARG/ENV names declared', () => {
    const model = parseDockerfile(
      lines('ARG BASE_VERSION=1', 'FROM debian:12', 'ARG VERSION', 'RUN echo $VERSION', 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]', 'RUN [[ -n $X ]]', 'RUN ["echo", "exec form"]', 'SHELL ["pwsh", "-c"]', 'RUN Write-Host hi', 'FROM alpine:3', 'RUN echo $VERSION'),
    );
    const inputs = shellcheckInputs(model);
    assert.deepEqual(inputs.map((input) => [input.instruction.range.start.line, input.dialect]), [[3, 'sh'], [5, 'bash'], [10, 'sh']]);
    assert.match(inputs[0].text, /^#!\/bin\/sh\n(export \w+=1\n)*echo \$VERSION\n$/);
    assert.match(inputs[0].text, /export VERSION=1\n/);
    assert.match(inputs[0].text, /export BASE_VERSION=1\n/);
    assert.doesNotMatch(inputs[2].text, /export VERSION=1/);
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
});
