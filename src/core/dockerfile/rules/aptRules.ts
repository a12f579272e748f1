/** hadolint's apt rules: DL3008, DL3009, DL3014, DL3015, DL3027. */
import type { DockerfileModel, InstructionInfo, Stage } from '../parse';
import { expandBraces } from '../shellParser';
import type { ShellScript } from '../shell';
import { argWord, argsNoFlags, commandText, commandsOf, flagsOfWord, hadolintCommandHas, hadolintName, hasFlag, isCommand, packagesAfter, reportPerScript, runScripts, subcommandRange, mountsCacheOrTmpfs, type Command, type ScriptCheck } from './commands';
import { insertAt, replaceRange } from './edits';
import { bestPracticeRule, sharpenedRule, type Finding, type RuleContext, type RuleInfo } from './types';

export const APT_RULES: RuleInfo[] = [
  bestPracticeRule('DL3008', 'warning', 'Pin versions in apt-get install'),
  bestPracticeRule('DL3009', 'info', 'Delete the apt-get lists after installing something'),
  bestPracticeRule('DL3014', 'warning', 'Use the -y switch with apt-get install'),
  bestPracticeRule('DL3015', 'info', 'Avoid additional packages by specifying --no-install-recommends'),
  bestPracticeRule('DL3027', 'warning', 'Do not use apt: it is meant for people at a terminal; use apt-get or apt-cache'),
  sharpenedRule('DL3009', 'info', 'The apt lists stay in the layer where hadolint\'s DL3009 sees a cleanup (any rm -rf) or no apt-get (named by its path)'),
];

/**
 * apt-get answers yes by itself with -y/--yes/--assume-yes, and at quiet level 2 (-qq, -q -q,
 * -q=2, --quiet --quiet). hadolint also takes a single -q as yes, which apt-get does not.
 */
function assumesYes(command: Command): boolean {
  if (hasFlag(command, 'y', 'yes', 'assume-yes')) return true;
  let quiet = 0;
  for (const word of command.args) {
    const level = /^(?:-q|--quiet)=(\d+)$/.exec(word.text);
    if (level) quiet = Math.max(quiet, Number(level[1]));
    else quiet += flagsOfWord(word.text).filter((flag) => flag === 'q' || flag === 'quiet').length;
  }
  return quiet >= 2;
}

function installsWithoutRecommends(command: Command): boolean {
  return hasFlag(command, 'no-install-recommends') || command.args.some((word) => /^APT::Install-Recommends=(false|0)$/i.test(word.text));
}

function checkAptGet(report: (finding: Finding) => void, command: Command): void {
  if (!isCommand(command, 'apt-get', 'install')) return;
  const install = argWord(command, 'install');
  const yes = assumesYes(command);
  if (!yes) {
    report({
      ruleId: 'DL3014',
      message: 'apt-get install without -y waits for a "Do you want to continue?" answer and the build fails.',
      range: install.range,
      fixes: [{ title: 'Add -y', edits: [insertAt(install.range.end, ' -y')], preferred: true }],
    });
  }
  if (!installsWithoutRecommends(command)) {
    report({
      ruleId: 'DL3015',
      message: 'Without --no-install-recommends apt-get installs recommended packages too, making the image larger.',
      range: install.range,
      fixes: [{ title: 'Add --no-install-recommends', edits: [insertAt(install.range.end, ' --no-install-recommends')], preferred: yes }],
    });
  }
  for (const pkg of packagesAfter(command, 'install', ['t', 'target-release'])) {
    if (pkg.text.includes('=') || pkg.text.includes('/') || pkg.text.endsWith('.deb')) continue;
    report({ ruleId: 'DL3008', message: `Pin the version of ${pkg.text} (apt-get install ${pkg.text}=<version>) so rebuilds install the same package.`, range: pkg.range });
  }
}

/** The command that deletes the apt lists: rm -r of them (any spelling of the path, braces expanded), or apt-get dist-clean (Debian 13). */
function aptListsCleanup(commands: readonly Command[]): Command | undefined {
  return commands.find((command) => {
    if (isCommand(command, 'apt-get', 'dist-clean')) return true;
    if (command.name !== 'rm' || !hasFlag(command, 'r', 'R', 'recursive')) return false;
    return argsNoFlags(command).some((word) => expandBraces(word.text).some((path) => /^\/var\/lib\/apt(\/lists)?\/?(\*)?$/.test(path)));
  });
}

/**
 * hadolint's DL3009 (2.15.1): `apt-get`/`apt`/`aptitude update` by that literal name, and no `rm`
 * given `-rf` or `/var/lib/apt/lists/*` anywhere in the RUN. Returns the update it reports.
 */
function hadolintMissesAptCleanup(commands: readonly Command[]): Command | undefined {
  const update = commands.find((command) => hadolintCommandHas(command, ['apt-get', 'apt', 'aptitude'], ['update']));
  if (!update || commands.some((command) => hadolintCommandHas(command, ['rm'], ['-rf', '/var/lib/apt/lists/*']))) return undefined;
  return update;
}

/** Whether what a stage leaves behind ends up in the image: the last stage, or a stage another FROM builds on. */
export function stageShips(model: DockerfileModel, stage: Stage | undefined): boolean {
  if (!stage || stage.index === model.stages.length - 1) return true;
  const alias = stage.from.stageName?.toLowerCase();
  return alias !== undefined && model.stages.some((other) => other.from.written?.toLowerCase() === alias);
}

/**
 * DL3009 as hadolint reports it, and EW3009 where the lists stay though hadolint is silent. Where
 * hadolint reports a RUN that does delete the lists (`apt-get dist-clean`, `rm -r …/lists`), DL3009
 * still appears, saying so: CI's hadolint fails on it, and `# hadolint ignore=DL3009` must mean the
 * same in both.
 */
function checkAptLists(context: RuleContext, instruction: InstructionInfo, script: ShellScript): void {
  const commands = commandsOf(script);
  const update = commands.find((command) => isCommand(command, ['apt-get', 'apt', 'aptitude'], 'update'));
  if (!update) return;
  const cleanup = aptListsCleanup(commands);
  const theirs = hadolintMissesAptCleanup(commands);
  if (cleanup && !theirs) return;
  if (mountsCacheOrTmpfs(instruction, '/var/lib/apt/lists') || (mountsCacheOrTmpfs(instruction, '/var/lib/apt') && mountsCacheOrTmpfs(instruction, '/var/cache/apt'))) return;
  // An ONBUILD trigger runs in the image built FROM this one: what it leaves behind always ships.
  if (instruction.keyword !== 'ONBUILD' && !stageShips(context.model, context.model.stages[instruction.stage])) return;
  const removal = 'rm -rf /var/lib/apt/lists/*';
  const fix = script.heredoc
    ? insertAt(script.end, script.end.character > 0 ? `\n${removal}` : `${removal}\n`)
    : insertAt(script.end, ` ${context.model.escapeChar}\n    && ${removal}`);
  const fixes = script.execForm ? [] : [{ title: 'Remove the apt lists at the end of this RUN', edits: [fix] }];
  const message = 'Delete /var/lib/apt/lists/* in the same RUN after apt-get update: the package lists stay in this layer otherwise.';
  if (cleanup && theirs) {
    context.report({
      ruleId: 'DL3009',
      message: `hadolint reports this RUN though \`${commandText(cleanup)}\` deletes the apt lists: it counts only an \`rm -rf\` or \`rm … /var/lib/apt/lists/*\` as the cleanup. Write \`${removal}\` instead, or ignore DL3009 here.`,
      range: subcommandRange(theirs, 'update'),
      fixes,
      onlyForHadolint: true,
    });
    return;
  }
  if (theirs) {
    context.report({ ruleId: 'DL3009', message, range: subcommandRange(update, 'update'), fixes });
    return;
  }
  const hadolintCleanup = commands.find((command) => hadolintCommandHas(command, ['rm'], ['-rf', '/var/lib/apt/lists/*']));
  const why = hadolintCleanup
    ? `\`${commandText(hadolintCleanup)}\` deletes something else, though hadolint's DL3009 takes it as the cleanup`
    : `hadolint's DL3009 does not recognise \`${hadolintName(update)}\` named by its path`;
  context.report({ ruleId: 'EW3009', message: `${message} (${why}.)`, range: subcommandRange(update, 'update'), fixes });
}

const checkAptCommands: ScriptCheck = (report, commands) => {
  for (const command of commands) {
    checkAptGet(report, command);
    if (command.name === 'apt') {
      report({
        ruleId: 'DL3027',
        message: 'apt is meant for people at a terminal (its output and options may change); use apt-get or apt-cache in a Dockerfile.',
        range: command.nameWord.range,
        fixes: [{ title: 'Use apt-get', edits: [replaceRange(command.nameWord.range, 'apt-get')], preferred: true }],
      });
    }
  }
};

export function checkAptRules(context: RuleContext): void {
  reportPerScript(context, checkAptCommands);
  for (const { instruction, script } of runScripts(context.model)) checkAptLists(context, instruction, script);
}
