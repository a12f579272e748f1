import type { ExplorerCommandContext } from './commandContext';
import { registerCopyAs } from './copyAsCommand';
import { registerLifecycleCommands } from './lifecycleCommands';
import { registerPullCommand } from './pullCommand';
import { registerRepositorySettingsCommands } from './repositorySettingsCommands';
import { registerScanCommands } from './scanCommands';

/** The explorer's feature commands beyond browsing, each in its own module. */
export function registerFeatureCommands(context: ExplorerCommandContext): void {
  registerCopyAs(context);
  registerLifecycleCommands(context);
  registerScanCommands(context);
  registerRepositorySettingsCommands(context);
  registerPullCommand(context);
}
