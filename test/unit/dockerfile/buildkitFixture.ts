/**
 * BuildKit's own rule tests (test/fixtures/buildkit-lint-tests.json, transcribed from moby/buildkit's
 * dockerfile_check_test.go) run through our build checks: per rule, the expected warnings we report
 * (same rule, line and message), those we miss, and those we report that BuildKit does not.
 * Shared by the unit test and bench/build-checks.mjs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lintDockerfile } from '../../../src/core/dockerfile/lint';

export type Warning = [rule: string, line: number, detail: string];

export interface FixtureCase {
  name: string;
  dockerfile: string;
  dockerignore?: string;
  buildArgs?: Record<string, string>;
  /** Why this case depends on what only a build knows (a deliberate difference). */
  difference?: string;
  note?: string;
  expected: Warning[];
}

export interface CaseResult {
  fixtureCase: FixtureCase;
  actual: Warning[];
  missing: Warning[];
  unexpected: Warning[];
}

export interface RuleTally {
  expected: number;
  reported: number;
  missing: number;
  unexpected: number;
}

export function loadFixture(): FixtureCase[] {
  const file = path.join(__dirname, '..', '..', 'fixtures', 'buildkit-lint-tests.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: FixtureCase[] }).cases;
}

/** Docker's diagnostics for a case, as [rule, 1-based line, message]. */
export function buildCheckWarnings(fixtureCase: Pick<FixtureCase, 'dockerfile' | 'dockerignore'>): Warning[] {
  const dockerignore = fixtureCase.dockerignore?.split('\n');
  return lintDockerfile(fixtureCase.dockerfile, { buildChecks: { mode: 'separate', dockerignore } })
    .diagnostics.filter((diagnostic) => diagnostic.source === 'docker')
    .map((diagnostic): Warning => [diagnostic.ruleId, diagnostic.range.start.line + 1, diagnostic.message]);
}

const key = (warning: Warning) => JSON.stringify(warning);

function difference(from: Warning[], remove: Warning[]): Warning[] {
  const left = [...remove.map(key)];
  return from.filter((warning) => {
    const at = left.indexOf(key(warning));
    if (at < 0) return true;
    left.splice(at, 1);
    return false;
  });
}

export function runCase(fixtureCase: FixtureCase): CaseResult {
  const actual = buildCheckWarnings(fixtureCase);
  return { fixtureCase, actual, missing: difference(fixtureCase.expected, actual), unexpected: difference(actual, fixtureCase.expected) };
}

/** Per rule over the cases a Dockerfile alone decides (the deliberate differences are left out). */
export function tallyByRule(results: readonly CaseResult[]): Map<string, RuleTally> {
  const tally = new Map<string, RuleTally>();
  const entry = (rule: string) => {
    let found = tally.get(rule);
    if (!found) tally.set(rule, (found = { expected: 0, reported: 0, missing: 0, unexpected: 0 }));
    return found;
  };
  for (const result of results) {
    if (result.fixtureCase.difference) continue;
    for (const [rule] of result.fixtureCase.expected) entry(rule).expected++;
    for (const [rule] of result.missing) entry(rule).missing++;
    for (const [rule] of result.unexpected) entry(rule).unexpected++;
  }
  for (const value of tally.values()) value.reported = value.expected - value.missing;
  return new Map([...tally].sort(([a], [b]) => a.localeCompare(b)));
}
