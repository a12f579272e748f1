/**
 * hadolint's rules about the commands a RUN runs: DL3001, DL3003, DL3004, DL3046, DL3047, DL3059,
 * DL4001, DL4005 and DL4006.
 */
import type { InstructionInfo, Stage } from '../parse';
import { shellScriptOf, type ShellScript } from '../shell';
import { commandsOf, flagsOfWord, hasArg, hasFlag, reportPerScript, type Command, type ScriptCheck } from './commands';
import { indentationOf, insertAt, replaceRange } from './edits';
import { bestPracticeRule, type Finding, type Fix, type RuleContext, type RuleInfo } from './types';

export const SHELL_RULES: RuleInfo[] = [
  bestPracticeRule('DL3001', 'info', 'Commands such as ssh, vim, ps, top or service make no sense in a container build'),
  bestPracticeRule('DL3003', 'warning', 'Use WORKDIR to switch to a directory'),
  bestPracticeRule('DL3004', 'error', 'Do not use sudo: it behaves unpredictably in a build; use gosu to drop root'),
  bestPracticeRule('DL3046', 'warning', 'useradd with a high UID and without -l makes the image very large'),
  bestPracticeRule('DL3047', 'info', 'wget without --progress floods the build log'),
  bestPracticeRule('DL3059', 'info', 'Multiple consecutive RUN instructions: consider merging them'),
  bestPracticeRule('DL4001', 'warning', 'Either use wget or curl, not both'),
  bestPracticeRule('DL4005', 'warning', 'Use SHELL to change the default shell'),
  bestPracticeRule('DL4006', 'warning', 'Set SHELL -o pipefail before RUN with a pipe'),
];

const POINTLESS_COMMANDS = new Set(['free', 'kill', 'mount', 'ps', 'service', 'shutdown', 'ssh', 'top', 'vim']);

function checkCommand(report: (finding: Finding) => void, command: Command): void {
  const { name, nameWord } = command;
  if (POINTLESS_COMMANDS.has(name)) {
    report({ ruleId: 'DL3001', message: `${name} makes no sense in an image build: nothing interactive runs there, and no service keeps running after this RUN.`, range: nameWord.range });
  }
  if (name === 'ln' && command.args.some((word) => word.text === '/bin/sh')) {
    report({ ruleId: 'DL4005', message: 'Use SHELL to change the shell RUN uses, rather than relinking /bin/sh.', range: nameWord.range });
  }
  if (name === 'cd') {
    report({ ruleId: 'DL3003', message: 'Use WORKDIR to change directory: a cd lasts only for this RUN and hides where later instructions run.', range: nameWord.range });
  }
  if (name === 'sudo') {
    report({ ruleId: 'DL3004', message: 'Do not use sudo: a build already runs as USER, and sudo behaves unpredictably without a terminal. Use gosu to run as another user.', range: nameWord.range });
  }
  if (name === 'useradd' && !hasFlag(command, 'l', 'no-log-init')) {
    const uid = command.args.find((word, i) => i > 0 && (command.args[i - 1].text === '-u' || command.args[i - 1].text === '--uid'))?.text ?? command.args.find((word) => word.text.startsWith('--uid='))?.text.slice('--uid='.length);
    if (uid !== undefined && /^\d{6,}$/.test(uid)) {
      report({
        ruleId: 'DL3046',
        message: 'useradd with a high UID and without -l (--no-log-init) writes a huge sparse /var/log/faillog into the image.',
        range: nameWord.range,
        fixes: [{ title: 'Add -l', edits: [insertAt(nameWord.range.end, ' -l')], preferred: true }],
      });
    }
  }
  if (name === 'wget') {
    const quiet = hasFlag(command, 'progress', 'q', 'quiet', 'o', 'output-file', 'a', 'append-output', 'no-verbose') || hasArg(command, '-nv');
    if (!quiet) {
      report({
        ruleId: 'DL3047',
        message: 'wget without --progress prints a progress line per few kilobytes and floods the build log. Use --progress=dot:giga, or -q / -nv.',
        range: nameWord.range,
        fixes: [{ title: 'Add --progress=dot:giga', edits: [insertAt(nameWord.range.end, ' --progress=dot:giga')], preferred: true }],
      });
    }
  }
}

const checkCommands: ScriptCheck = (report, commands) => commands.forEach((command) => checkCommand(report, command));

/** SHELL ["/bin/bash", "-o", "pipefail", "-c"] (bash, zsh or ash), or a shell without POSIX pipes. */
function shellHandlesPipes(instruction: InstructionInfo): boolean {
  const words = instruction.args.map((word) => word.value.replace(/^\[|\]$|,$/g, '').replace(/^["']|["'],?$/g, '').replace(/["']$/, '')).filter(Boolean);
  const program = (words[0] ?? '').split(/[\\/]/).pop()!.toLowerCase();
  if (/^(pwsh|powershell|cmd)(\.exe)?$/.test(program)) return true;
  return /^(bash|zsh|ash)$/.test(program) && words.some((word) => flagsOfWord(word).includes('o')) && words.includes('pipefail');
}

/** `set -o pipefail` (or -eo pipefail…) before the pipe, in the same RUN. */
function setsPipefail(commands: readonly Command[]): boolean {
  return commands.some((command) => command.name === 'set' && hasArg(command, 'pipefail') && hasFlag(command, 'o'));
}

function checkPipefail(context: RuleContext, stage: Stage): void {
  const { model } = context;
  let pipefail = false;
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'SHELL') {
      pipefail = shellHandlesPipes(instruction);
      continue;
    }
    const script = pipefail || instruction.keyword !== 'RUN' ? undefined : shellScriptOf(model, instruction);
    if (!script || script.execForm) continue;
    const pipe = script.operators.find((op) => op.kind === '|' || op.kind === '|&');
    if (!pipe || setsPipefail(commandsOf(script))) continue;
    const line = instruction.range.start.line;
    context.report({
      ruleId: 'DL4006',
      message: 'A failing command before this pipe is ignored: only the last command sets the RUN exit status. Set SHELL ["/bin/bash", "-o", "pipefail", "-c"] first.',
      range: pipe.range,
      fixes: [{ title: 'Add SHELL with -o pipefail (bash) before this RUN', edits: [insertAt({ line, character: 0 }, `${indentationOf(model, line)}SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n`)] }],
    });
  }
}

function checkCurlAndWget(context: RuleContext, stage: Stage): void {
  const seen = new Set<string>();
  for (const instruction of stage.instructions) {
    const script = shellScriptOf(context.model, instruction);
    if (!script) continue;
    const downloaders = commandsOf(script).filter((command) => command.name === 'curl' || command.name === 'wget');
    downloaders.forEach((command) => seen.add(command.name));
    if (downloaders.length > 0 && seen.size >= 2) {
      context.report({ ruleId: 'DL4001', message: 'This stage uses both wget and curl: pick one, so the image needs only one of them.', range: downloaders[0].nameWord.range });
    }
  }
}

function runFlags(instruction: InstructionInfo): string {
  return instruction.flags.map((flag) => `${flag.name}=${flag.value}`).sort().join(' ');
}

function namedCommandCount(script: ShellScript): number {
  // A command a wrapper runs (sudo apt-get…) is part of the wrapper's command, not another one;
  // a `[ … ]` test is a condition, as ShellCheck (and so hadolint) parses it, not a command.
  return commandsOf(script).filter((command) => command.wrappedBy === undefined && command.name !== '[').length;
}

/** "Merge into the previous RUN": joins the two scripts with && when both are plain shell lines. */
function mergeFix(context: RuleContext, previous: InstructionInfo, current: InstructionInfo): Fix[] {
  const plain = (instruction: InstructionInfo) => instruction.heredocs.length === 0 && instruction.args.length > 0 && !instruction.args[0].value.startsWith('[');
  if (!plain(previous) || !plain(current) || current.range.start.line !== previous.range.end.line + 1) return [];
  const joint = { start: previous.range.end, end: current.args[0].range.start };
  return [{ title: 'Merge into the previous RUN', edits: [replaceRange(joint, ` ${context.model.escapeChar}\n    && `)] }];
}

function checkConsecutiveRuns(context: RuleContext): void {
  let previous: { instruction: InstructionInfo; flags: string; count: number } | undefined;
  for (const instruction of context.model.instructions) {
    if (instruction.keyword !== 'RUN') {
      previous = undefined;
      continue;
    }
    const script = shellScriptOf(context.model, instruction);
    const count = script ? namedCommandCount(script) : 0;
    const flags = runFlags(instruction);
    // hadolint 2.15 asks only when both RUNs are a single command: chains look deliberate.
    if (previous && previous.flags === flags && count <= 1 && previous.count <= 1) {
      context.report({
        ruleId: 'DL3059',
        message: 'This RUN follows another short RUN: each RUN adds a layer; consider merging them with &&.',
        range: instruction.keywordRange,
        fixes: mergeFix(context, previous.instruction, instruction),
      });
      continue;
    }
    previous = { instruction, flags, count };
  }
}

export function checkShellRules(context: RuleContext): void {
  reportPerScript(context, checkCommands);
  for (const stage of context.model.stages) {
    checkPipefail(context, stage);
    checkCurlAndWget(context, stage);
  }
  checkConsecutiveRuns(context);
}
