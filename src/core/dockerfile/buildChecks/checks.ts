/**
 * The build checks themselves, each as BuildKit runs it (frontend/dockerfile/instructions/parse.go,
 * dockerfile2llb/convert.go, validations.go, convert_expose.go), over the whole file as
 * `docker build --check` does (every stage, not only those the target needs).
 */
import type { DockerfileModel, InstructionInfo, Stage } from '../parse';
import type { Fix } from '../rules/types';
import type { Range } from '../text';
import { insertAt, replaceRange, spanOf } from '../rules/edits';
import type { ScannedInstruction } from './scan';
import { expandWith, isValidImageReference, keyValues, splitWords, suggest, variablesIn } from './words';

export interface BuildCheckFinding {
  ruleId: string;
  message: string;
  range: Range;
  fixes: Fix[];
  /** The instruction whose `# check=` comment applies (undefined: only the file's directive applies). */
  governing: ScannedInstruction | undefined;
  /** Lines where an overlapping hadolint rule reports the same thing (default: the finding's line). */
  overlapLines?: number[];
}

export interface CheckInput {
  model: DockerfileModel;
  scanned: ScannedInstruction[];
  /** .dockerignore patterns of the build context (comments and blank lines dropped); undefined when there is none. */
  ignorePatterns: readonly string[] | undefined;
  /** Matcher for .dockerignore (a line matching a folder matches what is under it). */
  ignores: ((path: string) => boolean) | undefined;
  report(finding: BuildCheckFinding): void;
}

/** BuildKit's predefined platform args, always declared in the global scope (platform.go defaultArgs). */
const PLATFORM_ARGS: ReadonlyMap<string, string> = new Map([
  ['BUILDPLATFORM', 'linux/amd64'],
  ['BUILDOS', 'linux'],
  ['BUILDOSVERSION', ''],
  ['BUILDARCH', 'amd64'],
  ['BUILDVARIANT', ''],
  ['TARGETPLATFORM', 'linux/amd64'],
  ['TARGETOS', 'linux'],
  ['TARGETOSVERSION', ''],
  ['TARGETARCH', 'amd64'],
  ['TARGETVARIANT', ''],
  ['TARGETSTAGE', 'default'],
]);
const NON_ENV_ARGS = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);
const RESERVED_STAGE_NAMES = new Set(['context', 'scratch']);
const KNOWN_INSTRUCTIONS = new Set(['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

/** The range of `text` on the instruction's first line, else the keyword. */
function rangeOf(model: DockerfileModel, instruction: InstructionInfo, text: string, from = instruction.keywordRange.end.character): Range {
  const line = instruction.keywordRange.start.line;
  const at = text === '' ? -1 : model.lines[line].indexOf(text, from);
  if (at < 0) return instruction.keywordRange;
  return { start: { line, character: at }, end: { line, character: at + text.length } };
}

function selfConsistent(word: string): boolean {
  return word === word.toLowerCase() || word === word.toUpperCase();
}

export function checkCasing(input: CheckInput): void {
  const { scanned, report } = input;
  const inStages = scanned.filter((entry) => entry.instruction.stage >= 0 && KNOWN_INSTRUCTIONS.has(entry.instruction.keyword));
  let lower = 0;
  let upper = 0;
  for (const { written } of inStages) {
    if (!selfConsistent(written)) continue;
    if (written === written.toLowerCase()) lower++;
    else upper++;
  }
  const majorityLower = lower > upper;
  for (const entry of inStages) {
    const { written, instruction } = entry;
    const wanted = majorityLower ? written.toLowerCase() : written.toUpperCase();
    if (wanted === written) continue;
    report({
      ruleId: 'ConsistentInstructionCasing',
      message: `Command '${written}' should match the case of the command majority (${majorityLower ? 'lowercase' : 'uppercase'})`,
      range: instruction.keywordRange,
      fixes: [{ title: `Write ${wanted}`, edits: [replaceRange(instruction.keywordRange, wanted)], preferred: true }],
      governing: undefined,
    });
  }
}

export function checkContinuations(input: CheckInput): void {
  for (const entry of input.scanned) {
    if (!entry.hasEmptyContinuation) continue;
    const line = entry.logicalEndLine;
    input.report({
      ruleId: 'NoEmptyContinuation',
      message: 'Empty continuation line',
      range: { start: { line, character: 0 }, end: { line, character: input.model.lines[line].length } },
      fixes: emptyContinuationFix(input.model, entry),
      governing: undefined,
    });
  }
}

function emptyContinuationFix(model: DockerfileModel, entry: ScannedInstruction): Fix[] {
  const start = entry.instruction.keywordRange.start.line;
  const edits = [];
  for (let line = start + 1; line <= entry.logicalEndLine; line++) {
    if (model.lines[line].trim() === '') edits.push(replaceRange({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, ''));
  }
  return edits.length > 0 ? [{ title: 'Remove the empty continuation lines', edits, preferred: true }] : [];
}

export function checkStages(input: CheckInput): void {
  const { model, scanned, report } = input;
  const seen = new Set<string>();
  for (const stage of model.stages) {
    const instruction = stage.from.instruction;
    const entry = scanned[instruction.index];
    const args = instruction.args;
    if (args.length === 3) {
      const written = args[2].value;
      if (written !== written.toLowerCase()) {
        report({
          ruleId: 'StageNameCasing',
          message: `Stage name '${written}' should be lowercase`,
          range: args[2].range,
          fixes: [{ title: `Rename the stage ${written.toLowerCase()}`, edits: [replaceRange(args[2].range, written.toLowerCase())], preferred: true }],
          governing: entry,
        });
      }
    }
    if (args.length >= 3 && entry) {
      const from = entry.written;
      const as = args[1].value;
      const fromLower = from === from.toLowerCase();
      const fromUpper = from === from.toUpperCase();
      if ((fromLower && as !== as.toLowerCase()) || (!fromLower && fromUpper && as !== as.toUpperCase())) {
        const wanted = fromLower ? as.toLowerCase() : as.toUpperCase();
        report({
          ruleId: 'FromAsCasing',
          message: `'${as}' and '${from}' keywords' casing do not match`,
          range: args[1].range,
          fixes: [{ title: `Write ${wanted}`, edits: [replaceRange(args[1].range, wanted)], preferred: true }],
          governing: entry,
        });
      }
    }
    const name = stage.from.stageName?.toLowerCase();
    if (name === undefined || args.length < 3) continue;
    if (RESERVED_STAGE_NAMES.has(name)) {
      report({ ruleId: 'ReservedStageName', message: `Stage name should not use the same name as reserved stage "${name}"`, range: args[2].range, fixes: [], governing: undefined });
    }
    if (seen.has(name)) {
      report({ ruleId: 'DuplicateStageName', message: `Duplicate stage name "${name}", stage names should be unique`, range: args[2].range, fixes: [], governing: undefined });
    }
    seen.add(name);
  }
}

export function checkMaintainer(input: CheckInput): void {
  for (const entry of input.scanned) {
    const { instruction } = entry;
    if (instruction.keyword !== 'MAINTAINER') continue;
    const author = entry.argumentText.replace(/^(["'])(.*)\1$/, '$2');
    const label = `LABEL org.opencontainers.image.authors=${JSON.stringify(author)}`;
    input.report({
      ruleId: 'MaintainerDeprecated',
      message: 'Maintainer instruction is deprecated in favor of using label',
      range: instruction.keywordRange,
      fixes: author ? [{ title: `Replace with ${label}`, edits: [replaceRange({ start: instruction.keywordRange.start, end: instruction.range.end }, label)], preferred: true }] : [],
      governing: entry,
    });
  }
}

/** What a stage inherits from the stage it is built FROM, and what it defines itself. */
interface StageFacts {
  shell: boolean;
  workdirSet: boolean;
  /** Names with a value in the environment (ENV, ARG with a value, inherited). */
  environment: Map<string, string | undefined>;
  /** Every ARG declared in the stage (with or without a value). */
  declared: Set<string>;
  /**
   * Whether the base image's environment is known: `scratch` and the official images whose only
   * variable is PATH. Other images may set any upper-case name (CUDA_VERSION, LD_LIBRARY_PATH…):
   * BuildKit reads them from the pulled image, we cannot while typing.
   */
  baseKnown: boolean;
}

/** Official images whose configured environment is PATH alone (Docker Hub's alpine, busybox, debian, ubuntu). */
const PATH_ONLY_IMAGES = new Set(['alpine', 'busybox', 'debian', 'ubuntu']);

function baseEnvironmentKnown(written: string | undefined): boolean {
  if (!written || written.includes('$')) return false;
  const name = written.toLowerCase().split('@')[0].replace(/:[^/:]*$/, '');
  if (name === 'scratch') return true;
  const repository = name.replace(/^(?:docker\.io\/|index\.docker\.io\/|registry-1\.docker\.io\/|public\.ecr\.aws\/docker\/)?(?:library\/)?/, '');
  return PATH_ONLY_IMAGES.has(repository);
}

function isJsonForm(text: string): boolean {
  if (!text.startsWith('[')) return false;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string');
  } catch {
    return false;
  }
}

const SHELL_SYNTAX = /[$|&;<>()`*?[\]"'\\~#{}=!]/;

function jsonFormFix(instruction: InstructionInfo, text: string): Fix[] {
  if (instruction.rawArgs.length === 0 || text === '') return [];
  const replacement = SHELL_SYNTAX.test(text) ? JSON.stringify(['/bin/sh', '-c', text]) : JSON.stringify(text.split(/\s+/));
  const pretty = replacement.replace(/","/g, '", "');
  return [{ title: `Use the JSON form: ${instruction.keyword} ${pretty}`, edits: [replaceRange(spanOf(instruction.rawArgs), pretty)], preferred: true }];
}

const SECRET = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const SECRET_ALLOWED = /(?:_|^)(?:public|file|version)(?:_|$)/i;

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\');
}

function unquote(word: string): string {
  return word.length >= 2 && (word[0] === '"' || word[0] === "'") && word[word.length - 1] === word[0] ? word.slice(1, -1) : word;
}

/** The checks BuildKit runs while dispatching each stage's instructions. */
export function checkStageInstructions(input: CheckInput): void {
  const { model, scanned, report } = input;
  const facts: StageFacts[] = [];
  for (const stage of model.stages) {
    const parent = stage.from.parentStage !== undefined ? facts[stage.from.parentStage] : undefined;
    const baseKnown = parent ? parent.baseKnown : baseEnvironmentKnown(stage.from.written);
    const stageFacts: StageFacts = {
      shell: parent?.shell ?? false,
      workdirSet: parent?.workdirSet ?? false,
      environment: new Map(parent?.environment ?? [['PATH', undefined]]),
      declared: new Set(parent?.declared ?? []),
      baseKnown,
    };
    facts.push(stageFacts);
    const last = new Map<string, InstructionInfo>();
    for (const instruction of stage.instructions.slice(1)) {
      const entry = scanned[instruction.index];
      if (!entry) continue;
      checkInstruction(input, stage, stageFacts, entry, last);
    }
  }
  void report;
}

/** A value with its quotes removed and variables expanded, when every variable has a known value. */
function literalValue(facts: StageFacts, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = unquote(value);
  if (!text.includes('$')) return text;
  const values = new Map<string, string>();
  for (const name of variablesIn(text)) {
    const known = facts.environment.get(name);
    if (known === undefined) return undefined;
    values.set(name, known);
  }
  return expandWith(text, values);
}

function undefinedVariables(input: CheckInput, facts: StageFacts, entry: ScannedInstruction, words: readonly string[]): void {
  const reported = new Set<string>();
  for (const word of words) {
    for (const name of variablesIn(word, input.model.escapeChar)) {
      if (facts.environment.has(name) || facts.declared.has(name) || NON_ENV_ARGS.has(name) || reported.has(name)) continue;
      // An unknown base image may define any upper-case name; a name with a lower-case letter it practically never does.
      if (!facts.baseKnown && name === name.toUpperCase()) continue;
      reported.add(name);
      const hint = suggest(name, facts.environment.keys());
      input.report({
        ruleId: 'UndefinedVar',
        message: `Usage of undefined variable '$${name}'${hint ? ` (did you mean $${hint}?)` : ''}`,
        range: rangeOf(input.model, entry.instruction, `$${name}`) ?? entry.instruction.keywordRange,
        fixes: [],
        governing: entry,
      });
    }
  }
}

function checkInstruction(input: CheckInput, stage: Stage, facts: StageFacts, entry: ScannedInstruction, last: Map<string, InstructionInfo>): void {
  const { model, report } = input;
  const { instruction } = entry;
  const keyword = instruction.keyword;
  const escape = model.escapeChar;
  switch (keyword) {
    case 'CMD':
    case 'ENTRYPOINT':
    case 'HEALTHCHECK': {
      const earlier = last.get(keyword);
      if (earlier) {
        report({
          ruleId: 'MultipleInstructionsDisallowed',
          message: `Multiple ${keyword} instructions should not be used in the same stage because only the last one will be used`,
          range: earlier.keywordRange,
          fixes: [],
          governing: entry,
          overlapLines: [instruction.keywordRange.start.line],
        });
      }
      last.set(keyword, instruction);
      if (keyword !== 'HEALTHCHECK' && !isJsonForm(entry.argumentText) && !facts.shell) {
        report({
          ruleId: 'JSONArgsRecommended',
          message: `JSON arguments recommended for ${keyword} to prevent unintended behavior related to OS signals`,
          range: instruction.rawArgs.length > 0 ? spanOf(instruction.rawArgs) : instruction.keywordRange,
          fixes: jsonFormFix(instruction, entry.argumentText),
          governing: entry,
        });
      }
      return;
    }
    case 'SHELL':
      facts.shell = true;
      return;
    case 'ENV':
    case 'LABEL': {
      const pairs = keyValues(entry.argumentText, escape);
      const legacy = pairs.find((pair) => pair.legacy);
      if (legacy) {
        report({
          ruleId: 'LegacyKeyValueFormat',
          message: `"${keyword} key=value" should be used instead of legacy "${keyword} key value" format`,
          range: rangeOf(model, instruction, legacy.key),
          fixes: legacyFix(instruction, legacy.key, legacy.value ?? ''),
          governing: entry,
        });
      }
      undefinedVariables(input, facts, entry, pairs.map((pair) => pair.value ?? ''));
      if (keyword === 'ENV') {
        for (const pair of pairs) {
          secretCheck(input, entry, 'ENV', pair.key);
          facts.environment.set(pair.key, literalValue(facts, pair.value));
        }
      }
      return;
    }
    case 'ARG': {
      for (const word of splitWords(entry.argumentText, escape)) {
        const equals = word.indexOf('=');
        const key = equals < 0 ? word : word.slice(0, equals);
        secretCheck(input, entry, 'ARG', key);
        if (equals >= 0) undefinedVariables(input, facts, entry, [word.slice(equals + 1)]);
        facts.declared.add(key);
        if (equals >= 0 && !NON_ENV_ARGS.has(key)) facts.environment.set(key, literalValue(facts, word.slice(equals + 1)));
      }
      return;
    }
    case 'WORKDIR': {
      const written = unquote(instruction.args[0]?.value ?? '');
      undefinedVariables(input, facts, entry, [written]);
      // BuildKit checks the path after expansion: `WORKDIR $APP` with `ENV APP=app` is relative too.
      const path = written.includes('$') ? literalValue(facts, written) : written;
      if (!facts.workdirSet && path !== undefined && path !== '' && !isAbsolutePath(path)) {
        report({ ruleId: 'WorkdirRelativePath', message: `Relative workdir "${path}" can have unexpected results if the base image changes`, range: instruction.args[0].range, fixes: [], governing: entry });
      }
      facts.workdirSet = true;
      return;
    }
    case 'EXPOSE':
      checkExpose(input, entry);
      return;
    case 'COPY':
    case 'ADD': {
      const flagWords = instruction.flags.filter((flag) => ['chown', 'chmod', 'checksum'].includes(flag.name)).map((flag) => flag.value ?? '');
      const json = entry.argumentText.includes('[') ? entry.argumentText.replace(/^(--\S+\s+)+/, '') : '';
      const words = isJsonForm(json) ? (JSON.parse(json) as string[]) : instruction.args.map((word) => word.value);
      const heredoc = instruction.heredocs.length > 0;
      undefinedVariables(input, facts, entry, [...flagWords, ...(heredoc ? [] : words)]);
      if (!heredoc) checkIgnoredSources(input, entry, words.slice(0, -1), facts);
      return;
    }
    case 'USER':
    case 'VOLUME':
    case 'STOPSIGNAL':
      undefinedVariables(input, facts, entry, instruction.args.map((word) => word.value));
      return;
    case 'RUN':
      undefinedVariables(input, facts, entry, instruction.flags.filter((flag) => flag.name === 'mount').map((flag) => flag.value ?? ''));
      return;
    default:
      void stage;
  }
}

function legacyFix(instruction: InstructionInfo, key: string, value: string): Fix[] {
  if (instruction.rawArgs.length === 0 || value.includes('"') || value.includes('\n')) return [];
  const quoted = /\s|\\/.test(value) ? JSON.stringify(value) : value;
  const replacement = `${key}=${quoted}`;
  return [{ title: `Write ${instruction.keyword} ${replacement}`, edits: [replaceRange(spanOf(instruction.rawArgs), replacement)], preferred: true }];
}

function secretCheck(input: CheckInput, entry: ScannedInstruction, instruction: 'ARG' | 'ENV', key: string): void {
  if (!SECRET.test(key) || SECRET_ALLOWED.test(key)) return;
  input.report({
    ruleId: 'SecretsUsedInArgOrEnv',
    message: `Do not use ARG or ENV instructions for sensitive data (${instruction} ${JSON.stringify(key)})`,
    range: rangeOf(input.model, entry.instruction, key),
    fixes: [],
    governing: entry,
  });
}

/** convert_expose.go parsePort: `[ip:][hostPort:]containerPort[/proto]`. */
function checkExpose(input: CheckInput, entry: ScannedInstruction): void {
  const { model, report } = input;
  for (const word of entry.instruction.args) {
    const raw = word.value;
    if (raw.includes('$')) continue;
    const parts = raw.split(':');
    const hasAddress = parts.length > 1;
    const container = parts[parts.length - 1];
    const slash = container.indexOf('/');
    const proto = slash < 0 ? 'tcp' : container.slice(slash + 1);
    if (slash >= 0 && (proto === '' || container.slice(0, slash) === '')) continue;
    if (proto !== proto.toLowerCase()) {
      const protoStart = word.range.start.character + raw.length - proto.length;
      const protoRange: Range = word.range.start.line === word.range.end.line ? { start: { line: word.range.start.line, character: protoStart }, end: word.range.end } : word.range;
      report({
        ruleId: 'ExposeProtoCasing',
        message: `Defined protocol '${raw}' in EXPOSE instruction should be lowercase`,
        range: word.range,
        fixes: protoRange === word.range ? [] : [{ title: `Write ${proto.toLowerCase()}`, edits: [replaceRange(protoRange, proto.toLowerCase())], preferred: true }],
        governing: entry,
      });
    }
    if (hasAddress) {
      report({ ruleId: 'ExposeInvalidFormat', message: `EXPOSE instruction should not define an IP address or host-port mapping, found '${raw}'`, range: word.range, fixes: [], governing: entry });
    }
  }
  void model;
}

/** Go's path.Clean for a relative or absolute slash path. */
function cleanPath(value: string): string {
  const absolute = value.startsWith('/');
  const out: string[] = [];
  for (const part of value.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined || '.';
}

/** validations.go validateCopySourcePath: only with a .dockerignore that has no `!` exceptions. */
function checkIgnoredSources(input: CheckInput, entry: ScannedInstruction, sources: readonly string[], facts: StageFacts): void {
  const { ignorePatterns: patterns, ignores } = input;
  const { instruction } = entry;
  if (!patterns || !ignores || instruction.flags.some((flag) => flag.name === 'from')) return;
  if (patterns.some((line) => line.startsWith('!'))) return;
  const command = instruction.keyword === 'ADD' ? 'Add' : 'Copy';
  for (const source of sources) {
    if (instruction.keyword === 'ADD' && /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(source)) continue;
    const expanded = source.includes('$') ? undefined : unquote(source);
    if (expanded === undefined) continue;
    void facts;
    const src = cleanPath(expanded.replace(/\\/g, '/'));
    if (src === '.' || src === '/') {
      if (!patterns.some((pattern) => ['*', '**', '**/*'].includes(cleanPath(pattern)))) continue;
    }
    const relative = src === '/' ? '.' : src.replace(/^\/+/, '');
    const matched = relative === '.' ? true : ignores(relative);
    if (!matched) continue;
    input.report({
      ruleId: 'CopyIgnoredFile',
      message: `Attempting to ${command} file ${JSON.stringify(src)} that is excluded by .dockerignore`,
      range: rangeOf(input.model, instruction, source),
      fixes: [],
      governing: entry,
    });
  }
}

/** FROM: undeclared ARGs, $TARGETPLATFORM, constant platforms (convert.go buildDispatchStates). */
export function checkFrom(input: CheckInput): void {
  const { model, scanned, report } = input;
  const declared = new Set<string>([...PLATFORM_ARGS.keys(), ...model.globalArgs.keys()]);
  for (const stage of model.stages) {
    const instruction = stage.from.instruction;
    const entry = scanned[instruction.index];
    const base = stage.from.written ?? '';
    const platform = instruction.flags.find((flag) => flag.name === 'platform')?.value ?? undefined;
    const unmatched = [...variablesIn(base, model.escapeChar), ...(platform ? variablesIn(platform, model.escapeChar) : [])].filter((name) => !declared.has(name));
    for (const name of [...new Set(unmatched)].sort()) {
      const hint = suggest(name, declared);
      report({
        ruleId: 'UndefinedArgInFrom',
        message: `FROM argument '${name}' is not declared${hint ? ` (did you mean ${hint}?)` : ''}`,
        range: rangeOf(model, instruction, name),
        fixes: [],
        governing: entry,
      });
    }
    if (platform === undefined) continue;
    const flag = instruction.flags.find((candidate) => candidate.name === 'platform')!;
    if (/^\$(?:TARGETPLATFORM|\{TARGETPLATFORM(?::?[-+][^}]*)?\})$/.test(platform)) {
      const removal = flag.range.start.line === instruction.keywordRange.start.line ? removeFlagFix(model, flag.range) : [];
      report({
        ruleId: 'RedundantTargetPlatform',
        message: `Setting platform to predefined ${platform} in FROM is redundant as this is the default behavior`,
        range: flag.range,
        fixes: removal,
        governing: entry,
      });
    }
    if (!platform.includes('$')) {
      const parsed = parsePlatform(platform);
      const name = stage.from.stageName ?? '';
      if (parsed && !name.includes(parsed.os) && !name.includes(parsed.arch)) {
        report({ ruleId: 'FromPlatformFlagConstDisallowed', message: `FROM --platform flag should not use constant value ${JSON.stringify(platform)}`, range: flag.range, fixes: [], governing: entry });
      }
    }
  }
}

function removeFlagFix(model: DockerfileModel, range: Range): Fix[] {
  const line = model.lines[range.start.line];
  let end = range.end.character;
  while (line[end] === ' ' || line[end] === '\t') end++;
  return [{ title: 'Remove --platform (the target platform is the default)', edits: [replaceRange({ start: range.start, end: { line: range.start.line, character: end } }, '')], preferred: true }];
}

const KNOWN_OS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'windows', 'zos', 'wasip1']);
const ARCH_ALIASES: Record<string, string> = { 'x86-64': 'amd64', x86_64: 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386', '386': '386' };
const KNOWN_ARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'ppc64', 'ppc64le', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm']);

/** containerd's platforms.Parse (normalised os and architecture), or undefined when it would fail. */
function parsePlatform(value: string): { os: string; arch: string } | undefined {
  const parts = value.toLowerCase().split('/');
  if (parts.some((part) => !/^[a-z0-9_.-]+$/.test(part)) || parts.length > 3) return undefined;
  const normalArch = (arch: string) => ARCH_ALIASES[arch] ?? arch;
  if (parts.length === 1) {
    if (KNOWN_OS.has(parts[0])) return { os: parts[0], arch: 'amd64' };
    const arch = normalArch(parts[0]);
    return KNOWN_ARCH.has(arch) ? { os: 'linux', arch } : undefined;
  }
  return { os: parts[0] === 'macos' ? 'darwin' : parts[0], arch: normalArch(parts[1]) };
}

/** validateBaseImagesWithDefaultArgs: the FROM image with only the ARG defaults must be a valid name. */
export function checkDefaultArgsInFrom(input: CheckInput): void {
  const { model, report } = input;
  const values = new Map<string, string>(PLATFORM_ARGS);
  for (const [name, value] of model.globalArgs) {
    if (value === null) values.delete(name);
    else values.set(name, value);
  }
  for (const stage of model.stages) {
    const base = stage.from.written;
    if (!base || !base.includes('$')) continue;
    const resolved = expandWith(base, values);
    if (isValidImageReference(resolved)) continue;
    report({
      ruleId: 'InvalidDefaultArgInFrom',
      message: `Default value for ARG ${base} results in empty or invalid base image name`,
      range: stage.from.imageRange ?? stage.from.instruction.keywordRange,
      fixes: [],
      governing: undefined,
    });
  }
}

/** InvalidDefinitionDescription (experimental): a comment right above ARG or a named FROM starts with the name. */
export function checkDescriptions(input: CheckInput): void {
  for (const entry of input.scanned) {
    const { instruction } = entry;
    if (entry.comments.length === 0) continue;
    let keys: string[];
    let name: string;
    if (instruction.keyword === 'ARG') {
      keys = splitWords(entry.argumentText, input.model.escapeChar).map((word) => word.split('=')[0]);
      name = 'ARG';
    } else if (instruction.keyword === 'FROM' && instruction.args.length >= 3 && instruction.args[1].value.toUpperCase() === 'AS') {
      keys = [instruction.args[2].value.toLowerCase()];
      name = 'FROM';
    } else continue;
    if (keys.length === 0) continue;
    const first = entry.comments[entry.comments.length - 1].split(' ')[0];
    if (keys.includes(first)) continue;
    const example = keys.length > 1 ? '<arg_key>' : keys[0];
    const line = instruction.keywordRange.start.line;
    input.report({
      ruleId: 'InvalidDefinitionDescription',
      message: `Comment for ${name} should follow the format: \`# ${example} <description>\``,
      range: instruction.keywordRange,
      fixes: [{ title: 'Separate the comment from the instruction (an empty comment line)', edits: [insertAt({ line, character: 0 }, '#\n')] }],
      governing: entry,
    });
  }
}
