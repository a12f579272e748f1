/**
 * Splits a RUN instruction's shell script into commands and words with exact source ranges,
 * quote-aware (dockerfile-ast splits on whitespace only). Handles escaped newlines with the
 * file's escape character, comment lines inside continuations, heredoc scripts (newline
 * separates commands there) and the JSON exec form.
 */
import type { DockerfileModel, InstructionInfo } from './parse';
import type { Range } from './text';

export interface ShellWord {
  /** The word as the shell sees it: quotes removed, backslash escapes applied. */
  text: string;
  range: Range;
  /** Whether any part was quoted (a quoted "|" is not a pipe). */
  quoted: boolean;
}

export type ShellOperatorKind = '&&' | '||' | '|' | ';' | '&' | '(' | ')' | 'newline';

export interface ShellOperator {
  kind: ShellOperatorKind;
  range: Range;
}

export interface ShellCommand {
  words: ShellWord[];
}

export interface ShellScript {
  commands: ShellCommand[];
  operators: ShellOperator[];
  /** Where the script text ends in the document (to append commands to it). */
  end: Range['end'];
  /** The exec form (RUN ["executable", "arg"]): no shell runs, operators mean nothing. */
  execForm: boolean;
  heredoc: boolean;
}

function isBlankFrom(line: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) return false;
  }
  return true;
}

class Tokenizer {
  readonly commands: ShellCommand[] = [];
  readonly operators: ShellOperator[] = [];
  private words: ShellWord[] = [];
  private text = '';
  private quoted = false;
  private startLine = -1;
  private startCharacter = 0;
  private endLine = 0;
  private endCharacter = 0;

  touch(line: number, character: number, width: number): void {
    if (this.startLine < 0) {
      this.startLine = line;
      this.startCharacter = character;
    }
    this.endLine = line;
    this.endCharacter = character + width;
  }

  add(text: string, line: number, character: number, width: number): void {
    this.touch(line, character, width);
    this.text += text;
  }

  get inWord(): boolean {
    return this.startLine >= 0;
  }

  markQuoted(): void {
    this.quoted = true;
  }

  endWord(): void {
    if (this.startLine < 0) return;
    this.words.push({
      text: this.text,
      quoted: this.quoted,
      range: { start: { line: this.startLine, character: this.startCharacter }, end: { line: this.endLine, character: this.endCharacter } },
    });
    this.text = '';
    this.quoted = false;
    this.startLine = -1;
  }

  operator(kind: ShellOperatorKind, line: number, character: number, width: number): void {
    this.endWord();
    this.endCommand();
    this.operators.push({ kind, range: { start: { line, character }, end: { line, character: character + width } } });
  }

  endCommand(): void {
    this.endWord();
    if (this.words.length > 0) this.commands.push({ words: this.words });
    this.words = [];
  }
}

interface Span {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

/**
 * Tokenises shell text between two positions. In Dockerfile mode a trailing escape character
 * joins lines and comment lines inside the continuation are dropped; in heredoc mode lines are
 * separate commands unless they end in a backslash.
 */
function tokenize(lines: string[], span: Span, escapeChar: string, heredoc: boolean): Tokenizer {
  const tokens = new Tokenizer();
  let quote: string | null = null;
  let continued = false;
  const lastLine = Math.min(span.endLine, lines.length - 1);
  for (let lineNumber = span.startLine; lineNumber <= lastLine; lineNumber++) {
    const line = lines[lineNumber];
    const from = lineNumber === span.startLine ? span.startCharacter : 0;
    const to = lineNumber === span.endLine ? Math.min(span.endCharacter, line.length) : line.length;
    if (!heredoc && lineNumber > span.startLine && quote === null && /^\s*(#|$)/.test(line)) continue;
    continued = false;
    let i = from;
    while (i < to) {
      const c = line[i];
      if (quote === "'") {
        if (c === "'") quote = null;
        else tokens.add(c, lineNumber, i, 1);
        tokens.touch(lineNumber, i, 1);
        i++;
        continue;
      }
      const lineContinues = c === (heredoc ? '\\' : escapeChar) && isBlankFrom(line, i + 1, to);
      if (lineContinues && lineNumber < lastLine) {
        continued = true;
        break;
      }
      if (quote === '"') {
        if (c === '\\' && i + 1 < to) {
          tokens.add(line[i + 1], lineNumber, i, 2);
          i += 2;
          continue;
        }
        if (c === '"') quote = null;
        else tokens.add(c, lineNumber, i, 1);
        tokens.touch(lineNumber, i, 1);
        i++;
        continue;
      }
      switch (c) {
        case ' ':
        case '\t':
          tokens.endWord();
          i++;
          continue;
        case "'":
        case '"':
          quote = c;
          tokens.markQuoted();
          tokens.touch(lineNumber, i, 1);
          i++;
          continue;
        case '\\':
          tokens.add(i + 1 < to ? line[i + 1] : '', lineNumber, i, Math.min(2, to - i));
          i += 2;
          continue;
        case '#':
          if (!tokens.inWord) {
            i = to; // a shell comment runs to the end of the line
            continue;
          }
          break;
        case ';':
        case '(':
        case ')':
          tokens.operator(c, lineNumber, i, 1);
          i++;
          continue;
        case '|':
          if (line[i + 1] === '|') {
            tokens.operator('||', lineNumber, i, 2);
            i += 2;
          } else {
            tokens.operator('|', lineNumber, i, 1);
            i++;
          }
          continue;
        case '&': {
          const previous = i > 0 ? line[i - 1] : '';
          if (line[i + 1] === '&') {
            tokens.operator('&&', lineNumber, i, 2);
            i += 2;
            continue;
          }
          // "2>&1", ">&2" and "&>" are redirections, not background jobs.
          if (previous === '>' || previous === '<' || line[i + 1] === '>') break;
          tokens.operator('&', lineNumber, i, 1);
          i++;
          continue;
        }
      }
      tokens.add(c, lineNumber, i, 1);
      i++;
    }
    if (heredoc && !continued && quote === null) tokens.operator('newline', lineNumber, to, 0);
  }
  tokens.endCommand();
  return tokens;
}

const scriptCache = new WeakMap<InstructionInfo, ShellScript | null>();

/** The shell script a RUN instruction executes, or undefined for other instructions. */
export function shellScriptOf(model: DockerfileModel, instruction: InstructionInfo): ShellScript | undefined {
  if (instruction.keyword !== 'RUN' || instruction.args.length === 0) return undefined;
  const cached = scriptCache.get(instruction);
  if (cached !== undefined) return cached ?? undefined;
  let script: ShellScript | null = null;
  try {
    script = buildScript(model, instruction);
  } finally {
    scriptCache.set(instruction, script);
  }
  return script ?? undefined;
}

function buildScript(model: DockerfileModel, instruction: InstructionInfo): ShellScript {
  const first = instruction.args[0];
  const end = instruction.range.end;
  if (first.value.startsWith('[')) {
    const tokens = tokenize(model.lines, { startLine: first.range.start.line, startCharacter: first.range.start.character + 1, endLine: end.line, endCharacter: end.character }, model.escapeChar, false);
    // Exec form: keep the quoted strings as the words of one command.
    const words = tokens.commands.flatMap((command) => command.words).filter((word) => word.quoted).map((word) => ({ ...word }));
    return { commands: words.length > 0 ? [{ words }] : [], operators: [], end, execForm: true, heredoc: false };
  }
  const script = instruction.heredocs[0];
  if (first.value.startsWith('<<') && script) {
    const content = script.contentRange;
    if (!content) return { commands: [], operators: [], end, execForm: false, heredoc: true };
    const tokens = tokenize(model.lines, { startLine: content.start.line, startCharacter: content.start.character, endLine: content.end.line, endCharacter: content.end.character }, model.escapeChar, true);
    return { commands: tokens.commands, operators: tokens.operators.filter((op) => op.kind !== 'newline'), end: content.end, execForm: false, heredoc: true };
  }
  // A heredoc later in the line ("RUN python3 <<EOF") feeds another program: only the command line is shell.
  const stop = instruction.heredocs.length > 0 ? instruction.heredocs[0].startRange.start : end;
  const tokens = tokenize(model.lines, { startLine: first.range.start.line, startCharacter: first.range.start.character, endLine: stop.line, endCharacter: stop.character }, model.escapeChar, false);
  return { commands: tokens.commands, operators: tokens.operators, end: stop, execForm: false, heredoc: false };
}

/** Program name without its folder: "/usr/bin/apt-get" -> "apt-get". */
export function programName(word: ShellWord): string {
  const slash = word.text.lastIndexOf('/');
  return slash >= 0 ? word.text.slice(slash + 1) : word.text;
}

const WRAPPERS = new Set(['sudo', 'time', 'nice', 'nohup', 'command', 'exec', 'xargs']);

/** Index of the word that names the program: skips VAR=value assignments, sudo, env and friends. */
export function programIndex(words: readonly ShellWord[]): number {
  let i = 0;
  while (i < words.length) {
    const text = words[i].text;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) i++;
    else if (WRAPPERS.has(programName(words[i]))) {
      i++;
      while (i < words.length && words[i].text.startsWith('-')) i++;
    } else if (programName(words[i]) === 'env') {
      i++;
      while (i < words.length && (words[i].text.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i].text))) i++;
    } else break;
  }
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

const APT_VALUE_OPTIONS = new Set(['-o', '--option', '-t', '--target-release', '--default-release', '-c', '--config-file']);

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

/** Every "pip install" in the script, however pip is invoked. */
export function pipInstalls(script: ShellScript): PackageInstall[] {
  const found: PackageInstall[] = [];
  if (script.execForm) return found;
  for (const command of script.commands) {
    const words = command.words;
    let i = programIndex(words);
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

/** Every "apt-get install" / "apt install" in the script. */
export function aptInstalls(script: ShellScript): PackageInstall[] {
  const found: PackageInstall[] = [];
  if (script.execForm) return found;
  for (const command of script.commands) {
    const words = command.words;
    const i = programIndex(words);
    if (i >= words.length) continue;
    const name = programName(words[i]);
    if (name !== 'apt-get' && name !== 'apt') continue;
    let j = i + 1;
    while (j < words.length && words[j].text.startsWith('-')) j += APT_VALUE_OPTIONS.has(words[j].text) ? 2 : 1;
    if (words[j]?.text !== 'install') continue;
    const before = words.slice(i + 1, j);
    const { options, packages } = collectArguments(words, j + 1, APT_VALUE_OPTIONS);
    found.push({ command, program: words[i], installer: words[i], install: words[j], options: [...before, ...options], packages });
  }
  return found;
}

/** Commands whose program is `name` (after assignments and sudo). */
export function commandsNamed(script: ShellScript, names: ReadonlySet<string>): Array<{ command: ShellCommand; index: number }> {
  const found: Array<{ command: ShellCommand; index: number }> = [];
  for (const command of script.commands) {
    const index = programIndex(command.words);
    if (index < command.words.length && names.has(programName(command.words[index]))) found.push({ command, index });
  }
  return found;
}
