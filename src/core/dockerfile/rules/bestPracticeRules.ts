/**
 * hadolint's rules about instructions other than what RUN executes (base images, COPY/ADD,
 * CMD/ENTRYPOINT, USER, WORKDIR, EXPOSE, ENV/ARG, LABEL, ONBUILD, MAINTAINER), with its ids,
 * severities and meanings so pragmas and .hadolint.yaml keep working. Unlike hadolint, ranges
 * are the token, not the line.
 */
import { aqueductRepositoryOf } from '../aqueductCatalogue';
import { splitImageReference, type DockerfileModel, type InstructionInfo, type Stage } from '../parse';
import { registryHostOf } from '../../imageReference';
import { isExecForm, quotedWords, rawWords, shellScriptOf } from '../shell';
import { argsNoFlags, commandsOf, type Command } from './commands';
import type { Range } from '../text';
import { insertAt, removeInstruction, replaceRange, spanOf } from './edits';
import { checkLabels, LABEL_RULES } from './labelRules';
import { bestPracticeRule, type RuleContext, type RuleInfo } from './types';

export const BEST_PRACTICE_RULES: RuleInfo[] = [
  bestPracticeRule('DL3000', 'error', 'Use an absolute WORKDIR'),
  bestPracticeRule('DL3002', 'warning', 'The last USER should not be root'),
  bestPracticeRule('DL3006', 'warning', 'Always tag the version of an image explicitly'),
  bestPracticeRule('DL3007', 'warning', 'Using latest is prone to errors; pin the image version'),
  bestPracticeRule('DL3010', 'info', 'Use ADD for extracting archives into an image'),
  bestPracticeRule('DL3011', 'error', 'Valid UNIX ports range from 0 to 65535'),
  bestPracticeRule('DL3012', 'error', 'Multiple HEALTHCHECK instructions'),
  bestPracticeRule('DL3020', 'error', 'Use COPY instead of ADD for files and folders'),
  bestPracticeRule('DL3021', 'error', 'COPY with more than 2 arguments requires the last argument to end with /'),
  bestPracticeRule('DL3022', 'warning', 'COPY --from should reference a previously defined FROM alias'),
  bestPracticeRule('DL3023', 'error', 'COPY --from cannot reference its own FROM alias'),
  bestPracticeRule('DL3024', 'error', 'FROM aliases (stage names) must be unique'),
  bestPracticeRule('DL3025', 'warning', 'Use the JSON form for CMD and ENTRYPOINT'),
  bestPracticeRule('DL3026', 'error', 'Use only an allowed registry in the FROM image (trustedRegistries)'),
  bestPracticeRule('DL3029', 'warning', 'Do not use --platform with FROM'),
  bestPracticeRule('DL3043', 'error', 'ONBUILD, FROM or MAINTAINER triggered from within ONBUILD'),
  bestPracticeRule('DL3044', 'error', 'Do not refer to an environment variable within the same ENV statement where it is defined'),
  bestPracticeRule('DL3045', 'warning', 'COPY to a relative destination without WORKDIR set'),
  bestPracticeRule('DL3061', 'error', 'Invalid instruction order: a Dockerfile must begin with FROM, ARG or a comment'),
  bestPracticeRule('DL3063', 'warning', 'Stage name should not be a reserved word (scratch, context)'),
  bestPracticeRule('DL3064', 'warning', 'Potentially sensitive data should not be used in ARG or ENV'),
  bestPracticeRule('DL3065', 'warning', 'FROM --platform=$TARGETPLATFORM is redundant'),
  bestPracticeRule('DL3066', 'info', 'A non-numeric user id may not be resolvable by the host system'),
  bestPracticeRule('DL3067', 'warning', 'Do not copy an entire filesystem from another stage'),
  bestPracticeRule('DL4000', 'error', 'MAINTAINER is deprecated'),
  bestPracticeRule('DL4003', 'warning', 'Multiple CMD instructions: only the last takes effect'),
  bestPracticeRule('DL4004', 'error', 'Multiple ENTRYPOINT instructions: only the last takes effect'),
  ...LABEL_RULES,
];

const unquote = (text: string) => text.replace(/^["']|["']$/g, '');

function checkBaseImages(context: RuleContext): void {
  const aliases = new Set<string>();
  const trusted = context.settings.trustedRegistries;
  for (const stage of context.model.stages) {
    const { written, imageRange, image, nameRange, tagRange } = stage.from;
    const instruction = stage.from.instruction;
    const platform = instruction.flags.find((flag) => flag.name === 'platform');
    if (platform && /^(\$TARGETPLATFORM|\$\{TARGETPLATFORM\})$/.test(platform.value ?? '')) {
      // The end of the flag up to the image: removing both leaves "FROM image".
      const next = instruction.args[0]?.range.start ?? platform.range.end;
      context.report({
        ruleId: 'DL3065',
        message: 'FROM --platform=$TARGETPLATFORM is redundant: a build already pulls the base for the target platform.',
        range: platform.range,
        fixes: [{ title: 'Remove --platform=$TARGETPLATFORM', edits: [replaceRange({ start: platform.range.start, end: next }, '')], preferred: true }],
      });
    }
    if (platform && !(platform.value ?? '').includes('$')) {
      context.report({ ruleId: 'DL3029', message: 'Do not pin --platform in FROM: let the build choose it (or use $BUILDPLATFORM / $TARGETPLATFORM).', range: platform.range });
    }
    if (written !== undefined && imageRange) {
      const reference = written;
      const lastSlash = reference.lastIndexOf('/');
      const hasTag = reference.indexOf(':', lastSlash + 1) >= 0;
      const hasDigest = reference.includes('@');
      const isAlias = aliases.has(reference.toLowerCase());
      const name = (image?.name ?? reference).toLowerCase();
      // Aqueduct bases get AQ004, which says which tag Aqueduct needs.
      const aqueduct = image !== undefined && aqueductRepositoryOf(name) !== undefined;
      // An image named by a variable ($BASE, ${REGISTRY}/x) is the build's choice: hadolint leaves it alone too.
      if (reference !== 'scratch' && !reference.startsWith('$') && !hasDigest && !isAlias && !aqueduct) {
        if (!hasTag) {
          context.report({ ruleId: 'DL3006', message: `Tag the base image (${reference}:<version>): untagged means "latest", which changes under you.`, range: nameRange ?? imageRange });
        } else if (/:latest$/.test(reference)) {
          context.report({ ruleId: 'DL3007', message: 'The "latest" tag changes under you; pin a version so rebuilds are repeatable.', range: tagRange ?? imageRange });
        }
      }
      if (trusted && trusted.length > 0 && reference !== 'scratch' && !isAlias) {
        const registry = registryHostOf(reference) ?? 'docker.io';
        const allowed = trusted.some((pattern) => registry === pattern || (pattern.startsWith('*') && registry.endsWith(pattern.slice(1))));
        if (!allowed) context.report({ ruleId: 'DL3026', message: `${registry} is not among the trusted registries of .hadolint.yaml (${trusted.join(', ')}).`, range: imageRange });
      }
    }
    const alias = stage.from.stageName?.toLowerCase();
    if (alias === 'scratch' || alias === 'context') {
      const args = instruction.args;
      const word = args[args.length - 1];
      const renamed = `${stage.from.stageName}-stage`;
      // Rename the stage and what names it later (FROM <stage>, COPY --from=<stage>).
      const edits = [replaceRange(word.range, renamed)];
      for (const later of context.model.instructions) {
        if (later.index <= instruction.index) continue;
        const from = later.flags.find((flag) => flag.name === 'from' && flag.value?.toLowerCase() === alias);
        if (from) edits.push(replaceRange(from.range, `--from=${renamed}`));
      }
      context.report({
        ruleId: 'DL3063',
        message: `"${stage.from.stageName}" is a reserved word: FROM ${alias} and --from=${alias} mean ${alias === 'scratch' ? 'the empty image' : 'the build context'}, not this stage. Name the stage differently.`,
        range: word.range,
        fixes: [{ title: `Rename the stage to ${renamed}`, edits, preferred: true }],
      });
    }
    if (alias !== undefined) {
      if (aliases.has(alias)) {
        const args = instruction.args;
        context.report({ ruleId: 'DL3024', message: `The stage name ${stage.from.stageName} is already used by an earlier FROM; stage names must be unique.`, range: args[args.length - 1].range });
      }
      aliases.add(alias);
    }
  }
}

function checkCopy(context: RuleContext, stage: Stage, aliasesSoFar: Set<string>, workdirStages: Set<string>): void {
  const ownAlias = stage.from.stageName?.toLowerCase();
  // hadolint knows a stage by its alias, or by its image name when it has none, and inherits by image name.
  const imageName = stage.from.written === undefined ? undefined : splitImageReference(stage.from.written).name.toLowerCase();
  const inherited = imageName !== undefined && workdirStages.has(imageName);
  let workdir = inherited;
  for (const instruction of stage.instructions) {
    if (instruction.keyword === 'WORKDIR') workdir = true;
    if (instruction.keyword !== 'COPY' || instruction.heredocs.length > 0) continue;
    const from = instruction.flags.find((flag) => flag.name === 'from');
    const args = instruction.args;
    if (from?.value) {
      const source = from.value.toLowerCase();
      if (source === ownAlias) {
        context.report({ ruleId: 'DL3023', message: `COPY --from=${from.value} names this very stage; it can only copy from an earlier one.`, range: from.range });
      } else if (!aliasesSoFar.has(source) && !/^\d+$/.test(source) && !/[:/@]/.test(source)) {
        context.report({ ruleId: 'DL3022', message: `COPY --from=${from.value} names no earlier stage (FROM … AS ${from.value}).`, range: from.range });
      }
      const sources = args.slice(0, -1);
      if (args.length >= 2 && sources.some((word) => unquote(word.value) === '/') && unquote(args[args.length - 1].value) === '/') {
        context.report({ ruleId: 'DL3067', message: 'This copies the whole filesystem of another stage: copy only the folders you need.', range: spanOf(args) });
      }
    }
    if (args.length === 0 || args[0].value.startsWith('[')) continue;
    // Read from the document: a Windows path keeps its backslashes and its quoted blanks.
    const words = rawWords(context.model, instruction);
    if (words.length === 0) continue;
    const destination = words[words.length - 1];
    const target = destination.text;
    if (words.length > 2 && !target.endsWith('/') && !target.endsWith('\\')) {
      context.report({
        ruleId: 'DL3021',
        message: 'COPY with several sources needs a folder as destination: end it with /.',
        range: destination.range,
        fixes: [{ title: `Use ${target}/`, edits: [insertAt(destination.range.end, '/')], preferred: true }],
      });
    }
    const absolute = target.startsWith('/') || target.startsWith('$') || /^[A-Za-z]:/.test(target);
    if (!workdir && !absolute) {
      context.report({ ruleId: 'DL3045', message: 'COPY to a relative destination before any WORKDIR in this stage: where it lands depends on the base image.', range: destination.range });
    }
  }
  if (workdir) {
    const key = ownAlias ?? imageName;
    if (key) workdirStages.add(key);
  }
}

const ARCHIVE = /\.(tar|Z|bz2|gz|lz|lzma|tZ|tb2|tbz|tbz2|tgz|tlz|tpz|txz|xz)$/;
const UNPACKERS = new Set(['unzip', 'gunzip', 'bunzip2', 'unlzma', 'unxz', 'zgz', 'uncompress', 'zcat', 'gzcat']);
const basename = (path: string) => unquote(path).split(/[\\/]/).pop()!;

function extracts(command: Command): boolean {
  if (UNPACKERS.has(command.name)) return true;
  return command.name === 'tar' && command.args.some((word) => word.text === '--extract' || word.text === '--get' || /^-[^-]*x/.test(word.text));
}

/** DL3010: an archive COPY'd into the image and unpacked by a later RUN of the stage; ADD unpacks it in one layer. */
function checkCopiedArchives(context: RuleContext, stage: Stage): void {
  const archives: Array<{ name: string; word: { range: InstructionInfo['range'] } }> = [];
  for (const instruction of stage.instructions) {
    const args = instruction.args;
    if (instruction.keyword === 'COPY' && args.length >= 2 && !instruction.flags.some((flag) => flag.name === 'from') && !args[0].value.startsWith('[')) {
      const words = rawWords(context.model, instruction);
      const target = words[words.length - 1];
      const sources = ARCHIVE.test(target.text) ? [target] : words.slice(0, -1).filter((word) => ARCHIVE.test(word.text));
      for (const word of sources) archives.push({ name: basename(word.text), word });
    }
    const script = archives.length > 0 ? shellScriptOf(context.model, instruction) : undefined;
    if (!script) continue;
    for (const command of commandsOf(script).filter(extracts)) {
      const names = new Set(argsNoFlags(command).map((word) => basename(word.text)));
      for (let i = archives.length - 1; i >= 0; i--) {
        if (!names.has(archives[i].name)) continue;
        context.report({ ruleId: 'DL3010', message: `${archives[i].name} is copied, then unpacked by a RUN: ADD unpacks a local archive itself, in one layer instead of two.`, range: archives[i].word.range });
        archives.splice(i, 1);
      }
    }
  }
}

function checkCopies(context: RuleContext): void {
  const aliases = new Set<string>();
  const workdirStages = new Set<string>();
  for (const stage of context.model.stages) {
    checkCopy(context, stage, aliases, workdirStages);
    checkCopiedArchives(context, stage);
    if (stage.from.stageName) aliases.add(stage.from.stageName.toLowerCase());
  }
}

function isArchiveOrUrl(source: string): boolean {
  return /^(https?|git|ssh):|^git@/i.test(source) || /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|gz|bz2|xz|zst)$/i.test(source);
}

function checkAdd(context: RuleContext, instruction: InstructionInfo): void {
  if (instruction.keyword !== 'ADD' || instruction.heredocs.length > 0 || instruction.args.length < 2) return;
  let sources: string[];
  if (instruction.args[0].value.startsWith('[')) {
    // JSON form (ADD ["a file", "/dst/"]): the strings are the paths.
    if (!isExecForm(context.model, instruction.args)) return;
    const last = instruction.args[instruction.args.length - 1].range.end;
    const first = instruction.args[0].range.start;
    let paths: string[];
    try {
      paths = JSON.parse(first.line === last.line ? context.model.lines[first.line].slice(first.character, last.character) : instruction.args.map((word) => word.value).join(' ')) as string[];
    } catch {
      return;
    }
    if (paths.length < 2) return;
    sources = paths.slice(0, -1);
  } else sources = instruction.args.slice(0, -1).map((word) => word.value.replace(/^["']|["']$/g, ''));
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

/** `stage` is undefined for the instructions before the first FROM (hadolint checks those too). */
function checkCmdEntrypoint(context: RuleContext, instructions: readonly InstructionInfo[], stage: Stage | undefined): void {
  const { model } = context;
  // AQ001 already asks to remove CMD/ENTRYPOINT from an Aqueduct image; reshaping them would be noise.
  const aqueductWillRemove = stage !== undefined && context.aqueduct.enabled && context.aqueduct.finalChain.includes(stage);
  for (const keyword of ['CMD', 'ENTRYPOINT'] as const) {
    const found = instructions.filter((instruction) => instruction.keyword === keyword);
    for (const instruction of found) {
      if (instruction.rawArgs.length === 0 || isExecForm(model, instruction.rawArgs) || aqueductWillRemove) continue;
      const replacement = jsonForm(instruction);
      context.report({
        ruleId: 'DL3025',
        message: `Use the JSON form for ${keyword}: the shell form runs under /bin/sh -c, so the process doesn't get signals such as SIGTERM.`,
        range: spanOf(instruction.rawArgs),
        fixes: [{ title: `Use the JSON form: ${keyword} ${replacement}`, edits: [replaceRange(spanOf(instruction.rawArgs), replacement)], preferred: true }],
      });
    }
    // Reported on each later one, as hadolint does; the fix removes the one it makes pointless.
    found.slice(1).forEach((instruction, i) => {
      const earlier = found[i];
      const line = earlier.range.start.line + 1;
      context.report({
        ruleId: keyword === 'CMD' ? 'DL4003' : 'DL4004',
        message: `This ${keyword} replaces the one on line ${line}, which therefore has no effect: only the last ${keyword} in a stage counts.`,
        range: instruction.keywordRange,
        fixes: [{ title: `Remove the ${keyword} on line ${line}`, edits: [removeInstruction(model, earlier)] }],
      });
    });
  }
  for (const instruction of instructions) {
    if (instruction.keyword !== 'HEALTHCHECK' || instruction.args[0]?.value.toUpperCase() !== 'CMD' || instruction.args.length < 2 || isExecForm(model, instruction.args.slice(1))) continue;
    context.report({ ruleId: 'DL3025', message: "Use the JSON form for HEALTHCHECK CMD: the shell form runs under /bin/sh -c.", range: spanOf(instruction.args.slice(1)) });
  }
}


function checkWorkdir(context: RuleContext, instruction: InstructionInfo): void {
  if (instruction.keyword !== 'WORKDIR' || instruction.args.length === 0) return;
  const word = instruction.args[0];
  const path = unquote(word.value);
  if (path.startsWith('/') || path.startsWith('$') || /^[A-Za-z]:/.test(path)) return;
  context.report({
    ruleId: 'DL3000',
    message: `Use an absolute WORKDIR (/${path}): a relative one depends on the WORKDIR the base image happens to set.`,
    range: word.range,
    fixes: [{ title: `Use /${path}`, edits: [insertAt(word.range.start, '/')], preferred: true }],
  });
}

function checkExpose(context: RuleContext, instruction: InstructionInfo): void {
  if (instruction.keyword !== 'EXPOSE') return;
  for (const word of instruction.args) {
    const ports = unquote(word.value).split('/')[0].split('-');
    if (ports.some((port) => /^\d+$/.test(port) && Number(port) > 65535)) {
      context.report({ ruleId: 'DL3011', message: `${word.value} is not a valid port: ports range from 0 to 65535.`, range: word.range });
    }
  }
}

function checkUser(context: RuleContext, instruction: InstructionInfo, args: ReadonlySet<string>): void {
  if (instruction.keyword !== 'USER' || instruction.args.length === 0) return;
  const user = instruction.args[0].value.split(':')[0];
  if (/^\d+$/.test(user)) return;
  // A build argument may hold a numeric id (ARG UID=1000; USER $UID), as hadolint allows; an ENV name (USER ${NB_USER}=jovyan) is a name.
  if ([...user.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].some((match) => args.has(match[1]))) return;
  context.report({ ruleId: 'DL3066', message: `USER ${user} is a name: the host (and Kubernetes' runAsNonRoot) cannot resolve it; a numeric id such as 1000 can.`, range: instruction.args[0].range });
}

const SENSITIVE_NAMES = new Set([
  'ACCESS_TOKEN', 'APPLICATION_KEY', 'APP_SECRET', 'AUTH_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'BITTREX_API_KEY', 'BITTREX_API_SECRET', 'CF_PASSWORD',
  'CF_USERNAME', 'CIRCLE_TOKEN', 'CI_DEPLOY_PASSWORD', 'CI_DEPLOY_USER', 'DOCKERHUB_PASSWORD', 'DOCKER_EMAIL', 'DOCKER_PASSWORD', 'DOCKER_USERNAME', 'FACEBOOK_ACCESS_TOKEN',
  'FACEBOOK_APP_ID', 'FACEBOOK_APP_SECRET', 'FIREBASE_API_TOKEN', 'FIREBASE_TOKEN', 'FOSSA_API_KEY', 'GH_ENTERPRISE_TOKEN', 'GH_TOKEN', 'GITHUB_ENTERPRISE_TOKEN', 'GITHUB_TOKEN',
  'HEROKU_API_KEY', 'HEROKU_API_USER', 'NPM_AUTH_TOKEN', 'NPM_TOKEN', 'OKTA_AUTHN_GROUPID', 'OKTA_CLIENT_ORGURL', 'OKTA_CLIENT_TOKEN', 'OKTA_OAUTH2_CLIENTID', 'OKTA_OAUTH2_CLIENTSECRET',
  'OPENAI_API_KEY', 'OS_PASSWORD', 'OS_USERNAME', 'POSTGRES_PASSWORD', 'SLACK_TOKEN', 'STRIPE_API_KEY', 'STRIPE_DEVICE_NAME', 'TRAVIS_OS_NAME', 'TRAVIS_SECURE_ENV_VARS', 'TRAVIS_SUDO',
  'VAULT_CLIENT_KEY', 'VAULT_TOKEN',
]);
const SENSITIVE_PARTS = ['api_key', 'client_key', 'password', 'private', 'secret', 'token', 'username'];

/** Names and values of ENV a=b c=d / ENV a b / ARG a=b, with the range of each name's word. */
function keyValues(model: DockerfileModel, instruction: InstructionInfo): Array<{ name: string; value: string; range: Range }> {
  const words = quotedWords(model, instruction);
  if (instruction.keyword === 'ENV' && words.length >= 2 && !words[0].text.includes('=')) {
    return [{ name: words[0].text, value: words.slice(1).map((word) => word.text).join(' '), range: words[0].range }];
  }
  return words.map((word) => {
    const at = word.text.indexOf('=');
    return { name: at < 0 ? word.text : word.text.slice(0, at), value: at < 0 ? '' : word.text.slice(at + 1), range: word.range };
  });
}

function checkEnvAndArg(context: RuleContext, instruction: InstructionInfo, defined: Set<string>): void {
  if (instruction.keyword !== 'ENV' && instruction.keyword !== 'ARG') return;
  const pairs = keyValues(context.model, instruction);
  for (const { name, range } of pairs) {
    const lower = name.toLowerCase();
    if (SENSITIVE_NAMES.has(name.toUpperCase()) || SENSITIVE_PARTS.some((part) => lower.includes(part))) {
      context.report({ ruleId: 'DL3064', message: `${name} looks like a secret: ${instruction.keyword} values are stored in the image and its history. Use a build secret (RUN --mount=type=secret).`, range });
    }
  }
  if (instruction.keyword === 'ENV') {
    const here = new Set<string>();
    for (const { name, value, range } of pairs) {
      const references = [...value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]);
      const own = references.find((reference) => here.has(reference) && !defined.has(reference));
      if (own) context.report({ ruleId: 'DL3044', message: `${name} refers to ${own}, set in this same ENV: it still has its earlier value here. Split the ENV in two.`, range });
      here.add(name);
    }
    here.forEach((name) => defined.add(name));
  } else pairs.forEach(({ name }) => defined.add(name));
}

function checkOnbuild(context: RuleContext, instruction: InstructionInfo): void {
  if (instruction.keyword !== 'ONBUILD' || instruction.args.length === 0) return;
  const trigger = instruction.args[0].value.toUpperCase();
  if (trigger === 'ONBUILD' || trigger === 'FROM' || trigger === 'MAINTAINER') {
    context.report({ ruleId: 'DL3043', message: `ONBUILD ${trigger} is not allowed: Docker refuses it when a child image builds.`, range: instruction.args[0].range });
  }
}

function checkMaintainer(context: RuleContext, instruction: InstructionInfo): void {
  if (instruction.keyword !== 'MAINTAINER') return;
  const value = instruction.args.map((word) => word.value).join(' ');
  const label = `LABEL maintainer=${JSON.stringify(unquote(value))}`;
  context.report({
    ruleId: 'DL4000',
    message: 'MAINTAINER is deprecated: use LABEL maintainer="…" instead.',
    range: instruction.keywordRange,
    fixes: value ? [{ title: `Replace with ${label}`, edits: [replaceRange({ start: instruction.keywordRange.start, end: instruction.range.end }, label)], preferred: true }] : [],
  });
}

function checkOrder(context: RuleContext): void {
  for (const instruction of context.model.instructions) {
    if (instruction.keyword === 'FROM') return;
    if (instruction.keyword !== 'ARG') context.report({ ruleId: 'DL3061', message: `${instruction.keyword} before the first FROM: a Dockerfile must begin with FROM, ARG or a comment.`, range: instruction.keywordRange });
  }
}

function checkHealthchecks(context: RuleContext, stage: Stage): void {
  const found = stage.instructions.filter((instruction) => instruction.keyword === 'HEALTHCHECK');
  for (const instruction of found.slice(1)) {
    context.report({ ruleId: 'DL3012', message: 'A second HEALTHCHECK in this stage: only the last one takes effect.', range: instruction.keywordRange });
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
  checkBaseImages(context);
  checkCopies(context);
  checkOrder(context);
  const finalChain = lastStageChain(context.model);
  const defined = new Set<string>();
  /** ARG names declared so far, in any stage (DL3066). */
  const argNames = new Set<string>();
  for (const instruction of context.model.instructions) {
    if (instruction.keyword === 'FROM') defined.clear();
    checkAdd(context, instruction);
    checkWorkdir(context, instruction);
    checkExpose(context, instruction);
    if (instruction.keyword === 'ARG') for (const word of instruction.args) argNames.add(word.value.split('=')[0]);
    checkUser(context, instruction, argNames);
    checkEnvAndArg(context, instruction, defined);
    checkOnbuild(context, instruction);
    checkMaintainer(context, instruction);
  }
  checkCmdEntrypoint(context, context.model.instructions.filter((instruction) => instruction.stage < 0), undefined);
  for (const stage of context.model.stages) {
    checkCmdEntrypoint(context, stage.instructions, stage);
    checkHealthchecks(context, stage);
  }
  checkLastUser(context, finalChain);
  checkLabels(context);
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
