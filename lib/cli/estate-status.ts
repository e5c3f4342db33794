/** `status` in an estate: the target placed in its account and region, read with that account's keys. */
import type { Config } from '../config.ts';
import type { ResolvedTarget } from '../decision/outcome.ts';
import type { Target } from '../decision/schema.ts';
import { estateRun, placeTarget } from '../estate/run.ts';
import type { HuaweiClient } from '../huawei/client.ts';
import type { ApiTarget } from '../huawei/connections.ts';

export async function placeForStatus(
  config: Config,
  client: HuaweiClient,
  target: Target,
  deadlineAt: number,
): Promise<{ client: HuaweiClient; api: ApiTarget; resolved: ResolvedTarget }> {
  if (config.estate === undefined) throw new RangeError('placeForStatus needs an estate');
  const placed = await placeTarget(estateRun(config.estate, config.huawei, client), target, deadlineAt);
  return {
    client: placed.client,
    api: placed.api,
    resolved: { ...target, projectId: placed.api.projectId, region: placed.place.region },
  };
}
