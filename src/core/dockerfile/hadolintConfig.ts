/**
 * hadolint's config file as hadolint reads it: `ignored`, `override` (error/warning/info/style
 * lists), `trustedRegistries` (DL3026), `label-schema` and `strict-labels` (DL3049-DL3058) and
 * `failure-threshold` (which, as in hadolint, changes no finding: it only decides what fails a
 * CI run). A tiny YAML-subset reader: the file is small and flat.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../errors';
import type { LabelKind } from './rules/labelRules';
import type { SeveritySetting } from './rules/types';

export type HadolintLevel = 'error' | 'warning' | 'info' | 'style';
const LEVELS: readonly HadolintLevel[] = ['error', 'warning', 'info', 'style'];

export interface HadolintConfig {
  ignored: string[];
  override: Partial<Record<HadolintLevel, string[]>>;
  trustedRegistries?: string[];
  labelSchema?: Record<string, LabelKind>;
  strictLabels?: boolean;
  failureThreshold?: HadolintLevel | 'none';
}

const LABEL_KINDS: readonly LabelKind[] = ['text', 'url', 'rfc3339', 'spdx', 'hash', 'semver', 'email'];

export interface ParsedHadolintConfig {
  config: HadolintConfig;
  /** Lines we could not read, in words a person can act on. */
  problems: string[];
}

export const HADOLINT_CONFIG_NAMES = ['.hadolint.yaml', '.hadolint.yml'];

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  return trimmed.length >= 2 && (trimmed[0] === '"' || trimmed[0] === "'") && trimmed[trimmed.length - 1] === trimmed[0] ? trimmed.slice(1, -1) : trimmed;
}

function inlineList(value: string): string[] | undefined {
  const trimmed = value.trim();
  if (!trimmed.startsWith('[')) return undefined;
  const inner = trimmed.replace(/^\[/, '').replace(/\]$/, '');
  return inner.split(',').map(unquote).filter((item) => item.length > 0);
}

type Section = 'list' | 'override' | 'label-schema' | 'other';

/** A key at indentation 0: which section it opens, and the list its "- item" lines (if any) go to. */
function readTopLevelKey(
  key: string,
  value: string,
  lineNumber: number,
  config: HadolintConfig,
  problems: string[],
): { section: Section; currentList: string[] | undefined } {
  if (key === 'ignored') {
    const list = inlineList(value);
    if (list) config.ignored.push(...list);
    else if (value.trim() !== '') problems.push(`line ${lineNumber}: "ignored" should be a list of rule ids`);
    else return { section: 'list', currentList: config.ignored };
    return { section: 'list', currentList: undefined };
  }
  if (key === 'override') return { section: 'override', currentList: undefined };
  if (key === 'trustedRegistries') {
    config.trustedRegistries = inlineList(value) ?? [];
    return { section: 'list', currentList: inlineList(value) ? undefined : config.trustedRegistries };
  }
  if (key === 'label-schema') {
    config.labelSchema = {};
    return { section: 'label-schema', currentList: undefined };
  }
  if (key === 'strict-labels') {
    config.strictLabels = /^(true|yes|on)$/i.test(unquote(value));
  } else if (key === 'failure-threshold') {
    const level = unquote(value).toLowerCase();
    if ([...LEVELS, 'none'].includes(level)) config.failureThreshold = level as HadolintLevel | 'none';
    else problems.push(`line ${lineNumber}: failure-threshold "${unquote(value)}" is not one of error, warning, info, style, none`);
  }
  return { section: 'other', currentList: undefined };
}

export function parseHadolintConfig(text: string): ParsedHadolintConfig {
  const config: HadolintConfig = { ignored: [], override: {} };
  const problems: string[] = [];
  // The list a "- item" line belongs to, with the indentation of the key that opened it.
  let currentList: string[] | undefined;
  /** The top-level key being read: a list (ignored, trustedRegistries), override, label-schema, or another key. */
  let section: Section | undefined;
  let lineNumber = 0;
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    lineNumber++;
    const line = stripComment(rawLine).replace(/\s+$/, '');
    if (line.trim() === '' || line.trim() === '---') continue;
    const indent = /^\s*/.exec(line)![0].length;
    const content = line.trim();
    if (content.startsWith('- ') || content === '-') {
      if (currentList) currentList.push(unquote(content.slice(1)));
      continue;
    }
    const keyMatch = /^(["']?)([A-Za-z0-9_.-]+)\1\s*:\s*(.*)$/.exec(content);
    if (!keyMatch) {
      if (section === 'list' || section === 'override' || section === 'label-schema') problems.push(`line ${lineNumber}: expected "key: value" or "- item", found "${content}"`);
      continue;
    }
    const key = keyMatch[2];
    const value = keyMatch[3];
    if (indent === 0) {
      ({ section, currentList } = readTopLevelKey(key, value, lineNumber, config, problems));
      continue;
    }
    if (section === 'label-schema') {
      const kind = unquote(value).toLowerCase() as LabelKind;
      if (LABEL_KINDS.includes(kind)) config.labelSchema![unquote(key)] = kind;
      else problems.push(`line ${lineNumber}: label-schema kind "${unquote(value)}" for ${key} is not one of ${LABEL_KINDS.join(', ')}`);
      continue;
    }
    if (section !== 'override') {
      currentList = undefined;
      continue;
    }
    const level = key.toLowerCase() as HadolintLevel;
    if (!LEVELS.includes(level)) {
      problems.push(`line ${lineNumber}: override level "${key}" is not one of error, warning, info, style`);
      currentList = undefined;
      continue;
    }
    const list = (config.override[level] ??= []);
    const inline = inlineList(value);
    if (inline) {
      list.push(...inline);
      currentList = undefined;
    } else {
      currentList = list;
    }
  }
  return { config, problems };
}

/** Finds the nearest .hadolint.yaml from `folder` upward (stopping after `stopAt` when given). */
export function findHadolintConfig(folder: string, stopAt?: string): string | undefined {
  let current = path.resolve(folder);
  const stop = stopAt ? path.resolve(stopAt) : undefined;
  for (let guard = 0; guard < 64; guard++) {
    for (const name of HADOLINT_CONFIG_NAMES) {
      const candidate = path.join(current, name);
      try {
        if (fs.statSync(candidate).isFile()) return candidate;
      } catch {
        // not here; keep looking upward
      }
    }
    if (stop !== undefined && current === stop) return undefined;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
  return undefined;
}

export interface LoadedHadolintConfig extends ParsedHadolintConfig {
  path: string;
}

/** Reads the config that applies to a Dockerfile in `folder`; undefined when there is none. */
export function loadHadolintConfig(folder: string, stopAt?: string): LoadedHadolintConfig | undefined {
  const found = findHadolintConfig(folder, stopAt);
  if (!found) return undefined;
  try {
    return { path: found, ...parseHadolintConfig(fs.readFileSync(found, 'utf8')) };
  } catch (error) {
    return { path: found, config: { ignored: [], override: {} }, problems: [`could not read it: ${errorMessage(error)}`] };
  }
}

/** hadolint's "style" is the quietest level it has; VS Code's equivalent is a hint. */
export function severityFromHadolint(level: HadolintLevel): SeveritySetting {
  return level === 'style' ? 'hint' : level;
}
