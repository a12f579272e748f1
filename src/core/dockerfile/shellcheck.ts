/**
 * ShellCheck over the RUN scripts of a Dockerfile, as hadolint runs it: each RUN (and ONBUILD
 * RUN, heredoc bodies included) checked with the shell the stage uses (SHELL, or a
 * `# hadolint shell=…` pragma), with the stage's ARG/ENV names and the proxy variables known, and
 * every finding mapped back to its exact range in the Dockerfile as an SCxxxx diagnostic. The same
 * pragmas, .hadolint.yaml and ecr.lint.rules apply as to the DL rules. Runs one shellcheck
 * process per lint, bounded in input size and time; the caller keeps it off the typing path.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applySettings, type LintDiagnostic, type LintOptions } from './lint';
import type { DockerfileModel, InstructionInfo } from './parse';
import { shellPragma } from './pragmas';
import type { Finding, Severity } from './rules/types';
import { quotedWords, shellScriptOf, type ShellScript } from './shell';

/** Variables every build knows (Docker passes the proxy settings through); hadolint declares the same. */
const PREDEFINED_VARIABLES = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy']);
/**
 * SC2187 (ash is not supported), SC1090 and SC1091 (a sourced file is not there to follow: it is
 * in the image, not beside the Dockerfile), as hadolint excludes them.
 */
const EXCLUDED = ['SC2187', 'SC1090', 'SC1091'];

/** Bounds on one ShellCheck run; past them it is skipped (or stopped) with a one-line reason. */
export interface ShellcheckLimits {
  /** Total size of the scripts written for ShellCheck. */
  maxScriptBytes: number;
  /** Wall-clock time the shellcheck process may take. */
  timeoutMs: number;
}

export const DEFAULT_SHELLCHECK_LIMITS: ShellcheckLimits = { maxScriptBytes: 2 * 1024 * 1024, timeoutMs: 30_000 };

export interface ShellcheckInput {
  instruction: InstructionInfo;
  script: ShellScript;
  /** ShellCheck's dialect: sh, bash, dash or ksh. */
  dialect: string;
  /** What shellcheck reads: a shebang, the declared variables, then the script. */
  text: string;
  /** Lines before the script in `text`. */
  prefixLines: number;
}

/** The ShellCheck dialect for a shell program, or undefined for shells it cannot check (pwsh, cmd…). */
export function shellcheckDialect(shell: string): string | undefined {
  const name = shell.split(/[\\/]/).pop()!.toLowerCase().replace(/\.exe$/, '');
  if (name === 'bash') return 'bash';
  if (name === 'sh' || name === 'ash' || name === 'busybox') return 'sh';
  if (name === 'dash') return 'dash';
  if (name === 'ksh' || name === 'mksh') return 'ksh';
  return undefined;
}

/** SHELL ["/bin/bash", "-o", "pipefail", "-c"] -> "/bin/bash". */
function shellOf(model: DockerfileModel, instruction: InstructionInfo): string | undefined {
  return quotedWords(model, instruction).map((word) => word.text.replace(/^\[|[\],]+$/g, '')).find((text) => text !== '');
}

function variableNames(model: DockerfileModel, instruction: InstructionInfo): string[] {
  return quotedWords(model, instruction)
    .map((word) => /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.text)?.[0])
    .filter((name): name is string => name !== undefined);
}

/** Names a script expands ($NAME, ${NAME…}): the only declared variables its input needs. */
function referencedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{?#?!?([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1]);
  return names;
}

/**
 * One input per RUN script ShellCheck can check. The stage's ARG/ENV names (and those of the
 * stages it is built FROM, and the global ARGs) are declared, as hadolint does, but only those the
 * script uses: a file with 1,000 ENV does not repeat 1,000 exports in each of its scripts.
 */
export function shellcheckInputs(model: DockerfileModel): ShellcheckInput[] {
  const pragma = shellPragma(model);
  const globalVariables = new Set<string>();
  const stageVariables: Array<Set<string>> = [];
  let variables = globalVariables;
  let shell = '/bin/sh';
  const inputs: ShellcheckInput[] = [];
  for (const instruction of model.instructions) {
    const keyword = instruction.keyword;
    if (keyword === 'FROM') {
      shell = '/bin/sh';
      const stage = model.stages[instruction.stage];
      // FROM <earlier stage> inherits that stage's ENV (and so its names), as the image does.
      const parent = stage?.from.parentStage === undefined ? undefined : stageVariables[stage.from.parentStage];
      variables = new Set([...globalVariables, ...(parent ?? [])]);
      if (instruction.stage >= 0) stageVariables[instruction.stage] = variables;
      continue;
    }
    if (keyword === 'ARG' || keyword === 'ENV') {
      for (const name of variableNames(model, instruction)) (instruction.stage < 0 ? globalVariables : variables).add(name);
      continue;
    }
    if (keyword === 'SHELL') {
      shell = shellOf(model, instruction) ?? shell;
      continue;
    }
    const script = shellScriptOf(model, instruction);
    if (!script || script.execForm || script.source.text.trim() === '') continue;
    const dialect = shellcheckDialect(pragma ?? shell);
    if (!dialect) continue;
    // Looked up in place: a copy of the stage's names per RUN made 1,000 RUN after 1,000 ENV quadratic.
    const declared = [...referencedNames(script.source.text)].filter((name) => PREDEFINED_VARIABLES.has(name) || variables.has(name)).map((name) => `export ${name}=1`);
    // Tabs become spaces: ShellCheck counts a tab as 8 columns, and offsets must stay one per character.
    const text = [`#!/bin/${dialect}`, ...declared, script.source.text.replace(/\t/g, ' ')].join('\n') + '\n';
    inputs.push({ instruction, script, dialect, text, prefixLines: declared.length + 1 });
  }
  return inputs;
}

interface Json1Comment {
  file: string;
  line: number;
  endLine: number;
  column: number;
  endColumn: number;
  level: string;
  code: number;
  message: string;
}

const LEVELS: Record<string, Severity> = { error: 'error', warning: 'warning', info: 'info', style: 'hint' };

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function parseComments(output: string): Json1Comment[] {
  try {
    return (JSON.parse(output) as { comments?: Json1Comment[] }).comments ?? [];
  } catch {
    return [];
  }
}

/** ShellCheck's json1 output, mapped back to the Dockerfile. `fileOf` names the input each comment's file is. */
export function findingsFromShellcheck(output: string, fileOf: (file: string) => ShellcheckInput | undefined): Finding[] {
  return mapComments(parseComments(output).map((comment) => ({ comment, input: fileOf(comment.file) })));
}

function mapComments(comments: ReadonlyArray<{ comment: Json1Comment; input: ShellcheckInput | undefined }>): Finding[] {
  const findings: Finding[] = [];
  const starts = new Map<ShellcheckInput, number[]>();
  for (const { comment, input } of comments) {
    if (!input) continue;
    const { source } = input.script;
    if (!starts.has(input)) starts.set(input, lineStarts(source.text));
    const lines = starts.get(input)!;
    const offsetOf = (line: number, column: number) => {
      const scriptLine = line - 1 - input.prefixLines;
      if (scriptLine < 0 || scriptLine >= lines.length) return undefined;
      return Math.min(lines[scriptLine] + column - 1, source.text.length);
    };
    const start = offsetOf(comment.line, comment.column);
    if (start === undefined) continue;
    const end = Math.max(start, offsetOf(comment.endLine, comment.endColumn) ?? start);
    const last = source.positions[Math.max(start, end - 1)];
    findings.push({
      ruleId: `SC${comment.code}`,
      message: comment.message,
      range: { start: source.positions[start], end: end > start ? { line: last.line, character: last.character + 1 } : source.positions[start] },
      defaultSeverity: LEVELS[comment.level] ?? 'warning',
    });
  }
  return findings;
}

/**
 * ShellCheck's comments per executable and input text (shebang, declarations and script: all it saw), so a run
 * after an edit checks only the scripts that changed. Bounded; the oldest entries go first.
 */
const commentCache = new Map<string, Json1Comment[]>();
const COMMENT_CACHE_ENTRIES = 5000;

function remember(text: string, comments: Json1Comment[]): void {
  commentCache.delete(text);
  commentCache.set(text, comments);
  if (commentCache.size > COMMENT_CACHE_ENTRIES) commentCache.delete(commentCache.keys().next().value!);
}

export class ShellcheckNotFound extends Error {}

/** ShellCheck was not run to the end: the scripts were too large, or it took too long. The message is one line for the user. */
export class ShellcheckSkipped extends Error {}

const formatBytes = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`);

/**
 * Runs `executable` over the model's RUN scripts; resolves to diagnostics with the person's
 * settings applied. One process; each script is written once, to a fresh temporary folder that is
 * removed afterwards. Rejects with ShellcheckSkipped past `limits` (the process is killed when it
 * runs out of time) and ShellcheckNotFound when there is no such executable.
 */
export async function runShellcheck(model: DockerfileModel, executable: string, options: LintOptions & { signal?: AbortSignal; limits?: Partial<ShellcheckLimits> } = {}): Promise<LintDiagnostic[]> {
  const limits = { ...DEFAULT_SHELLCHECK_LIMITS, ...options.limits };
  const inputs = shellcheckInputs(model);
  if (inputs.length === 0) return [];
  // Scripts ShellCheck has seen as they are now need no new run; each other one is written once.
  // Keyed by the executable too: another shellcheck (ecr.lint.shellcheck.path) may find other things.
  const keyOf = (text: string) => `${executable}\0${text}`;
  const unchecked = [...new Set(inputs.filter((input) => !commentCache.has(keyOf(input.text))).map((input) => input.text))];
  const findings = () => applySettings(model, mapComments(inputs.flatMap((input) => (commentCache.get(keyOf(input.text)) ?? []).map((comment) => ({ comment, input })))), options);
  if (unchecked.length === 0) return findings();
  const bytes = unchecked.reduce((sum, text) => sum + text.length, 0);
  if (bytes > limits.maxScriptBytes) {
    throw new ShellcheckSkipped(`ShellCheck skipped: the ${unchecked.length} RUN scripts are ${formatBytes(bytes)}, more than the ${formatBytes(limits.maxScriptBytes)} it is run on.`);
  }
  options.signal?.throwIfAborted();
  const folder = await mkdtemp(path.join(tmpdir(), 'ecr-shellcheck-'));
  try {
    const files = unchecked.map((_, index) => `run-${index}.sh`);
    // Written in one go: a thousand small files cost more in promise round trips than in bytes.
    unchecked.forEach((text, index) => writeFileSync(path.join(folder, files[index]), text));
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(executable, ['--format=json1', `--exclude=${EXCLUDED.join(',')}`, ...files], { cwd: folder, signal: options.signal, stdio: ['ignore', 'pipe', 'pipe'] });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, limits.timeoutMs);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(error.code === 'ENOENT' ? new ShellcheckNotFound(`no shellcheck at "${executable}"`) : error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (timedOut) reject(new ShellcheckSkipped(`ShellCheck stopped: it took more than ${Math.round(limits.timeoutMs / 1000)} s over ${unchecked.length} RUN scripts.`));
        // 0: nothing found, 1: findings; anything else is ShellCheck failing.
        else if (code === 0 || code === 1) resolve(stdout);
        else reject(new Error(`shellcheck exited with ${code}: ${stderr.trim().split('\n')[0]}`));
      });
    });
    const byFile = new Map<string, Json1Comment[]>(files.map((file) => [file, []]));
    for (const comment of parseComments(output)) byFile.get(comment.file)?.push(comment);
    files.forEach((file, index) => remember(keyOf(unchecked[index]), byFile.get(file)!));
    return findings();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
