import type { Partition } from './registryHost';
import { editDistance } from '../editDistance';

/**
 * The AWS regions of every partition, as the AWS SDK's partition data lists them
 * (`@aws-sdk/core`, `util-endpoints/lib/aws/partitions.js`, the same data the ECR client resolves
 * endpoints with; `<partition>-global` pseudo-regions left out). The SDK exports no list, only
 * `partition(region)`, so this is its data copied by a script, not typed by hand:
 * `test/unit/references/findings.test.ts` reads the installed SDK's file and fails, naming the
 * regions to add or remove, whenever the two differ (an SDK update that adds a region).
 */
export const SDK_REGIONS: Readonly<Record<Partition, readonly string[]>> = {
  aws: [
    'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
    'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
    'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2',
    'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'me-west-1', 'mx-central-1', 'sa-east-1', 'sa-west-1', 'us-east-1',
    'us-east-2', 'us-west-1', 'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-eusc': ['eusc-de-east-1'],
  'aws-iso': ['us-iso-east-1', 'us-iso-west-1'],
  'aws-iso-b': ['us-isob-east-1', 'us-isob-west-1'],
  'aws-iso-e': ['eu-isoe-west-1'],
  'aws-iso-f': ['us-isof-east-1', 'us-isof-south-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};

const ALL_REGIONS = new Set(Object.values(SDK_REGIONS).flat());

export function isKnownRegion(region: string): boolean {
  return ALL_REGIONS.has(region);
}

/**
 * The known region nearest to a misspelt one (`us-eas-1` → `us-east-1`), or undefined when none
 * is close enough to be what was meant (at most 3 edits, and fewer than half the name) or two
 * regions are equally near (then a fix would be a guess).
 */
export function nearestRegion(region: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const candidate of ALL_REGIONS) {
    const distance = editDistance(region, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
      tie = false;
    } else if (distance === bestDistance) {
      tie = true;
    }
  }
  if (best === undefined || tie || bestDistance > 3 || bestDistance * 2 >= region.length) return undefined;
  return best;
}
