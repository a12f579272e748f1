import type { Services } from '../services';
import type { ExplorerApi } from './api';
import { archiveCommands } from './archiveCommands';
import { browseCommands } from './browseCommands';
import { copyAsCommands } from './copyAsCommand';
import { copyImageCommands } from './copyImageCommand';
import { Explorer } from './explorer';
import { imageCommands } from './imageCommands';
import { inspectCommands } from './inspectCommand';
import { lifecycleCommands } from './lifecycleCommands';
import { preflightCommands } from './preflightCommand';
import { pullCommands } from './pullCommand';
import { pullThroughCommands } from './pullThroughCommands';
import { ReadOnlyDocuments } from './readOnlyDocuments';
import { repositoryCommands } from './repositoryCommands';
import { repositorySettingsCommands } from './repositorySettingsCommands';
import { scanCommands } from './scanCommands';
import { tagMutabilityCommands } from './tagMutabilityCommand';
import { tagCommands } from './tagCommands';

type ExplorerCommands = ReturnType<typeof browseCommands> &
  ReturnType<typeof repositoryCommands> &
  ReturnType<typeof imageCommands> &
  ReturnType<typeof copyAsCommands> &
  ReturnType<typeof lifecycleCommands> &
  ReturnType<typeof scanCommands> &
  ReturnType<typeof repositorySettingsCommands> &
  ReturnType<typeof tagMutabilityCommands> &
  ReturnType<typeof pullCommands> &
  ReturnType<typeof pullThroughCommands> &
  ReturnType<typeof archiveCommands> &
  ReturnType<typeof inspectCommands> &
  ReturnType<typeof tagCommands> &
  ReturnType<typeof copyImageCommands> &
  ReturnType<typeof preflightCommands>;

/**
 * The ECR view: its model, tree and connections, and the explorer's part of the command table
 * (registered with everyone else's in extension.ts).
 */
export function registerExplorer(services: Services): { api: ExplorerApi; commands: ExplorerCommands; internals: Explorer } {
  const explorer = new Explorer(services);
  const documents = new ReadOnlyDocuments();
  services.context.subscriptions.push(explorer, documents);
  const commands: ExplorerCommands = {
    ...browseCommands(explorer),
    ...repositoryCommands(explorer),
    ...imageCommands(explorer),
    ...copyAsCommands(explorer),
    ...lifecycleCommands(explorer),
    ...scanCommands(explorer, documents),
    ...repositorySettingsCommands(explorer, documents),
    ...tagMutabilityCommands(explorer),
    ...pullCommands(explorer),
    ...pullThroughCommands(explorer),
    ...archiveCommands(explorer),
    ...inspectCommands(explorer, documents),
    ...tagCommands(explorer),
    ...copyImageCommands(explorer),
    ...preflightCommands(explorer),
  };
  // internals: for src/vscode/testApi.ts only (loaded under ExtensionMode.Test).
  return { api: explorer.api(), commands, internals: explorer };
}
