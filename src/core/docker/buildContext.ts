import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { randomBytes } from 'node:crypto';

export interface BuildContext {
  /** The tar stream to send as the build request body. */
  stream: Readable;
  /** The Dockerfile's path inside the tar, for the build's `dockerfile` option. */
  dockerfileInContext: string;
  /** Which ignore file applied, if any. */
  ignoreFile: string | undefined;
  /** Paths packed so far (relative, POSIX); complete once the stream has ended. */
  entries: string[];
}

/**
 * Packs `contextDir` as Docker's CLI does: paths matched by .dockerignore are left out, except the
 * Dockerfile and .dockerignore themselves, which the daemon always needs. A Dockerfile outside the
 * context is added under a generated name. `<Dockerfile>.dockerignore` next to the Dockerfile wins
 * over the context's .dockerignore, as with BuildKit.
 */
export function createBuildContext(contextDir: string, dockerfilePath: string): BuildContext {
  // Loaded here, not at module load: only a running build needs them.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tar = require('tar-fs') as typeof import('tar-fs');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dockerignore = require('@balena/dockerignore') as typeof import('@balena/dockerignore').default;

  const root = path.resolve(contextDir);
  const dockerfile = path.resolve(dockerfilePath);
  const relativeDockerfile = toPosix(path.relative(root, dockerfile));
  const dockerfileInside = !relativeDockerfile.startsWith('../') && !path.isAbsolute(relativeDockerfile);

  const specificIgnore = `${dockerfile}.dockerignore`;
  const ignoreFile = existsSync(specificIgnore) ? specificIgnore : existsSync(path.join(root, '.dockerignore')) ? path.join(root, '.dockerignore') : undefined;
  const patterns = ignoreFile ? readFileSync(ignoreFile, 'utf8').split(/\r?\n/) : [];
  const always = ['.dockerignore', ...(dockerfileInside ? [relativeDockerfile] : [])];
  const matcher = dockerignore({ ignorecase: process.platform === 'win32' }).add([...patterns, ...always.map((entry) => `!${entry}`)]);
  const exceptions = patterns.map((pattern) => pattern.trim()).filter((pattern) => pattern.startsWith('!'));

  const ignored = (absolute: string): boolean => {
    const relative = toPosix(path.relative(root, absolute));
    if (!relative || !matcher.ignores(relative)) return false;
    // An excluded folder is still walked when an exception ("!folder/keep") may re-include something in it.
    if (exceptions.length && statSync(absolute, { throwIfNoEntry: false })?.isDirectory()) {
      return !exceptions.some((exception) => mayMatchUnder(exception.slice(1).trim(), relative));
    }
    return true;
  };

  const entries: string[] = [];
  const extraName = `.ecr-build-dockerfile-${randomBytes(6).toString('hex')}`;
  const stream = tar.pack(root, {
    // Top-level names listed here rather than "." so the tar has no "./" entry, like the CLI's.
    entries: readdirSync(root).filter((name) => !ignored(path.join(root, name))),
    ignore: ignored,
    map: (header) => {
      // The daemon owns the files it receives, as with the CLI: root, no host user names.
      header.uid = 0;
      header.gid = 0;
      entries.push(header.name);
      return header;
    },
    finalize: dockerfileInside,
    finish: dockerfileInside
      ? undefined
      : (pack) => {
          entries.push(extraName);
          pack.entry({ name: extraName, mode: 0o644, uid: 0, gid: 0, mtime: new Date() }, readFileSync(dockerfile));
          pack.finalize();
        },
  });
  // tar-stream's Pack is a streamx Readable; dockerode pipes it into the request like a Node stream.
  return { stream: stream as unknown as Readable, dockerfileInContext: dockerfileInside ? relativeDockerfile : extraName, ignoreFile, entries };
}

function toPosix(value: string): string {
  return value.split(path.sep).join('/');
}

/** Could `pattern` match a path inside `folder`? (conservative: wildcards before the folder's depth say yes) */
function mayMatchUnder(pattern: string, folder: string): boolean {
  const clean = pattern.replace(/^\/+/, '');
  const patternParts = clean.split('/');
  const folderParts = folder.split('/');
  if (patternParts.length <= folderParts.length && !patternParts.includes('**')) return false;
  for (let index = 0; index < folderParts.length && index < patternParts.length; index++) {
    const part = patternParts[index];
    if (part === '**') return true;
    if (/[*?[\\]/.test(part)) continue;
    if (part !== folderParts[index]) return false;
  }
  return true;
}
