/**
 * hadolint's LABEL rules: DL3048 (label keys) always; DL3049-DL3058 only when .hadolint.yaml has a
 * `label-schema` (each label's kind: text, url, rfc3339, spdx, hash, semver, email), with
 * `strict-labels` adding DL3050 for labels outside the schema.
 */
import type { DockerfileModel, InstructionInfo } from '../parse';
import { quotedWords } from '../shell';
import type { Range } from '../text';
import { bestPracticeRule, type RuleContext, type RuleInfo } from './types';

export const LABEL_RULES: RuleInfo[] = [
  bestPracticeRule('DL3048', 'hint', 'Invalid label key'),
  bestPracticeRule('DL3049', 'info', 'A label required by the label schema is missing'),
  bestPracticeRule('DL3050', 'info', 'Superfluous label (strict-labels)'),
  bestPracticeRule('DL3051', 'warning', 'Label is empty'),
  bestPracticeRule('DL3052', 'warning', 'Label is not a valid URL'),
  bestPracticeRule('DL3053', 'warning', 'Label is not a valid RFC 3339 time'),
  bestPracticeRule('DL3054', 'warning', 'Label is not a valid SPDX license identifier'),
  bestPracticeRule('DL3055', 'warning', 'Label is not a valid git hash'),
  bestPracticeRule('DL3056', 'warning', 'Label does not conform to semantic versioning'),
  bestPracticeRule('DL3058', 'warning', 'Label is not a valid email address'),
];

export type LabelKind = 'text' | 'url' | 'rfc3339' | 'spdx' | 'hash' | 'semver' | 'email';

interface Label {
  key: string;
  value: string;
  range: Range;
}

function labelsOf(model: DockerfileModel, instruction: InstructionInfo): Label[] {
  const words = quotedWords(model, instruction);
  // The legacy form "LABEL key value with spaces".
  if (words.length >= 2 && !words[0].text.includes('=')) return [{ key: words[0].text, value: words.slice(1).map((word) => word.text).join(' '), range: words[0].range }];
  return words.map((word) => {
    const at = word.text.indexOf('=');
    return { key: at < 0 ? word.text : word.text.slice(0, at), value: at < 0 ? '' : word.text.slice(at + 1), range: word.range };
  });
}

/** Docker's guidance: a lower-case letter, then lower-case letters, digits, . - _; no reserved namespace. */
function validKey(key: string): boolean {
  if (/^(com\.docker\.|io\.docker\.|org\.dockerproject\.)/.test(key)) return false;
  // hadolint's DL3048: starts with a lower-case letter, ends with one or a digit, only [a-z0-9._/-], no ".." or "--".
  return /^[a-z]([a-z0-9._/-]*[a-z0-9])?$/.test(key) && !key.includes('..') && !key.includes('--');
}

const SPDX = /^(MIT|Apache-2\.0|BSD-[234]-Clause(-[A-Za-z]+)?|GPL-[23]\.0(-only|-or-later)?|LGPL-[23]\.[01](-only|-or-later)?|AGPL-3\.0(-only|-or-later)?|MPL-2\.0|ISC|Unlicense|CC0-1\.0|EPL-[12]\.0|[A-Za-z0-9.+-]+)$/;
const CHECKS: Record<Exclude<LabelKind, 'text'>, { ruleId: string; valid: (value: string) => boolean; what: string }> = {
  url: { ruleId: 'DL3052', valid: (value) => /^[a-z][a-z0-9+.-]*:\/\/[^\s]+$/i.test(value), what: 'a valid URL' },
  rfc3339: { ruleId: 'DL3053', valid: (value) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(value), what: 'an RFC 3339 time' },
  spdx: { ruleId: 'DL3054', valid: (value) => value.split(/\s+(?:AND|OR|WITH)\s+/).every((part) => SPDX.test(part.replace(/^\(|\)$/g, ''))), what: 'an SPDX license identifier' },
  hash: { ruleId: 'DL3055', valid: (value) => /^([0-9a-f]{7,40}|[0-9a-f]{64})$/.test(value), what: 'a git hash' },
  semver: { ruleId: 'DL3056', valid: (value) => /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(value), what: 'a semantic version' },
  email: { ruleId: 'DL3058', valid: (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value), what: 'an email address' },
};

export function checkLabels(context: RuleContext): void {
  const schema = context.settings.labelSchema;
  const seen = new Set<string>();
  for (const instruction of context.model.instructions) {
    if (instruction.keyword !== 'LABEL') continue;
    const labels = labelsOf(context.model, instruction);
    // A key that is a variable ($KEY) is the build's choice; one with a variable inside is checked as written, as hadolint does.
    const invalid = labels.find((label) => !label.key.startsWith('$') && !validKey(label.key));
    if (invalid) context.report({ ruleId: 'DL3048', message: `"${invalid.key}" is not a valid label key: use lower-case reverse-DNS names such as org.opencontainers.image.source.`, range: invalid.range });
    if (!schema) continue;
    for (const label of labels) {
      seen.add(label.key);
      const kind = schema[label.key];
      if (kind === undefined) {
        if (context.settings.strictLabels) context.report({ ruleId: 'DL3050', message: `The label ${label.key} is not in the label schema of .hadolint.yaml (strict-labels is on).`, range: label.range });
        continue;
      }
      if (label.value === '') {
        context.report({ ruleId: 'DL3051', message: `The label ${label.key} is empty.`, range: label.range });
        continue;
      }
      const check = kind === 'text' ? undefined : CHECKS[kind];
      if (check && !label.value.includes('$') && !check.valid(label.value)) context.report({ ruleId: check.ruleId, message: `The label ${label.key} should be ${check.what}; it is "${label.value}".`, range: label.range });
    }
  }
  if (!schema) return;
  const lastFrom = [...context.model.instructions].reverse().find((instruction) => instruction.keyword === 'FROM');
  for (const key of Object.keys(schema)) {
    if (!seen.has(key) && lastFrom) context.report({ ruleId: 'DL3049', message: `The label ${key} required by the label schema of .hadolint.yaml is missing.`, range: lastFrom.keywordRange });
  }
}
