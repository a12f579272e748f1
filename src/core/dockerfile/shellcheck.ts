/**
 * ShellCheck over the RUN scripts of a Dockerfile, as hadolint runs it: each RUN (and ONBUILD
 * RUN, heredoc bodies included) checked with the shell the stage uses (SHELL, or a
 * `# hadolint shell=…` pragma), with the stage's ARG/ENV names and the proxy variables known, and
 * every finding mapped back to its exact range in the Dockerfile as an SCxxxx diagnostic. The same
 * pragmas, .hadolint.yaml and ecr.lint.rules apply as to the DL rules. Runs one shellcheck
 * process per lint; the caller keeps it off the typing path.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applySettings, type LintDiagnostic, type LintOptions } from './lint';
import type { DockerfileModel, InstructionInfo } from './parse';
import { shellPragma } from './pragmas';
import type { Finding, Severity } from './rules/types';
import { quotedWords, shellScriptOf, type ShellScript } from './shell';

/** Variables every build knows (Docker passes the proxy settings through); hadolint declares the same. */
const PREDEFINED_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy'];
/** SC2187 (ash is not supported) and SC1090 (needs a directive a Dockerfile cannot carry), as hadolint excludes them. */
const EXCLUDED = ['SC2187', 'SC1090'];

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

/** One input per RUN script ShellCheck can check. */
export function shellcheckInputs(model: DockerfileModel): ShellcheckInput[] {
  const pragma = shellPragma(model);
  const globalVariables: string[] = [];
  let variables: string[] = [];
  let shell = '/bin/sh';
  const inputs: ShellcheckInput[] = [];
  for (const instruction of model.instructions) {
    const keyword = instruction.keyword;
    if (keyword === 'FROM') {
      shell = '/bin/sh';
      variables = [...globalVariables];
      continue;
    }
    if (keyword === 'ARG' || keyword === 'ENV') {
      const names = variableNames(model, instruction);
      (instruction.stage < 0 ? globalVariables : variables).push(...names);
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
    const declared = [...new Set([...PREDEFINED_VARIABLES, ...variables])].map((name) => `export ${name}=1`);
    // Tabs become spaces: ShellCheck counts a tab as 8 columns, and offsets must stay one per character.
    const text = `#!/bin/${dialect}\n${declared.join('\n')}\n${script.source.text.replace(/\t/g, ' ')}\n`;
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

/** ShellCheck's json1 output, mapped back to the Dockerfile. `fileOf` names the input each comment's file is. */
export function findingsFromShellcheck(output: string, fileOf: (file: string) => ShellcheckInput | undefined): Finding[] {
  let comments: Json1Comment[];
  try {
    comments = (JSON.parse(output) as { comments?: Json1Comment[] }).comments ?? [];
  } catch {
    return [];
  }
  const findings: Finding[] = [];
  const starts = new Map<ShellcheckInput, number[]>();
  for (const comment of comments) {
    const input = fileOf(comment.file);
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

export class ShellcheckNotFound extends Error {}

/** Runs `executable` over the model's RUN scripts; resolves to diagnostics with the person's settings applied. */
export async function runShellcheck(model: DockerfileModel, executable: string, options: LintOptions & { signal?: AbortSignal } = {}): Promise<LintDiagnostic[]> {
  const inputs = shellcheckInputs(model);
  if (inputs.length === 0) return [];
  const folder = await mkdtemp(path.join(tmpdir(), 'ecr-shellcheck-'));
  try {
    const files = inputs.map((_, index) => `run-${index}.sh`);
    await Promise.all(inputs.map((input, index) => writeFile(path.join(folder, files[index]), input.text)));
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(executable, ['--format=json1', `--exclude=${EXCLUDED.join(',')}`, ...files], { cwd: folder, signal: options.signal, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new ShellcheckNotFound(`no shellcheck at "${executable}"`) : error));
      // 0: nothing found, 1: findings; anything else is ShellCheck failing.
      child.on('close', (code) => (code === 0 || code === 1 ? resolve(stdout) : reject(new Error(`shellcheck exited with ${code}: ${stderr.trim().split('\n')[0]}`))));
    });
    const findings = findingsFromShellcheck(output, (file) => inputs[files.indexOf(file)]);
    return applySettings(model, findings, options);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
