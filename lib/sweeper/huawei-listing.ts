/** The sweep's view of a target read from Huawei Cloud: pending connections, and accepted ones per account. */
import type { HuaweiConfig } from '../config.ts';
import { type Target, targetFromKey } from '../decision/schema.ts';
import { resolveTarget } from '../decision/target.ts';
import { ValidationError } from '../errors.ts';
import type { HuaweiClient } from '../huawei/client.ts';
import type { ApiTarget } from '../huawei/connections.ts';
import { listConnections } from '../huawei/connections.ts';
import { listConnectionsByStatus } from '../huawei/pending.ts';
import { listWhitelist } from '../huawei/permissions.ts';
import type { TargetListing } from './sweep.ts';

export type HuaweiListingDeps = {
  client: HuaweiClient;
  huawei: HuaweiConfig;
  /** Budget for listing one target, retries included. */
  deadlineMs: number;
  clock?: () => Date;
  /**
   * Where a target is called, and with which client: an estate's account and region
   * (lib/estate/watch.ts). Unset, the target is resolved with `huawei` and called with `client`.
   */
  locate?: (targetKey: string, deadlineAt: number) => Promise<{ client: HuaweiClient; api: ApiTarget }>;
};

/**
 * `listPending` for the sweep, over the connection list API (`status=pendingAcceptance`, then
 * `accepted`), with the target's whitelist when there is anything pending to tell people about.
 */
export function huaweiListing(deps: HuaweiListingDeps) {
  const clock = deps.clock ?? (() => new Date());
  const locate = async (target: Target, targetKey: string, deadlineAt: number) => {
    if (deps.locate !== undefined) return deps.locate(targetKey, deadlineAt);
    const resolution = resolveTarget(target, deps.huawei);
    if (!resolution.ok) throw new ValidationError(resolution.issues, 'cannot resolve the target');
    return { client: deps.client, api: resolution.api };
  };
  return async (targetKey: string, options: { countAccepted: boolean }): Promise<TargetListing> => {
    const target = targetFromKey(targetKey);
    if (target === undefined)
      throw new ValidationError([
        { path: 'target', message: 'must be vpcep:<serviceId> or apig:<instanceId>' },
      ]);
    const deadlineAt = clock().getTime() + deps.deadlineMs;
    const { client, api } = await locate(target, targetKey, deadlineAt);
    const pending = await listConnectionsByStatus(client, api, 'pendingAcceptance', {
      deadlineAt,
    });
    if (!pending.ok) throw pending.error;
    const acceptedByAccount = new Map<string, number>();
    if (options.countAccepted) {
      const accepted = await listConnectionsByStatus(client, api, 'accepted', { deadlineAt });
      if (!accepted.ok) throw accepted.error;
      for (const c of accepted.body) {
        const account = c.domainId?.toLowerCase();
        if (account !== undefined) acceptedByAccount.set(account, (acceptedByAccount.get(account) ?? 0) + 1);
      }
    }
    // The whitelist only tells people more: should it not be readable (an AK/SK without the right to
    // list it), the sweep goes on and reports why.
    let whitelist: Pick<TargetListing, 'whitelist' | 'whitelistError'> = {};
    if (pending.body.length > 0) {
      const read = await listWhitelist(client, api, { deadlineAt });
      whitelist = read.ok ? { whitelist: read.body } : { whitelistError: read.error };
    }
    return {
      ...whitelist,
      pending: pending.body.map((c) => ({
        endpointId: c.endpointId,
        ...(c.domainId === undefined ? {} : { domainId: c.domainId }),
        ...(c.createdAt === undefined ? {} : { createdAt: c.createdAt }),
      })),
      acceptedByAccount,
    };
  };
}

/**
 * One connection's status as Huawei Cloud reports it now (read through its target), or undefined when
 * the target no longer lists it: how the sweep tells what became of a request decided in the console.
 */
export function huaweiConnectionStatus(deps: HuaweiListingDeps) {
  const clock = deps.clock ?? (() => new Date());
  return async (targetKey: string, endpointId: string): Promise<string | undefined> => {
    const target = targetFromKey(targetKey);
    if (target === undefined)
      throw new ValidationError([
        { path: 'target', message: 'must be vpcep:<serviceId> or apig:<instanceId>' },
      ]);
    const resolution = resolveTarget(target, deps.huawei);
    if (!resolution.ok) throw new ValidationError(resolution.issues, 'cannot resolve the target');
    const read = await listConnections(deps.client, resolution.api, {
      deadlineAt: clock().getTime() + deps.deadlineMs,
      endpointId,
    });
    if (!read.ok) throw read.error;
    return read.body.find((c) => c.id.toLowerCase() === endpointId.toLowerCase())?.status;
  };
}
