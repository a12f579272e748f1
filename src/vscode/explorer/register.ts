import type { Services } from '../services';
import type { ExplorerApi } from './api';

/** Placeholder until the explorer lands (issue 3). */
export function registerExplorer(_services: Services): ExplorerApi {
  return {
    connections: () => [],
    connection: () => undefined,
    refresh: () => {},
    knownImages: () => [],
  };
}
