/**
 * The sweep's whole view of a target read from Huawei Cloud: every connection (any status) and the
 * whitelist. The target's API location comes from `resolve`, so the same reader serves the functions'
 * own account (below) and any other account and region a caller can resolve.
 */
import type { HuaweiConfig } from '../config.ts';
import { targetFromKey } from '../decision/schema.ts';
import { resolveTarget } from '../decision/target.ts';
import { ValidationError } from '../errors.ts';
import type { HuaweiClient } from '../huawei/client.ts';
import type { ApiTarget } from '../huawei/connections.ts';
import { type ListedConnection, listConnectionsByStatus } from '../huawei/pending.ts';
import { listWhitelist, type Whitelist } from '../huawei/permissions.ts';
import type { TargetLocation } from './target-view.ts';

export type TargetReaderDeps = {
  client: HuaweiClient;
  resolve(target: string): ApiTarget;
  /** Budget for reading one target, retries included. */
  deadlineMs: number;
  clock?: () => Date;
};

export function huaweiTargetReader(deps: TargetReaderDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async (target: string): Promise<{ connections: ListedConnection[]; whitelist: Whitelist }> => {
    const api = deps.resolve(target);
    const deadlineAt = clock().getTime() + deps.deadlineMs;
    const [connections, whitelist] = await Promise.all([
      listConnectionsByStatus(deps.client, api, undefined, { deadlineAt }),
      listWhitelist(deps.client, api, { deadlineAt }),
    ]);
    if (!connections.ok) throw connections.error;
    if (!whitelist.ok) throw whitelist.error;
    return { connections: connections.body, whitelist: whitelist.body };
  };
}

/** Targets of the functions' own account and region (HUAWEICLOUD_SDK_PROJECT_ID, HUAWEICLOUD_REGION). */
export function ownAccountResolver(huawei: HuaweiConfig): (target: string) => ApiTarget {
  return (targetText) => {
    const target = targetFromKey(targetText);
    if (target === undefined)
      throw new ValidationError([
        { path: 'target', message: 'must be vpcep:<serviceId> or apig:<instanceId>' },
      ]);
    const resolution = resolveTarget(target, huawei);
    if (!resolution.ok) throw new ValidationError(resolution.issues, 'cannot resolve the target');
    return resolution.api;
  };
}

/**
 * Where the functions' own targets live: the account is named by its domain id when
 * HUAWEICLOUD_SDK_DOMAIN_ID gives it (and that is the owner exclusiveWhitelist keeps), else `own`.
 */
export function ownAccountLocation(
  huawei: HuaweiConfig,
  ownerDomainId: string | undefined,
): () => TargetLocation {
  const location: TargetLocation = {
    account: ownerDomainId ?? 'own',
    region: huawei.defaultRegion ?? 'unknown',
    ...(ownerDomainId === undefined ? {} : { ownerDomainId: ownerDomainId.toLowerCase() }),
  };
  return () => location;
}
