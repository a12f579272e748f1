/**
 * General Dockerfile practice, with hadolint's rule ids where they overlap so pragmas and
 * .hadolint.yaml written for hadolint keep working. Unlike hadolint, ranges are the token.
 */
import { aqueductRepositoryOf } from '../aqueductCatalogue';
import type { DockerfileModel, InstructionInfo, Stage } from '../parse';
import { aptInstalls, commandsNamed, pipInstalls, shellScriptOf, type PackageInstall, type ShellScript } from '../shell';
import { indentationOf, insertAt, removeInstruction, replaceRange, spanOf } from './edits';
import type { RuleContext, RuleInfo } from './types';

export const BEST_PRACTICE_RULES: RuleInfo[] = [
  { id: 'DL3006', group: 'best-practice', defaultSeverity: 'warning', title: 'Always tag the version of an image explicitly' },
  { id: 'DL3007', group: 'best-practice', defaultSeverity: 'warning', title: 'Using latest is prone to errors; pin the image version' },
  { id: 'DL3014', group: 'best-practice', defaultSeverity: 'warning', title: 'Use the -y switch with apt-get install' },
  { id: 'DL3015', group: 'best-practice', defaultSeverity: 'info', title: 'Avoid additional packages by specifying --no-install-recommends' },
  { id: 'DL3009', group: 'best-practice', defaultSeverity: 'info', title: 'Delete the apt-get lists after installing something' },
  { id: 'DL3013', group: 'best-practice', defaultSeverity: 'warning', title: 'Pin versions in pip install' },
  { id: 'DL3008', group: 'best-practice', defaultSeverity: 'warning', title: 'Pin versions in apt-get install' },
  { id: 'DL3042', group: 'best-practice', defaultSeverity: 'warning', title: 'Avoid the pip cache: use pip install --no-cache-dir' },
  { id: 'DL3020', group: 'best-practice', defaultSeverity: 'error', title: 'Use COPY instead of ADD for files and folders' },
  { id: 'DL3003', group: 'best-practice', defaultSeverity: 'warning', title: 'Use WORKDIR to switch to a directory' },
  { id: 'DL3025', group: 'best-practice', defaultSeverity: 'warning', title: 'Use the JSON form for CMD and ENTRYPOINT' },
  { id: 'DL4006', group: 'best-practice', defaultSeverity: 'warning', title: 'Set SHELL -o pipefail before RUN with a pipe' },
  { id: 'DL4003', group: 'best-practice', defaultSeverity: 'warning', title: 'Multiple CMD instructions: only the last takes effect' },
  { id: 'DL4004', group: 'best-practice', defaultSeverity: 'error', title: 'Multiple ENTRYPOINT instructions: only the last takes effect' },
  { id: 'DL3002', group: 'best-practice', defaultSeverity: 'warning', title: 'The last USER should not be root' },
];

function checkBaseTags(context: RuleContext): void {
  for (const stage of context.model.stages) {
    const { image, nameRange, tagRange, parentStage } = stage.from;
    if (!image || !nameRange || parentStage !== undefined) continue;
    const name = image.name.toLowerCase();
    // Aqueduct bases get AQ004, which says which tag Aqueduct needs.
    if (name === 'scratch' || aqueductRepositoryOf(name) !== undefined) continue;
    if (image.tag === undefined && image.digest === undefined) {
      context.report({ ruleId: 'DL3006', message: `Tag the base image (${image.name}:<version>): untagged means "latest", which changes under you.`, range: nameRange });
    } else if (image.tag === 'latest' && image.digest === undefined) {
      context.report({ ruleId: 'DL3007', message: 'The "latest" tag changes under you; pin a version so rebuilds are repeatable.', range: tagRange ?? nameRange });
    }
  }
}

function lastStageChain(model: DockerfileModel): Set<number> {
  const chain = new Set<number>();
  let stage: Stage | undefined = model.stages[model.stages.length - 1];
  while (stage && !chain.has(stage.index)) {
    chain.add(stage.index);
    stage = stage.from.parentStage !== undefined ? model.stages[stage.from.parentStage] : undefined;
  }
  return chain;
}

function usesCacheMount(instruction: InstructionInfo, path: RegExp): boolean {
  return instruction.flags.some((flag) => flag.name === 'mount' && flag.value !== null && /type=cache/.test(flag.value) && path.test(flag.value));
}

function isPinnedPipRequirement(text: string): boolean {
  if (/(===|==|>=|<=|~=|!=|>|<|@)/.test(text)) return true;
  // Local paths, archives and VCS URLs carry their own version.
  return /^(\.|\/|~|[a-z]+\+|https?:|file:)/i.test(text) || /\.(whl|tar\.gz|tgz|zip)$/i.test(text) || text.includes('$');
}

function hasOption(words: ReadonlyArray<{ text: string }>, matcher: (text: string) => boolean): boolean {
  return words.some((word) => matcher(word.text));
}

function checkRunScripts(context: RuleContext, stage: Stage, inFinalImage: boolean, pipCacheOff: boolean): void {
  const { model } = context;
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'ENV' && /PIP_NO_CACHE_DIR(\s*=\s*|\s+)["']?(1|true|yes|on)\b/i.test(model.lines[instruction.range.start.line] ?? '')) pipCacheOff = true;
    const script = instruction.keyword === 'RUN' ? shellScriptOf(model, instruction) : undefined;
    if (!script) continue;
    checkApt(context, instruction, script, inFinalImage);
    checkPip(context, instruction, script, pipCacheOff);
    for (const { command, index } of commandsNamed(script, new Set(['cd']))) {
      context.report({ ruleId: 'DL3003', message: 'Use WORKDIR to change directory: a cd lasts only for this RUN and hides where later instructions run.', range: command.words[index].range });
    }
  }
}

function checkApt(context: RuleContext, instruction: InstructionInfo, script: ShellScript, inFinalImage: boolean): void {
  const installs = aptInstalls(script);
  for (const install of installs) {
    const assumesYes = hasOption(install.options, (t) => t === '-y' || t === '--yes' || t === '--assume-yes' || t === '-qq' || t === '-q=2' || /^-[a-z]*y[a-z]*$/.test(t));
    if (!assumesYes) {
      context.report({
        ruleId: 'DL3014',
        message: 'apt-get install without -y waits for a "Do you want to continue?" answer and the build fails.',
        range: install.install.range,
        fixes: [{ title: 'Add -y', edits: [insertAt(install.install.range.end, ' -y')], preferred: true }],
      });
    }
    const noRecommends = hasOption(install.options, (t) => t === '--no-install-recommends') || install.options.some((w) => /APT::Install-Recommends=(false|0)/i.test(w.text));
    if (!noRecommends) {
      context.report({
        ruleId: 'DL3015',
        message: 'Without --no-install-recommends apt installs recommended packages too, making the image larger.',
        range: install.install.range,
        fixes: [{ title: 'Add --no-install-recommends', edits: [insertAt(install.install.range.end, ' --no-install-recommends')], preferred: assumesYes }],
      });
    }
    for (const pkg of install.packages) {
      if (pkg.text.includes('=') || pkg.text.includes('$') || /\.deb$/.test(pkg.text) || pkg.text.startsWith('/') || pkg.text.startsWith('.')) continue;
      context.report({ ruleId: 'DL3008', message: `Pin the version of ${pkg.text} (apt-get install ${pkg.text}=<version>) so rebuilds install the same package.`, range: pkg.range });
    }
  }
  if (!inFinalImage || installs.length === 0 || usesCacheMount(instruction, /\/var\/lib\/apt/)) return;
  const cleansLists = commandsNamed(script, new Set(['rm'])).some(({ command }) => command.words.some((word) => word.text.startsWith('/var/lib/apt/lists')));
  if (cleansLists) return;
  const updates = commandsNamed(script, new Set(['apt-get', 'apt'])).filter(({ command, index }) => command.words[index + 1]?.text === 'update');
  const anchor = updates.length > 0 ? { start: updates[0].command.words[updates[0].index].range.start, end: updates[0].command.words[updates[0].index + 1].range.end } : installs[0].install.range;
  const fixes = script.heredoc
    ? [{ title: 'Remove the apt lists at the end of this RUN', edits: [insertAt(script.end, script.end.character > 0 ? '\nrm -rf /var/lib/apt/lists/*' : 'rm -rf /var/lib/apt/lists/*\n')] }]
    : [{ title: 'Remove the apt lists at the end of this RUN', edits: [insertAt(script.end, ' \\\n    && rm -rf /var/lib/apt/lists/*'.replace('\\', context.model.escapeChar))] }];
  context.report({ ruleId: 'DL3009', message: 'Delete /var/lib/apt/lists/* in the same RUN after installing: the package lists stay in this layer otherwise.', range: anchor, fixes });
}

function checkPip(context: RuleContext, instruction: InstructionInfo, script: ShellScript, pipCacheOff: boolean): void {
  const cacheMounted = usesCacheMount(instruction, /(\.cache\/pip|pip)/);
  for (const install of pipInstalls(script)) {
    for (const pkg of install.packages) {
      if (isPinnedPipRequirement(pkg.text)) continue;
      context.report({ ruleId: 'DL3013', message: `Pin the version of ${pkg.text} (pip install ${pkg.text}==<version>) or install from a requirements file.`, range: pkg.range });
    }
    if (pipCacheOff || cacheMounted || hasOption(install.options, (t) => t === '--no-cache-dir') || pipCacheOffInScript(script, install)) continue;
    context.report({
      ruleId: 'DL3042',
      message: "pip keeps downloaded wheels in its cache, which stays in this layer. Use --no-cache-dir.",
      range: install.install.range,
      fixes: [{ title: 'Add --no-cache-dir', edits: [insertAt(install.install.range.end, ' --no-cache-dir')], preferred: true }],
    });
  }
}

const PIP_CACHE_OFF = /^PIP_NO_CACHE_DIR=["']?(1|true|yes|on)["']?$/i;

/** `PIP_NO_CACHE_DIR=1 pip install …`, `env PIP_NO_CACHE_DIR=1 pip …`, or exported earlier in the same RUN. */
function pipCacheOffInScript(script: ShellScript, install: PackageInstall): boolean {
  const words = install.command.words;
  if (words.slice(0, words.indexOf(install.program)).some((word) => PIP_CACHE_OFF.test(word.text))) return true;
  const before = script.commands.slice(0, script.commands.indexOf(install.command));
  return before.some((command) => command.words[0]?.text === 'export' && command.words.slice(1).some((word) => PIP_CACHE_OFF.test(word.text)));
}

function isArchiveOrUrl(source: string): boolean {
  return /^(https?|git|ssh):|^git@/i.test(source) || /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|gz|bz2|xz|zst)$/i.test(source) || source.includes('$');
}

function checkAdd(context: RuleContext, instruction: InstructionInfo): void {
  if (instruction.keyword !== 'ADD' || instruction.heredocs.length > 0 || instruction.args.length < 2) return;
  if (instruction.args[0].value.startsWith('[')) return;
  const sources = instruction.args.slice(0, -1).map((word) => word.value.replace(/^["']|["']$/g, ''));
  if (sources.some(isArchiveOrUrl) || instruction.flags.some((flag) => flag.name === 'checksum' || flag.name === 'keep-git-dir')) return;
  context.report({
    ruleId: 'DL3020',
    message: 'Use COPY for files and folders: ADD also unpacks archives and fetches URLs, which makes its effect harder to see.',
    range: instruction.keywordRange,
    fixes: [{ title: 'Change ADD to COPY', edits: [replaceRange(instruction.keywordRange, 'COPY')], preferred: true }],
  });
}

function jsonForm(instruction: InstructionInfo): string {
  const words = instruction.rawArgs;
  const plain = words.every((word) => /^[A-Za-z0-9_\-./:=,@%+]+$/.test(word.value));
  if (plain) return `[${words.map((word) => JSON.stringify(word.value)).join(', ')}]`;
  // Shell syntax (variables, quotes, operators) needs a shell: keep it, explicitly.
  return `["/bin/sh", "-c", ${JSON.stringify(words.map((word) => word.value).join(' '))}]`;
}

function checkCmdEntrypoint(context: RuleContext, stage: Stage): void {
  const { model } = context;
  // AQ001 already asks to remove CMD/ENTRYPOINT from an Aqueduct image; reshaping them would be noise.
  const aqueductWillRemove = context.aqueduct.enabled && context.aqueduct.finalChain.includes(stage);
  for (const keyword of ['CMD', 'ENTRYPOINT'] as const) {
    const found = stage.instructions.filter((instruction) => instruction.keyword === keyword);
    for (const instruction of found) {
      if (instruction.rawArgs.length === 0 || instruction.rawArgs[0].value.startsWith('[') || aqueductWillRemove) continue;
      const replacement = jsonForm(instruction);
      context.report({
        ruleId: 'DL3025',
        message: `Use the JSON form for ${keyword}: the shell form runs under /bin/sh -c, so the process doesn't get signals such as SIGTERM.`,
        range: spanOf(instruction.rawArgs),
        fixes: [{ title: `Use the JSON form: ${keyword} ${replacement}`, edits: [replaceRange(spanOf(instruction.rawArgs), replacement)], preferred: true }],
      });
    }
    for (const instruction of found.slice(0, -1)) {
      context.report({
        ruleId: keyword === 'CMD' ? 'DL4003' : 'DL4004',
        message: `This ${keyword} has no effect: a later ${keyword} in the same stage replaces it.`,
        range: instruction.keywordRange,
        fixes: [{ title: `Remove this ${keyword}`, edits: [removeInstruction(model, instruction)] }],
      });
    }
  }
}

function checkPipefail(context: RuleContext, stage: Stage): void {
  const { model } = context;
  let pipefail = false;
  let nonPosixShell = false;
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'SHELL') {
      const text = instruction.rawArgs.map((word) => word.value).join(' ');
      pipefail = /pipefail/.test(text);
      nonPosixShell = /pwsh|powershell|cmd(\.exe)?"/i.test(text);
      continue;
    }
    if (pipefail || nonPosixShell || instruction.keyword !== 'RUN') continue;
    const script = shellScriptOf(model, instruction);
    if (!script || script.execForm) continue;
    const pipe = script.operators.find((op) => op.kind === '|');
    if (!pipe) continue;
    const setsPipefail = script.commands.some((command) => command.words[0]?.text === 'set' && command.words.some((word) => word.text === 'pipefail'));
    if (setsPipefail) continue;
    const line = instruction.range.start.line;
    context.report({
      ruleId: 'DL4006',
      message: 'A failing command before this pipe is ignored: only the last command sets the RUN exit status. Set SHELL ["/bin/bash", "-o", "pipefail", "-c"] first.',
      range: pipe.range,
      fixes: [{ title: 'Add SHELL with -o pipefail (bash) before this RUN', edits: [insertAt({ line, character: 0 }, `${indentationOf(model, line)}SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n`)] }],
    });
  }
}

function checkLastUser(context: RuleContext, finalChain: Set<number>): void {
  const stages = [...finalChain].sort((a, b) => b - a).map((index) => context.model.stages[index]);
  for (const stage of stages) {
    const users = stage.instructions.filter((instruction) => instruction.keyword === 'USER' && instruction.args.length > 0);
    if (users.length === 0) continue;
    const last = users[users.length - 1];
    const user = last.args[0].value.split(':')[0];
    if (user === 'root' || user === '0') {
      context.report({ ruleId: 'DL3002', message: 'The image ends running as root: switch to an unprivileged USER after the steps that need root.', range: last.args[0].range });
    }
    return;
  }
}

export function checkBestPractice(context: RuleContext): void {
  checkBaseTags(context);
  const finalChain = lastStageChain(context.model);
  for (const stage of context.model.stages) {
    checkRunScripts(context, stage, finalChain.has(stage.index), false);
    for (const instruction of stage.instructions) checkAdd(context, instruction);
    checkCmdEntrypoint(context, stage);
    checkPipefail(context, stage);
  }
  checkLastUser(context, finalChain);
}
