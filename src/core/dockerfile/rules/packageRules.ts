/**
 * hadolint's rules for package managers other than apt: pip (DL3013, DL3042), npm (DL3016),
 * apk (DL3018, DL3019), gem (DL3028), yarn (DL3060), go (DL3062), yum (DL3030, DL3032, DL3033),
 * zypper (DL3034-DL3037) and dnf/microdnf (DL3038, DL3040, DL3041).
 */
import type { DockerfileModel, InstructionInfo } from '../parse';
import { quotedWords } from '../shell';
import { stageShips } from './aptRules';
import type { ShellScript } from '../shell';
import { argWord, argsNoFlags, commandText, commandsOf, hadolintCommandHas, hadolintName, hasArg, hasFlag, isCommand, packagesAfter, runScripts, subcommandRange, mountsCacheOrTmpfs, type Command, reportPerScript, type ScriptCheck } from './commands';
import { insertAt } from './edits';
import { bestPracticeRule, sharpenedRule, type Finding, type RuleContext, type RuleInfo } from './types';

type Report = (finding: Finding) => void;

export const PACKAGE_RULES: RuleInfo[] = [
  bestPracticeRule('DL3013', 'warning', 'Pin versions in pip install'),
  bestPracticeRule('DL3042', 'warning', 'Avoid the pip cache: use pip install --no-cache-dir'),
  bestPracticeRule('DL3016', 'warning', 'Pin versions in npm install'),
  bestPracticeRule('DL3018', 'warning', 'Pin versions in apk add'),
  bestPracticeRule('DL3019', 'info', 'Use apk add --no-cache instead of --update and removing /var/cache/apk/*'),
  bestPracticeRule('DL3028', 'warning', 'Pin versions in gem install'),
  bestPracticeRule('DL3060', 'info', 'yarn cache clean missing after yarn install'),
  bestPracticeRule('DL3062', 'warning', 'Pin versions in go install'),
  bestPracticeRule('DL3030', 'warning', 'Use the -y switch with yum install'),
  bestPracticeRule('DL3032', 'warning', 'yum clean all missing after yum install'),
  bestPracticeRule('DL3033', 'warning', 'Pin versions in yum install'),
  bestPracticeRule('DL3034', 'warning', 'Use the non-interactive switch with zypper'),
  bestPracticeRule('DL3035', 'warning', 'Do not use zypper dist-upgrade'),
  bestPracticeRule('DL3036', 'warning', 'zypper clean missing after zypper install'),
  bestPracticeRule('DL3037', 'warning', 'Pin versions in zypper install'),
  bestPracticeRule('DL3038', 'warning', 'Use the -y switch with dnf install'),
  bestPracticeRule('DL3040', 'warning', 'dnf clean all missing after dnf install'),
  bestPracticeRule('DL3041', 'warning', 'Pin versions in dnf install'),
  sharpenedRule('DL3040', 'warning', 'The dnf cache stays in the layer where hadolint\'s DL3040 sees a cleanup (any rm -rf) or no dnf (named by its path)'),
];

// ---- pip ----

const PIP_VALUE_FLAGS = ['abi', 'b', 'build', 'e', 'editable', 'extra-index-url', 'f', 'find-links', 'i', 'index-url', 'implementation', 'no-binary', 'only-binary', 'platform', 'prefix', 'progress-bar', 'proxy', 'python', 'python-version', 'root', 'root-user-action', 'src', 't', 'target', 'trusted-host', 'upgrade-strategy'];
const VCS_SCHEMES = /^(git\+file|git\+https|git\+ssh|git\+http|git\+git|git|hg\+file|hg\+http|hg\+https|hg\+ssh|hg\+static-http|svn|svn\+svn|svn\+http|svn\+https|svn\+ssh|bzr\+http|bzr\+https|bzr\+ssh|bzr\+sftp|bzr\+ftp|bzr\+lp)/;

/** pip, pip3, pip3.11, pipx… install, or python -m pip install. */
function isPipInstall(command: Command): boolean {
  // pipenv installs from its Pipfile (its own lock pins); hadolint leaves it alone too.
  if (command.name.startsWith('pip')) return !command.name.startsWith('pipenv') && hasArg(command, 'install');
  if (!command.name.startsWith('python')) return false;
  const texts = command.args.map((word) => word.text);
  return texts.some((text, i) => text === '-m' && /^pip3?$/.test(texts[i + 1] ?? '') && texts[i + 2] === 'install');
}

function isPinnedRequirement(text: string): boolean {
  if (['==', '>=', '<=', '>', '<', '!=', '~=', '==='].some((symbol) => text.includes(symbol))) return true;
  const vcs = VCS_SCHEMES.test(text);
  // A VCS URL is pinned by @<ref> after its path (user@host does not count).
  if (vcs) return /@[^/]*$/.test(text.replace(/^[a-z+]+:\/\/[^/]*\//, ''));
  return text.endsWith('.whl') || text.endsWith('.tar.gz') || text.includes('/');
}

function checkPipPins(report: Report, command: Command): void {
  if (!isPipInstall(command) || hasFlag(command, 'constraint', 'c') || hasArg(command, '--requirement', '-r', '.')) return;
  for (const pkg of packagesAfter(command, 'install', PIP_VALUE_FLAGS)) {
    if (isPinnedRequirement(pkg.text)) continue;
    report({ ruleId: 'DL3013', message: `Pin the version of ${pkg.text} (pip install ${pkg.text}==<version>) or install from a requirements file.`, range: pkg.range });
  }
}


function pipCacheOffInStage(context: RuleContext, instruction: InstructionInfo): boolean {
  const stage = context.model.stages[instruction.stage];
  if (!stage) return false;
  const chain = [stage];
  for (let parent = stage.from.parentStage; parent !== undefined && chain.length <= context.model.stages.length; parent = context.model.stages[parent].from.parentStage) chain.push(context.model.stages[parent]);
  return chain.some((candidate) =>
    candidate.instructions.some((env) => env.keyword === 'ENV' && env.index < instruction.index && /\bPIP_NO_CACHE_DIR(?:=|\s+)["']?(1|true|yes|on)\b/i.test(env.args.map((word) => word.value).join(' '))),
  );
}

const PIP_CACHE_OFF = /^PIP_NO_CACHE_DIR=["']?(1|true|yes|on)["']?$/i;

/**
 * PIP_NO_CACHE_DIR=1 on this pip command, or exported earlier in the same RUN. (hadolint takes
 * it anywhere in the RUN text, even set for another command only.)
 */
function pipCacheOffInScript(commands: readonly Command[], install: Command): boolean {
  if (install.assignments.some((word) => PIP_CACHE_OFF.test(word.text))) return true;
  return commands.slice(0, commands.indexOf(install)).some((command) => command.name === 'export' && command.args.some((word) => PIP_CACHE_OFF.test(word.text)));
}

function checkPipCache(context: RuleContext, instruction: InstructionInfo, script: ShellScript): void {
  const commands = commandsOf(script);
  const installs = commands.filter((command) => isPipInstall(command) && !hasArg(command, '--no-cache-dir') && !pipCacheOffInScript(commands, command));
  if (installs.length === 0 || mountsCacheOrTmpfs(instruction, '.cache/pip') || pipCacheOffInStage(context, instruction)) return;
  for (const command of installs) {
    const wrapper = /pipx|pipenv/.test(command.name) || command.args.some((word, i) => word.text === '-m' && /^(pipx|pipenv)$/.test(command.args[i + 1]?.text ?? ''));
    if (wrapper) continue;
    const install = argWord(command, 'install');
    context.report({
      ruleId: 'DL3042',
      message: 'pip keeps downloaded wheels in its cache, which stays in this layer. Use --no-cache-dir.',
      range: install.range,
      fixes: [{ title: 'Add --no-cache-dir', edits: [insertAt(install.range.end, ' --no-cache-dir')], preferred: true }],
    });
  }
}

// ---- npm, apk, gem, yarn, go ----

/** npm options whose value is the next word (npm install --loglevel verbose sax@1). */
const NPM_VALUE_FLAGS = ['loglevel', 'registry'];

function checkNpm(report: Report, command: Command): void {
  if (!isCommand(command, 'npm', 'install') || argsNoFlags(command, NPM_VALUE_FLAGS)[0]?.text !== 'install') return;
  for (const pkg of packagesAfter(command, 'install', NPM_VALUE_FLAGS)) {
    const text = pkg.text;
    let pinned: boolean;
    if (/^(git|git\+ssh|git\+http|git\+https):\/\//.test(text)) pinned = text.includes('#');
    else if (/\.(tar|tar\.gz|tgz)$/.test(text) || /^(\/|\.\/|\.\.\/|~\/)/.test(text)) pinned = true;
    else pinned = (text.startsWith('@') ? text.replace(/^[^/]*\//, '') : text).includes('@');
    if (!pinned) report({ ruleId: 'DL3016', message: `Pin the version of ${text} (npm install ${text}@<version>).`, range: pkg.range });
  }
}

function checkApk(report: Report, command: Command): void {
  if (!isCommand(command, 'apk', 'add')) return;
  for (const pkg of argsNoFlags(command, ['t', 'virtual', 'repository', 'X'])) {
    if (pkg.text === 'add' || /[=~<>]/.test(pkg.text) || pkg.text.endsWith('.apk')) continue;
    report({ ruleId: 'DL3018', message: `Pin the version of ${pkg.text} (apk add ${pkg.text}=<version>).`, range: pkg.range });
  }
  if (!hasFlag(command, 'no-cache')) {
    const add = argWord(command, 'add');
    report({
      ruleId: 'DL3019',
      message: 'Use apk add --no-cache: the package index then never lands in the layer, with no --update or rm -rf /var/cache/apk/* needed.',
      range: add.range,
      fixes: [{ title: 'Add --no-cache', edits: [insertAt(add.range.end, ' --no-cache')], preferred: true }],
    });
  }
}

/** gem install options that take the next word as their value. */
const GEM_VALUE_OPTIONS = new Set(['-i', '--install-dir', '-n', '--bindir', '--document', '--build-root', '-P', '--trust-policy', '-g', '--file', '-s', '--source', '-p', '--http-proxy', '--platform', '--config-file', '--target-rbconfig']);

function checkGem(report: Report, command: Command): void {
  if (!isCommand(command, 'gem', 'install', 'i') || hasArg(command, '-v', '--version') || command.args.some((word) => word.text.startsWith('--version='))) return;
  const args = command.args;
  for (let i = 0; i < args.length; i++) {
    const text = args[i].text;
    // After "--" come options for the gem's build (gem install x -- --use-system-libraries).
    if (text === '--') break;
    if (text.startsWith('-')) {
      // A value after an option: a known value option, or a boolean ("--use-system-libraries true").
      if (!text.includes('=') && (GEM_VALUE_OPTIONS.has(text) || /^(true|false)$/.test(args[i + 1]?.text ?? ''))) i++;
      continue;
    }
    if (text === 'install' || text === 'i' || text.includes(':')) continue;
    report({ ruleId: 'DL3028', message: `Pin the version of ${text} (gem install ${text}:<version>).`, range: args[i].range });
  }
}

/** A go package pinned to a version: a local path, or @<version> (@latest and @none move). */
function goPinned(text: string): boolean {
  if (text === '.' || text.startsWith('.') || text.startsWith('/')) return true;
  return text.includes('@') && !text.endsWith('@latest') && !text.endsWith('@none');
}

function checkGo(report: Report, command: Command): void {
  if (command.name !== 'go') return;
  const args = argsNoFlags(command);
  const subcommand = args[0]?.text;
  // go run <pkg> [arguments]: only the package; what follows is the program's arguments.
  const packages = subcommand === 'run' ? args.slice(1, 2) : subcommand === 'install' || subcommand === 'get' ? args.slice(1).filter((word) => word.text !== 'tool') : [];
  for (const pkg of packages) {
    if (goPinned(pkg.text)) continue;
    report({ ruleId: 'DL3062', message: `Pin the version of ${pkg.text} (go ${subcommand} ${pkg.text.replace(/@(latest|none)$/, '')}@<version>).`, range: pkg.range });
  }
}

function checkYarnCache(report: Report, commands: readonly Command[]): void {
  const install = commands.findIndex((command) => isCommand(command, 'yarn', 'install'));
  const clean = commands.findIndex((command) => isCommand(command, 'yarn', 'cache') && hasArg(command, 'clean'));
  // A clean before the install leaves the install's cache in the layer.
  if (install < 0 || clean > install) return;
  report({ ruleId: 'DL3060', message: 'Run yarn cache clean after yarn install in the same RUN: the cache stays in this layer otherwise.', range: subcommandRange(commands[install], 'install') });
}

// ---- yum, dnf, zypper ----

interface RpmManager {
  names: readonly string[];
  /** Subcommands that fill the package cache (DL3032/DL3040). */
  cacheVerbs: readonly string[];
  yesRule: string;
  cleanRule: string;
  pinRule: string;
  cleanCache: string;
}

const YUM: RpmManager = { names: ['yum'], cacheVerbs: ['install'], yesRule: 'DL3030', cleanRule: 'DL3032', pinRule: 'DL3033', cleanCache: '/var/cache/yum/*' };
// dnf 5 keeps its cache in /var/cache/libdnf5; dnf 4 in /var/cache/dnf (and yum's path on older releases).
const DNF: RpmManager = { names: ['dnf', 'microdnf'], cacheVerbs: ['install', 'in', 'upgrade', 'up', 'upgrade-minimal', 'up-min', 'reinstall', 'rei'], yesRule: 'DL3038', cleanRule: 'DL3040', pinRule: 'DL3041', cleanCache: '/var/cache/yum/*' };

/** "name-1.2.3" or a .rpm file: what yum and dnf take as a pinned package. */
function rpmPinned(text: string): boolean {
  if (text.endsWith('.rpm')) return true;
  // "name-${VERSION}": left to the caller, which knows the declared variables.
  if (text.includes('$') && text.includes('-')) return false;
  const parts = text.split('-');
  // yum-utils is a name, not a version: yum and dnf alike need a version-like part (as hadolint checks both).
  const version = parts.slice(1);
  return version.length > 0 && version.every((part) => /^[0-9A-Za-z.~^_:+]*$/.test(part)) && version.some((part) => /^\d/.test(part));
}

function checkRpmManager(report: Report, manager: RpmManager, commands: readonly Command[]): void {
  for (const name of manager.names) {
    const installs = commands.filter((command) => isCommand(command, name, 'install'));
    for (const command of installs) {
      if (!hasFlag(command, 'y', 'assumeyes')) {
        const install = argWord(command, 'install');
        report({
          ruleId: manager.yesRule,
          message: `${name} install without -y waits for an answer and the build fails.`,
          range: install.range,
          fixes: [{ title: 'Add -y', edits: [insertAt(install.range.end, ' -y')], preferred: true }],
        });
      }
      const module = hasArg(command, 'module');
      if (manager === DNF && hasArg(command, 'group')) continue;
      for (const pkg of argsNoFlags(command)) {
        if (pkg.text === 'install' || pkg.text === 'module') continue;
        if (module ? pkg.text.includes(':') : rpmPinned(pkg.text)) continue;
        // "name-${VERSION}": pinned when the build declares the variable (checked by the caller).
        const variables = !module && pkg.text.includes('-') && pkg.text.includes('$') ? [...pkg.text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]) : undefined;
        report({ ruleId: manager.pinRule, message: `Pin the version of ${pkg.text} (${name} install -y ${pkg.text}${module ? ':<stream>' : '-<version>'}).`, range: pkg.range, unlessDeclared: variables });
      }
    }
    const verbOf = (command: Command) => (command.name === name ? command.args.find((word) => manager.cacheVerbs.includes(word.text)) : undefined);
    const fills = commands.find((command) => verbOf(command) !== undefined);
    const theirs = manager === DNF ? hadolintMissesDnfClean(name, commands) : undefined;
    if (!fills) continue;
    const firstInstall = commands.indexOf(fills);
    const cleans = (command: Command) =>
      (isCommand(command, name, 'clean') && hasArg(command, 'all')) || (command.name === 'rm' && hasFlag(command, 'r', 'R', 'recursive') && command.args.some((word) => word.text.replace(/^["']|["']$/g, '') === manager.cleanCache || /^\/var\/cache\/(yum|dnf|libdnf5)(\/\*|\*|\/)?$/.test(word.text)));
    const cleanup = commands.find((command, index) => index > firstInstall && cleans(command));
    const verb = verbOf(fills)!.text;
    const message = `Run ${name} clean all after ${name} ${verb} in the same RUN: the package cache stays in this layer otherwise.`;
    if (manager !== DNF) {
      if (!cleanup) report({ ruleId: manager.cleanRule, message, range: subcommandRange(fills, verb) });
      continue;
    }
    // DL3040 as hadolint reports it; EW3040 where the cache stays though hadolint is silent.
    if (cleanup && theirs) {
      const why = theirs.clean
        ? `it takes the first \`rm -rf\` or \`${name} clean\` of the RUN as the cleanup, and \`${commandText(theirs.clean)}\` comes before the install. Move that command after the install, or ignore DL3040 here.`
        : `it counts only \`${name} clean all\` or \`rm -rf /var/cache/libdnf5*\` after the install. Write \`${name} clean all\` instead, or ignore DL3040 here.`;
      report({ ruleId: 'DL3040', message: `hadolint reports this RUN though \`${commandText(cleanup)}\` cleans the ${name} cache after \`${name} ${verb}\`: ${why}`, range: subcommandRange(theirs.install, verbOf(theirs.install)?.text ?? verb), onlyForHadolint: true });
    } else if (theirs) {
      report({ ruleId: 'DL3040', message, range: subcommandRange(fills, verb) });
    } else if (!cleanup) {
      const hadolintClean = commands.find((command) => hadolintCommandHas(command, [name], ['clean', 'all']) || hadolintCommandHas(command, ['rm'], ['-rf', '/var/cache/libdnf5*']));
      const why = hadolintClean
        ? `\`${commandText(hadolintClean)}\` does not clean the ${name} cache, though hadolint's DL3040 takes it as the cleanup`
        : `hadolint's DL3040 does not recognise \`${hadolintName(fills)}\` named by its path`;
      report({ ruleId: 'EW3040', message: `${message} (${why}.)`, range: subcommandRange(fills, verb) });
    }
  }
}

/**
 * hadolint's DL3040 (2.15.1) for `name` (dnf or microdnf, by that literal name): reported unless
 * the first cleanup comes after the first install. Its cleanup is the first `<name>` given `clean`
 * or `all`, or `rm` given `-rf` or `/var/cache/libdnf5*`, wherever it is. Returns the install it
 * reports, and its cleanup when that comes too early.
 */
function hadolintMissesDnfClean(name: string, commands: readonly Command[]): { install: Command; clean?: Command } | undefined {
  const install = commands.findIndex((command) => hadolintCommandHas(command, [name], DNF.cacheVerbs));
  if (install < 0) return undefined;
  const clean = commands.findIndex((command) => hadolintCommandHas(command, [name], ['clean', 'all']) || hadolintCommandHas(command, ['rm'], ['-rf', '/var/cache/libdnf5*']));
  if (clean > install) return undefined;
  return { install: commands[install], clean: clean >= 0 ? commands[clean] : undefined };
}

const ZYPPER_INSTALL = ['install', 'in', 'remove', 'rm', 'source-install', 'si', 'patch'];

function checkZypper(report: Report, commands: readonly Command[]): void {
  const zyppers = commands.filter((command) => command.name === 'zypper');
  for (const command of zyppers) {
    const action = command.args.find((word) => ZYPPER_INSTALL.includes(word.text));
    if (action && !hasFlag(command, 'non-interactive', 'n', 'no-confirm', 'y')) {
      report({ ruleId: 'DL3034', message: 'zypper without --non-interactive waits for an answer and the build fails.', range: subcommandRange(command, action.text) });
    }
    const upgrade = command.args.find((word) => word.text === 'dist-upgrade' || word.text === 'dup');
    if (upgrade) report({ ruleId: 'DL3035', message: 'Do not use zypper dist-upgrade in a Dockerfile: upgrade the base image instead.', range: subcommandRange(command, upgrade.text) });
    if (hasArg(command, 'install', 'in')) {
      for (const pkg of argsNoFlags(command)) {
        if (pkg.text === 'install' || pkg.text === 'in' || /[=<>]/.test(pkg.text) || pkg.text.endsWith('.rpm')) continue;
        report({ ruleId: 'DL3037', message: `Pin the version of ${pkg.text} (zypper install -y ${pkg.text}=<version>).`, range: pkg.range });
      }
    }
  }
  const install = zyppers.find((command) => hasArg(command, 'install', 'in'));
  if (install && !zyppers.some((command) => hasArg(command, 'clean', 'cc') && commands.indexOf(command) > commands.indexOf(install))) {
    report({ ruleId: 'DL3036', message: 'Run zypper clean after zypper install in the same RUN: the package cache stays in this layer otherwise.', range: install.nameWord.range });
  }
}

const checkPackageCommands: ScriptCheck = (report, commands) => {
  for (const command of commands) {
    checkPipPins(report, command);
    checkNpm(report, command);
    checkApk(report, command);
    checkGem(report, command);
    checkGo(report, command);
  }
  checkYarnCache(report, commands);
  checkRpmManager(report, YUM, commands);
  checkRpmManager(report, DNF, commands);
  checkZypper(report, commands);
};

/** Where a manager keeps the cache its clean rule is about: a cache or tmpfs mount there leaves nothing in the layer. */
const CACHE_MOUNTS: Readonly<Record<string, readonly string[]>> = {
  DL3019: ['/var/cache/apk'],
  DL3036: ['/var/cache/zypp'],
  DL3040: ['/var/cache/libdnf5', '.cache/libdnf5'],
  EW3040: ['/var/cache/libdnf5', '.cache/libdnf5'],
  DL3060: ['.cache/yarn'],
};

/** Variables declared before `instruction`: ARGs anywhere before it, ENVs in its stage and the stages it builds on. */
function declaredBefore(model: DockerfileModel, instruction: InstructionInfo): Set<string> {
  const stages = new Set<number>();
  for (let stage: number | undefined = instruction.stage; stage !== undefined && stage >= 0 && !stages.has(stage); stage = model.stages[stage]?.from.parentStage) stages.add(stage);
  const names = new Set<string>();
  for (const candidate of model.instructions) {
    if (candidate.index >= instruction.index) break;
    if (candidate.keyword !== 'ARG' && !(candidate.keyword === 'ENV' && stages.has(candidate.stage))) continue;
    for (const word of quotedWords(model, candidate)) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.text)?.[0];
      if (name) names.add(name);
    }
  }
  return names;
}

export function checkPackageRules(context: RuleContext): void {
  const model = context.model;
  reportPerScript(context, checkPackageCommands, (finding, instruction) => {
    if (CACHE_MOUNTS[finding.ruleId]?.some((fragment) => mountsCacheOrTmpfs(instruction, fragment))) return false;
    // A yarn cache left in a stage nothing ships does not matter (an ONBUILD trigger always ships).
    if (finding.ruleId === 'DL3060' && instruction.keyword !== 'ONBUILD' && !stageShips(model, model.stages[instruction.stage])) return false;
    if (finding.unlessDeclared) {
      const declared = declaredBefore(model, instruction);
      if (finding.unlessDeclared.some((name) => declared.has(name))) return false;
    }
    return true;
  });
  for (const { instruction, script } of runScripts(context.model)) checkPipCache(context, instruction, script);
}
