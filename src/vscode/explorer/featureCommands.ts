import type { ExplorerCommandContext } from './commandContext';
import { registerCopyAs } from './copyAsCommand';
import { registerLifecycleCommands } from './lifecycleCommands';
import { registerPullCommand } from './pullCommand';
import { ReadOnlyDocuments } from './readOnlyDocuments';
import { registerRepositorySettingsCommands } from './repositorySettingsCommands';
import { registerScanCommands } from './scanCommands';

/** The explorer's feature commands beyond browsing, each in its own module. */
export function registerFeatureCommands(context: ExplorerCommandContext): void {
  const documents = new ReadOnlyDocuments();
  context.services.context.subscriptions.push(documents);
  registerCopyAs(context);
  registerLifecycleCommands(context);
  registerScanCommands(context, documents);
  registerRepositorySettingsCommands(context, documents);
  registerPullCommand(context);
}
