import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { finalStageChain, parseDockerfile, splitImageReference, substituteVariables } from '../../../src/core/dockerfile/parse';
import { pipInstalls, shellScriptOf } from '../../../src/core/dockerfile/shell';
import { argWord, commandsOf } from '../../../src/core/dockerfile/rules/commands';
import { covered, lines } from './helpers';

describe('parse model', () => {
  it('resolves ARG defaults in FROM, including ${VAR:-default}', () => {
    const model = parseDockerfile(lines('ARG PY=310', 'ARG TAG', 'FROM aqueducthq/function${PY}:${TAG:-0.3.6} AS op', 'FROM debian:${MISSING}'));
    assert.deepEqual(model.stages[0].from.image, { name: 'aqueducthq/function310', tag: '0.3.6', digest: undefined });
    assert.equal(model.stages[0].from.stageName, 'op');
    assert.equal(model.stages[1].from.image, undefined);
    assert.equal(substituteVariables('$A-${B:+x}', new Map([['A', '1'], ['B', '']])), '1-');
  });

  it('splits registries with ports, tags and digests', () => {
    assert.deepEqual(splitImageReference('localhost:5000/a/b:1.0@sha256:abc'), { name: 'localhost:5000/a/b', tag: '1.0', digest: 'sha256:abc' });
    assert.deepEqual(splitImageReference('localhost:5000/a/b'), { name: 'localhost:5000/a/b', tag: undefined, digest: undefined });
  });

  it('follows stage references to the final chain', () => {
    const model = parseDockerfile(lines('FROM a:1 AS base', 'FROM b:1 AS other', 'FROM base AS mid', 'FROM mid'));
    assert.deepEqual(finalStageChain(model).map((stage) => stage.index), [3, 2, 0]);
  });

  it('honours the escape directive in continuations', () => {
    const text = lines('# escape=`', 'FROM debian:12', 'RUN apt-get update && `', '    apt-get install -y curl');
    const model = parseDockerfile(text);
    assert.equal(model.escapeChar, '`');
    const script = shellScriptOf(model, model.instructions[1])!;
    const install = argWord(commandsOf(script)[1], 'install');
    assert.equal(covered(text, install.range), 'install');
    assert.equal(install.range.start.line, 3);
  });
});

describe('shell script of a RUN', () => {
  it('splits commands on operators, keeps quoted text together, drops comment lines in continuations and redirections', () => {
    const text = lines('FROM x:1', 'RUN pip install "a b" c==1 \\', '  # a comment line', '  && echo \'x && y\' | tee 2>&1 out ; true');
    const model = parseDockerfile(text);
    const script = shellScriptOf(model, model.instructions[1])!;
    assert.deepEqual(script.commands.map((command) => command.words.map((word) => word.text)), [['pip', 'install', 'a b', 'c==1'], ['echo', 'x && y'], ['tee', 'out'], ['true']]);
    assert.deepEqual(script.operators.map((op) => op.kind), ['&&', '|', ';']);
    assert.equal(covered(text, script.commands[0].words[2].range), '"a b"');
  });

  it('reads heredoc scripts line by line and only the command line of "python3 <<EOF"', () => {
    const text = lines('FROM x:1', 'RUN <<EOF', 'pip install a==1', 'cd /x', 'EOF', 'RUN python3 <<PY', 'import pip', 'PY');
    const model = parseDockerfile(text);
    const heredoc = shellScriptOf(model, model.instructions[1])!;
    assert.deepEqual(heredoc.commands.map((command) => command.words[0].text), ['pip', 'cd']);
    assert.equal(pipInstalls(heredoc)[0].packages[0].range.start.line, 2);
    const stdin = shellScriptOf(model, model.instructions[2])!;
    assert.deepEqual(stdin.commands.map((command) => command.words.map((word) => word.text)), [['python3']]);
  });

  it('finds pip behind env assignments and conda run, and behind sudo only when asked', () => {
    const text = lines('FROM x:1', 'RUN PIP_X=1 sudo -E pip3 -q install --no-cache-dir y==1 && conda run -n py39_env python -m pip install z==2');
    const model = parseDockerfile(text);
    const script = shellScriptOf(model, model.instructions[1])!;
    const describe = (installs: ReturnType<typeof pipInstalls>) => installs.map((install) => [install.program.text, install.condaEnvironment, install.packages.map((p) => p.text)]);
    assert.deepEqual(describe(pipInstalls(script, true)), [
      ['pip3', undefined, ['y==1']],
      ['conda', 'py39_env', ['z==2']],
    ]);
    assert.deepEqual(describe(pipInstalls(script)), [['conda', 'py39_env', ['z==2']]]);
  });
});
