/**
 * The shell script of a RUN (or ONBUILD RUN) instruction, with exact source ranges: the Dockerfile
 * text is flattened as Docker does (escaped newlines and comment lines inside a continuation
 * removed; heredoc bodies kept line by line) and parsed by shellParser, which finds every simple
 * command however deeply it is nested. The JSON exec form is one command of its strings.
 */
import type { DockerfileModel, InstructionInfo } from './parse';
import { parseShell, type ShellCommand, type ShellOperator, type ShellSource, type ShellWord } from './shellParser';
import type { Position, Range } from './text';

export type { ShellCommand, ShellOperator, ShellWord } from './shellParser';

export interface ShellScript {
  commands: ShellCommand[];
  operators: ShellOperator[];
  /** Where the script text ends in the document (to append commands to it). */
  end: Range['end'];
  /** The exec form (RUN ["executable", "arg"]): no shell runs, operators mean nothing. */
  execForm: boolean;
  heredoc: boolean;
  /** The flattened script, as the shell receives it, with each character's document position. */
  source: ShellSource;
}

class SourceBuilder {
  text = '';
  readonly positions: Position[] = [];

  append(line: string, lineNumber: number, from: number, to: number): void {
    this.text += line.slice(from, to);
    for (let i = from; i < to; i++) this.positions.push({ line: lineNumber, character: i });
  }

  newline(at: Position): void {
    this.text += '\n';
    this.positions.push(at);
  }

  finish(end: Position): ShellSource {
    this.positions.push(end);
    return { text: this.text, positions: this.positions };
  }
}

/** Dockerfile lines from `start` to `end` as the shell receives them: continuations joined. */
function dockerfileSource(lines: string[], start: Position, end: Position, escapeChar: string): ShellSource {
  const builder = new SourceBuilder();
  const lastLine = Math.min(end.line, lines.length - 1);
  for (let lineNumber = start.line; lineNumber <= lastLine; lineNumber++) {
    const line = lines[lineNumber];
    // Docker drops comment lines and empty lines inside a continuation.
    if (lineNumber > start.line && /^[ \t]*(#|$)/.test(line)) continue;
    const from = lineNumber === start.line ? start.character : 0;
    let to = lineNumber === end.line ? Math.min(end.character, line.length) : line.length;
    const trimmed = line.slice(0, to).replace(/[ \t]+$/, '');
    if (lineNumber < lastLine && trimmed.endsWith(escapeChar)) to = trimmed.length - 1;
    builder.append(line, lineNumber, from, Math.max(from, to));
  }
  return builder.finish(end);
}

/** Heredoc body lines, newlines kept: the shell reads them as a script. */
function heredocSource(lines: string[], content: Range): ShellSource {
  const builder = new SourceBuilder();
  for (let lineNumber = content.start.line; lineNumber <= Math.min(content.end.line, lines.length - 1); lineNumber++) {
    const line = lines[lineNumber];
    const from = lineNumber === content.start.line ? content.start.character : 0;
    const to = lineNumber === content.end.line ? Math.min(content.end.character, line.length) : line.length;
    builder.append(line, lineNumber, from, to);
    if (lineNumber < content.end.line) builder.newline({ line: lineNumber, character: to });
  }
  return builder.finish(content.end);
}

/** RUN ["executable", "arg", …]: the strings are the words of one command. */
function execFormScript(source: ShellSource, end: Position): ShellScript {
  const words: ShellWord[] = [];
  for (const match of source.text.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    const from = match.index!;
    const to = from + match[0].length;
    let text = match[1];
    try {
      text = JSON.parse(match[0]) as string;
    } catch {
      // not valid JSON: keep the raw text
    }
    const last = source.positions[to - 1];
    words.push({ text, quoted: true, range: { start: source.positions[from], end: { line: last.line, character: last.character + 1 } } });
  }
  return { commands: words.length > 0 ? [{ words, assignments: 0 }] : [], operators: [], end, execForm: true, heredoc: false, source };
}

/**
 * An instruction's arguments split the way Docker splits LABEL and ENV: on unquoted blanks, with
 * quotes removed ("name=\"A B\"" is one word, name=A B). dockerfile-ast splits on every blank.
 */
export function quotedWords(model: DockerfileModel, instruction: InstructionInfo): ShellWord[] {
  if (instruction.args.length === 0) return [];
  return cached(wordsCache, instruction, () => {
    const source = dockerfileSource(model.lines, instruction.args[0].range.start, instruction.range.end, model.escapeChar);
    return parseShell(source).commands.flatMap((command) => command.words);
  });
}

/**
 * An instruction's arguments as hadolint reads COPY's: split on blanks outside quotes, the
 * surrounding quotes removed, backslashes kept ("C:\\Program Files\\x" is one Windows path, where
 * dockerfile-ast drops the backslashes and splits at the blank).
 */
export function rawWords(model: DockerfileModel, instruction: InstructionInfo): ShellWord[] {
  if (instruction.args.length === 0) return [];
  return cached(rawWordsCache, instruction, () => splitRawWords(model, instruction));
}

function splitRawWords(model: DockerfileModel, instruction: InstructionInfo): ShellWord[] {
  const last = instruction.args[instruction.args.length - 1];
  const source = dockerfileSource(model.lines, instruction.args[0].range.start, last.range.end, model.escapeChar);
  const words: ShellWord[] = [];
  const text = source.text;
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    const start = i;
    let quote: string | undefined;
    let quoted = false;
    while (i < text.length && (quote !== undefined || !/\s/.test(text[i]))) {
      if (quote === undefined && (text[i] === '"' || text[i] === "'")) {
        quote = text[i];
        quoted = true;
      } else if (text[i] === quote) quote = undefined;
      i++;
    }
    const raw = text.slice(start, i);
    const end = source.positions[i - 1];
    words.push({ text: raw.replace(/["']/g, ''), quoted, range: { start: source.positions[start], end: { line: end.line, character: end.character + 1 } } });
  }
  return words;
}

/**
 * Results per instruction text and line: each lint re-creates the instruction objects, but
 * typing changes one instruction, so every other one is found here instead of parsed again.
 * The key is the cached parse the instruction came from (InstructionInfo.origin) and its line.
 */
type ResultCache<T> = WeakMap<object, Map<number, T>>;
const scriptCache: ResultCache<ShellScript | null> = new WeakMap();
const wordsCache: ResultCache<ShellWord[]> = new WeakMap();
const rawWordsCache: ResultCache<ShellWord[]> = new WeakMap();

function cached<T>(cache: ResultCache<T>, instruction: InstructionInfo, compute: () => T): T {
  const origin = instruction.origin;
  if (!origin) return compute();
  let byLine = cache.get(origin);
  if (!byLine) cache.set(origin, (byLine = new Map()));
  const line = instruction.range.start.line;
  if (byLine.has(line)) return byLine.get(line)!;
  const value = compute();
  byLine.set(line, value);
  return value;
}

/**
 * Docker takes the exec form only when the arguments are a JSON array of strings; anything else
 * runs under a shell. Read from the document: dockerfile-ast's word values lose escapes.
 */
export function isExecForm(model: DockerfileModel, words: ReadonlyArray<{ value: string; range: Range }>): boolean {
  if (words.length === 0 || !words[0].value.startsWith('[')) return false;
  const { start } = words[0].range;
  const { end } = words[words.length - 1].range;
  const text = start.line === end.line ? model.lines[start.line].slice(start.character, end.character) : dockerfileSource(model.lines, start, end, model.escapeChar).text;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string');
  } catch {
    return false;
  }
}

export interface RunFlag {
  name: string;
  value: string | null;
}

/** "--mount=type=cache,target=/x", "--network=none", "--security=insecure", a bare "--network": a RUN flag, never a command. */
const RUN_FLAG = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(.*))?$/s;
const BARE_RUN_FLAGS = new Set(['mount', 'network', 'security', 'device']);

function runFlagWord(word: { value: string }): RunFlag | undefined {
  const match = RUN_FLAG.exec(word.value);
  if (!match || (match[2] === undefined && !BARE_RUN_FLAGS.has(match[1]))) return undefined;
  return { name: match[1], value: match[2] ?? null };
}

/**
 * The flags of a RUN or ONBUILD RUN (--mount, --network, --security) and the index in `args` of
 * the first word of its command. Docker reads the flags before the command in both; dockerfile-ast
 * separates them for RUN only, so ONBUILD RUN's (and any it missed) are read here.
 */
export function runFlagsOf(instruction: InstructionInfo): { flags: RunFlag[]; firstArg: number } | undefined {
  const onbuildRun = instruction.keyword === 'ONBUILD' && instruction.args[0]?.value.toUpperCase() === 'RUN';
  if (!onbuildRun && instruction.keyword !== 'RUN') return undefined;
  const flags: RunFlag[] = onbuildRun ? [] : instruction.flags.map((flag) => ({ name: flag.name, value: flag.value }));
  let firstArg = onbuildRun ? 1 : 0;
  for (; firstArg < instruction.args.length; firstArg++) {
    const flag = runFlagWord(instruction.args[firstArg]);
    if (!flag) break;
    flags.push(flag);
  }
  return { flags, firstArg };
}

/** The shell script a RUN or ONBUILD RUN instruction executes, or undefined for other instructions. */
export function shellScriptOf(model: DockerfileModel, instruction: InstructionInfo): ShellScript | undefined {
  if (instruction.keyword !== 'RUN' && instruction.keyword !== 'ONBUILD') return undefined;
  return cached(scriptCache, instruction, () => {
    const run = runFlagsOf(instruction);
    return run && run.firstArg < instruction.args.length ? buildScript(model, instruction, run.firstArg) : null;
  }) ?? undefined;
}

function buildScript(model: DockerfileModel, instruction: InstructionInfo, firstArg: number): ShellScript {
  const first = instruction.args[firstArg];
  const end = instruction.range.end;
  if (isExecForm(model, instruction.args.slice(firstArg))) return execFormScript(dockerfileSource(model.lines, first.range.start, end, model.escapeChar), end);
  const heredoc = instruction.heredocs[0];
  if (first.value.startsWith('<<') && heredoc) {
    const content = heredoc.contentRange;
    const source = content ? heredocSource(model.lines, content) : { text: '', positions: [end] };
    const parsed = parseShell(source);
    return { commands: parsed.commands, operators: parsed.operators, end: content?.end ?? end, execForm: false, heredoc: true, source };
  }
  // A heredoc later in the line ("RUN python3 <<EOF") feeds another program: only the command line is shell.
  const stop = instruction.heredocs.length > 0 ? instruction.heredocs[0].startRange.start : end;
  const source = dockerfileSource(model.lines, first.range.start, stop, model.escapeChar);
  const parsed = parseShell(source);
  return { commands: parsed.commands, operators: parsed.operators, end: stop, execForm: false, heredoc: false, source };
}

/** Program name without its folder: "/usr/bin/apt-get" -> "apt-get". */
export function programName(word: ShellWord): string {
  const slash = word.text.lastIndexOf('/');
  return slash >= 0 ? word.text.slice(slash + 1) : word.text;
}

/** Wrappers ShellCheck (and so hadolint) looks through to find the command they run. */
const WRAPPERS = new Set(['command', 'builtin', 'exec', 'busybox']);

/**
 * Index of the word that names the program: after the VAR=value assignments, through
 * `command`, `builtin`, `exec` and `busybox` as ShellCheck does. `sudo`, `env` and `xargs` are
 * programs of their own (DL3004 reports sudo), as they are to hadolint.
 */
export function programIndex(words: readonly ShellWord[], assignments = countAssignments(words)): number {
  let i = assignments;
  while (i + 1 < words.length && WRAPPERS.has(words[i].text) && !words[i + 1].text.startsWith('-')) i++;
  return i;
}

interface WrapperSpec {
  /** A subcommand that must come first ("conda run"). */
  subcommand?: string;
  /** Options whose value is the next word ("-u root"); other options stand alone. */
  valueOptions?: readonly string[];
  /** VAR=value words may come before the program (env, sudo). */
  assignments?: boolean;
  /** Words before the program that are neither options nor the program (timeout's duration, gosu's user). */
  positional?: number;
}

/**
 * Commands that run another command given in their arguments. The shell analysis looks through
 * them, so `conda run -n env pip install x`, `sudo apt-get install x`, `env A=1 pip install x`,
 * `xargs apt-get install`, `timeout 60 npm install x` are checked as the command they run.
 */
const COMMAND_WRAPPERS: ReadonlyMap<string, WrapperSpec> = new Map<string, WrapperSpec>([
  ['conda', { subcommand: 'run', valueOptions: ['-n', '--name', '-p', '--prefix', '--cwd'] }],
  ['mamba', { subcommand: 'run', valueOptions: ['-n', '--name', '-p', '--prefix', '--cwd'] }],
  ['micromamba', { subcommand: 'run', valueOptions: ['-n', '--name', '-p', '--prefix', '--cwd', '-r', '--root-prefix', '-a', '--attach'] }],
  ['sudo', { valueOptions: ['-u', '--user', '-g', '--group', '-h', '--host', '-p', '--prompt', '-C', '--close-from', '-D', '--chdir', '-r', '--role', '-t', '--type', '-U', '--other-user', '-T', '--command-timeout'], assignments: true }],
  ['env', { valueOptions: ['-u', '--unset', '-C', '--chdir', '-S', '--split-string'], assignments: true }],
  ['nice', { valueOptions: ['-n', '--adjustment'] }],
  ['ionice', { valueOptions: ['-c', '--class', '-n', '--classdata'] }],
  ['nohup', {}],
  ['time', { valueOptions: ['-f', '--format', '-o', '--output'] }],
  ['timeout', { valueOptions: ['-k', '--kill-after', '-s', '--signal'], positional: 1 }],
  ['xargs', { valueOptions: ['-a', '--arg-file', '-d', '--delimiter', '-E', '-I', '-L', '--max-lines', '-n', '--max-args', '-P', '--max-procs', '-s', '--max-chars', '--process-slot-var'] }],
  ['exec', { valueOptions: ['-a'] }],
  ['stdbuf', { valueOptions: ['-i', '-o', '-e'] }],
  ['chronic', {}],
  ['eatmydata', {}],
  ['fakeroot', { valueOptions: ['-l', '--lib', '--faked', '-s', '-i'] }],
  ['nocache', {}],
  ['gosu', { positional: 1 }],
  ['su-exec', { positional: 1 }],
  ['flock', { valueOptions: ['-w', '--timeout', '-E', '--conflict-exit-code'], positional: 1 }],
]);

/**
 * When words[index] is a command wrapper (see COMMAND_WRAPPERS), the index of the program it runs
 * and the VAR=value words it sets for it; undefined when it is not one or runs nothing ("env" alone).
 */
export function wrappedProgram(words: readonly ShellWord[], index: number): { index: number; assignments: ShellWord[] } | undefined {
  const spec = COMMAND_WRAPPERS.get(programName(words[index]));
  if (!spec) return undefined;
  let i = index + 1;
  if (spec.subcommand) {
    if (words[i]?.text !== spec.subcommand) return undefined;
    i++;
  }
  const assignments: ShellWord[] = [];
  while (i < words.length) {
    const text = words[i].text;
    if (text === '--') {
      i++;
      break;
    }
    if (text.startsWith('-') && text.length > 1) {
      i += !text.includes('=') && spec.valueOptions?.includes(text) ? 2 : 1;
      continue;
    }
    if (spec.assignments && /^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) {
      assignments.push(words[i]);
      i++;
      continue;
    }
    break;
  }
  i += spec.positional ?? 0;
  return i < words.length && words[i].text !== '' ? { index: i, assignments } : undefined;
}

function countAssignments(words: readonly ShellWord[]): number {
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i].text)) i++;
  return i;
}

export interface PackageInstall {
  command: ShellCommand;
  /** First word of the installer invocation ("pip", "python3" in "python3 -m pip", "conda"). */
  program: ShellWord;
  /** The word right before "install" that names the installer ("pip", "apt-get"). */
  installer: ShellWord;
  /** The "install" subcommand word. */
  install: ShellWord;
  /** Option words (and their attached values) after "install". */
  options: ShellWord[];
  packages: ShellWord[];
  /** "conda run -n <env> pip ...": the conda environment. */
  condaEnvironment?: string;
}

const PIP_VALUE_OPTIONS = new Set([
  '-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-i', '--index-url', '--extra-index-url', '-f', '--find-links',
  '-t', '--target', '--prefix', '--root', '--src', '--upgrade-strategy', '--platform', '--python-version', '--implementation',
  '--abi', '--trusted-host', '--cert', '--client-cert', '--proxy', '--retries', '--timeout', '--exists-action', '--log',
  '--cache-dir', '--no-binary', '--only-binary', '--progress-bar', '--config-settings', '-C', '--global-option',
  '--install-option', '--report', '--root-user-action', '--python',
]);

function isPipProgram(name: string): boolean {
  return /^pip(3(\.\d+)?)?$/.test(name);
}

function isPythonProgram(name: string): boolean {
  return /^python(3(\.\d+)?)?$/.test(name);
}

function collectArguments(words: readonly ShellWord[], from: number, valueOptions: ReadonlySet<string>): { options: ShellWord[]; packages: ShellWord[] } {
  const options: ShellWord[] = [];
  const packages: ShellWord[] = [];
  for (let i = from; i < words.length; i++) {
    const word = words[i];
    if (word.text.startsWith('-') && word.text.length > 1) {
      options.push(word);
      if (valueOptions.has(word.text) && i + 1 < words.length) {
        options.push(words[i + 1]);
        i++;
      }
    } else if (word.text.length > 0) {
      packages.push(word);
    }
  }
  return { options, packages };
}

/**
 * Every "pip install" in the script, however pip is invoked. `throughSudo` also finds
 * "sudo pip install" (what gets installed matters to Aqueduct; hadolint's DL rules never look
 * behind sudo).
 */
export function pipInstalls(script: ShellScript, throughSudo = false): PackageInstall[] {
  const found: PackageInstall[] = [];
  if (script.execForm) return found;
  for (const command of script.commands) {
    const words = command.words;
    let i = programIndex(words, command.assignments);
    if (throughSudo && words[i]?.text === 'sudo') {
      i++;
      while (i < words.length && words[i].text.startsWith('-')) i++;
    }
    if (i >= words.length) continue;
    const program = words[i];
    let condaEnvironment: string | undefined;
    const name = programName(program);
    if (name === 'conda' || name === 'mamba' || name === 'micromamba') {
      if (words[i + 1]?.text !== 'run') continue;
      i += 2;
      while (i < words.length && words[i].text.startsWith('-')) {
        const option = words[i].text;
        if (option === '-n' || option === '--name' || option === '-p' || option === '--prefix') {
          if (option === '-n' || option === '--name') condaEnvironment = words[i + 1]?.text;
          i += 2;
        } else if (option.startsWith('--name=')) {
          condaEnvironment = option.slice('--name='.length);
          i++;
        } else i++;
      }
    }
    if (i >= words.length) continue;
    let installer = words[i];
    if (isPythonProgram(programName(installer)) && words[i + 1]?.text === '-m' && /^pip3?$/.test(words[i + 2]?.text ?? '')) {
      installer = words[i + 2];
      i += 2;
    } else if (!isPipProgram(programName(installer))) continue;
    // Skip pip's global options ("pip -q install") up to the subcommand.
    let j = i + 1;
    while (j < words.length && words[j].text.startsWith('-')) j++;
    if (words[j]?.text !== 'install') continue;
    const { options, packages } = collectArguments(words, j + 1, PIP_VALUE_OPTIONS);
    found.push({ command, program, installer, install: words[j], options, packages, condaEnvironment });
  }
  return found;
}
