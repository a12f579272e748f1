import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lintDockerfile, normalizeRuleSeverities, ruleDocumentationUrl, diagnosticCode, type LintDiagnostic, type LintOptions } from '../../../src/core/dockerfile/lint';
import { applyEdits } from '../../../src/core/dockerfile/text';
import { buildCheckWarnings, loadFixture, runCase, tallyByRule } from './buildkitFixture';

function docker(text: string, options: LintOptions = {}, mode: 'merged' | 'separate' = 'separate', dockerignore?: string[]): LintDiagnostic[] {
  return lintDockerfile(text, { ...options, buildChecks: { mode, dockerignore } }).diagnostics.filter((d) => d.source === 'docker');
}

function rules(text: string, dockerignore?: string[]): string[] {
  return docker(text, {}, 'separate', dockerignore).map((d) => `${d.ruleId}@${d.range.start.line + 1}`);
}

function fix(text: string, ruleId: string, title?: string): string {
  const diagnostic = docker(text).find((d) => d.ruleId === ruleId);
  assert.ok(diagnostic, `no ${ruleId} in ${JSON.stringify(rules(text))}`);
  const chosen = title ? diagnostic.fixes.find((f) => f.title.includes(title)) : diagnostic.fixes[0];
  assert.ok(chosen, `no fix "${title}" among ${JSON.stringify(diagnostic.fixes.map((f) => f.title))}`);
  return applyEdits(text, chosen.edits);
}

describe("BuildKit's own rule tests (dockerfile_check_test.go)", () => {
  const results = loadFixture().map(runCase);

  it('reports every expected warning and no unexpected one, per rule, on every case a Dockerfile alone decides', () => {
    const tally = tallyByRule(results);
    assert.ok(tally.size >= 21, `rules covered: ${[...tally.keys()].join(', ')}`);
    for (const [rule, counts] of tally) {
      assert.equal(counts.missing, 0, `${rule}: ${counts.missing} expected warnings not reported`);
      assert.equal(counts.unexpected, 0, `${rule}: ${counts.unexpected} warnings BuildKit does not report`);
    }
    for (const result of results.filter((r) => !r.fixtureCase.difference)) {
      assert.deepEqual({ missing: result.missing, unexpected: result.unexpected }, { missing: [], unexpected: [] }, result.fixtureCase.name);
    }
  });

  it('differs only where a build-time fact decides (README: deliberate differences)', () => {
    const differing = results.filter((r) => r.missing.length > 0 || r.unexpected.length > 0).map((r) => r.fixtureCase.name);
    assert.deepEqual(differing, results.filter((r) => r.fixtureCase.difference).map((r) => r.fixtureCase.name));
    // BUILDKIT_DOCKERFILE_CHECK given as a build argument replaces the directive; while typing, the directive is what we have.
    assert.deepEqual(buildCheckWarnings({ dockerfile: '#check=skip=all\nFROM scratch as base\ncopy Dockerfile .\n' }), []);
    // InvalidBaseImagePlatform needs the pulled image: never reported.
    assert.deepEqual(buildCheckWarnings({ dockerfile: 'FROM --platform=linux/arm64 alpine\n' }).map(([rule]) => rule), ['FromPlatformFlagConstDisallowed']);
  });
});

describe('Docker build checks, one by one', () => {
  it('StageNameCasing and FromAsCasing, with fixes', () => {
    assert.deepEqual(rules('FROM alpine AS Build\nFROM alpine AS run\n'), ['StageNameCasing@1']);
    assert.equal(fix('FROM alpine AS Build\n', 'StageNameCasing'), 'FROM alpine AS build\n');
    assert.deepEqual(rules('FROM alpine as build\n'), ['FromAsCasing@1']);
    assert.equal(fix('FROM alpine as build\n', 'FromAsCasing'), 'FROM alpine AS build\n');
    assert.deepEqual(rules('from alpine as build\n'), []);
  });

  it('ConsistentInstructionCasing follows the majority and fixes the keyword', () => {
    assert.deepEqual(rules('FROM alpine\nrun true\nRUN true\n'), ['ConsistentInstructionCasing@2']);
    assert.equal(fix('FROM alpine\nrun true\nRUN true\n', 'ConsistentInstructionCasing'), 'FROM alpine\nRUN true\nRUN true\n');
    assert.deepEqual(rules('from alpine\nrun true\n'), []);
  });

  it('NoEmptyContinuation on the last line of the instruction; the fix removes the empty lines', () => {
    const text = 'FROM alpine\nRUN echo a \\\n\n  b\n';
    assert.deepEqual(rules(text), ['NoEmptyContinuation@4']);
    assert.equal(fix(text, 'NoEmptyContinuation'), 'FROM alpine\nRUN echo a \\\n  b\n');
    assert.deepEqual(rules('FROM alpine\nRUN echo a \\\n# comment\n  b\n'), []);
  });

  it('DuplicateStageName and ReservedStageName', () => {
    assert.deepEqual(rules('FROM alpine AS a\nFROM alpine AS A\n'), ['StageNameCasing@2', 'DuplicateStageName@2']);
    assert.deepEqual(rules('FROM alpine AS scratch\n'), ['ReservedStageName@1']);
    assert.deepEqual(rules('FROM scratch\nFROM scratch AS ok\n'), []);
  });

  it('JSONArgsRecommended with the JSON form as fix; not after SHELL', () => {
    assert.deepEqual(rules('FROM alpine\nCMD node server.js\n'), ['JSONArgsRecommended@2']);
    assert.equal(fix('FROM alpine\nCMD node server.js\n', 'JSONArgsRecommended'), 'FROM alpine\nCMD ["node", "server.js"]\n');
    assert.equal(fix('FROM alpine\nENTRYPOINT exec app $FLAGS\n', 'JSONArgsRecommended'), 'FROM alpine\nENTRYPOINT ["/bin/sh", "-c", "exec app $FLAGS"]\n');
    assert.deepEqual(rules('FROM alpine\nSHELL ["/bin/bash", "-c"]\nCMD node server.js\n'), []);
    assert.deepEqual(rules('FROM alpine\nCMD ["node", "server.js"]\n'), []);
  });

  it('MaintainerDeprecated, fixed with the OCI authors label', () => {
    assert.deepEqual(rules('FROM alpine\nMAINTAINER Jane <jane@example.org>\n'), ['MaintainerDeprecated@2']);
    assert.equal(fix('FROM alpine\nMAINTAINER Jane <jane@example.org>\n', 'MaintainerDeprecated'), 'FROM alpine\nLABEL org.opencontainers.image.authors="Jane <jane@example.org>"\n');
    assert.deepEqual(rules('FROM alpine\nLABEL org.opencontainers.image.authors="Jane <jane@example.org>"\n'), []);
  });

  it('UndefinedArgInFrom, with a suggestion', () => {
    assert.deepEqual(docker('ARG VERSION=1\nFROM alpine:${VERSON}\n').map((d) => d.message), [
      // BuildKit reports both: the misspelt name is undeclared, and so the image is "alpine:".
      'Default value for ARG alpine:${VERSON} results in empty or invalid base image name',
      "FROM argument 'VERSON' is not declared (did you mean VERSION?)",
    ]);
    assert.deepEqual(rules('ARG VERSION=3.20\nFROM alpine:${VERSION}\n'), []);
    assert.deepEqual(rules('FROM --platform=$BUILDPLATFORM alpine\n'), []);
  });

  it('WorkdirRelativePath only for the first WORKDIR of a stage chain', () => {
    assert.deepEqual(rules('FROM alpine\nWORKDIR app\nWORKDIR sub\n'), ['WorkdirRelativePath@2']);
    assert.deepEqual(rules('FROM alpine\nWORKDIR /app\nWORKDIR sub\n'), []);
    // Checked after expansion, as BuildKit does; a value it cannot know (a build argument without default) is not guessed.
    assert.deepEqual(docker('FROM alpine\nENV APP=app\nWORKDIR ${APP}/src\n').map((d) => d.message), ['Relative workdir "app/src" can have unexpected results if the base image changes']);
    assert.deepEqual(rules('FROM alpine\nARG APP_DIR=/srv\nWORKDIR $APP_DIR/app\n'), []);
    assert.deepEqual(rules('FROM alpine\nARG APP_DIR\nWORKDIR $APP_DIR\n'), []);
  });

  it('UndefinedVar in COPY, ENV, WORKDIR…, not in RUN; upper-case names only where the base image environment is known', () => {
    assert.deepEqual(docker('FROM alpine\nARG APP_DIR=/app\nWORKDIR $APP_DIRR\n').map((d) => d.message), ["Usage of undefined variable '$APP_DIRR' (did you mean $APP_DIR?)"]);
    assert.deepEqual(rules('FROM alpine\nRUN echo $UNSET\n'), []);
    assert.deepEqual(rules("FROM alpine\nENV A='$NOT_EXPANDED'\n"), []);
    // An image we cannot read may set any upper-case name (BuildKit reads the pulled image's environment)…
    assert.deepEqual(rules('FROM golang:1.22\nWORKDIR $GOPATH/src\n'), []);
    assert.deepEqual(rules('FROM nvidia/cuda:12.2.0-base-ubuntu22.04\nENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/opt/lib\n'), []);
    // …but practically never a lower-case one; and alpine, debian, ubuntu, busybox set PATH alone.
    assert.deepEqual(rules('FROM golang:1.22\nCOPY $src /src\n'), ['UndefinedVar@2']);
    assert.deepEqual(rules('FROM ubuntu:24.04\nENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/opt/lib\n'), ['UndefinedVar@2']);
    assert.deepEqual(rules('FROM scratch\nCOPY ${GOPATH}/bin/app /app\n'), ['UndefinedVar@2']);
    // As in Docker, HOME is not in an image's configured environment.
    assert.deepEqual(rules('FROM alpine\nWORKDIR $HOME/app\n'), ['UndefinedVar@2']);
    // A stage built FROM another stage has what that stage had.
    assert.deepEqual(rules('FROM golang:1.22 AS build\nARG OUT=/out\nFROM build\nCOPY $OUT $GOPATH/bin/\n'), []);
  });

  it('MultipleInstructionsDisallowed on the instruction that has no effect', () => {
    assert.deepEqual(rules('FROM alpine\nCMD ["a"]\nCMD ["b"]\n'), ['MultipleInstructionsDisallowed@2']);
    assert.deepEqual(rules('FROM alpine AS a\nCMD ["a"]\nFROM a\nCMD ["b"]\n'), []);
  });

  it('LegacyKeyValueFormat, fixed as key=value (quoted when the value has spaces)', () => {
    assert.deepEqual(rules('FROM alpine\nENV MODE production\n'), ['LegacyKeyValueFormat@2']);
    assert.equal(fix('FROM alpine\nENV MODE production\n', 'LegacyKeyValueFormat'), 'FROM alpine\nENV MODE=production\n');
    assert.equal(fix('FROM alpine\nLABEL description a small image\n', 'LegacyKeyValueFormat'), 'FROM alpine\nLABEL description="a small image"\n');
    assert.deepEqual(rules('FROM alpine\nENV MODE=production\n'), []);
  });

  it('RedundantTargetPlatform (fix removes the flag) and FromPlatformFlagConstDisallowed', () => {
    assert.deepEqual(rules('FROM --platform=$TARGETPLATFORM alpine\n'), ['RedundantTargetPlatform@1']);
    assert.equal(fix('FROM --platform=$TARGETPLATFORM alpine\n', 'RedundantTargetPlatform'), 'FROM alpine\n');
    assert.deepEqual(rules('FROM --platform=linux/arm64 alpine\n'), ['FromPlatformFlagConstDisallowed@1']);
    assert.deepEqual(rules('FROM --platform=linux/arm64 alpine AS build-arm64\n'), []);
  });

  it('SecretsUsedInArgOrEnv by name, allowing public/file/version', () => {
    assert.deepEqual(rules('FROM alpine\nARG GITHUB_TOKEN\nENV DB_PASSWORD=x\nARG TOKEN_FILE\nARG AUTH_VERSION=1\n'), ['SecretsUsedInArgOrEnv@2', 'SecretsUsedInArgOrEnv@3']);
  });

  it('InvalidDefaultArgInFrom when the defaults leave no valid image', () => {
    assert.deepEqual(rules('ARG TAG\nFROM alpine:$TAG\n'), ['InvalidDefaultArgInFrom@2']);
    assert.deepEqual(rules('ARG TAG=3.20\nFROM alpine:$TAG\n'), []);
  });

  it('CopyIgnoredFile from the .dockerignore lines; none when it has exceptions or the source comes from a stage', () => {
    assert.deepEqual(rules('FROM alpine\nCOPY secrets/key.pem /k\n', ['secrets']), ['CopyIgnoredFile@2']);
    assert.deepEqual(rules('FROM alpine\nCOPY secrets/key.pem /k\n', ['secrets', '!secrets/ok']), []);
    assert.deepEqual(rules('FROM alpine AS a\nFROM alpine\nCOPY --from=a secrets /k\n', ['secrets']), []);
    assert.deepEqual(rules('FROM alpine\nCOPY secrets/key.pem /k\n'), []);
  });

  it('ExposeProtoCasing (fix lowercases) and ExposeInvalidFormat', () => {
    assert.deepEqual(rules('FROM alpine\nEXPOSE 53/UDP\n'), ['ExposeProtoCasing@2']);
    assert.equal(fix('FROM alpine\nEXPOSE 53/UDP\n', 'ExposeProtoCasing'), 'FROM alpine\nEXPOSE 53/udp\n');
    assert.deepEqual(rules('FROM alpine\nEXPOSE 8080:80\n'), ['ExposeInvalidFormat@2']);
    assert.deepEqual(rules('FROM alpine\nEXPOSE 80 443/tcp\n'), []);
  });

  it('InvalidDefinitionDescription only when enabled with experimental=', () => {
    assert.deepEqual(rules('FROM alpine\n# the port\nARG PORT=80\n'), []);
    assert.deepEqual(rules('# check=experimental=InvalidDefinitionDescription\nFROM alpine\n# the port\nARG PORT=80\n'), ['InvalidDefinitionDescription@4']);
  });
});

describe('check directives', () => {
  const text = 'FROM alpine as build\nMAINTAINER me\n';

  it('# check=skip=<rules> and skip=all at the top of the file', () => {
    assert.deepEqual(rules(text), ['FromAsCasing@1', 'MaintainerDeprecated@2']);
    assert.deepEqual(rules(`# check=skip=FromAsCasing\n${text}`), ['MaintainerDeprecated@3']);
    assert.deepEqual(rules(`# syntax=docker/dockerfile:1\n#check=skip=all\n${text}`), []);
    // After another comment it is no longer the file's directive, only the comment of the instruction below it.
    assert.deepEqual(rules(`# a comment\n# check=skip=all\n${text}`), ['MaintainerDeprecated@4']);
  });

  it('# check=error=true shows the checks as errors', () => {
    assert.deepEqual(docker(`# check=error=true\n${text}`).map((d) => d.severity), ['error', 'error']);
    assert.deepEqual(docker(text).map((d) => d.severity), ['warning', 'warning']);
  });

  it('a # check=skip= comment above an instruction skips it there only, for the checks BuildKit reads it for', () => {
    assert.deepEqual(rules('FROM alpine\n# check=skip=MaintainerDeprecated // legacy\nMAINTAINER me\nMAINTAINER you\n'), ['MaintainerDeprecated@4']);
    assert.deepEqual(rules('FROM alpine AS a\n# check=skip=DuplicateStageName\nFROM alpine AS a\n'), ['DuplicateStageName@3']);
  });

  it('an unreadable check directive is an error, as it fails the build', () => {
    const found = docker('# check=skip=all;wrong\nFROM alpine\n');
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'error');
    assert.match(found[0].message, /invalid check option "wrong"/);
  });

  it('the skip quick fix writes the comment Docker reads', () => {
    const instruction = fix('FROM alpine\nMAINTAINER me\n', 'MaintainerDeprecated', 'for this instruction');
    assert.equal(instruction, 'FROM alpine\n# check=skip=MaintainerDeprecated\nMAINTAINER me\n');
    assert.deepEqual(rules(instruction), []);
    const file = fix('# check=error=true\nFROM alpine AS a\nFROM alpine AS a\n', 'DuplicateStageName', 'in this file');
    assert.equal(file, '# check=skip=DuplicateStageName;error=true\nFROM alpine AS a\nFROM alpine AS a\n');
    assert.deepEqual(rules(file), []);
  });
});

describe('build checks on broken input', () => {
  it('never fail on any prefix of BuildKit\'s test Dockerfiles, nor with odd escapes, BOMs, CRLF and directives', () => {
    const errors: string[] = [];
    const texts = loadFixture().map((c) => c.dockerfile);
    texts.push('\uFEFF# escape=`\nFROM alpine AS A\r\nCOPY a `\r\n\r\n b\r\n', '#!/bin/sh\n# check=skip=\nFROM', 'FROM --platform= \nENV\nLABEL\nARG\nEXPOSE :/ /tcp 1:\nWORKDIR\nCMD [\nCOPY --from=\nMAINTAINER\nFROM $', 'FROM a AS ${x}\nCOPY ${a:-${b:+$c}} ${ /d\nENV a=${');
    for (const text of texts) {
      for (let end = 0; end <= text.length; end++) {
        lintDockerfile(text.slice(0, end), { buildChecks: { mode: 'merged', dockerignore: ['*', 'a/**', '!b'] }, onInternalError: (error, where) => errors.push(`${where}: ${(error as Error).message} in ${JSON.stringify(text.slice(0, end))}`) });
      }
    }
    assert.deepEqual(errors.slice(0, 5), []);
  });
});

describe('build checks beside hadolint', () => {
  it('are off unless asked for (the core default; the extension passes ecr.lint.buildChecks)', () => {
    assert.deepEqual(lintDockerfile('FROM alpine\nMAINTAINER me\n').diagnostics.filter((d) => d.source === 'docker'), []);
    assert.deepEqual(docker('FROM alpine\nMAINTAINER me\n', {}, 'separate').length, 1);
    assert.deepEqual(lintDockerfile('FROM alpine\nMAINTAINER me\n', { buildChecks: { mode: 'off' } }).diagnostics.filter((d) => d.source === 'docker'), []);
  });

  it('"merged" shows one diagnostic naming both codes, with both fixes; "separate" shows both', () => {
    const text = 'FROM alpine\nMAINTAINER me\nWORKDIR app\nCMD node a.js\nCMD node b.js\n';
    const merged = lintDockerfile(text, { buildChecks: { mode: 'merged' } }).diagnostics;
    const codes = merged.map(diagnosticCode);
    assert.ok(codes.includes('DL4000, MaintainerDeprecated'), codes.join(' | '));
    assert.ok(codes.includes('DL3000, WorkdirRelativePath'), codes.join(' | '));
    assert.ok(codes.includes('DL3025, JSONArgsRecommended'), codes.join(' | '));
    assert.ok(codes.includes('DL4003, MultipleInstructionsDisallowed'), codes.join(' | '));
    assert.ok(!codes.includes('MaintainerDeprecated') && !codes.includes('DL4000'), codes.join(' | '));
    const maintainer = merged.find((d) => d.ruleId === 'DL4000')!;
    assert.match(maintainer.message, /Docker MaintainerDeprecated/);
    assert.ok(maintainer.fixes.some((f) => f.title.includes('org.opencontainers.image.authors')));
    const stages = lintDockerfile('FROM --platform=linux/amd64 alpine:3.20\nFROM alpine:3.20 AS a\nFROM alpine:3.20 AS a\n', { buildChecks: { mode: 'merged' } }).diagnostics;
    assert.deepEqual(stages.map((d) => `${d.range.start.line + 1} ${diagnosticCode(d)} ${d.severity}`), ['1 DL3029, FromPlatformFlagConstDisallowed warning', '3 DL3024, DuplicateStageName error']);
    const separate = lintDockerfile(text, { buildChecks: { mode: 'separate' } }).diagnostics.map(diagnosticCode);
    assert.ok(separate.includes('DL4000') && separate.includes('MaintainerDeprecated'), separate.join(' | '));
  });

  it('ecr.lint.rules takes build check names (any case) and sets their severity; docs link to docs.docker.com', () => {
    const { severities, problems } = normalizeRuleSeverities({ stagenamecasing: 'error', UndefinedVar: 'off' });
    assert.deepEqual(problems, []);
    assert.deepEqual(severities, { StageNameCasing: 'error', UndefinedVar: 'off' });
    const found = docker('FROM alpine AS Build\nCOPY $X /x\n', { ruleSeverities: severities });
    assert.deepEqual(found.map((d) => `${d.ruleId}:${d.severity}`), ['StageNameCasing:error']);
    assert.equal(ruleDocumentationUrl('JSONArgsRecommended'), 'https://docs.docker.com/go/dockerfile/rule/json-args-recommended/');
  });
});
