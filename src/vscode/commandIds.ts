/**
 * Every command the extension contributes (package.json `contributes.commands`), in one list.
 * A `CommandId` is one of these, so a misspelt id in the table, a menu-driven call or
 * `runCommand` is a compile error; a unit test checks this list against package.json.
 * No `vscode` import here, so that test runs in plain Node.
 */
export const COMMAND_IDS = [
  'ecr.refresh',
  'ecr.addRegistry',
  'ecr.removeRegistry',
  'ecr.setAccessKeys',
  'ecr.selectProfile',
  'ecr.retry',
  'ecr.loadMore',
  'ecr.filter',
  'ecr.clearFilter',
  'ecr.createRepository',
  'ecr.deleteRepository',
  'ecr.deleteImages',
  'ecr.copyRepositoryUri',
  'ecr.copyImageUriByTag',
  'ecr.copyImageUriByDigest',
  'ecr.copyPullCommand',
  'ecr.checkImage',
  'ecr.openInConsole',
  'ecr.newAqueductDockerfile',
  'ecr.buildAndPush',
  'ecr.loginDockerCli',
  'ecr.showLog',
  'ecr.copyAs',
  'ecr.viewLifecyclePolicy',
  'ecr.buildLifecyclePolicy',
  'ecr.previewLifecyclePolicy',
  'ecr.clearLifecyclePreview',
  'ecr.applyLifecyclePolicy',
  'ecr.deleteLifecyclePolicy',
  'ecr.startImageScan',
  'ecr.showScanFindings',
  'ecr.toggleScanOnPush',
  'ecr.pullImage',
  'ecr.restoreImage',
  'ecr.toggleTagImmutability',
  'ecr.viewRepositoryPolicy',
  'ecr.turnScanOnPushOn',
  'ecr.turnScanOnPushOff',
  'ecr.editTagMutability',
  'ecr.createPullThroughRule',
  'ecr.deletePullThroughRule',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
