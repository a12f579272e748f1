import type { Services } from '../services';
import type { ExplorerApi } from '../explorer/api';

/** Placeholder until build and push lands (issue 5). */
export function registerTasks(_services: Services, _explorer: ExplorerApi): void {}
