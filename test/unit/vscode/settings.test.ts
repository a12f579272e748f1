import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type * as vscode from 'vscode';
import { rawSetting, SETTINGS, typedSetting, type ConfigurationSource } from '../../../src/vscode/settingsSchema';

const REPO = path.join(__dirname, '..', '..', '..');

interface Declared {
  scope?: string;
  default?: unknown;
}

function declaredSettings(): Record<string, Declared> {
  const manifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, Declared> } | Array<{ properties: Record<string, Declared> }> } };
  const sections = [manifest.contributes.configuration].flat();
  return Object.assign({}, ...sections.map((section) => section.properties)) as Record<string, Declared>;
}

/**
 * VS Code's lookup for one setting in a multi-root workspace, as its configuration docs describe it:
 * with a resource URI, the value of the folder holding it wins over the workspace's, which wins over
 * the user's and the default. Without a URI, the folders' values are not consulted.
 */
function multiRootWorkspace(values: { user?: Record<string, unknown>; workspace?: Record<string, unknown>; folders: Record<string, Record<string, unknown>> }): ConfigurationSource & { asked: Array<string | undefined> } {
  const asked: Array<string | undefined> = [];
  return {
    asked,
    getConfiguration(_section, scope) {
      const uri = scope && typeof scope === 'object' && 'path' in scope ? (scope as vscode.Uri).path : undefined;
      asked.push(uri);
      const folder = uri ? Object.keys(values.folders).find((root) => uri === root || uri.startsWith(`${root}/`)) : undefined;
      return {
        get: <T>(key: string, fallback?: T): T | undefined => {
          for (const layer of [folder ? values.folders[folder] : undefined, values.workspace, values.user]) if (layer && key in layer) return layer[key] as T;
          return fallback;
        },
      } as Pick<vscode.WorkspaceConfiguration, 'get'>;
    },
  };
}

const uri = (p: string) => ({ scheme: 'file', path: p }) as unknown as vscode.Uri;

describe('settings (src/vscode/settings.ts, settingsSchema.ts)', () => {
  it('lists every ecr.* setting of package.json with the scope and default declared there', () => {
    const declared = declaredSettings();
    assert.deepEqual(Object.keys(SETTINGS).sort(), Object.keys(declared).filter((key) => key.startsWith('ecr.')).sort());
    for (const [key, setting] of Object.entries(SETTINGS)) {
      assert.equal(setting.scope, declared[key].scope, `${key}: scope`);
      assert.deepEqual(setting.default, declared[key].default, `${key}: default`);
    }
  });

  it('reads every resource-scoped setting with the resource, and no window or machine one with it', () => {
    for (const [key, setting] of Object.entries(SETTINGS)) {
      if (setting.scope === 'resource') assert.equal(setting.readWith, 'resource', `${key} can differ per folder: it is read with the document's or folder's URI`);
      if (setting.scope === 'window' || setting.scope === 'machine') assert.equal(setting.readWith, 'window', `${key} has no folder value: it is read without a URI`);
    }
  });

  it("in a multi-root workspace, a resource setting is the value of the document's folder", () => {
    const source = multiRootWorkspace({
      workspace: { 'ecr.lint.enabled': true, 'ecr.lint.debounceMs': 250 },
      folders: { '/work/api': { 'ecr.lint.enabled': false }, '/work/web': { 'ecr.lint.debounceMs': 900 } },
    });
    assert.equal(typedSetting(source, 'ecr.lint.enabled', uri('/work/api/Dockerfile')), false);
    assert.equal(typedSetting(source, 'ecr.lint.enabled', uri('/work/web/Dockerfile')), true);
    assert.equal(typedSetting(source, 'ecr.lint.debounceMs', uri('/work/web/app/Dockerfile')), 900);
    assert.equal(typedSetting(source, 'ecr.lint.debounceMs', uri('/work/api/Dockerfile')), 250);
    // A folder named like the start of another is not that folder.
    assert.equal(typedSetting(source, 'ecr.lint.enabled', uri('/work/api2/Dockerfile')), true);
  });

  it('the registry-host override is one value per window, whichever folder asks (the build task and the ECR view agree)', () => {
    const source = multiRootWorkspace({
      workspace: { 'ecr.registryHostOverride': 'localhost:5000' },
      folders: { '/work/api': { 'ecr.registryHostOverride': 'ignored:1' } },
    });
    assert.equal(typedSetting(source, 'ecr.registryHostOverride', uri('/work/api/Dockerfile')), 'localhost:5000');
    assert.equal(typedSetting(source, 'ecr.registryHostOverride'), 'localhost:5000');
    assert.deepEqual(source.asked, [undefined, undefined]);
  });

  it('a value of the wrong type gives the default; the raw value stays readable for a message', () => {
    const source = multiRootWorkspace({ user: { 'ecr.pageSize': 'many', 'ecr.registries': { region: 'us-east-1' } }, folders: {} });
    assert.equal(typedSetting(source, 'ecr.pageSize'), 1000);
    assert.deepEqual(typedSetting(source, 'ecr.registries'), []);
    assert.equal(rawSetting(source, 'ecr.pageSize'), 'many');
  });

  it('no other module of src/ reads or writes settings itself', () => {
    const allowed = new Set(['src/vscode/settings.ts', 'src/vscode/settingsSchema.ts']);
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sources(path.join(dir, entry.name)) : entry.name.endsWith('.ts') ? [path.join(dir, entry.name)] : []));
    const offenders = sources(path.join(REPO, 'src'))
      .map((file) => path.relative(REPO, file).split(path.sep).join('/'))
      .filter((file) => !allowed.has(file) && /\.getConfiguration\(/.test(readFileSync(path.join(REPO, file), 'utf8')));
    assert.deepEqual(offenders, []);
  });
});
