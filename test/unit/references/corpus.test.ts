import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findReferences } from '../../../src/core/references/recognise';

/**
 * Zero false positives: public YAML, JSON and Python files that name no ECR image, read in place
 * from what every machine that runs the tests has after setup: `node_modules/` (npm ci) for JSON
 * and YAML, and the stack's Python venv (moto, boto3, botocore, Flask, cfn-lint…) for Python.
 * Nothing is copied into the project. A file is in the corpus only when it has no "dkr", no word
 * "ecr" and no "ImageSpec" at all, so any reference found in it is a false positive.
 */
const REPO = path.join(__dirname, '..', '..', '..');
const CACHE = process.env.ECR_WB_CACHE || path.join(os.homedir(), '.cache', 'ecr-workbench');
const VENV_LIB = path.join(CACHE, 'venv', 'lib');

/** `<venv>/lib/python3.*\/site-packages` (the newest Python when there are several), or undefined. */
function findSitePackages(): string | undefined {
  if (!existsSync(VENV_LIB)) return undefined;
  const python = readdirSync(VENV_LIB).filter((name) => name.startsWith('python')).sort().reverse()[0];
  const folder = python && path.join(VENV_LIB, python, 'site-packages');
  return folder && existsSync(folder) ? folder : undefined;
}
const MAY_NAME_ECR = /dkr|\becr\b|ImageSpec/i;
/** Per kind, a bound on the suite's time should a venv or node_modules grow a lot (today: all of them, a few seconds). */
const MAX_PER_KIND = 20_000;
const MAX_BYTES = 2_000_000;

function collect(root: string, extensions: readonly string[], limit: number): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return;
    }
    for (const entry of entries) {
      if (files.length >= limit) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && extensions.some((extension) => entry.name.endsWith(extension)) && statSync(full).size <= MAX_BYTES) files.push(full);
    }
  };
  walk(root);
  return files;
}

/** The stack's venv; under CI=true it is installed here when missing (the same installer the stack uses), never skipped. */
async function sitePackages(): Promise<string | undefined> {
  const found = findSitePackages();
  if (found || process.env.CI !== 'true') return found;
  // @ts-expect-error: plain JavaScript module of the test stack, without type declarations
  const { ensureMoto } = (await import('../../stack/stack.mjs')) as { ensureMoto: () => string };
  ensureMoto();
  const installed = findSitePackages();
  assert.ok(installed, `CI=true: the stack's venv has no ${VENV_LIB}/python3.*/site-packages after installing it`);
  return installed;
}

describe('no false positives over public files that name no ECR image', () => {
  it('YAML and JSON under node_modules, Python in the stack venv: nothing found', async (t) => {
    const nodeModules = path.join(REPO, 'node_modules');
    assert.ok(existsSync(nodeModules), 'node_modules is missing: run npm ci');
    const venv = await sitePackages();
    const kinds: [string, string[], string][] = [
      ['YAML', collect(nodeModules, ['.yaml', '.yml'], MAX_PER_KIND), 'yaml'],
      ['JSON', collect(nodeModules, ['.json'], MAX_PER_KIND), 'json'],
      ['Python', venv ? collect(venv, ['.py'], MAX_PER_KIND) : [], 'python'],
    ];
    const scanned: Record<string, number> = {};
    let mentionEcr = 0;
    const falsePositives: string[] = [];
    for (const [kind, files, languageId] of kinds) {
      scanned[kind] = 0;
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        if (MAY_NAME_ECR.test(text)) {
          mentionEcr++;
          continue;
        }
        scanned[kind]++;
        for (const reference of findReferences(text, { languageId, fileName: file })) {
          falsePositives.push(`${path.relative(REPO, file)}: ${reference.form} "${text.slice(reference.span.start, reference.span.end)}"`);
        }
      }
    }
    const total = Object.values(scanned).reduce((sum, count) => sum + count, 0);
    const summary = `scanned ${Object.entries(scanned).map(([kind, count]) => `${count} ${kind}`).join(', ')} files (${total} in all; ${mentionEcr} more left out for mentioning dkr, ECR or ImageSpec)`;
    t.diagnostic(summary);
    console.log(`references corpus: ${summary}`);
    if (!venv) t.diagnostic(`no Python files: the stack's venv (${VENV_LIB}) is not installed on this machine (under CI=true it is installed by this test)`);
    assert.deepEqual(falsePositives, []);
    assert.ok(total >= 300, `only ${total} files scanned`);
    if (venv) assert.ok(scanned.Python >= 300, `only ${scanned.Python} Python files scanned`);
  });
});
