/**
 * Commands of a RUN script as hadolint's rules query them: the command name (after assignments
 * and `command`/`exec`/`busybox`), its arguments, and its flags split the way hadolint splits them
 * ("-yq" is the flags y and q; "--no-cache=1" is the flag no-cache).
 */
import type { DockerfileModel, InstructionInfo } from '../parse';
import { programIndex, programName, runFlagsOf, shellScriptOf, wrappedProgram, type ShellCommand, type ShellScript, type ShellWord } from '../shell';
import type { Range } from '../text';
import type { Finding, RuleContext } from './types';

export interface Command {
  /** The program without its folder: "/usr/bin/apt-get" is "apt-get". */
  name: string;
  nameWord: ShellWord;
  args: ShellWord[];
  command: ShellCommand;
  /** The VAR=value words it runs with: the command's prefix and those a wrapper (env, sudo) sets. */
  assignments: ShellWord[];
  /** For a command a wrapper runs (sudo apt-get…, conda run … pip…): the wrapper, itself a command of the script. */
  wrappedBy?: Command;
}

const commandCache = new WeakMap<ShellScript, Command[]>();

export function commandsOf(script: ShellScript): Command[] {
  const cached = commandCache.get(script);
  if (cached) return cached;
  const found: Command[] = [];
  for (const command of script.commands) {
    const index = programIndex(command.words, command.assignments);
    const word = command.words[index];
    // A command named by an expansion ($CMD, python$VERSION) has no name to check, as in ShellCheck.
    if (!word || /[$`]/.test(word.text)) continue;
    let current: Command = { name: programName(word), nameWord: word, args: command.words.slice(index + 1), command, assignments: command.words.slice(0, command.assignments) };
    found.push(current);
    // sudo, env, nice, xargs, conda run…: the command they run is checked too (the wrapper stays, for DL3004).
    for (let at = index, depth = 0; depth < 8; depth++) {
      const wrapped = wrappedProgram(command.words, at);
      if (!wrapped || /[$`]/.test(command.words[wrapped.index].text)) break;
      at = wrapped.index;
      const nameWord = command.words[at];
      current = { name: programName(nameWord), nameWord, args: command.words.slice(at + 1), command, assignments: [...current.assignments, ...wrapped.assignments], wrappedBy: current };
      found.push(current);
    }
  }
  commandCache.set(script, found);
  return found;
}

/**
 * The name hadolint matches a command by: the word as written, so `/usr/bin/apt-get` is not
 * `apt-get` to it (ours strips the folder: `name`).
 */
export function hadolintName(command: Command): string {
  return command.nameWord.text;
}

/** A command as hadolint's Shell.cmdHasArgs sees it: that literal name, and any of `texts` among its arguments (flags included). */
export function hadolintCommandHas(command: Command, names: readonly string[], texts: readonly string[]): boolean {
  return names.includes(hadolintName(command)) && command.args.some((word) => texts.includes(word.text));
}

/** A command's words as written, for messages ("rm -rf /tmp/x"), cut short past 60 characters. */
export function commandText(command: Command): string {
  const text = [command.nameWord, ...command.args].map((word) => word.text).join(' ');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The flags one argument carries: "-yq" -> y, q; "--quiet=2" -> quiet; "-" and "--" none. */
export function flagsOfWord(text: string): string[] {
  if (text === '-' || text === '--' || !text.startsWith('-')) return [];
  if (text.startsWith('--')) return [text.slice(2).split('=')[0]];
  return [...text.slice(1)];
}

export function hasFlag(command: Command, ...names: string[]): boolean {
  return command.args.some((word) => flagsOfWord(word.text).some((flag) => names.includes(flag)));
}

export function hasArg(command: Command, ...texts: string[]): boolean {
  return command.args.some((word) => texts.includes(word.text));
}

/** `name` with any of `texts` among its arguments ("apt-get" with "install"). */
export function isCommand(command: Command, names: string | readonly string[], ...texts: string[]): boolean {
  const matches = typeof names === 'string' ? command.name === names : names.includes(command.name);
  return matches && (texts.length === 0 || hasArg(command, ...texts));
}

/**
 * Arguments that are not flags, leaving out the value after each flag named in `valueFlags`
 * (unless the value was attached with "=", as in hadolint's dropFlagArg).
 */
export function argsNoFlags(command: Command, valueFlags: readonly string[] = []): ShellWord[] {
  const result: ShellWord[] = [];
  let skipNext = false;
  for (const word of command.args) {
    const flags = flagsOfWord(word.text);
    if (flags.length > 0) {
      if (!word.text.includes('=') && flags.some((flag) => valueFlags.includes(flag))) skipNext = true;
      continue;
    }
    if (word.text === '-' || word.text === '--') continue;
    if (skipNext) {
      skipNext = false;
      continue;
    }
    result.push(word);
  }
  return result;
}

/** Arguments after the first `subcommand` ("install"), without flags. */
export function packagesAfter(command: Command, subcommand: string, valueFlags: readonly string[] = []): ShellWord[] {
  const args = argsNoFlags(command, valueFlags);
  const at = args.findIndex((word) => word.text === subcommand);
  if (at < 0) return [];
  let i = at;
  while (i < args.length && args[i].text === subcommand) i++;
  return args.slice(i);
}

/** The first argument that is exactly `text` ("install"), or the command's name when there is none. */
export function argWord(command: Command, text: string): ShellWord {
  return command.args.find((word) => word.text === text) ?? command.nameWord;
}

/** The word naming the command and its first argument matching `subcommand` ("apt-get … install"). */
export function subcommandRange(command: Command, subcommand: string): Range {
  const word = command.args.find((candidate) => candidate.text === subcommand);
  return word ? { start: command.nameWord.range.start, end: word.range.end } : command.nameWord.range;
}

const scriptsCache = new WeakMap<DockerfileModel, Array<{ instruction: InstructionInfo; script: ShellScript }>>();

/** Each RUN (and ONBUILD RUN) with its script, in file order (worked out once per lint). */
export function runScripts(model: DockerfileModel): ReadonlyArray<{ instruction: InstructionInfo; script: ShellScript }> {
  let scripts = scriptsCache.get(model);
  if (!scripts) {
    scripts = [];
    for (const instruction of model.instructions) {
      const script = shellScriptOf(model, instruction);
      if (script) scripts.push({ instruction, script });
    }
    scriptsCache.set(model, scripts);
  }
  return scripts;
}

/** A check whose findings depend on nothing but the script's own text. */
export type ScriptCheck = (report: (finding: Finding) => void, commands: readonly Command[]) => void;

const scriptFindings = new WeakMap<ShellScript, Map<ScriptCheck, Finding[]>>();

/**
 * Runs `check` on every RUN script and reports what it finds. Scripts are cached per
 * instruction text, so typing re-runs the check only for the RUN that changed.
 */
export function reportPerScript(context: RuleContext, check: ScriptCheck, keep?: (finding: Finding, instruction: InstructionInfo) => boolean): void {
  for (const { instruction, script } of runScripts(context.model)) {
    let byCheck = scriptFindings.get(script);
    if (!byCheck) scriptFindings.set(script, (byCheck = new Map()));
    let found = byCheck.get(check);
    if (!found) {
      const collected: Finding[] = [];
      check((finding) => collected.push(finding), commandsOf(script));
      byCheck.set(check, (found = collected));
    }
    for (const finding of found) if (!keep || keep(finding, instruction)) context.report(finding);
  }
}

/**
 * A cache or tmpfs mount on this RUN (or ONBUILD RUN) whose target contains `fragment`: what a
 * package manager leaves there never reaches the layer. hadolint's hasCacheOrTmpfsMountWith.
 */
export function mountsCacheOrTmpfs(instruction: InstructionInfo, fragment: string): boolean {
  const flags = runFlagsOf(instruction)?.flags ?? [];
  return flags.some((flag) => {
    if (flag.name !== 'mount' || flag.value === null) return false;
    const options = new Map<string, string>();
    for (const part of flag.value.replace(/^["']|["']$/g, '').split(',')) {
      const at = part.indexOf('=');
      if (at > 0) options.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim().replace(/^["']|["']$/g, ''));
    }
    const type = options.get('type');
    if (type !== 'cache' && type !== 'tmpfs') return false;
    const target = options.get('target') ?? options.get('dst') ?? options.get('destination');
    return target !== undefined && target.includes(fragment);
  });
}
