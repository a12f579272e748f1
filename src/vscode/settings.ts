import * as vscode from 'vscode';
import { rawSetting, typedSetting, type ResourceSettingKey, type SettingKey, type SettingValue, type WindowSettingKey } from './settingsSchema';

/**
 * The one way the extension reads and writes its `ecr.*` settings (the keys, scopes and defaults:
 * settingsSchema.ts). A resource setting is read with the document's or folder's URI, which the
 * caller must pass (undefined says "the workspace's value" out loud); a window setting takes none.
 */
export const settings = {
  get: <K extends WindowSettingKey>(key: K): SettingValue<K> => typedSetting(vscode.workspace, key),
  forResource: <K extends ResourceSettingKey>(key: K, scope: vscode.ConfigurationScope | undefined): SettingValue<K> => typedSetting(vscode.workspace, key, scope),
  /** As the user wrote it, for code that reports a bad value instead of replacing it silently. */
  raw: (key: SettingKey, scope?: vscode.ConfigurationScope): unknown => rawSetting(vscode.workspace, key, scope),
  inspect: (key: WindowSettingKey) => vscode.workspace.getConfiguration().inspect(key),
  update: (key: WindowSettingKey, value: unknown, target: vscode.ConfigurationTarget): Thenable<void> => vscode.workspace.getConfiguration().update(key, value, target),
};
