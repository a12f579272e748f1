import type * as vscode from 'vscode';

/**
 * Every `ecr.*` setting, with the scope `package.json` declares for it (test/unit/settings.test.ts
 * keeps the two equal) and its default. `readWith` says how the extension reads it:
 * - `resource`: with the document's or folder's URI, so each folder of a multi-root workspace gets
 *   its own value (VS Code: "resource" settings can be set per folder).
 * - `window`: without a URI, one value for the window. Registries, their endpoint and their host
 *   override belong to the window's connections (one ECR view per window), so the build task and the
 *   explorer read the same value; a folder's value of these is never read.
 * Scopes: https://code.visualstudio.com/api/references/contribution-points#contributes.configuration
 */
export const SETTINGS = {
  'ecr.registries': { scope: 'machine', readWith: 'window', default: [] as unknown[] },
  'ecr.endpoint': { scope: 'machine-overridable', readWith: 'window', default: '' },
  'ecr.registryHostOverride': { scope: 'machine-overridable', readWith: 'window', default: '' },
  'ecr.pageSize': { scope: 'window', readWith: 'window', default: 1000 },
  'ecr.images.sortBy': { scope: 'window', readWith: 'window', default: 'pushed' },
  'ecr.aqueduct.serverVersion': { scope: 'resource', readWith: 'resource', default: '0.3.6' },
  'ecr.aqueduct.targetPlatform': { scope: 'resource', readWith: 'resource', default: 'linux/amd64' },
  'ecr.aqueduct.enabled': { scope: 'resource', readWith: 'resource', default: false },
  'ecr.lint.enabled': { scope: 'resource', readWith: 'resource', default: true },
  'ecr.lint.rules': { scope: 'resource', readWith: 'resource', default: {} as Record<string, unknown> },
  'ecr.lint.buildChecks': { scope: 'resource', readWith: 'resource', default: 'merged' },
  'ecr.lint.debounceMs': { scope: 'resource', readWith: 'resource', default: 250 },
  'ecr.lint.shellcheck.enabled': { scope: 'resource', readWith: 'resource', default: true },
  'ecr.lint.shellcheck.path': { scope: 'machine-overridable', readWith: 'resource', default: 'shellcheck' },
  'ecr.docker.host': { scope: 'machine-overridable', readWith: 'resource', default: '' },
} as const;

export type SettingKey = keyof typeof SETTINGS;
/** Settings read per document or folder: reading one needs the URI (or an explicit undefined for the workspace's value). */
export type ResourceSettingKey = { [K in SettingKey]: (typeof SETTINGS)[K]['readWith'] extends 'resource' ? K : never }[SettingKey];
export type WindowSettingKey = Exclude<SettingKey, ResourceSettingKey>;
/** A setting's value as its default is typed (a string setting is a string, …). */
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K]['default'] extends infer D ? (D extends string ? string : D extends boolean ? boolean : D extends number ? number : D) : never;

/** The part of `vscode.workspace` settings are read through (the tests hand in their own). */
export interface ConfigurationSource {
  getConfiguration(section?: string, scope?: vscode.ConfigurationScope | null): Pick<vscode.WorkspaceConfiguration, 'get'>;
}

/** A setting as the user wrote it (unchecked): for code that says what is wrong with a bad value. */
export function rawSetting(source: ConfigurationSource, key: SettingKey, scope?: vscode.ConfigurationScope): unknown {
  // A window setting is read without a URI even when one is at hand, so every reader gets one value.
  const { readWith, default: fallback } = SETTINGS[key];
  return source.getConfiguration(undefined, readWith === 'resource' ? scope : undefined).get<unknown>(key, fallback);
}

/** A setting's value, or its default when the value has the wrong type (a hand-edited settings.json). */
export function typedSetting<K extends SettingKey>(source: ConfigurationSource, key: K, scope?: vscode.ConfigurationScope): SettingValue<K> {
  const value = rawSetting(source, key, scope);
  const fallback = SETTINGS[key].default;
  const sameType = Array.isArray(fallback) ? Array.isArray(value) : typeof value === typeof fallback && value !== null && !Array.isArray(value);
  return (sameType ? value : fallback) as SettingValue<K>;
}
