/**
 * The checks BuildKit runs while dispatching each stage's instructions (dockerfile2llb/convert.go,
 * validations.go, convert_expose.go): what a stage inherits and defines, and what each instruction
 * may not do with it.
 */
import type { InstructionInfo, Stage } from '../parse';
import type { Fix } from '../rules/types';
import type { Range } from '../text';
import { replaceRange, spanOf } from '../rules/edits';
import { rangeOf, type CheckInput } from './checks';
import type { ScannedInstruction } from './scan';
import { expandWith, keyValues, splitWords, suggest, variablesIn } from './words';

const NON_ENV_ARGS = new Set(['BUILDKIT_SBOM_SCAN_CONTEXT', 'BUILDKIT_SBOM_SCAN_STAGE']);

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
  const { instruction } = entry;
  switch (instruction.keyword) {
    case 'CMD':
    case 'ENTRYPOINT':
    case 'HEALTHCHECK':
      checkCommandInstruction(input, facts, entry, last);
      return;
    case 'SHELL':
      facts.shell = true;
      return;
    case 'ENV':
    case 'LABEL':
      checkKeyValueInstruction(input, facts, entry);
      return;
    case 'ARG':
      checkArg(input, facts, entry);
      return;
    case 'WORKDIR':
      checkWorkdir(input, facts, entry);
      return;
    case 'EXPOSE':
      checkExpose(input, entry);
      return;
    case 'COPY':
    case 'ADD':
      checkCopy(input, facts, entry);
      return;
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

/** CMD, ENTRYPOINT, HEALTHCHECK: one per stage; CMD and ENTRYPOINT in JSON form unless SHELL changed the shell. */
function checkCommandInstruction(input: CheckInput, facts: StageFacts, entry: ScannedInstruction, last: Map<string, InstructionInfo>): void {
  const { report } = input;
  const { instruction } = entry;
  const keyword = instruction.keyword;
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
}

/** ENV and LABEL: the legacy `key value` form, undefined variables; ENV also defines its names. */
function checkKeyValueInstruction(input: CheckInput, facts: StageFacts, entry: ScannedInstruction): void {
  const { model, report } = input;
  const { instruction } = entry;
  const keyword = instruction.keyword;
  const pairs = keyValues(entry.argumentText, model.escapeChar);
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
}

function checkArg(input: CheckInput, facts: StageFacts, entry: ScannedInstruction): void {
  for (const word of splitWords(entry.argumentText, input.model.escapeChar)) {
    const equals = word.indexOf('=');
    const key = equals < 0 ? word : word.slice(0, equals);
    secretCheck(input, entry, 'ARG', key);
    if (equals >= 0) undefinedVariables(input, facts, entry, [word.slice(equals + 1)]);
    facts.declared.add(key);
    if (equals >= 0 && !NON_ENV_ARGS.has(key)) facts.environment.set(key, literalValue(facts, word.slice(equals + 1)));
  }
}

function checkWorkdir(input: CheckInput, facts: StageFacts, entry: ScannedInstruction): void {
  const { instruction } = entry;
  const written = unquote(instruction.args[0]?.value ?? '');
  undefinedVariables(input, facts, entry, [written]);
  // BuildKit checks the path after expansion: `WORKDIR $APP` with `ENV APP=app` is relative too.
  const path = written.includes('$') ? literalValue(facts, written) : written;
  if (!facts.workdirSet && path !== undefined && path !== '' && !isAbsolutePath(path)) {
    input.report({ ruleId: 'WorkdirRelativePath', message: `Relative workdir "${path}" can have unexpected results if the base image changes`, range: instruction.args[0].range, fixes: [], governing: entry });
  }
  facts.workdirSet = true;
}

/** COPY and ADD: undefined variables in flags and sources, sources the .dockerignore excludes. */
function checkCopy(input: CheckInput, facts: StageFacts, entry: ScannedInstruction): void {
  const { instruction } = entry;
  const flagWords = instruction.flags.filter((flag) => ['chown', 'chmod', 'checksum'].includes(flag.name)).map((flag) => flag.value ?? '');
  const json = entry.argumentText.includes('[') ? entry.argumentText.replace(/^(--\S+\s+)+/, '') : '';
  const words = isJsonForm(json) ? (JSON.parse(json) as string[]) : instruction.args.map((word) => word.value);
  const heredoc = instruction.heredocs.length > 0;
  undefinedVariables(input, facts, entry, [...flagWords, ...(heredoc ? [] : words)]);
  if (!heredoc) checkIgnoredSources(input, entry, words.slice(0, -1), facts);
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
