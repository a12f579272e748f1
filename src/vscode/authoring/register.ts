import type { Services } from '../services';
import type { ExplorerApi } from '../explorer/api';

/** Placeholder until authoring lands (issue 4). */
export function registerAuthoring(_services: Services, _explorer: ExplorerApi): void {}
