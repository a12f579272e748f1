/**
 * When may the build context skip an excluded folder without reading it? Each case packs a real
 * folder and compares the files in the tar with @balena/dockerignore's verdict on every file one by
 * one (the port of Docker's matcher the CLI's semantics are checked against), so pruning can never
 * change what is sent; then it checks which folders were pruned or walked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import dockerignore from '@balena/dockerignore';
import { contextIgnoreRules, createBuildContext, type ContextVerdict } from '../../../src/core/docker/buildContext';

const TREE = [
  'Dockerfile', 'app.py', 'build.log', 'logs.log/inner.txt',
  'node_modules/a/index.js', 'node_modules/a/lib/deep.js', 'node_modules/keep/index.js', 'node_modules/.bin/tool',
  'packages/web/node_modules/b/index.js', 'packages/web/src/main.ts',
  'src/main.py', 'src/gen/out.py',
  'data/big.bin', 'data/keep.csv', 'data/sub/keep.csv',
  'build/out/a.js', 'build/out/a.css', 'build/tmp/x.o',
  'docs/public/private/readme.md', 'docs/public/private/notes.md', 'docs/internal/private/x.md', 'docs/index.md',
  'vendor/keep/lib.go', 'vendor/other/lib.go',
  'ax/f', 'bx/keep', 'bx/drop', 'dx/f',
  'tmp/keep', 'tmp/junk',
  'docker/Dockerfile', 'docker/entry.sh',
];

interface Case {
  name: string;
  ignore: string[];
  dockerfile?: string;
  /** Folder → what the rules must decide for it. */
  folders: Record<string, ContextVerdict>;
}

const CASES: Case[] = [
  { name: 'a folder name prunes the folder', ignore: ['node_modules'], folders: { node_modules: 'prune', 'packages/web/node_modules': 'include', src: 'include' } },
  { name: 'a trailing slash is the same pattern', ignore: ['node_modules/'], folders: { node_modules: 'prune' } },
  { name: '**/ prunes the folder at any depth', ignore: ['**/node_modules'], folders: { node_modules: 'prune', 'packages/web/node_modules': 'prune', packages: 'include' } },
  {
    name: 'an exception inside an excluded folder makes it walked, and only the folders on its way',
    ignore: ['node_modules', '!node_modules/keep'],
    folders: { node_modules: 'walk-excluded', 'node_modules/a': 'prune', 'node_modules/.bin': 'prune', 'node_modules/keep': 'include' },
  },
  {
    name: 'an exception with a wildcard inside the folder',
    ignore: ['build', '!build/out/*.js'],
    folders: { build: 'walk-excluded', 'build/out': 'walk-excluded', 'build/tmp': 'prune' },
  },
  {
    name: 'an exception with ** may reach anywhere below: the folder is walked',
    ignore: ['node_modules', '!**/index.js'],
    folders: { node_modules: 'walk-excluded', 'node_modules/a': 'walk-excluded', 'node_modules/a/lib': 'walk-excluded' },
  },
  {
    name: 'everything but one folder',
    ignore: ['*', '!src', '!Dockerfile'],
    folders: { node_modules: 'prune', data: 'prune', src: 'include', 'src/gen': 'include' },
  },
  {
    name: 'folder/** with an exception for one file',
    ignore: ['data/**', '!data/keep.csv'],
    folders: { data: 'include', 'data/sub': 'prune' },
  },
  {
    name: 'a wildcard folder segment and an exception under one of its matches',
    ignore: ['docs/*/private', '!docs/public/private/readme.md'],
    folders: { 'docs/public/private': 'walk-excluded', 'docs/internal/private': 'prune', docs: 'include' },
  },
  {
    name: 'an exception before the exclusion loses (the last matching line wins)',
    ignore: ['!vendor/keep', 'vendor'],
    folders: { vendor: 'walk-excluded', 'vendor/other': 'prune', 'vendor/keep': 'prune' },
  },
  {
    name: 'an exception for a parent does not reach a folder excluded after it',
    ignore: ['!src', 'src/gen'],
    folders: { src: 'include', 'src/gen': 'prune' },
  },
  { name: 'a file pattern that matches a folder name excludes the folder whole', ignore: ['*.log'], folders: { 'logs.log': 'prune' } },
  {
    name: 'character classes and ?',
    ignore: ['[a-c]x', '?x', '!bx/keep'],
    folders: { ax: 'prune', bx: 'walk-excluded', dx: 'prune' },
  },
  {
    name: 'an exception with a character class is taken to reach every folder at its depth',
    ignore: ['?x', '![a-b]x/keep'],
    folders: { ax: 'walk-excluded', bx: 'walk-excluded', dx: 'walk-excluded', node_modules: 'include' },
  },
  { name: 'a leading slash anchors at the context root like no slash', ignore: ['/tmp', '!/tmp/keep'], folders: { tmp: 'walk-excluded' } },
  {
    name: 'the Dockerfile is always sent, even from an excluded folder',
    ignore: ['docker'],
    dockerfile: 'docker/Dockerfile',
    folders: { docker: 'walk-excluded' },
  },
  { name: 'case matters on Linux', ignore: ['NODE_MODULES'], folders: { node_modules: 'include' } },
  { name: 'comments and blank lines are not patterns', ignore: ['# node_modules', '', '   '], folders: { node_modules: 'include' } },
];

function makeTree(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'context-prune-'));
  for (const file of TREE) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), file);
  }
  return root;
}

async function packedFiles(root: string, dockerfile: string) {
  const context = createBuildContext(root, path.join(root, dockerfile));
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'context-tar-')), 'context.tar');
  await pipeline(context.stream, createWriteStream(file));
  const verbose = execFileSync('tar', ['-tvf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  rmSync(path.dirname(file), { recursive: true, force: true });
  // Files only: a folder entry carries no content, and Docker's own tar leaves excluded ones out.
  const files = verbose.filter((line) => !line.startsWith('d')).map((line) => line.split(/\s+/).slice(5).join(' ')).sort();
  return { files, walk: context.walk };
}

describe('build context pruning, against @balena/dockerignore file by file', () => {
  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const dockerfile = testCase.dockerfile ?? 'Dockerfile';
      const root = makeTree();
      try {
        writeFileSync(path.join(root, '.dockerignore'), testCase.ignore.join('\n'));
        const lines = [...testCase.ignore, '!.dockerignore', `!${dockerfile}`];
        const reference = dockerignore({ ignorecase: false }).add(lines);
        const expected = ['.dockerignore', ...TREE].filter((file) => !reference.ignores(file)).sort();
        const { files, walk } = await packedFiles(root, dockerfile);
        assert.deepEqual(files, expected);

        const rules = contextIgnoreRules(lines, { ignorecase: false });
        const decided = Object.fromEntries(Object.keys(testCase.folders).map((folder) => [folder, rules.verdict(folder, () => true)]));
        assert.deepEqual(decided, testCase.folders);
        // Files are never asked about as folders: a pruned file is just excluded.
        assert.equal(rules.verdict('build.log', () => false), reference.ignores('build.log') ? 'exclude' : 'include');

        // A pruned folder's contents are never looked at: the walk saw fewer entries than a full one.
        const expectedPruned = Object.entries(testCase.folders).filter(([, verdict]) => verdict === 'prune').length;
        if (expectedPruned > 0) assert.ok(walk.prunedDirectories >= 1, `pruned ${walk.prunedDirectories}`);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
  }

  it('counts what it walked: node_modules costs one entry, not one per file', async () => {
    const root = makeTree();
    try {
      for (let index = 0; index < 500; index++) writeFileSync(path.join(root, 'node_modules', 'a', `f${index}.js`), 'x');
      writeFileSync(path.join(root, '.dockerignore'), 'node_modules\n');
      const { walk } = await packedFiles(root, 'Dockerfile');
      const outsideNodeModules = new Set(TREE.filter((file) => !file.startsWith('node_modules/')).flatMap((file) => file.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'))));
      // Every path outside node_modules, plus .dockerignore and node_modules itself.
      assert.equal(walk.entriesSeen, outsideNodeModules.size + 2);
      assert.equal(walk.prunedDirectories, 1);
      assert.equal(walk.walkedExcludedDirectories, 0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
