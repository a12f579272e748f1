/**
 * A build's options, one type from tasks.json to the engine: the `ecr-build` task's properties are
 * checked once here (`checkBuildTask`), the flow passes `BuildOptions` on whole, and the engine spreads
 * them into its call. A new build option is a field of `BuildOptions`, its check in `OPTION_CHECKS`
 * (the compiler asks for it), its property in package.json's task schema (taskSchema.test.ts compares
 * the two) and its use in the engine.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { invalidTags } from './repositoryReference';
import type { SessionSecret } from './buildkitSession';

/** A BuildKit build secret (`RUN --mount=type=secret,id=<id>`): from a file, or from an environment variable. */
export type BuildSecret = { id: string; src: string } | { id: string; env: string };

/** How the image is built. */
export interface BuildOptions {
  buildArgs?: Record<string, string>;
  target?: string;
  platform?: string;
  pull?: boolean;
  /** Network for RUN steps, e.g. "none" or "host" (the engine's default when unset). */
  network?: string;
  /** "classic" (default) or "buildkit" (BuildKit's trace is decoded too). */
  builder?: 'classic' | 'buildkit';
  /** Build without the engine's cache (the classic builder's cache ignores the platform). */
  noCache?: boolean;
  /** BuildKit secrets: passed to the build over its session, never logged, never in the image. */
  secrets?: BuildSecret[];
}

/** The `ecr-build` task's properties (package.json `taskDefinitions`), checked. */
export interface BuildTask extends BuildOptions {
  repository: string;
  dockerfile?: string;
  context?: string;
  tags?: string[];
  /** Several platforms: each built and pushed by digest, then one index under the tags. */
  platforms?: string[];
  registry?: string;
  createRepository?: boolean;
  /** What the task does when the Dockerfile has error diagnostics. */
  lintErrors?: 'warn' | 'refuse' | 'ignore';
}

/** What is wrong with one property of the task, said so a person can fix tasks.json. */
export interface TaskProblem {
  property: string;
  message: string;
}

type Check = (value: unknown) => string | undefined;

const SECRET_ID = /^[A-Za-z0-9_.-]{1,128}$/;
const text: Check = (value) => (typeof value === 'string' ? undefined : `must be a string, not ${describe(value)}`);
const flag: Check = (value) => (typeof value === 'boolean' ? undefined : `must be true or false, not ${describe(value)}`);
const oneOf =
  (...choices: string[]): Check =>
  (value) =>
    typeof value === 'string' && choices.includes(value) ? undefined : `is ${describe(value)}: use ${choices.map((choice) => `"${choice}"`).join(' or ')}`;

/** One check per property; `-?` makes the compiler ask for the check of every new option. */
const OPTION_CHECKS: { [Property in keyof BuildTask]-?: Check } = {
  repository: (value) => (typeof value === 'string' && value.trim() ? undefined : 'must name the ECR repository (its name, or its full URI)'),
  dockerfile: text,
  context: text,
  tags: (value) => {
    if (!Array.isArray(value) || value.some((tag) => typeof tag !== 'string')) return 'must be a list of strings, for example ["latest", "1.0"]';
    const bad = invalidTags(value as string[]);
    return bad.length ? `Invalid tag(s) ${bad.map((tag) => `"${tag}"`).join(', ')} in the task: a tag is 1-128 letters, digits, _ . - and must not start with . or - ("tags").` : undefined;
  },
  platforms: (value) =>
    !Array.isArray(value) || value.length === 0 || value.some((entry) => typeof entry !== 'string' || !entry.trim())
      ? 'must list platforms as strings, e.g. ["linux/amd64", "linux/arm64"]'
      : undefined,
  registry: text,
  createRepository: flag,
  lintErrors: oneOf('warn', 'refuse', 'ignore'),
  buildArgs: (value) =>
    typeof value !== 'object' || value === null || Array.isArray(value) || Object.values(value).some((arg) => typeof arg !== 'string')
      ? 'must map argument names to strings, for example { "VERSION": "1.2" }'
      : undefined,
  target: text,
  platform: text,
  pull: flag,
  network: text,
  builder: oneOf('classic', 'buildkit'),
  noCache: flag,
  secrets: (value) => {
    if (!Array.isArray(value)) return 'must be a list of { "id", "src" } or { "id", "env" } entries';
    const ids = new Set<string>();
    for (const [position, entry] of value.entries()) {
      const where = `entry ${position + 1}`;
      if (typeof entry !== 'object' || entry === null) return `${where} must be { "id": "…", "src": "<file>" } or { "id": "…", "env": "<VARIABLE>" }`;
      const { id, src, env } = entry as Record<string, unknown>;
      if (typeof id !== 'string' || !SECRET_ID.test(id)) return `${where} needs an "id" of letters, digits, _ . - (the id RUN --mount=type=secret,id=… names)`;
      if ((src === undefined) === (env === undefined)) return `${where} ("${id}") needs exactly one of "src" (a file) or "env" (an environment variable)`;
      if (src !== undefined && (typeof src !== 'string' || !src.trim())) return `${where} ("${id}"): "src" must be a file path`;
      if (env !== undefined && (typeof env !== 'string' || !env.trim())) return `${where} ("${id}"): "env" must name an environment variable`;
      if (ids.has(id)) return `names the secret "${id}" twice`;
      ids.add(id);
    }
    return undefined;
  },
};

/** The properties the task knows, for the schema test and for unknown-property messages. */
export const TASK_PROPERTIES = Object.keys(OPTION_CHECKS);

/**
 * Checks a task definition as tasks.json gave it (anything) into a `BuildTask`, or says what is wrong
 * with each property by name. `type`, `label` and VS Code's own task keys are not the build's.
 */
export function checkBuildTask(definition: unknown): { task: BuildTask; problems: [] } | { task?: undefined; problems: TaskProblem[] } {
  if (typeof definition !== 'object' || definition === null) return { problems: [{ property: 'type', message: 'The task definition must be an object.' }] };
  const given = definition as Record<string, unknown>;
  const problems: TaskProblem[] = [];
  for (const [property, check] of Object.entries(OPTION_CHECKS) as [keyof BuildTask, Check][]) {
    const value = given[property];
    if (value === undefined && property !== 'repository') continue;
    const problem = check(value);
    // A check's own sentence (capitalised) stands as it is; a predicate is put after the property's name.
    if (problem) problems.push({ property, message: /^[A-Z]/.test(problem) ? problem : `The task's "${property}" ${problem}.` });
  }
  if (given.platforms !== undefined && given.platform !== undefined) {
    problems.push({ property: 'platforms', message: 'The task sets both "platform" and "platforms": keep one ("platforms" for an image index of several platforms).' });
  }
  if (given.secrets !== undefined && given.builder !== 'buildkit') {
    problems.push({ property: 'secrets', message: 'The task\'s "secrets" need BuildKit: add "builder": "buildkit" (the classic builder has no build secrets).' });
  }
  if (problems.length) return { problems };
  // Every property kept was checked above against BuildTask's own check table.
  const task = Object.fromEntries(Object.keys(OPTION_CHECKS).filter((key) => given[key] !== undefined).map((key) => [key, given[key]])) as unknown as BuildTask;
  return { task, problems: [] };
}

/**
 * The secrets' values, read now (a relative `src` against the current folder: the task resolves it
 * against the workspace folder first): a missing file or variable is a message naming the secret, never its value.
 */
export async function readBuildSecrets(secrets: BuildSecret[] | undefined, environment: NodeJS.ProcessEnv = process.env): Promise<SessionSecret[]> {
  const values: SessionSecret[] = [];
  for (const secret of secrets ?? []) {
    if ('env' in secret) {
      const value = environment[secret.env];
      if (value === undefined) throw new Error(`The build secret "${secret.id}" reads the environment variable ${secret.env}, which is not set in VS Code's environment.`);
      values.push({ id: secret.id, value: Buffer.from(value) });
    } else {
      const file = path.resolve(secret.src);
      try {
        values.push({ id: secret.id, value: await readFile(file) });
      } catch (error) {
        const code = (error as { code?: string }).code;
        throw new Error(`The build secret "${secret.id}" reads ${file}, which ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`}.`, { cause: error });
      }
    }
  }
  return values;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return typeof value === 'object' ? 'an object' : String(value);
}
