/**
 * The `check` parser directive and per-instruction `# check=` comments, read as BuildKit reads
 * them (frontend/dockerfile/parser/directives.go DirectiveParser, linter/linter.go ParseLintOptions
 * and WithMergedConfigFromComments):
 * - at the top of the file, `# check=skip=A,B;error=true;experimental=C` among the leading `#key=value`
 *   lines (a BOM and a `#!` line are skipped first; the directives end at the first other line);
 * - in the comments right above an instruction, `# check=skip=A // why`: the first such comment
 *   adds its skip/experimental rules to the file's for that instruction only (the value ends at a space).
 */
import type { Range } from '../text';

export interface CheckConfig {
  skipAll: boolean;
  skip: ReadonlySet<string>;
  experimentalAll: boolean;
  experimental: ReadonlySet<string>;
  /** `error=true`: Docker fails the build on any check, so the checks are shown as errors. */
  error: boolean;
}

export const DEFAULT_CHECK_CONFIG: CheckConfig = { skipAll: false, skip: new Set(), experimentalAll: false, experimental: new Set(), error: false };

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const VALID_DIRECTIVES = new Set(['syntax', 'escape', 'check']);

export interface TopDirectives {
  config: CheckConfig;
  /** 0-based lines that are parser directives (they are not comments of the first instruction). */
  directiveLines: Set<number>;
  /** The `check` directive's line and value, when there is one. */
  check?: { line: number; value: string; range: Range };
  /** Why Docker would refuse the check directive (it fails the build with "failed to parse check options"). */
  problem?: string;
}

/** ParseLintOptions: `skip=…;experimental=…;error=…`, or an error message. */
export function parseCheckOptions(value: string): { config: CheckConfig } | { problem: string } {
  const trimmed = value.trim();
  if (trimmed === '') return { config: DEFAULT_CHECK_CONFIG };
  // Go's strings.SplitN(s, ";", 3): the third part keeps any further ';'.
  const pieces = trimmed.split(';');
  const parts = pieces.length > 3 ? [pieces[0], pieces[1], pieces.slice(2).join(';')] : pieces;
  let skipAll = false;
  let experimentalAll = false;
  let error = false;
  let skip: string[] = [];
  let experimental: string[] = [];
  for (const part of parts) {
    const equals = part.indexOf('=');
    if (equals < 0) return { problem: `invalid check option "${part}"` };
    const key = part.slice(0, equals).trim();
    const raw = part.slice(equals + 1).trim();
    if (key === 'skip') {
      if (raw === 'all') skipAll = true;
      else skip = raw.split(',').map((name) => name.trim());
    } else if (key === 'experimental') {
      if (raw === 'all') experimentalAll = true;
      else experimental = raw.split(',').map((name) => name.trim());
    } else if (key === 'error') {
      const parsed = parseGoBool(raw);
      if (parsed === undefined) return { problem: `failed to parse check option "${part}": "${raw}" is not true or false` };
      error = parsed;
    } else {
      return { problem: `invalid check option "${key}"` };
    }
  }
  return { config: { skipAll, skip: new Set(skip), experimentalAll, experimental: new Set(experimental), error } };
}

/** strconv.ParseBool. */
function parseGoBool(value: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

export function readTopDirectives(lines: readonly string[]): TopDirectives {
  const directiveLines = new Set<number>();
  let index = 0;
  const first = (lines[0] ?? '').replace(/^\uFEFF/, '');
  if (first.startsWith('#!')) index = 1;
  const seen = new Set<string>();
  let check: TopDirectives['check'];
  for (; index < lines.length; index++) {
    const line = index === 0 ? first : lines[index];
    if (!line.startsWith('#')) break;
    const match = DIRECTIVE.exec(line.slice(1).replace(/^\s+/, ''));
    if (!match) break;
    const name = match[1].toLowerCase();
    if (!VALID_DIRECTIVES.has(name)) break;
    if (seen.has(name)) break;
    seen.add(name);
    directiveLines.add(index);
    if (name === 'check') check = { line: index, value: match[2], range: { start: { line: index, character: 0 }, end: { line: index, character: lines[index].length } } };
  }
  if (!check) return { config: DEFAULT_CHECK_CONFIG, directiveLines };
  const parsed = parseCheckOptions(check.value);
  if ('problem' in parsed) return { config: DEFAULT_CHECK_CONFIG, directiveLines, check, problem: parsed.problem };
  return { config: parsed.config, directiveLines, check };
}

/** WithMergedConfigFromComments: the first `check=` comment above an instruction adds to the file's configuration. */
export function mergeInstructionComments(base: CheckConfig, comments: readonly string[]): CheckConfig {
  for (const comment of comments) {
    const match = DIRECTIVE.exec(comment.replace(/^\s+/, ''));
    if (!match || match[1].toLowerCase() !== 'check') continue;
    const value = match[2].split(' ')[0];
    const parsed = parseCheckOptions(value);
    if ('problem' in parsed) return base;
    const extra = parsed.config;
    return {
      skipAll: base.skipAll || extra.skipAll,
      skip: extra.skip.size > 0 ? new Set([...base.skip, ...extra.skip]) : base.skip,
      experimentalAll: base.experimentalAll || extra.experimentalAll,
      experimental: extra.experimental.size > 0 ? new Set([...base.experimental, ...extra.experimental]) : base.experimental,
      error: base.error,
    };
  }
  return base;
}

/** linter.Run: experimental rules run only when enabled (skip does not apply to them); the others unless skipped. */
export function ruleEnabled(config: CheckConfig, id: string, experimental: boolean): boolean {
  if (experimental) return config.experimentalAll || config.experimental.has(id);
  return !config.skipAll && !config.skip.has(id);
}
