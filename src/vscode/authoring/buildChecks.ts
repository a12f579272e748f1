/**
 * Docker's build checks in the editor: the ecr.lint.buildChecks setting and the .dockerignore a
 * build of this Dockerfile would use (CopyIgnoredFile). The build task's default context is the
 * Dockerfile's folder; `<Dockerfile>.dockerignore` next to it wins over `.dockerignore`, as with
 * BuildKit (and src/core/docker/buildContext.ts).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BuildChecksMode } from '../../core/dockerfile/lint';
import { settings } from '../settings';

const MODES: readonly BuildChecksMode[] = ['merged', 'separate', 'off'];

export function readBuildChecksMode(scope: vscode.Uri | undefined, problems: string[]): BuildChecksMode {
  const value = settings.raw('ecr.lint.buildChecks', scope);
  if (MODES.includes(value as BuildChecksMode)) return value as BuildChecksMode;
  problems.push(`ecr.lint.buildChecks should be one of ${MODES.join(', ')}, not ${JSON.stringify(value)}; using merged.`);
  return 'merged';
}

/** Caches .dockerignore lines per path; a watcher calls forget() when one changes. */
export class DockerignoreReader {
  private readonly cache = new Map<string, readonly string[] | undefined>();

  /** The lines of the .dockerignore a build of this Dockerfile reads, or undefined (none, or not a file on disk). */
  linesFor(uri: vscode.Uri): readonly string[] | undefined {
    if (uri.scheme !== 'file') return undefined;
    for (const candidate of [`${uri.fsPath}.dockerignore`, path.join(path.dirname(uri.fsPath), '.dockerignore')]) {
      const lines = this.read(candidate);
      if (lines) return lines;
    }
    return undefined;
  }

  private read(file: string): readonly string[] | undefined {
    if (this.cache.has(file)) return this.cache.get(file);
    let lines: readonly string[] | undefined;
    try {
      lines = readFileSync(file, 'utf8').split(/\r?\n/);
    } catch {
      lines = undefined;
    }
    this.cache.set(file, lines);
    return lines;
  }

  forget(): void {
    this.cache.clear();
  }
}
