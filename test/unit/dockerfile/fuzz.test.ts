/**
 * Throws mutated, random and hostile Dockerfiles at the linter: it must never throw, never hit
 * an internal error (errors are caught per rule, so they are counted through onInternalError),
 * and always return ranges inside the document with fixes that apply.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lintDockerfile, type LintOptions } from '../../../src/core/dockerfile/lint';
import { scaffoldAqueductDockerfile, validateScaffoldRequest } from '../../../src/core/dockerfile/scaffold';
import { applyEdits } from '../../../src/core/dockerfile/text';
import { aqueductHover, fromCompletionContext } from '../../../src/core/dockerfile/assist';
import { parseDockerfile, parseDockerfileWhole, type DockerfileModel } from '../../../src/core/dockerfile/parse';
import { seeded } from '../../support/seeded';

/** The parts of the model that come from dockerfile-ast, for comparing chunked and whole parses. */
function parsedShape(model: DockerfileModel): unknown {
  return {
    escapeChar: model.escapeChar,
    instructions: model.instructions.map((instruction) => ({
      keyword: instruction.keyword,
      keywordRange: instruction.keywordRange,
      range: instruction.range,
      args: instruction.args,
      rawArgs: instruction.rawArgs,
      flags: instruction.flags,
      heredocs: instruction.heredocs,
      stage: instruction.stage,
    })),
    stages: model.stages.map((stage) => ({ ...stage.from, instruction: stage.from.instruction.index })),
    globalArgs: [...model.globalArgs],
  };
}

const KEYWORDS = ['FROM', 'RUN', 'CMD', 'ENTRYPOINT', 'COPY', 'ADD', 'ARG', 'ENV', 'USER', 'WORKDIR', 'SHELL', 'HEALTHCHECK', 'ONBUILD', 'LABEL', 'EXPOSE', 'VOLUME', 'STOPSIGNAL', 'MAINTAINER', 'from', 'Run', 'FRM', '#', '', 'X'];
const TOKENS = [
  'aqueducthq/function310:0.3.6', 'aqueducthq/function310gpu', 'aqueducthq/gpu_cuda1180_py310:latest', 'aqueducthq/llm_cuda1141_py37', 'aqueducthq/', 'aqueducthq/x:',
  'python:3.10', 'scratch', 'base', 'AS', 'as', 'build', '${PY}', '$V', '${V:-0.3.6}', '${', '$', 'apt-get', 'apt', 'install', 'update', '-y', '--no-install-recommends',
  'pip', 'pip3', 'python', '-m', 'conda', 'run', '-n', 'py310_env', 'aqueduct-ml', 'curl=1', 'rm', '-rf', '/var/lib/apt/lists/*', '--no-cache-dir', '-r', 'req.txt',
  '&&', '||', '|', ';', '&', '(', ')', '"', "'", '\\', '`', '[', ']', '["a",', '"b"]', '<<EOF', '<<-EOF', "<<'EOF'", 'EOF', '--from=build', '--mount=type=cache,target=/root/.cache/pip',
  '--platform=', '--chown', '--', '-', '=', ':', '@sha256:abc', 'cd', 'set', '-o', 'pipefail', 'root', '0:0', '#', '# hadolint ignore=DL3008', '# ecr-lint ignore=AQ001,', '\t', '  ', 'é', '😀', '\u0000',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function randomLine(random: () => number): string {
  const parts = [pick(random, KEYWORDS)];
  const count = Math.floor(random() * 8);
  for (let i = 0; i < count; i++) parts.push(pick(random, TOKENS));
  let line = parts.join(random() < 0.1 ? '' : ' ');
  if (random() < 0.15) line += ' \\';
  if (random() < 0.03) line += ' `';
  return line;
}

function instructionSoup(random: () => number): string {
  const lines: string[] = [];
  if (random() < 0.2) lines.push(pick(random, ['# escape=`', '# escape=\\', '# syntax=docker/dockerfile:1', '# escape=x', '#escape=`']));
  const count = 1 + Math.floor(random() * 40);
  for (let i = 0; i < count; i++) lines.push(randomLine(random));
  return lines.join(pick(random, ['\n', '\n', '\r\n', '\r']));
}

function binaryJunk(random: () => number): string {
  const length = Math.floor(random() * 2000);
  let text = '';
  for (let i = 0; i < length; i++) {
    const roll = random();
    text += roll < 0.7 ? String.fromCharCode(Math.floor(random() * 256)) : roll < 0.9 ? String.fromCharCode(Math.floor(random() * 0xffff)) : pick(random, ['\n', '\\', 'FROM ', 'RUN ', '<<EOF\n', '"']);
  }
  return text;
}

function hugeLine(random: () => number): string {
  const parts: string[] = ['FROM aqueducthq/function310:0.3.6', 'RUN pip install'];
  let line = '';
  const target = 20_000 + Math.floor(random() * 100_000);
  while (line.length < target) line += ` ${pick(random, TOKENS)}`;
  parts[1] += line;
  return parts.join('\n');
}

function unterminatedHeredoc(random: () => number): string {
  const lines = ['FROM aqueducthq/gpu_cuda1180_py310:0.3.6', pick(random, ['RUN <<EOF', 'RUN <<-EOF', "RUN <<'EOF' bash", 'COPY <<EOF /x', 'RUN python3 <<PY', 'RUN <<A <<B'])];
  const count = Math.floor(random() * 30);
  for (let i = 0; i < count; i++) lines.push(random() < 0.5 ? randomLine(random) : pick(random, ['pip install x', 'apt-get install y | z', '\tEOF ', 'EO', 'cd /', '\\']));
  return lines.join('\n');
}

function deepContinuation(random: () => number): string {
  const depth = 200 + Math.floor(random() * 3000);
  const lines = ['FROM debian:12', 'RUN apt-get update \\'];
  for (let i = 0; i < depth; i++) lines.push(random() < 0.05 ? '# comment inside' : random() < 0.05 ? '' : `  && ${pick(random, TOKENS)} ${pick(random, TOKENS)} \\`);
  if (random() < 0.5) lines.push('  && true');
  return lines.join('\n');
}

const SEEDS = [
  'FROM aqueducthq/function310:0.3.6\nRUN pip install pandas aqueduct-ml\nCMD python app.py\n',
  'ARG PY=310\nFROM aqueducthq/gpu_cuda1180_py${PY}:0.3.5 AS base\nRUN apt-get update && apt-get install curl | tee x\nFROM base\nUSER root\n',
  '# escape=`\nFROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nADD a b\nENTRYPOINT exec x\nENTRYPOINT ["y"]\n',
  '# hadolint ignore=DL3008\nFROM ubuntu:latest\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN cd /x && curl y | sh\nCOPY --from=build --chown=1 a b\nHEALTHCHECK --interval=5s CMD true\n',
];
for (const variant of ['cpu', 'gpu-cuda1141', 'llm-cuda1180']) {
  const request = validateScaffoldRequest({ python: '3.9', variant, version: '0.3.6' });
  if (request.ok) SEEDS.push(scaffoldAqueductDockerfile(request.value).dockerfile);
}

function mutate(random: () => number, text: string): string {
  let result = text;
  const steps = 1 + Math.floor(random() * 12);
  for (let i = 0; i < steps; i++) {
    const at = Math.floor(random() * (result.length + 1));
    const roll = random();
    if (roll < 0.3) result = result.slice(0, at) + result.slice(at + 1 + Math.floor(random() * 10));
    else if (roll < 0.6) result = result.slice(0, at) + pick(random, TOKENS) + result.slice(at);
    else if (roll < 0.7) result = result.slice(0, at) + pick(random, ['\\\n', '\n', '\r', '"', "'", '<<EOF\n', '\t']) + result.slice(at);
    else if (roll < 0.8) {
      const lines = result.split('\n');
      const line = Math.floor(random() * lines.length);
      lines.splice(line, 0, lines[line] ?? '');
      result = lines.join('\n');
    } else if (roll < 0.9) result = result.slice(0, at);
    else result = result.slice(0, at) + String.fromCharCode(Math.floor(random() * 0xffff)) + result.slice(at);
  }
  return result;
}

function randomOptions(random: () => number): LintOptions {
  return {
    serverVersion: pick(random, ['0.3.6', '0.3.1', '0.3.0', 'banana', '', undefined]),
    aqueductWorkspace: random() < 0.3,
    ruleSeverities: random() < 0.2 ? { AQ001: 'off', DL3008: 'hint' } : undefined,
    hadolint: random() < 0.2 ? { ignored: ['DL3006'], override: { style: ['DL3042'] } } : undefined,
  };
}

function generate(random: () => number, index: number): string {
  switch (index % 10) {
    case 0:
    case 1:
    case 2:
      return mutate(random, pick(random, SEEDS));
    case 3:
    case 4:
    case 5:
      return instructionSoup(random);
    case 6:
    case 7:
      return binaryJunk(random);
    case 8:
      return unterminatedHeredoc(random);
    default:
      // A few very large inputs; most of the slot goes to more mutations to keep the run short.
      return index % 200 === 9 ? hugeLine(random) : index % 200 === 19 ? deepContinuation(random) : mutate(random, mutate(random, pick(random, SEEDS)));
  }
}

describe('linter fuzz', () => {
  it('the chunked, cached parse equals dockerfile-ast parsing the whole file, on 6,000 inputs', () => {
    const random = seeded(0xc0ffee);
    const mismatches: string[] = [];
    for (let index = 0; index < 6_000 && mismatches.length < 3; index++) {
      const text = generate(random, index);
      // Twice: the second parse comes from the chunk cache.
      for (const round of [1, 2]) {
        try {
          assert.deepEqual(parsedShape(parseDockerfile(text)), parsedShape(parseDockerfileWhole(text)));
        } catch (error) {
          mismatches.push(`case ${index} round ${round}: ${(error as Error).message.slice(0, 1500)}\n--- input ---\n${JSON.stringify(text.slice(0, 400))}`);
          break;
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it('lints 12,000 mutated and random Dockerfiles without an exception', () => {
    const random = seeded(0x5eed_2026);
    const cases = 12_000;
    const failures: string[] = [];
    let diagnostics = 0;
    for (let index = 0; index < cases; index++) {
      const text = generate(random, index);
      const options = randomOptions(random);
      const internal: string[] = [];
      options.onInternalError = (error, where) => internal.push(`${where}: ${(error as Error)?.stack ?? error}`);
      try {
        const { model, diagnostics: found } = lintDockerfile(text, options);
        diagnostics += found.length;
        const lineCount = model ? model.lines.length : 0;
        for (const diagnostic of found) {
          const { start, end } = diagnostic.range;
          if (start.line < 0 || end.line >= Math.max(lineCount, 1) || start.line > end.line || (start.line === end.line && start.character > end.character)) {
            failures.push(`case ${index}: ${diagnostic.ruleId} has range ${JSON.stringify(diagnostic.range)} outside the ${lineCount}-line document`);
          }
          for (const fix of diagnostic.fixes) applyEdits(text, fix.edits);
        }
        if (model) {
          aqueductHover(model, { line: Math.floor(random() * lineCount), character: Math.floor(random() * 40) }, '0.3.6');
          const line = model.lines[Math.floor(random() * lineCount)] ?? '';
          fromCompletionContext(line, 0, Math.floor(random() * (line.length + 1)));
        }
      } catch (error) {
        failures.push(`case ${index} threw: ${(error as Error)?.stack ?? error}`);
      }
      if (internal.length > 0) failures.push(`case ${index}: ${internal.join('; ')}\n--- input ---\n${text.slice(0, 500)}`);
      if (failures.length >= 5) break;
    }
    assert.deepEqual(failures, []);
    assert.ok(diagnostics > cases, `only ${diagnostics} diagnostics over ${cases} cases: the generators are not reaching the rules`);
  });
});
