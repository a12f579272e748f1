import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../../src/core/dockerfile/parse';
import { commandsOf } from '../../../src/core/dockerfile/rules/commands';
import { shellScriptOf } from '../../../src/core/dockerfile/shell';
import { expandBraces } from '../../../src/core/dockerfile/shellParser';
import { covered, lines } from './helpers';

/** Every simple command of the first RUN-like instruction after FROM, as "name arg arg". */
function commandsIn(text: string): string[] {
  const model = parseDockerfile(text);
  const script = shellScriptOf(model, model.instructions[1])!;
  return commandsOf(script).map((command) => [command.name, ...command.args.map((word) => word.text)].join(' '));
}

const run = (script: string) => lines('FROM debian:12', `RUN ${script}`);

// [what, Dockerfile text, the simple commands the shell runs (in any order)]
const TABLE: Array<[string, string, string[]]> = [
  ['&&, || and ;', run('a 1 && b 2 || c; d'), ['a 1', 'b 2', 'c', 'd']],
  ['pipes, and |& ', run('curl x | tar -x |& tee log'), ['curl x', 'tar -x', 'tee log']],
  ['if/then/elif/else/fi', run('if [ -n "$X" ]; then apt-get install -y curl; elif test -f y; then b; else c; fi'), ['[ -n $X ]', 'apt-get install -y curl', 'test -f y', 'b', 'c']],
  ['while/until/do/done', run('while read l; do echo $l; done; until false; do break; done'), ['read l', 'echo $l', 'false', 'break']],
  ['for loops skip their word list', run('for p in curl git; do apt-get install -y $p; done'), ['apt-get install -y $p']],
  ['{ …; } groups and ( … ) subshells', run('{ cd /x && make; } && (cd /y; make install)'), ['cd /x', 'make', 'cd /y', 'make install']],
  ['! negation', run('! grep -q x /etc/y'), ['grep -q x /etc/y']],
  ['command substitution outside quotes', run('echo $(dpkg --print-architecture)'), ['echo $(dpkg --print-architecture)', 'dpkg --print-architecture']],
  ['command substitution inside double quotes, with a pipe', run('arch="$(dpkg --print-architecture | awk -F- \'{ print $NF }\')"'), ['dpkg --print-architecture', 'awk -F- { print $NF }']],
  ['backticks', run('echo `uname -m`'), ['echo `uname -m`', 'uname -m']],
  ['nested substitutions', run('x=$(basename "$(dirname /a/b)")'), ['basename $(dirname /a/b)', 'dirname /a/b']],
  ['redirects are never arguments', run('pip install numba>=0.57.1 > /tmp/log 2>&1 < /dev/null'), ['pip install numba']],
  ['fd and &> redirects', run('make 2>/dev/null &>>log; cat <<<word'), ['make', 'cat']],
  ['assignments before a command are not its name', run('DEBIAN_FRONTEND=noninteractive A="x y" apt-get install -y curl'), ['apt-get install -y curl']],
  ['array assignments are words, not commands', lines('FROM debian:12', 'RUN <<EOF', 'PKGS=(', '  curl', '  git', ')', 'apt-get install -y "${PKGS[@]}"', 'EOF'), ['apt-get install -y ${PKGS[@]}']],
  ['a command named by an expansion has no name to check', run('python$PY -m pip install x; $CC main.c'), []],
  ['an assignment alone runs no command', run('X=1; Y="$(id -u)"'), ['id -u']],
  ['case patterns are not commands', run('case "$a" in x86_64|amd64) arch=x64 ;; aarch64) apk add foo ;; *) echo no; exit 1 ;; esac'), ['apk add foo', 'echo no', 'exit 1']],
  ['[[ ]] is a test, not a command', run('[[ -f /x && -d /y ]] && rm -rf /x'), ['rm -rf /x']],
  ['function definitions: the body runs, the name is not a command', run('f() { echo hi; }; f'), ['echo hi', 'f']],
  ['quoted operators are text', run('echo "a && b | c" \'d; e\''), ['echo a && b | c d; e']],
  ['command and exec are looked through; gosu runs a command of its own', run('command -v curl; exec gosu app true'), ['command -v curl', 'gosu app true', 'true']],
  ['sudo is a command of its own, and so is the command it runs', run('sudo apt-get update'), ['sudo apt-get update', 'apt-get update']],
  ['comment lines inside a continuation are dropped', lines('FROM debian:12', 'RUN a \\', '# note', '  && b'), ['a', 'b']],
  ['heredoc RUN: one command per line, and a nested heredoc body is not run', lines('FROM debian:12', 'RUN <<EOF', 'set -e', 'cat > /x <<INNER', 'not a command', 'INNER', 'apt-get update', 'EOF'), ['set -e', 'cat', 'apt-get update']],
  ['ONBUILD RUN', lines('FROM debian:12', 'ONBUILD RUN apt-get update && pip install x'), ['apt-get update', 'pip install x']],
  ['exec form: the strings are one command', lines('FROM debian:12', 'RUN ["apt-get", "install", "-y", "curl"]'), ['apt-get install -y curl']],
  ['RUN [[ … ]] is the shell form, not exec form', run('[[ -n "$X" ]] && echo yes'), ['echo yes']],
];

describe('shell analysis sees every simple command in a RUN', () => {
  for (const [what, text, expected] of TABLE) {
    it(what, () => assert.deepEqual(commandsIn(text).sort(), [...expected].sort()));
  }

  it('keeps exact ranges through continuations, quotes and substitutions', () => {
    const text = lines('FROM debian:12', 'RUN echo "$(apt-get \\', '    install -y curl)" > /dev/null');
    const model = parseDockerfile(text);
    const commands = commandsOf(shellScriptOf(model, model.instructions[1])!);
    const apt = commands.find((command) => command.name === 'apt-get')!;
    assert.equal(covered(text, apt.nameWord.range), 'apt-get');
    assert.equal(covered(text, apt.args[2].range), 'curl');
    assert.deepEqual(apt.args[2].range.start, { line: 2, character: 15 });
  });

  it('expands braces as the shell does', () => {
    assert.deepEqual(expandBraces('/var/lib/{apt,dpkg}/'), ['/var/lib/apt/', '/var/lib/dpkg/']);
    assert.deepEqual(expandBraces('a{b,c{d,e}}f'), ['abf', 'acdf', 'acef']);
    assert.deepEqual(expandBraces('${VAR}'), ['${VAR}']);
  });
});
