import * as vscode from 'vscode';
import { isNode } from '../../core/explorer/nodes';
import type { Commands } from '../commands';
import { registryEntryArgument } from '../../core/explorer/arguments';
import type { Explorer } from './explorer';
import { addRegistry, removeRegistry, selectProfile, setAccessKeys } from './registryCommands';

type BrowseCommandId =
  | 'ecr.refresh'
  | 'ecr.refreshView'
  | 'ecr.addRegistry'
  | 'ecr.removeRegistry'
  | 'ecr.selectProfile'
  | 'ecr.setAccessKeys'
  | 'ecr.retry'
  | 'ecr.loadMore'
  | 'ecr.filter'
  | 'ecr.clearFilter';

/** Registries and the tree itself: add/remove/credentials, refresh, retry, load more, filter. */
export function browseCommands(explorer: Explorer): Commands<BrowseCommandId> {
  const { model, targets, keys } = explorer;
  return {
    'ecr.refresh': (node) => {
      if (isNode(node, 'repository')) model.refresh(node.registryKey, node.repository.name);
      else if (isNode(node, 'registry')) model.refresh(node.registryKey);
      else explorer.reconnect();
    },
    // The view title passes the focused row to its commands: its Refresh is its own command, for every registry.
    'ecr.refreshView': () => model.refresh(),
    'ecr.addRegistry': (arg) => {
      const given = registryEntryArgument(arg);
      if (given && 'problem' in given) {
        void explorer.report(given.problem);
        return undefined;
      }
      return addRegistry(explorer.report, given?.entry);
    },
    'ecr.removeRegistry': async (arg) => {
      const connection = await targets.registry(arg, 'Remove Registry');
      return connection ? removeRegistry(connection.key, keys, explorer.services.modals) : false;
    },
    'ecr.selectProfile': async (arg) => {
      const connection = await targets.registry(arg, 'Select AWS Profile');
      if (connection && (await selectProfile(connection.key, keys, explorer.report))) explorer.reconnect();
    },
    'ecr.setAccessKeys': async (arg) => {
      const connection = await targets.registry(arg, 'Enter Access Keys');
      if (connection && (await setAccessKeys(connection.key, connection.label, keys))) explorer.reconnect();
    },
    'ecr.retry': async (node, options) => {
      if (!isNode(node, 'error')) return explorer.reconnect();
      const performAction = Boolean(options && typeof options === 'object' && (options as { performAction?: unknown }).performAction === true);
      if (performAction && node.error.action) return explorer.performAction(node.error.action, node.registryKey, node.repositoryName);
      model.refresh(node.registryKey, node.repositoryName);
    },
    'ecr.loadMore': (node) => (isNode(node, 'loadMore') ? model.loadMore(node) : undefined),
    'ecr.filter': async (text) => {
      const value =
        typeof text === 'string'
          ? text
          : await vscode.window.showInputBox({
              title: 'Filter ECR Registries',
              prompt: 'Shows repositories whose name contains this, and tags that contain it (in images already loaded); "stale" shows images not pulled for 90+ days',
              value: model.filter,
            });
      if (value !== undefined) explorer.setFilter(value);
    },
    'ecr.clearFilter': () => explorer.setFilter(''),
  };
}
