import type { RepositorySummary } from '../../../src/core/ecr/listing';
import type { ExplorerRegistry } from '../../../src/core/explorer/source';

/** A repository as DescribeRepositories lists it in account 123456789012, us-east-1. */
export const repository = (name: string): RepositorySummary => ({
  name,
  registryId: '123456789012',
  uri: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${name}`,
  arn: `arn:aws:ecr:us-east-1:123456789012:repository/${name}`,
  tagMutabilityExclusionFilters: [],
  tagMutability: 'MUTABLE',
  scanOnPush: false,
  encryption: { type: 'AES256' },
});

/** A configured registry without a client (the model's sources are fakes in unit tests); its region is the key's. */
export function registry(key = '123456789012/us-east-1', pageSize = 2): ExplorerRegistry {
  return {
    key,
    label: key,
    region: key.split('/')[1] ?? 'us-east-1',
    accountId: '123456789012',
    config: {},
    pageSize,
    client: () => Promise.reject(new Error('no client in unit tests')),
    registryHost: () => '123456789012.dkr.ecr.us-east-1.amazonaws.com',
    learnAccount: () => {},
  };
}
