import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBuildContext } from '../../../src/core/docker/buildContext';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'context-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  return root;
}

/** Packs the context and lists the tar with the system's tar, as the daemon would unpack it. */
async function tarEntries(contextDir: string, dockerfile: string) {
  const context = createBuildContext(contextDir, dockerfile);
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'tar-')), 'context.tar');
  await pipeline(context.stream, createWriteStream(file));
  const listed = execFileSync('tar', ['-tf', file], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((entry) => entry.replace(/\/$/, ''))
    .sort();
  return { listed, context };
}

describe('createBuildContext', () => {
  it('leaves out what .dockerignore excludes, keeps its exceptions, and always sends the Dockerfile and .dockerignore', async () => {
    const root = project({
      Dockerfile: 'FROM aqueducthq/function310:0.3.6\n',
      '.dockerignore': '# local junk\n.dockerignore\nDockerfile\n*.log\nsecrets/\ndata/**\n!data/keep.csv\nnode_modules\n',
      'app/main.py': 'print(1)\n',
      'app/debug.log': 'nested logs are not matched by *.log at the root\n',
      'build.log': 'x',
      'secrets/token': 'x',
      'data/big.bin': 'x',
      'data/keep.csv': 'x',
      'node_modules/pkg/index.js': 'x',
    });
    const { listed, context } = await tarEntries(root, path.join(root, 'Dockerfile'));
    assert.deepEqual(listed, ['.dockerignore', 'Dockerfile', 'app', 'app/debug.log', 'app/main.py', 'data', 'data/keep.csv']);
    assert.equal(context.dockerfileInContext, 'Dockerfile');
    assert.equal(context.ignoreFile, path.join(root, '.dockerignore'));
    assert.deepEqual([...context.entries].sort(), listed);
  });

  it('prefers <Dockerfile>.dockerignore and adds a Dockerfile from outside the context', async () => {
    const root = project({
      'docker/op.Dockerfile': 'FROM aqueducthq/function310:0.3.6\n',
      'docker/op.Dockerfile.dockerignore': 'tests\n',
      'src/.dockerignore': 'app.py\n',
      'src/app.py': 'x',
      'src/tests/test_app.py': 'x',
    });
    const { listed, context } = await tarEntries(path.join(root, 'src'), path.join(root, 'docker/op.Dockerfile'));
    assert.match(context.dockerfileInContext, /^\.ecr-build-dockerfile-[0-9a-f]{12}$/);
    assert.deepEqual(listed, ['.dockerignore', context.dockerfileInContext, 'app.py'].sort());
  });
});
