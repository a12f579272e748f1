import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { ContextTarStream } from './contextTarStream';

export interface BuildContext {
  /** The tar stream to send as the build request body (packed as it is read: never held in memory). */
  stream: Readable;
  /** The Dockerfile's path inside the tar, for the build's `dockerfile` option. */
  dockerfileInContext: string;
  /** Which ignore file applied, if any. */
  ignoreFile: string | undefined;
  /** Paths packed so far (relative, POSIX); complete once the stream has ended. */
  entries: string[];
  /** What the walk did so far; complete once the stream has ended. */
  walk: ContextWalkStats;
}

export interface ContextWalkStats {
  /** Directory entries looked at (names read from a folder and checked against .dockerignore). */
  entriesSeen: number;
  /** Excluded folders not entered at all: every path under them is excluded too. */
  prunedDirectories: number;
  /** Excluded folders still entered because a `!` exception may re-include something inside. */
  walkedExcludedDirectories: number;
}

/**
 * Packs `contextDir` as Docker's CLI does: paths matched by .dockerignore are left out, except the
 * Dockerfile and .dockerignore themselves, which the daemon always needs. A Dockerfile outside the
 * context is added under a generated name. `<Dockerfile>.dockerignore` next to the Dockerfile wins
 * over the context's .dockerignore, as with BuildKit.
 *
 * An excluded folder is not walked unless a `!` exception could match something inside it
 * (`node_modules` with 100,000 files costs one check); files are streamed into the tar one at a
 * time as the engine reads, so memory does not grow with the context's size.
 */
export function createBuildContext(contextDir: string, dockerfilePath: string): BuildContext {
  const root = path.resolve(contextDir);
  const dockerfile = path.resolve(dockerfilePath);
  const relativeDockerfile = toPosix(path.relative(root, dockerfile));
  const dockerfileInside = !relativeDockerfile.startsWith('../') && !path.isAbsolute(relativeDockerfile);

  const specificIgnore = `${dockerfile}.dockerignore`;
  const ignoreFile = existsSync(specificIgnore) ? specificIgnore : existsSync(path.join(root, '.dockerignore')) ? path.join(root, '.dockerignore') : undefined;
  const patterns = ignoreFile ? readFileSync(ignoreFile, 'utf8').split(/\r?\n/) : [];
  const always = ['.dockerignore', ...(dockerfileInside ? [relativeDockerfile] : [])];
  const rules = contextIgnoreRules([...patterns, ...always.map((entry) => `!${entry}`)]);

  const walk: ContextWalkStats = { entriesSeen: 0, prunedDirectories: 0, walkedExcludedDirectories: 0 };
  const ignored = (absolute: string, isDirectory: () => boolean): boolean => {
    walk.entriesSeen++;
    const relative = toPosix(path.relative(root, absolute));
    if (!relative) return false;
    const verdict = rules.verdict(relative, isDirectory);
    if (verdict === 'prune') walk.prunedDirectories++;
    if (verdict === 'walk-excluded') walk.walkedExcludedDirectories++;
    return verdict === 'exclude' || verdict === 'prune';
  };

  const entries: string[] = [];
  const extraName = `.ecr-build-dockerfile-${randomBytes(6).toString('hex')}`;
  const stream = new ContextTarStream({
    root,
    // Top-level names listed here rather than "." so the tar has no "./" entry, like the CLI's.
    topLevel: readdirSync(root, { withFileTypes: true }).filter((entry) => !ignored(path.join(root, entry.name), () => entry.isDirectory())).map((entry) => entry.name),
    ignored,
    onEntry: (name) => entries.push(name),
    extra: dockerfileInside ? undefined : { name: extraName, read: () => readFileSync(dockerfile) },
  });
  return { stream, dockerfileInContext: dockerfileInside ? relativeDockerfile : extraName, ignoreFile, entries, walk };
}

/**
 * What to do with one path of the context:
 * - `include`: pack it (a folder: walk it);
 * - `exclude`: a file (or other non-folder) left out;
 * - `prune`: an excluded folder left out whole, never read (no exception can reach inside);
 * - `walk-excluded`: an excluded folder walked because an exception may re-include something in it.
 */
export type ContextVerdict = 'include' | 'exclude' | 'prune' | 'walk-excluded';

export interface ContextIgnoreRules {
  /** `isDirectory` is asked only for excluded paths. */
  verdict(relativePosixPath: string, isDirectory: () => boolean): ContextVerdict;
}

/**
 * .dockerignore lines as Docker reads them (through @balena/dockerignore, a port of Docker's
 * matcher: last matching line wins, a line matching a folder matches everything under it), plus
 * the rule that decides when an excluded folder may be skipped without reading it.
 */
export function contextIgnoreRules(lines: string[], options: { ignorecase?: boolean } = {}): ContextIgnoreRules {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dockerignore = require('@balena/dockerignore') as typeof import('@balena/dockerignore').default;
  const ignorecase = options.ignorecase ?? process.platform === 'win32';
  const matcher = dockerignore({ ignorecase }).add(lines);
  const exceptions = lines
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!') && !line.startsWith('#'))
    .map((line) => exceptionSegments(line.slice(1)))
    .filter((segments): segments is string[] => segments !== undefined);
  return {
    verdict(relative, isDirectory) {
      if (!matcher.ignores(relative)) return 'include';
      if (!isDirectory()) return 'exclude';
      const folder = relative.split('/');
      return exceptions.some((segments) => mayMatchUnder(segments, folder, ignorecase)) ? 'walk-excluded' : 'prune';
    },
  };
}

function toPosix(value: string): string {
  return value.split(path.sep).join('/');
}

/** An exception's pattern as path segments, cleaned as Docker cleans it; undefined for "!" alone. */
function exceptionSegments(pattern: string): string[] | undefined {
  const trimmed = pattern.trim();
  if (!trimmed) return undefined;
  const cleaned = path.posix.normalize(trimmed).replace(/^\/+/, '').replace(/\/+$/, '');
  if (!cleaned || cleaned === '.') return undefined;
  return cleaned.split('/');
}

/**
 * Could an exception match a path strictly inside `folder` (and so re-include something there)?
 * Docker compares a pattern with a path, and with the path's leading folders; a pattern without
 * `**` has as many segments as the paths it matches. So an exception reaches inside `folder` only
 * if its leading segments can match the folder's and it has more segments than the folder.
 * `**` can stand for any number of folders: an exception that has one at or before the folder's
 * depth is taken to reach inside (walking too much is only slower; walking too little loses files).
 */
function mayMatchUnder(segments: string[], folder: string[], ignorecase: boolean): boolean {
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index];
    if (segment.includes('**')) return true;
    if (index >= folder.length) return true;
    if (!segmentMayMatch(segment, folder[index], ignorecase)) return false;
  }
  // The exception ends at or above the folder: it matches the folder or one of its parents, which
  // the folder's own verdict has already weighed, and reaches nothing more inside it.
  return false;
}

/** One path segment against one glob segment (`*`, `?`, `\` escapes); character classes count as "may match". */
function segmentMayMatch(glob: string, name: string, ignorecase: boolean): boolean {
  if (glob.includes('[')) return true;
  let source = '^';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index];
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '\\' && process.platform !== 'win32' && index + 1 < glob.length) source += escapeRegExp(glob[++index]);
    else source += escapeRegExp(char);
  }
  return new RegExp(`${source}$`, ignorecase ? 'i' : '').test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
