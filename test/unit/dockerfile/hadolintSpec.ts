/**
 * hadolint's own rule tests (v2.15.1's test/Hadolint/Rule/DL*Spec.hs), extracted into
 * ../shared/dockerfile-corpus/hadolint-spec/ with one manifest entry per assertion. Read in place.
 * Shared by test/unit/dockerfile/hadolintSpec.test.ts and bench/hadolint-parity.mjs.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const CORPUS = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'dockerfile-corpus');
const SPEC_FOLDER = path.join(CORPUS, 'hadolint-spec');
const MANIFEST = path.join(CORPUS, 'hadolint-spec-manifest.json');

export interface SpecAssertion {
  file: string;
  rule: string;
  /** true: the rule must fire; false: it must not. */
  expect: boolean;
  onbuild: boolean;
  /** ruleCatches, ruleCatchesNot, onBuildRuleCatches…, or "assertChecks/failsWith N" (exactly N findings). */
  call: string;
  specLine: number;
  config: 'default' | 'custom';
  defaultOff?: boolean;
}

export function specAvailable(): boolean {
  return existsSync(MANIFEST) && existsSync(SPEC_FOLDER);
}

/** The assertions that hold with hadolint's default configuration and default-on rules. */
export function defaultAssertions(): SpecAssertion[] {
  const all = JSON.parse(readFileSync(MANIFEST, 'utf8')) as SpecAssertion[];
  return all.filter((entry) => entry.config === 'default' && !entry.defaultOff);
}

export function specText(file: string): string {
  return readFileSync(path.join(SPEC_FOLDER, file), 'utf8');
}

export function specPath(file: string): string {
  return path.join(SPEC_FOLDER, file);
}

/** Whether a linter whose findings of the assertion's rule number `count` satisfies it. */
export function satisfied(assertion: SpecAssertion, count: number): boolean {
  const exactly = /failsWith (\d+)/.exec(assertion.call);
  if (exactly) return count === Number(exactly[1]);
  return assertion.expect ? count > 0 : count === 0;
}

export function describeAssertion(assertion: SpecAssertion): string {
  return `${assertion.file} (${assertion.call} ${assertion.rule}, DL spec line ${assertion.specLine})`;
}
