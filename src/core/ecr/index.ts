/**
 * ECR core: plain Node (never imports vscode), usable by the explorer, build-and-push, tests and
 * benches. Importing this file loads no AWS SDK code; each function loads the SDK when called.
 */
export * from './registryHost';
export * from './names';
export * from './links';
export * from './format';
export * from './pagination';
export * from './client';
export * from './listing';
export * from './tokenCache';
export * from './management';
export * from './errors';
export * from './profiles';
